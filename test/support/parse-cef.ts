/** A CEF line taken apart, every escape undone. */
export interface CefEvent {
  version: string;
  vendor: string;
  product: string;
  deviceVersion: string;
  signature: string;
  name: string;
  severity: string;
  extensions: Record<string, string>;
}

const HEADER_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '|': '|' };
const EXTENSION_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '=': '=', n: '\n', r: '\r' };
const EXTENSION_KEY = /^[A-Za-z0-9_]+=/;

/**
 * Parses a CEF:0 line as a strict receiver would: an escape the standard does not define, or a bare
 * `=` inside an extension value, is an error rather than something to guess about.
 */
export function parseCef(line: string): CefEvent {
  if (!line.startsWith('CEF:')) throw new Error(`not a CEF line: ${line.slice(0, 40)}`);
  const header: string[] = [];
  let field = '';
  let i = 4;
  while (header.length < 7) {
    if (i >= line.length) throw new Error(`the header ends after ${header.length} fields`);
    const c = line[i]!;
    if (c === '\\') {
      const next = line[i + 1] ?? '';
      const unescaped = HEADER_ESCAPES[next];
      if (unescaped === undefined) throw new Error(`undefined header escape \\${next} at ${i}`);
      field += unescaped;
      i += 2;
    } else if (c === '|') {
      header.push(field);
      field = '';
      i++;
    } else {
      if (c === '\n' || c === '\r') throw new Error(`a line break in the header at ${i}`);
      field += c;
      i++;
    }
  }
  const extensions: Record<string, string> = {};
  const rest = line.slice(i);
  let j = 0;
  while (j < rest.length) {
    const key = EXTENSION_KEY.exec(rest.slice(j))?.[0].slice(0, -1);
    if (key === undefined) throw new Error(`no extension key at ${i + j}: ${rest.slice(j, j + 30)}`);
    if (key in extensions) throw new Error(`extension ${key} twice`);
    j += key.length + 1;
    let value = '';
    while (j < rest.length) {
      const c = rest[j]!;
      if (c === '\\') {
        const next = rest[j + 1] ?? '';
        const unescaped = EXTENSION_ESCAPES[next];
        if (unescaped === undefined) throw new Error(`undefined extension escape \\${next} in ${key}`);
        value += unescaped;
        j += 2;
      } else if (c === '=') {
        throw new Error(`a bare = in the value of ${key}`);
      } else if (c === ' ' && EXTENSION_KEY.test(rest.slice(j + 1))) {
        j++;
        break;
      } else {
        if (c === '\n' || c === '\r') throw new Error(`a raw line break in the value of ${key}`);
        value += c;
        j++;
      }
    }
    extensions[key] = value;
  }
  const [version, vendor, product, deviceVersion, signature, name, severity] = header as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { version, vendor, product, deviceVersion, signature, name, severity, extensions };
}

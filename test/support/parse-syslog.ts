/** An RFC 5424 message taken apart; structured data by SD-ID, then parameter name. */
export interface SyslogMessage {
  facility: number;
  severity: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData: Record<string, Record<string, string>>;
  msg: string;
}

const HEADER = /^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) /;

/** Parses one RFC 5424 message (no framing, no trailing line break); throws on anything malformed. */
export function parseSyslog(text: string): SyslogMessage {
  const m = HEADER.exec(text);
  if (!m) throw new Error(`not an RFC 5424 message: ${text.slice(0, 80)}`);
  const pri = Number(m[1]);
  const structuredData: Record<string, Record<string, string>> = {};
  let i = m[0].length;
  if (text[i] === '-') {
    i++;
  } else {
    while (text[i] === '[') {
      i++;
      const id = /^[^ =\]"]+/.exec(text.slice(i))?.[0];
      if (id === undefined) throw new Error(`no SD-ID at ${i}`);
      i += id.length;
      const params: Record<string, string> = {};
      while (text[i] === ' ') {
        i++;
        const name = /^[^ =\]"]+/.exec(text.slice(i))?.[0];
        if (name === undefined || text[i + name.length] !== '=' || text[i + name.length + 1] !== '"') {
          throw new Error(`no SD-PARAM at ${i}`);
        }
        i += name.length + 2;
        let value = '';
        while (text[i] !== '"') {
          if (i >= text.length) throw new Error(`unterminated value of ${name}`);
          if (text[i] === '\\' && ['"', '\\', ']'].includes(text[i + 1] ?? '')) {
            value += text[i + 1];
            i += 2;
          } else {
            value += text[i];
            i++;
          }
        }
        i++;
        params[name] = value;
      }
      if (text[i] !== ']') throw new Error(`unterminated SD-ELEMENT ${id}`);
      i++;
      structuredData[id] = params;
    }
  }
  if (i < text.length && text[i] !== ' ') throw new Error(`no space after the structured data at ${i}`);
  return {
    facility: pri >> 3,
    severity: pri & 7,
    version: Number(m[2]),
    timestamp: m[3]!,
    hostname: m[4]!,
    appName: m[5]!,
    procId: m[6]!,
    msgId: m[7]!,
    structuredData,
    msg: text.slice(i + 1),
  };
}

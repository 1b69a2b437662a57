// Workloads upgrade their SDKs and runtimes all the time, and every patch or minor release changes the
// user agent text; what says "another program is using this credential" is the product, and a major
// version only tells a new release of the same program. So a user agent is reduced to the product of
// its first token and that product's major version; the runtime and OS details after it are dropped.

/** A user agent reduced to what identifies the software: its product and that product's major version. */
export interface UserAgentIdentity {
  /** Lower-case product (`azsdk-python-identity`, `curl`, `powershell`), `browser:<name>` for browsers. */
  product: string;
  /** The major version's digits (`1`, `120`), or null when the user agent names no version. */
  major: string | null;
  /** `product/major`, or the product alone when there is no version: one version of one product. */
  key: string;
}

const CODE_0 = 48;
const CODE_9 = 57;
const CODE_SLASH = 47;
const CODE_PAREN = 40;
const CODE_SEMICOLON = 59;
const CODE_LOWER_V = 118;

// Longer product names are cut: the text is attacker-controlled and ends up as a stored baseline value.
const MAX_PRODUCT_LENGTH = 64;

// Browsers all start with `Mozilla/5.0`; the product is the token naming the browser. Order matters:
// Edge, Opera and headless Chrome also carry `Chrome/`, and Chrome carries `Safari/`.
const BROWSER_TOKENS: readonly (readonly [token: string, name: string])[] = [
  ['Edg/', 'edge'],
  ['EdgA/', 'edge'],
  ['EdgiOS/', 'edge'],
  ['OPR/', 'opera'],
  ['SamsungBrowser/', 'samsung'],
  ['Firefox/', 'firefox'],
  ['FxiOS/', 'firefox'],
  ['HeadlessChrome/', 'headless-chrome'],
  ['CriOS/', 'chrome'],
  ['Chrome/', 'chrome'],
];

// Windows PowerShell 5.1 and PowerShell 7 are one product in two major versions; both send a
// `Mozilla/5.0 (…)` prefix, so they must be recognised before browsers.
const POWERSHELL_TOKEN = 'PowerShell/';
const WINDOWS_POWERSHELL_PRODUCT = 'windowspowershell';

function isDigit(c: number): boolean {
  return c >= CODE_0 && c <= CODE_9;
}

/** The major version at text[from]: digits after an optional `v`, leading zeros dropped; null if none. */
function readMajor(text: string, from: number): string | null {
  let i = from;
  if (i < text.length && (text.charCodeAt(i) | 0x20) === CODE_LOWER_V) i++;
  const start = i;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  if (i === start) return null;
  let first = start;
  while (first < i - 1 && text.charCodeAt(first) === CODE_0) first++;
  return text.slice(first, i);
}

function identity(product: string, major: string | null): UserAgentIdentity {
  return { product, major, key: major === null ? product : `${product}/${major}` };
}

function parseMozilla(text: string): UserAgentIdentity {
  const powershell = text.indexOf(POWERSHELL_TOKEN);
  if (powershell !== -1) return identity('powershell', readMajor(text, powershell + POWERSHELL_TOKEN.length));
  for (const [token, name] of BROWSER_TOKENS) {
    const at = text.indexOf(token);
    if (at !== -1) return identity(`browser:${name}`, readMajor(text, at + token.length));
  }
  // Safari names its release in `Version/`; its `Safari/` token carries the WebKit build.
  const version = text.indexOf('Version/');
  if (version !== -1 && text.indexOf('Safari/') !== -1) {
    return identity('browser:safari', readMajor(text, version + 'Version/'.length));
  }
  const msie = text.indexOf('MSIE ');
  if (msie !== -1) return identity('browser:ie', readMajor(text, msie + 'MSIE '.length));
  const trident = text.indexOf('rv:');
  if (trident !== -1 && text.indexOf('Trident/') !== -1) {
    return identity('browser:ie', readMajor(text, trident + 'rv:'.length));
  }
  return identity('browser:other', null);
}

/**
 * The product and major version a user agent names, or null when it is empty. Browsers
 * (`Mozilla/5.0 …`) become `browser:<name>`; PowerShell's `Mozilla/5.0 (…) PowerShell/7.4.0` becomes
 * `powershell`; anything else is the text before the first `/`, lower-cased, with the version after it
 * (`azsdk-python-identity/1.15.0 Python/3.11.4 (…)` → `azsdk-python-identity`, `1`). A first token
 * without `/` (`Microsoft Azure Graph Client Library 1.0`) takes a trailing number as its version.
 */
export function parseUserAgent(userAgent: string): UserAgentIdentity | null {
  const text = userAgent.trim();
  if (text.length === 0) return null;
  if (text.startsWith('Mozilla/') || text.startsWith('mozilla/')) return parseMozilla(text);

  let end = text.length;
  let slash = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === CODE_SLASH) {
      slash = i;
      end = i;
      break;
    }
    if (c === CODE_PAREN || c === CODE_SEMICOLON) {
      end = i;
      break;
    }
  }
  let name = text.slice(0, end).trim();
  let major: string | null = null;
  if (slash !== -1) {
    major = readMajor(text, slash + 1);
  } else {
    const space = name.lastIndexOf(' ');
    if (space > 0) {
      const version = readMajor(name, space + 1);
      if (version !== null) {
        major = version;
        name = name.slice(0, space).trimEnd();
      }
    }
  }
  if (name.length === 0) return null;
  let product = name.toLowerCase();
  if (product.length > MAX_PRODUCT_LENGTH) product = product.slice(0, MAX_PRODUCT_LENGTH);
  if (product === WINDOWS_POWERSHELL_PRODUCT) product = 'powershell';
  return identity(product, major);
}

import { isJsonObject } from './is-json-object.ts';
import { normaliseIdentifier } from './normalise-identifier.ts';
import { optionalString } from './optional-string.ts';

/** One key as an audit `KeyDescription` modified property lists it. */
export interface KeyDescription {
  /** Lower-cased when a GUID. */
  keyId: string;
  /** `Password`, `AsymmetricX509Cert`, `Symmetric`, `X509CertAndPassword`, … */
  keyType: string | null;
  /** `Verify` or `Sign`. */
  usage: string | null;
  displayName: string | null;
}

/** Field labels inside one `[KeyIdentifier=…,KeyType=…,KeyUsage=…,DisplayName=…]` entry. */
const LABELS = ['KeyIdentifier=', 'KeyType=', 'KeyUsage=', 'DisplayName='] as const;
const ENTRY_START = 'KeyIdentifier=';
/** Characters left around a value when entries are cut out of raw (unparsable) JSON text. */
const ENTRY_DEBRIS = /^[\s"[\\]+|[\s"\],\\]+$/g;

/** Whether `keys` lists `keyId`. Lists hold a handful of keys, where a scan beats building a Set. */
export function listsKey(keys: KeyDescription[], keyId: string): boolean {
  for (let i = 0; i < keys.length; i++) if (keys[i]!.keyId === keyId) return true;
  return false;
}

/**
 * Reads one bracketed entry. Values run to the next label rather than the next comma because
 * display names may contain commas (`CN=build, O=Contoso`); labels are found in any order.
 */
function parseEntry(entry: string, raw: boolean): KeyDescription | null {
  const found: { label: number; start: number }[] = [];
  for (let label = 0; label < LABELS.length; label++) {
    const text = LABELS[label]!;
    // After the first field a label follows a comma; requiring it keeps `=` inside names harmless.
    const at = label === 0 ? entry.indexOf(text) : entry.indexOf(`,${text}`);
    if (at !== -1) found.push({ label, start: label === 0 ? at : at + 1 });
  }
  found.sort((a, b) => a.start - b.start);
  const values: (string | null)[] = [null, null, null, null];
  for (let i = 0; i < found.length; i++) {
    const { label, start } = found[i]!;
    const valueStart = start + LABELS[label]!.length;
    const next = found[i + 1];
    let valueEnd = next === undefined ? entry.length : next.start - 1;
    if (next === undefined && entry.charCodeAt(valueEnd - 1) === 93) valueEnd--;
    const value = entry.slice(valueStart, valueEnd);
    values[label] = optionalString(raw ? value.replace(ENTRY_DEBRIS, '') : value);
  }
  const keyId = normaliseIdentifier(values[0]);
  if (keyId === null) return null;
  return { keyId, keyType: values[1] ?? null, usage: values[2] ?? null, displayName: values[3] ?? null };
}

/** Reads an entry written as an object (`{"KeyIdentifier": …}`), as some re-exports do. */
function parseObjectEntry(entry: Record<string, unknown>): KeyDescription | null {
  const keyId = normaliseIdentifier(entry.KeyIdentifier ?? entry.keyIdentifier ?? entry.keyId);
  if (keyId === null) return null;
  return {
    keyId,
    keyType: optionalString(entry.KeyType ?? entry.keyType ?? entry.type),
    usage: optionalString(entry.KeyUsage ?? entry.keyUsage ?? entry.usage),
    displayName: optionalString(entry.DisplayName ?? entry.displayName),
  };
}

/**
 * Entry texts from a value that did not parse as JSON (cut short by a log shipper, say): each runs
 * from `KeyIdentifier=` to the `]"` that closes its JSON string, or to the next entry.
 */
function entriesFromRawText(text: string): string[] {
  const entries: string[] = [];
  let at = text.indexOf(ENTRY_START);
  while (at !== -1) {
    const next = text.indexOf(ENTRY_START, at + ENTRY_START.length);
    const close = text.indexOf(']"', at);
    const end = close !== -1 && (next === -1 || close < next) ? close + 1 : next === -1 ? text.length : next;
    entries.push(text.slice(at, end));
    at = next;
  }
  return entries;
}

/**
 * The keys listed in a `KeyDescription` old or new value: JSON text of an array of
 * `[KeyIdentifier=<guid>,KeyType=…,KeyUsage=…,DisplayName=…]` strings (`"[]"` when there are none).
 * Tolerates double-encoded JSON, object entries and text that is not JSON at all; entries without
 * a key identifier are ignored, duplicates are listed once.
 */
export function parseKeyDescriptions(text: string | null): KeyDescription[] {
  if (text === null || text.indexOf('KeyIdentifier') === -1) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    if (typeof parsed === 'string') parsed = JSON.parse(parsed);
  } catch {
    parsed = undefined;
  }
  const raw = !Array.isArray(parsed);
  const entries: unknown[] = Array.isArray(parsed) ? parsed : entriesFromRawText(text);
  const keys: KeyDescription[] = [];
  for (const entry of entries) {
    const key =
      typeof entry === 'string'
        ? parseEntry(entry, raw)
        : isJsonObject(entry)
          ? parseObjectEntry(entry)
          : null;
    if (key !== null && !listsKey(keys, key.keyId)) keys.push(key);
  }
  return keys;
}

import { StringDecoder } from 'node:string_decoder';
import { envelopeItems } from './formats/parse-record.ts';

/** Receives what framing finds: whole records (already JSON-parsed) and framing failures. */
export interface FrameSink {
  /** A record. `text` is its source line when it had one line to itself. */
  item(value: unknown, line: number | null, path: string | null, text: string | null): void;
  /** Something that is not a record: broken JSON, an oversized line, an unreadable document. */
  bad(reason: string, line: number | null, path: string | null, text: string): void;
}

/** Bounds on what framing accepts. */
export interface FrameOptions {
  /** Longest accepted line (one NDJSON record), in characters. */
  maxRecordBytes: number;
  /** Largest input read as one JSON document (pretty-printed arrays and pages). */
  maxDocumentBytes: number;
  /** Called after each chunk so a slow consumer can apply backpressure. */
  afterChunk?: () => Promise<void> | void;
  /** Number of the line before the first one given (a byte range starting mid-file). */
  lineOffset?: number;
  /** The input is known to be NDJSON (a later range of a file whose first line was JSON). */
  knownLines?: boolean;
}

/** Longest part of a rejected record kept in quarantine. */
export const QUARANTINE_TEXT_LIMIT = 4096;

/** Truncates text for quarantine, saying how much was cut. */
export function clipForQuarantine(text: string): string {
  return text.length <= QUARANTINE_TEXT_LIMIT
    ? text
    : `${text.slice(0, QUARANTINE_TEXT_LIMIT)}… (${text.length - QUARANTINE_TEXT_LIMIT} more characters)`;
}

type Mode = 'undecided' | 'lines' | 'document';

/**
 * Splits input into records, whatever its framing: NDJSON (one record or envelope per line, as
 * storage-account `PT1H.json` blobs and Log Analytics exports are), or one JSON document (an
 * array, an Event Hub `{"records":[…]}` message, a Graph page `{"value":[…]}`), pretty-printed or
 * not. The first line decides: if it is JSON on its own the input is NDJSON and every line stands
 * alone, so one broken line loses only itself; otherwise the whole input is parsed as a document,
 * and if that fails too, line by line after all.
 */
export async function frameRecords(
  chunks: AsyncIterable<Buffer | string>,
  sink: FrameSink,
  options: FrameOptions,
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let lineNo = options.lineOffset ?? 0;
  // Held in an object: the line handler below changes it, and TypeScript narrows plain locals.
  const st: { mode: Mode } = { mode: options.knownLines ? 'lines' : 'undecided' };
  // Lines held while deciding whether the input is one document.
  let held: string[] = [];
  let heldChars = 0;
  let heldFirstLine = 0;
  // An over-long line is skipped to its end without holding it in memory.
  let skipping: { line: number; head: string; chars: number } | null = null;
  let first = !options.knownLines;

  const onLine = (raw: string, n: number) => {
    let line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (first) {
      first = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    if (st.mode === 'lines') return parseLine(line, n, sink);
    if (st.mode === 'undecided') {
      if (isBlank(line)) return;
      const trimmed = line.trimStart();
      const c = trimmed.charCodeAt(0);
      if (c !== 123 && c !== 91) {
        st.mode = 'lines';
        return parseLine(line, n, sink);
      }
      let ok = true;
      try {
        JSON.parse(line);
      } catch {
        ok = false;
      }
      if (ok) {
        st.mode = 'lines';
        return parseLine(line, n, sink);
      }
      st.mode = 'document';
      heldFirstLine = n;
    }
    held.push(line);
    heldChars += line.length + 1;
    if (heldChars > options.maxDocumentBytes) {
      // Too large to be one document: treat what we have, and the rest, as lines.
      st.mode = 'lines';
      replayHeld();
    }
  };

  const replayHeld = () => {
    const lines = held;
    const start = heldFirstLine;
    held = [];
    heldChars = 0;
    for (let i = 0; i < lines.length; i++) parseLine(lines[i]!, start + i, sink);
  };

  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    if (skipping !== null) {
      const nl = text.indexOf('\n');
      if (nl === -1) {
        skipping.chars += text.length;
        continue;
      }
      skipping.chars += nl;
      oversized(skipping, sink, options.maxRecordBytes);
      skipping = null;
      start = nl + 1;
    }
    if (carry !== '') {
      text = carry + text.slice(start);
      start = 0;
      carry = '';
    }
    let nl = text.indexOf('\n', start);
    while (nl !== -1) {
      lineNo++;
      if (nl - start > options.maxRecordBytes && st.mode !== 'document') {
        oversized(
          { line: lineNo, head: text.slice(start, start + 256), chars: nl - start },
          sink,
          options.maxRecordBytes,
        );
      } else {
        onLine(text.slice(start, nl), lineNo);
      }
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    const rest = text.length - start;
    if (rest > options.maxRecordBytes && st.mode !== 'document') {
      lineNo++;
      skipping = { line: lineNo, head: text.slice(start, start + 256), chars: rest };
    } else if (rest > 0) {
      carry = text.slice(start);
    }
    if (options.afterChunk) await options.afterChunk();
  }
  carry += decoder.end();
  if (skipping !== null) {
    skipping.chars += carry.length;
    oversized(skipping, sink, options.maxRecordBytes);
  } else if (carry !== '') {
    lineNo++;
    if (carry.length > options.maxRecordBytes && st.mode !== 'document') {
      oversized(
        { line: lineNo, head: carry.slice(0, 256), chars: carry.length },
        sink,
        options.maxRecordBytes,
      );
    } else onLine(carry, lineNo);
  }
  if (st.mode === 'document') {
    const whole = held.join('\n');
    let value: unknown;
    let ok = true;
    try {
      value = JSON.parse(whole);
    } catch {
      ok = false;
    }
    if (ok) {
      held = [];
      expand(value, heldFirstLine, null, null, sink, 0);
    } else {
      replayHeld();
    }
  }
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function parseLine(line: string, n: number, sink: FrameSink): void {
  if (isBlank(line)) return;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    sink.bad(`invalid JSON: ${(err as Error).message}`, n, null, clipForQuarantine(line));
    return;
  }
  expand(value, n, null, line, sink, 0);
}

function oversized(s: { line: number; head: string; chars: number }, sink: FrameSink, max: number): void {
  sink.bad(
    `record too large: ${s.chars} characters (the limit is ${max}; VIGIL_MAX_RECORD_BYTES)`,
    s.line,
    null,
    `${s.head}…`,
  );
}

/** Unwraps arrays and envelopes (one level each) so every record reaches the sink on its own. */
function expand(
  value: unknown,
  line: number | null,
  path: string | null,
  text: string | null,
  sink: FrameSink,
  depth: number,
): void {
  if (depth < 2) {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        expand(value[i], line, `${path ?? ''}[${i}]`, null, sink, depth + 1);
      }
      return;
    }
    const env = envelopeItems(value);
    if (env !== null) {
      const prefix = path === null ? env.key : `${path}.${env.key}`;
      for (let i = 0; i < env.items.length; i++) {
        expand(env.items[i], line, `${prefix}[${i}]`, null, sink, depth + 1);
      }
      return;
    }
  }
  sink.item(value, line, path, text);
}

import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** A file to import, with its size for progress. */
export interface SourceFile {
  path: string;
  size: number;
}

// Inside a directory only files named like log data are read: exports sit beside READMEs,
// scripts and manifests, and reading those line by line would only fill the quarantine. Files
// named on the command line are always read, whatever their name.
const DATA_FILE = /\.(json|ndjson|jsonl|log|txt)(\.gz)?$|\.gz$/i;

/**
 * Expands paths to the files to import: directories recursively (sorted; hidden entries and files
 * not named like data skipped, and listed in `ignored`).
 */
export async function listSourceFiles(
  paths: string[],
): Promise<{ files: SourceFile[]; missing: string[]; ignored: string[] }> {
  const files: SourceFile[] = [];
  const missing: string[] = [];
  const ignored: string[] = [];
  const walk = async (p: string, named: boolean): Promise<void> => {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(p);
    } catch {
      missing.push(p);
      return;
    }
    if (st.isDirectory()) {
      const entries = (await readdir(p)).filter((e) => !e.startsWith('.')).sort();
      for (const e of entries) await walk(join(p, e), false);
    } else if (st.isFile()) {
      if (named || DATA_FILE.test(p)) files.push({ path: p, size: st.size });
      else ignored.push(p);
    }
  };
  for (const p of paths) await walk(p, true);
  return { files, missing, ignored };
}

/** Whether a file starts with the gzip magic bytes (so `.gz` names are not needed). */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Whether a buffer holds gzip data. */
export function isGzipBuffer(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** Counts the lines that end before byte `end` (the line number a range starting there continues from). */
export async function countLinesBefore(path: string, end: number): Promise<number> {
  let lines = 0;
  if (end <= 0) return 0;
  for await (const chunk of createReadStream(path, { start: 0, end: end - 1, highWaterMark: 1024 * 1024 })) {
    const buf = chunk as Buffer;
    let i = buf.indexOf(10);
    while (i !== -1) {
      lines++;
      i = buf.indexOf(10, i + 1);
    }
  }
  return lines;
}

/**
 * Opens a file, or a byte range of it, as a byte stream, decompressing gzip. `onBytes` reports
 * raw bytes read from disk (before decompression), which is what progress against the size needs.
 */
export async function openSourceFile(
  path: string,
  onBytes?: (n: number) => void,
  range?: { start: number; end: number | null },
): Promise<Readable> {
  const gz = await isGzipFile(path);
  const raw = createReadStream(path, {
    highWaterMark: 256 * 1024,
    ...(range ? { start: range.start, ...(range.end !== null ? { end: range.end - 1 } : {}) } : {}),
  });
  // Bytes are counted as they pass through, not with a 'data' listener: a listener would start the
  // stream flowing at once, and whatever it read before the consumer began would be lost.
  const counted = onBytes
    ? raw.pipe(
        new Transform({
          transform(chunk: Buffer, _encoding, done) {
            onBytes(chunk.length);
            done(null, chunk);
          },
        }),
      )
    : raw;
  // pipe() does not carry errors along: pass them on, so the consumer's loop ends with the error.
  if (counted !== raw) raw.on('error', (err: Error) => counted.destroy(err));
  if (!gz) return counted;
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  counted.on('error', (err: Error) => gunzip.destroy(err));
  return counted.pipe(gunzip);
}

/** Decompresses a stream if it starts with gzip magic (for standard input). */
export async function* maybeGunzip(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = first.value;
  const rest = (async function* () {
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  })();
  if (!isGzipBuffer(head)) {
    yield* rest;
    return;
  }
  const gunzip = createGunzip();
  (async () => {
    try {
      for await (const c of rest) if (!gunzip.write(c)) await new Promise((r) => gunzip.once('drain', r));
      gunzip.end();
    } catch (err) {
      gunzip.destroy(err as Error);
    }
  })();
  yield* gunzip;
}

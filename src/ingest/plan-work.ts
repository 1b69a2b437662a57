import { open } from 'node:fs/promises';
import { isGzipFile, type SourceFile } from './read-source.ts';

/** A piece of input one worker imports: a whole file, or a byte range of a large NDJSON file. */
export interface WorkUnit {
  path: string;
  /** First byte (0 for whole files). */
  start: number;
  /** Byte after the last (null: to the end). */
  end: number | null;
  /** Bytes in the unit, for progress. */
  size: number;
}

/** Below this a file is not worth splitting: per-unit start-up costs more than it saves. */
export const SPLIT_MIN_BYTES = 16 * 1024 * 1024;

/**
 * Splits the work so every worker has some: files are units of their own, and a large,
 * uncompressed NDJSON file is cut into ranges at line boundaries (gzip streams and single JSON
 * documents cannot be cut, so they stay whole).
 */
export async function planWork(
  files: SourceFile[],
  workers: number,
  maxRecordBytes: number,
  splitMinBytes: number = SPLIT_MIN_BYTES,
): Promise<WorkUnit[]> {
  const units: WorkUnit[] = [];
  for (const f of files) {
    const parts =
      workers > 1 && f.size >= splitMinBytes ? await splitPoints(f, workers, maxRecordBytes) : null;
    if (parts === null) {
      units.push({ path: f.path, start: 0, end: null, size: f.size });
      continue;
    }
    for (let i = 0; i < parts.length - 1; i++) {
      const start = parts[i]!;
      const end = parts[i + 1]!;
      units.push({ path: f.path, start, end: i === parts.length - 2 ? null : end, size: end - start });
    }
  }
  return units;
}

/** Byte offsets that start lines, from 0 to the file size; null when the file must stay whole. */
async function splitPoints(f: SourceFile, parts: number, maxRecordBytes: number): Promise<number[] | null> {
  if (await isGzipFile(f.path)) return null;
  const fh = await open(f.path, 'r');
  try {
    const window = Buffer.alloc(Math.min(maxRecordBytes + 1, f.size));
    // The first line must be JSON on its own: otherwise this is one document, not NDJSON.
    const { bytesRead } = await fh.read(window, 0, window.length, 0);
    const nl = window.subarray(0, bytesRead).indexOf(10);
    if (nl === -1) return null;
    try {
      JSON.parse(window.subarray(0, nl).toString('utf8'));
    } catch {
      return null;
    }
    const points = [0];
    for (let i = 1; i < parts; i++) {
      const nominal = Math.floor((f.size * i) / parts);
      const r = await fh.read(window, 0, window.length, nominal);
      const at = window.subarray(0, r.bytesRead).indexOf(10);
      if (at === -1) continue;
      const point = nominal + at + 1;
      if (point > points[points.length - 1]! && point < f.size) points.push(point);
    }
    points.push(f.size);
    return points.length > 2 ? points : null;
  } finally {
    await fh.close();
  }
}

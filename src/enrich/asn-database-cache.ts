import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { ASN_CSV_FILES, type AsnDatabase, loadAsnDatabase } from './asn-database.ts';

// Bump when the shape of AsnDatabase or how it is built changes: old cache files are then ignored.
const FORMAT = 1;

/**
 * Loads the ASN database through a cache of the indexed tables: parsing the CSV files costs about
 * half a second at every start (and in every import worker), reading the tables back about 20 ms.
 * The cache key covers the data files' sizes and modification times, so updated data is re-read.
 * A missing, unreadable or corrupt cache is rebuilt; a cache directory that cannot be written is
 * simply not used.
 */
export async function loadAsnDatabaseCached(dir: string, cacheDir: string | null): Promise<AsnDatabase> {
  if (cacheDir === null) return loadAsnDatabase(dir);
  let file: string;
  try {
    const parts = await Promise.all(
      Object.values(ASN_CSV_FILES).map(async (name) => {
        const s = await stat(join(dir, name));
        return `${name}:${s.size}:${s.mtimeMs}`;
      }),
    );
    const key = createHash('sha256')
      .update(`${FORMAT}|${dir}|${parts.join('|')}`)
      .digest('hex')
      .slice(0, 24);
    file = join(cacheDir, `asn-${key}.v8`);
  } catch {
    return loadAsnDatabase(dir);
  }
  try {
    const cached = deserialize(await readFile(file)) as AsnDatabase;
    if (isAsnDatabase(cached)) return cached;
  } catch {
    // No cache yet, or a damaged one: build it below.
  }
  const db = await loadAsnDatabase(dir);
  try {
    await mkdir(cacheDir, { recursive: true });
    // Written aside and renamed: a reader never sees a half-written file, and two processes
    // building the cache at once both end with a whole one.
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, serialize(db));
    await rename(tmp, file).catch(async () => unlink(tmp));
  } catch {
    // A read-only install: work without the cache.
  }
  return db;
}

function isAsnDatabase(v: unknown): v is AsnDatabase {
  const d = v as Partial<AsnDatabase> | null;
  return (
    d !== null &&
    typeof d === 'object' &&
    d.asns instanceof Uint32Array &&
    Array.isArray(d.orgs) &&
    d.orgs.length === d.asns.length &&
    d.ipv4?.starts instanceof Uint32Array &&
    d.ipv6?.starts instanceof Uint32Array
  );
}

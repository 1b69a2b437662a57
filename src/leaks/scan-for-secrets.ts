import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findClientSecrets } from './client-secret-shape.ts';
import { findLabelledIds, nearestLabelledId } from './find-labelled-ids.ts';
import { createLeak, type Leak, type LeakParseResult, type LeakRejection } from './leak.ts';
import { leaksFromPem } from './leaks-from-pem.ts';
import { createLineLocator } from './line-locator.ts';

/**
 * Finds Entra credentials in one text: client secrets of the current shape (`xxx8Q~…`, bounded by
 * non-secret characters), PEM certificates and PEM private keys (PKCS#8, RSA, EC). A secret or key
 * gets the app and tenant ids labelled nearest to it (`AZURE_CLIENT_ID=…`, `"TenantId": "…"`,
 * `--tenant …`, an authority URL), when that is unambiguous. Older secrets without the `Q~` marker
 * are not searched for: without it they cannot be told from any other random string.
 */
export function scanText(text: string, file: string | null = null): LeakParseResult {
  const locate = createLineLocator(text);
  const leaks: Leak[] = findClientSecrets(text).map(({ secret, offset }) =>
    createLeak({ kind: 'clientSecret', source: 'scan', secret, file, line: locate(offset) }),
  );
  const pem = leaksFromPem(text, { source: 'scan', file }, locate);
  leaks.push(...pem.leaks);
  // Labels are looked for only in files that hold something to label.
  const ids = leaks.length > 0 ? findLabelledIds(text, locate) : [];
  for (const leak of leaks) {
    const line = leak.line ?? 1;
    leak.appId = nearestLabelledId(ids, 'appId', line);
    leak.tenantId = nearestLabelledId(ids, 'tenantId', line);
  }
  leaks.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const rejected: LeakRejection[] = pem.unreadable.map((problem) => ({
    line: locate(problem.offset),
    reason: problem.reason,
    skipped: false,
  }));
  return { leaks, rejected };
}

/** Limits of a path scan. */
export interface ScanPathOptions {
  /** Files larger than this are skipped (default 5 MB): credentials sit in configuration, not in dumps. */
  maxFileBytes?: number;
  /** The scan stops, marked truncated, before reading more than this in all (default 256 MB). */
  maxTotalBytes?: number;
  /** The scan stops, marked truncated, after this many files (default 100 000). */
  maxFiles?: number;
  /** Directory names not descended into (default `.git`, whose objects are compressed, and `node_modules`). */
  skipDirectories?: readonly string[];
}

/** What a path scan found, and everything it did not read. */
export interface PathScan {
  leaks: Leak[];
  /** PEM blocks that could not be read, by file and line. */
  rejected: (LeakRejection & { file: string })[];
  /** Files and links not read: binary, too large, symbolic links, unreadable. */
  skipped: { file: string; reason: string }[];
  filesScanned: number;
  bytesScanned: number;
  /** True when a total limit stopped the scan before the tree was done. */
  truncated: boolean;
}

const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_TOTAL_BYTES = 256 * 1024 * 1024;
const DEFAULT_MAX_FILES = 100_000;
const DEFAULT_SKIP_DIRECTORIES = ['.git', 'node_modules'];
// git's own test: a NUL byte in the first 8000 bytes makes a file binary.
const BINARY_SNIFF_BYTES = 8000;

/**
 * Scans a file, or a directory recursively (in name order, symbolic links not followed), with
 * `scanText`. Binary files and files over the size limit are skipped; a total size and file count
 * bound the work, and the result says when they cut it short.
 */
export async function scanPath(path: string, options: ScanPathOptions = {}): Promise<PathScan> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxTotalBytes = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  const skipDirectories = new Set(options.skipDirectories ?? DEFAULT_SKIP_DIRECTORIES);
  const scan: PathScan = {
    leaks: [],
    rejected: [],
    skipped: [],
    filesScanned: 0,
    bytesScanned: 0,
    truncated: false,
  };

  const scanFile = async (file: string): Promise<boolean> => {
    let size: number;
    try {
      size = (await lstat(file)).size;
    } catch (error) {
      scan.skipped.push({ file, reason: `unreadable (${errorCode(error)})` });
      return true;
    }
    if (size > maxFileBytes) {
      scan.skipped.push({ file, reason: `larger than ${maxFileBytes} bytes` });
      return true;
    }
    if (scan.filesScanned >= maxFiles || scan.bytesScanned + size > maxTotalBytes) {
      scan.truncated = true;
      return false;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      scan.skipped.push({ file, reason: `unreadable (${errorCode(error)})` });
      return true;
    }
    scan.filesScanned++;
    scan.bytesScanned += bytes.length;
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
      scan.skipped.push({ file, reason: 'binary' });
      return true;
    }
    const found = scanText(bytes.toString('utf8'), file);
    scan.leaks.push(...found.leaks);
    for (const rejection of found.rejected) scan.rejected.push({ ...rejection, file });
    return true;
  };

  const walk = async (directory: string): Promise<boolean> => {
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      scan.skipped.push({ file: directory, reason: `unreadable (${errorCode(error)})` });
      return true;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = join(directory, entry.name);
      if (entry.isSymbolicLink()) scan.skipped.push({ file: child, reason: 'symbolic link not followed' });
      else if (entry.isDirectory()) {
        if (!skipDirectories.has(entry.name) && !(await walk(child))) return false;
      } else if (entry.isFile() && !(await scanFile(child))) return false;
    }
    return true;
  };

  const root = await lstat(path);
  if (root.isDirectory()) await walk(path);
  else await scanFile(path);
  return scan;
}

/** The errno code of a file system error, for a skip reason. */
function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error ? String(error.code) : String(error);
}

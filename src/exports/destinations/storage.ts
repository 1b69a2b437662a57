import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type {
  Destination,
  DestinationPlugin,
  ExportCategory,
  ExportRecord,
  SettingError,
} from '../destination.ts';
import { readSettings } from './read-settings.ts';

/** Settings of a `storage` destination: the directory that plays the storage account's container. */
export interface StorageSettings {
  /** Absolute, or relative to the working directory; created when missing. */
  path: string;
}

// Most batches land in one or two hourly files; a few more cover tenants and categories that
// export together, and anything beyond that is reopened (and checked) on the next use.
const MAX_OPEN_FILES = 16;

// A batch is all or nothing for the engine, so it should fit in memory comfortably; one datasync
// per touched file per batch is what keeps the throughput up, so the batch should not be tiny.
const MAX_BATCH = 5000;

const NEWLINE = 0x0a;

const containerOf: Record<ExportCategory, string> = {
  RiskyServicePrincipals: 'insights-logs-riskyserviceprincipals',
  ServicePrincipalRiskEvents: 'insights-logs-serviceprincipalriskevents',
  ServicePrincipalSignInLogs: 'insights-logs-serviceprincipalsigninlogs',
  ManagedIdentitySignInLogs: 'insights-logs-managedidentitysigninlogs',
  AuditLogs: 'insights-logs-auditlogs',
};

// A tenant id becomes a path segment: a GUID in practice, and never anything that climbs out.
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z$/;

/**
 * The blob path of a record, relative to the container root, as Azure names hourly blobs:
 * `insights-logs-<category>/tenantId=<tid>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json` (the hour of
 * the record's time, UTC).
 */
export function storageBlobPath(record: Pick<ExportRecord, 'id' | 'category' | 'tenantId' | 'time'>): string {
  const container = containerOf[record.category];
  if (!container) throw new Error(`record ${record.id}: unknown category ${JSON.stringify(record.category)}`);
  if (!SAFE_SEGMENT.test(record.tenantId)) {
    throw new Error(`record ${record.id}: tenant id ${JSON.stringify(record.tenantId)} cannot name a folder`);
  }
  let t = record.time;
  if (!UTC_TIME.test(t)) {
    const ms = Date.parse(t);
    if (Number.isNaN(ms)) throw new Error(`record ${record.id}: time ${JSON.stringify(t)} is not a date`);
    t = new Date(ms).toISOString();
  }
  return `${container}/tenantId=${record.tenantId}/y=${t.slice(0, 4)}/m=${t.slice(5, 7)}/d=${t.slice(8, 10)}/h=${t.slice(11, 13)}/m=00/PT1H.json`;
}

function parseSettings(
  raw: Record<string, unknown>,
  field: string,
): { settings: StorageSettings } | { error: SettingError } {
  return readSettings(raw, field, ['path'], (r) => ({
    // NUL ends a path for the OS: refused rather than silently truncated.
    path: r.string('path', { maxLength: 4096, pattern: /^(?=.*\S)[^\0]*$/, hint: 'a directory path' }),
  }));
}

/** Appends the full buffer: a regular file may still take it in more than one write. */
async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done);
    done += bytesWritten;
  }
}

async function syncDirectory(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** An open hourly file, and whether the next append must first end a line a failed write tore. */
interface OpenFile {
  fh: FileHandle;
  needsNewline: boolean;
}

function createStorageDestination(settings: StorageSettings): Destination {
  const root = resolve(settings.path);
  // Insertion order is recency order: a hit is moved to the end, the front is evicted.
  const files = new Map<string, OpenFile>();
  // Directories whose new entries are not yet synced; kept across a failed batch so its retry
  // syncs them even though the files now exist.
  const dirsToSync = new Set<string>();
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  // Opens an hourly file for appending. A new file's directory entry (and those of new folders
  // above it) is synced with the batch too: data in a file nobody can find is not durable.
  async function openFile(relative: string): Promise<OpenFile> {
    const path = join(root, relative);
    const dir = dirname(path);
    const firstCreated = await mkdir(dir, { recursive: true });
    let fh: FileHandle;
    let created = true;
    try {
      fh = await open(path, 'ax');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      fh = await open(path, 'a+');
      created = false;
    }
    let needsNewline = false;
    if (created) {
      for (let d = dir; ; d = dirname(d)) {
        dirsToSync.add(d);
        if (!firstCreated || d === dirname(firstCreated) || d === dirname(d)) break;
      }
    } else {
      // A crash or a failed write may have left half a line: start on a fresh line so only that
      // fragment is unreadable, not the record appended after it.
      const { size } = await fh.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        needsNewline = last[0] !== NEWLINE;
      }
    }
    return { fh, needsNewline };
  }

  async function fileFor(relative: string): Promise<OpenFile> {
    const cached = files.get(relative);
    if (cached) {
      files.delete(relative);
      files.set(relative, cached);
      return cached;
    }
    const file = await openFile(relative);
    files.set(relative, file);
    return file;
  }

  async function forget(relative: string): Promise<void> {
    const file = files.get(relative);
    if (!file) return;
    files.delete(relative);
    await file.fh.close().catch(() => {});
  }

  async function trim(): Promise<void> {
    while (files.size > MAX_OPEN_FILES) {
      const oldest = files.keys().next().value as string;
      await forget(oldest);
    }
  }

  async function deliver(records: readonly ExportRecord[]): Promise<void> {
    // Lines per file, in record order. A retried batch appends its records again: delivery is at
    // least once, and readers de-duplicate by `recordId` (Vigil's own import by the Graph id).
    const groups = new Map<string, string[]>();
    for (const r of records) {
      const relative = storageBlobPath(r);
      const line = JSON.stringify(r.envelope);
      const lines = groups.get(relative);
      if (lines) lines.push(line);
      else groups.set(relative, [line]);
    }
    const targets: [string, OpenFile, string[]][] = [];
    for (const [relative, lines] of groups) {
      targets.push([relative, await fileFor(relative), lines]);
    }
    try {
      await Promise.all(
        targets.map(async ([relative, file, lines]) => {
          const text = `${file.needsNewline ? '\n' : ''}${lines.join('\n')}\n`;
          try {
            await writeAll(file.fh, Buffer.from(text));
            file.needsNewline = false;
            // The engine moves its cursor once send resolves: the lines must survive a crash.
            await file.fh.datasync();
          } catch (err) {
            // Reopened (and its tail checked) on the next attempt.
            await forget(relative);
            throw err;
          }
        }),
      );
      const dirs = [...dirsToSync];
      await Promise.all(dirs.map(syncDirectory));
      for (const d of dirs) dirsToSync.delete(d);
    } finally {
      await trim();
    }
  }

  return {
    label: `storage:${root}`,
    maxBatch: MAX_BATCH,
    send(records) {
      if (closed) return Promise.reject(new Error(`storage:${root} is closed`));
      // One batch at a time: the file cache and each file's line boundaries are shared state.
      const run = queue.then(() => deliver(records));
      queue = run.catch(() => {});
      return run;
    },
    async close() {
      closed = true;
      await queue;
      const open = [...files.keys()];
      for (const relative of open) await forget(relative);
    },
  };
}

/** The `storage` destination: hourly `PT1H.json` files laid out as Azure writes diagnostic blobs. */
export const storageDestination: DestinationPlugin<StorageSettings> = {
  type: 'storage',
  parse: parseSettings,
  redact: (settings) => ({ path: settings.path }),
  create: (settings) => createStorageDestination(settings),
};

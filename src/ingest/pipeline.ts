import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.ts';
import { type IpIntel, loadIpIntel } from '../enrich/ip-intel.ts';
import type { Store } from '../store/open-store.ts';
import { createIngestQueries } from '../store/queries/ingest-queries.ts';
import { startWorker } from '../workers/start-worker.ts';
import { type BatchObserver, createBatchWriter, emptyTotals, type IngestTotals } from './batch-writer.ts';
import { frameRecords } from './frame-records.ts';
import { planWork, type WorkUnit } from './plan-work.ts';
import { listSourceFiles, maybeGunzip, openSourceFile } from './read-source.ts';
import { createRecordProcessor } from './record-processor.ts';
import type { WorkerCommand, WorkerMessage, WorkerSetup } from './worker-protocol.ts';

/** What the pipeline needs from the process around it. */
export interface IngestDeps {
  store: Store;
  config: Pick<
    Config,
    'defaultTenantId' | 'ingestBatchSize' | 'maxRecordBytes' | 'bodyLimitBytes' | 'ingestWorkers'
  >;
  /** Look up ASN, country and hosting for sign-in addresses. */
  enrich: boolean;
  /** IP data for parsing on this thread, when already loaded; loaded once on demand otherwise. */
  intel?: IpIntel;
  now?: () => string;
  /** Called after each committed batch (metrics). */
  observe?: BatchObserver;
  /** Ingest queries to share between calls (their cache of known principals spans requests). */
  ingest?: ReturnType<typeof createIngestQueries>;
}

/** Progress of a file import, for a progress bar. */
export interface ImportProgress {
  file: string;
  filesDone: number;
  files: number;
  bytesRead: number;
  bytesTotal: number;
  records: number;
}

/** The outcome of an import: counts, files, what could not be found and what was not data. */
export interface ImportResult extends IngestTotals {
  files: number;
  missing: string[];
  /** Files inside the given directories not named like log data, left alone. */
  ignored: string[];
}

/** Options of one import. */
export interface ImportOptions {
  /** Tenant for records that name none (default: the configured tenant). */
  tenantId?: string;
  onProgress?: (p: ImportProgress) => void;
  /** Parse workers to use (default: one per core but the writer's, at most four). */
  workers?: number;
  /** Files at least this large are split between workers (default 16 MiB). */
  splitMinBytes?: number;
}

// One JSON document (pretty-printed arrays, pages) is parsed whole; past this it is read as lines.
const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

const nowIso = () => new Date().toISOString();

// Records per hand-over from a parser to the writer. Small, so little is held in flight; the writer
// commits several together (see createBatchWriter), up to the configured batch size.
const HANDOVER_RECORDS = 1000;

/** Hand-over size and how many hand-overs may wait, for a given transaction size. */
function handover(deps: IngestDeps): { records: number; inFlight: number } {
  const records = Math.min(HANDOVER_RECORDS, deps.config.ingestBatchSize);
  // Enough to fill the next transaction while one commits, and no more.
  return { records, inFlight: 2 * Math.ceil(deps.config.ingestBatchSize / records) };
}

/** The writer every path shares: this thread, group commit up to the configured batch size. */
function storeWriter(deps: IngestDeps) {
  return createBatchWriter(deps.ingest ?? createIngestQueries(deps.store), deps.now ?? nowIso, {
    observe: deps.observe,
    maxRecordsPerTransaction: deps.config.ingestBatchSize,
  });
}

let sharedIntel: Promise<IpIntel> | null = null;
/** IP data for this thread, loaded once per process (workers load their own). */
function intelFor(deps: IngestDeps): Promise<IpIntel | null> {
  if (!deps.enrich) return Promise.resolve(null);
  if (deps.intel) return Promise.resolve(deps.intel);
  sharedIntel ??= loadIpIntel();
  return sharedIntel;
}

/**
 * Imports files and directories. Worker threads each take a share of the input (whole files, or
 * line-aligned ranges of a large NDJSON file) and parse it; this thread writes what they hand
 * over, in transactions: killing an import loses at most the transactions in flight, and running
 * it again stores only what is missing.
 */
export async function importFiles(
  paths: string[],
  deps: IngestDeps,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const { files, missing, ignored } = await listSourceFiles(paths);
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  const progress: ImportProgress = {
    file: '',
    filesDone: 0,
    files: files.length,
    bytesRead: 0,
    bytesTotal,
    records: 0,
  };
  const tenantId = options.tenantId ?? deps.config.defaultTenantId;
  if (files.length === 0) return { ...emptyTotals(), files: 0, missing, ignored };
  if (!deps.config.ingestWorkers) {
    const writer = storeWriter(deps);
    for (const f of files) {
      progress.file = f.path;
      options.onProgress?.(progress);
      await ingestChunks(
        await openSourceFile(f.path, (n) => (progress.bytesRead += n)),
        f.path,
        deps,
        writer,
        {
          tenantId,
        },
      );
      progress.filesDone++;
    }
    await writer.drain();
    return { ...writer.totals, files: files.length, missing, ignored };
  }
  // This thread writes; the other cores parse (more parsers than that would starve the writer).
  const workers = Math.max(1, options.workers ?? Math.min(4, availableParallelism() - 1));
  const units = await planWork(files, workers, deps.config.maxRecordBytes, options.splitMinBytes);
  const totals = await runWorkers(
    units,
    Math.min(workers, units.length),
    deps,
    tenantId,
    progress,
    options.onProgress,
  );
  progress.filesDone = files.length;
  options.onProgress?.(progress);
  return { ...totals, files: files.length, missing, ignored };
}

async function runWorkers(
  units: WorkUnit[],
  count: number,
  deps: IngestDeps,
  tenantId: string,
  progress: ImportProgress,
  onProgress: ImportOptions['onProgress'],
): Promise<IngestTotals> {
  const { records: batchSize, inFlight: maxInFlight } = handover(deps);
  const setup: WorkerSetup = {
    tenantId,
    batchSize,
    maxInFlight,
    maxRecordBytes: deps.config.maxRecordBytes,
    maxDocumentBytes: MAX_DOCUMENT_BYTES,
    enrich: deps.enrich,
  };
  // This thread is the one writer: batches from every worker are committed in arrival order.
  const writer = storeWriter(deps);
  const queue = [...units];
  const fileUnits = new Map<string, number>();
  for (const u of units) fileUnits.set(u.path, (fileUnits.get(u.path) ?? 0) + 1);
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let running = count;
      const fail = (err: Error) => reject(err);
      for (let i = 0; i < count; i++) {
        const worker = startWorker(
          import.meta.url,
          'import-worker',
          { setup },
          // A larger young generation: parsing allocates short-lived objects by the million, and
          // fewer, larger scavenges cost less than many small ones.
          { resourceLimits: { maxYoungGenerationSizeMb: 32 } },
        );
        pool.push(worker);
        let current: string | null = null;
        // The commit of this worker's latest batch: a unit is done once its last batch committed.
        let lastWrite: Promise<void> = Promise.resolve();
        const unitDone = (path: string) => {
          const left = (fileUnits.get(path) ?? 1) - 1;
          fileUnits.set(path, left);
          if (left === 0) progress.filesDone++;
        };
        const next = () => {
          const unit = queue.shift();
          if (unit) {
            current = unit.path;
            worker.postMessage({ type: 'unit', unit } satisfies WorkerCommand);
          } else {
            worker.postMessage({ type: 'stop' } satisfies WorkerCommand);
          }
        };
        worker.on('message', (m: WorkerMessage) => {
          if (m.type === 'ready') next();
          else if (m.type === 'idle') {
            // The next unit goes out at once: the worker parses it while the writer commits this
            // one's batches, which then join the next ones in larger transactions.
            const finished = current;
            if (finished !== null)
              lastWrite.then(
                () => unitDone(finished),
                () => undefined,
              );
            current = null;
            next();
          } else if (m.type === 'unit') {
            progress.file = m.path;
            onProgress?.(progress);
          } else if (m.type === 'batch') {
            lastWrite = writer.enqueue(m.batch, m.counts, m.formats);
            lastWrite.then(() => {
              progress.bytesRead += m.bytes;
              progress.records += m.counts.read;
              onProgress?.(progress);
              worker.postMessage({ type: 'written' } satisfies WorkerCommand);
            }, fail);
          } else fail(new Error(`import worker failed: ${m.message}`));
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (code !== 0) fail(new Error(`import worker exited with code ${code}`));
          else if (--running === 0) writer.drain().then(resolve, fail);
        });
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return writer.totals;
}

/** Options for ingesting one stream or request body on the calling thread. */
export interface StreamOptions {
  tenantId?: string;
  boundTenantId?: string;
}

/** Frames, parses and writes one stream on this thread, with backpressure from the store. */
async function ingestChunks(
  chunks: AsyncIterable<Buffer | string>,
  source: string,
  deps: IngestDeps,
  writer: ReturnType<typeof createBatchWriter>,
  options: StreamOptions,
): Promise<void> {
  const intel = await intelFor(deps);
  const processor = createRecordProcessor({
    tenantId: options.boundTenantId ?? options.tenantId ?? deps.config.defaultTenantId,
    ...(options.boundTenantId !== undefined ? { boundTenantId: options.boundTenantId } : {}),
    intel,
    batchSize: handover(deps).records,
    emit(batch, counts, formats) {
      // Failures surface from drain(); the catch only keeps this promise from going unhandled.
      writer.enqueue(batch, counts, formats).catch(() => {});
    },
  });
  processor.setSource(source);
  try {
    await frameRecords(chunks, processor.sink, {
      maxRecordBytes: deps.config.maxRecordBytes,
      maxDocumentBytes: Math.min(MAX_DOCUMENT_BYTES, deps.config.bodyLimitBytes),
      afterChunk: async () => {
        if (writer.pending > handover(deps).inFlight) await writer.drain();
      },
    });
  } catch (err) {
    processor.sink.bad(`unreadable: ${(err as Error).message}`, null, null, '');
  }
  processor.flush();
}

/** Imports a stream (standard input) on this thread; gzip is detected from the first bytes. */
export async function importStream(
  stream: AsyncIterable<Buffer>,
  source: string,
  deps: IngestDeps,
  options: StreamOptions = {},
): Promise<IngestTotals> {
  const writer = storeWriter(deps);
  await ingestChunks(maybeGunzip(stream), source, deps, writer, options);
  await writer.drain();
  return writer.totals;
}

/** Ingests one request body (already decompressed and size-checked by the caller). */
export async function ingestBody(
  body: Buffer,
  source: string,
  deps: IngestDeps,
  options: StreamOptions = {},
): Promise<IngestTotals> {
  const writer = storeWriter(deps);
  await ingestChunks(sliceBuffer(body, 1024 * 1024), source, deps, writer, options);
  await writer.drain();
  return writer.totals;
}

// Slices a body so framing yields to the store between slices instead of holding every batch.
async function* sliceBuffer(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

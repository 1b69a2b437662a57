import { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.ts';
import { type IpIntel, loadIpIntel } from '../enrich/ip-intel.ts';
import type { Store } from '../store/open-store.ts';
import { createIngestQueries } from '../store/queries/ingest-queries.ts';
import { type BatchObserver, createBatchWriter, type IngestTotals } from './batch-writer.ts';
import { frameRecords } from './frame-records.ts';
import { listSourceFiles, maybeGunzip } from './read-source.ts';
import { createRecordProcessor } from './record-processor.ts';
import type { WorkerJob, WorkerMessage } from './worker-protocol.ts';

/** What the pipeline needs from the process around it. */
export interface IngestDeps {
  store: Store;
  config: Pick<Config, 'defaultTenantId' | 'ingestBatchSize' | 'maxRecordBytes' | 'bodyLimitBytes' | 'ingestWorkers'>;
  /** Look up ASN, country and hosting for sign-in addresses. */
  enrich: boolean;
  /** IP data for parsing on this thread, when already loaded; loaded once on demand otherwise. */
  intel?: IpIntel;
  now?: () => string;
  /** Called after each committed batch (metrics). */
  observe?: BatchObserver;
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

/** The outcome of an import: counts, files and what could not be found. */
export interface ImportResult extends IngestTotals {
  files: number;
  missing: string[];
}

/** Options of one import. */
export interface ImportOptions {
  /** Tenant for records that name none (default: the configured tenant). */
  tenantId?: string;
  onProgress?: (p: ImportProgress) => void;
}

// One JSON document (pretty-printed arrays, pages) is parsed whole; past this it is read as lines.
const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

const nowIso = () => new Date().toISOString();

let sharedIntel: Promise<IpIntel> | null = null;
/** IP data for this thread, loaded once per process (workers load their own). */
function intelFor(deps: IngestDeps): Promise<IpIntel | null> {
  if (!deps.enrich) return Promise.resolve(null);
  if (deps.intel) return Promise.resolve(deps.intel);
  sharedIntel ??= loadIpIntel();
  return sharedIntel;
}

/**
 * Imports files and directories. Parsing runs on a worker thread while this thread writes, each
 * batch in its own transaction: killing an import loses at most the batches in flight, and
 * running it again stores only what is missing.
 */
export async function importFiles(paths: string[], deps: IngestDeps, options: ImportOptions = {}): Promise<ImportResult> {
  const { files, missing } = await listSourceFiles(paths);
  const writer = createBatchWriter(createIngestQueries(deps.store), deps.now ?? nowIso, deps.observe);
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  const progress: ImportProgress = { file: '', filesDone: -1, files: files.length, bytesRead: 0, bytesTotal, records: 0 };
  const job: WorkerJob = {
    files: files.map((f) => f.path),
    tenantId: options.tenantId ?? deps.config.defaultTenantId,
    batchSize: deps.config.ingestBatchSize,
    maxRecordBytes: deps.config.maxRecordBytes,
    maxDocumentBytes: MAX_DOCUMENT_BYTES,
    enrich: deps.enrich,
  };
  if (files.length > 0) {
    if (deps.config.ingestWorkers) await runWorker(job, writer, progress, options.onProgress);
    else await runInline(job, deps, writer, progress, options.onProgress);
  }
  await writer.drain();
  return { ...writer.totals, files: files.length, missing };
}

async function runWorker(
  job: WorkerJob,
  writer: ReturnType<typeof createBatchWriter>,
  progress: ImportProgress,
  onProgress: ImportOptions['onProgress'],
): Promise<void> {
  const worker = new Worker(new URL('./parse-worker-boot.js', import.meta.url), {
    workerData: { entry: new URL('./parse-worker.ts', import.meta.url).href, job },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        if (!settled) {
          settled = true;
          reject(err);
        }
      };
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'file') {
          progress.file = m.path;
          progress.filesDone++;
          onProgress?.(progress);
        } else if (m.type === 'batch') {
          writer.enqueue(m.batch, m.counts, m.formats).then(
            () => {
              progress.bytesRead += m.bytes;
              progress.records += m.counts.read;
              onProgress?.(progress);
              worker.postMessage({ type: 'ack' });
            },
            (err: Error) => fail(err),
          );
        } else if (m.type === 'done') {
          writer.drain().then(() => {
            settled = true;
            progress.filesDone = progress.files;
            onProgress?.(progress);
            resolve();
          }, fail);
        } else {
          fail(new Error(`import worker failed: ${m.message}`));
        }
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (!settled) fail(new Error(`import worker exited with code ${code}`));
      });
    });
  } finally {
    await worker.terminate();
  }
}

async function runInline(
  job: WorkerJob,
  deps: IngestDeps,
  writer: ReturnType<typeof createBatchWriter>,
  progress: ImportProgress,
  onProgress: ImportOptions['onProgress'],
): Promise<void> {
  const { openSourceFile } = await import('./read-source.ts');
  for (const file of job.files) {
    progress.file = file;
    progress.filesDone++;
    onProgress?.(progress);
    await ingestChunks(await openSourceFile(file, (n) => (progress.bytesRead += n)), file, deps, writer, {
      tenantId: job.tenantId,
    });
  }
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
    batchSize: deps.config.ingestBatchSize,
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
        if (writer.pending > 2) await writer.drain();
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
  const writer = createBatchWriter(createIngestQueries(deps.store), deps.now ?? nowIso, deps.observe);
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
  const writer = createBatchWriter(createIngestQueries(deps.store), deps.now ?? nowIso, deps.observe);
  await ingestChunks(sliceBuffer(body, 1024 * 1024), source, deps, writer, options);
  await writer.drain();
  return writer.totals;
}

// Slices a body so framing yields to the store between slices instead of holding every batch.
async function* sliceBuffer(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

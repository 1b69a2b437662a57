import type { IngestCounts, InputFormat } from '../domain/index.ts';
import type { IngestBatch, IngestWriteResult } from '../store/queries/ingest-queries.ts';
import type { WorkUnit } from './plan-work.ts';

/** What every import worker is started with. */
export interface WorkerSetup {
  databaseUrl: string;
  databaseSchema: string | null;
  tenantId: string;
  batchSize: number;
  maxRecordBytes: number;
  maxDocumentBytes: number;
  enrich: boolean;
  /** Hand batches to the main thread to write instead of writing them here. */
  handOff: boolean;
  /** One Int32 shared by the workers of an import: whoever holds it writes (SQLite has one writer). */
  writeLock: SharedArrayBuffer | null;
}

/** Messages from an import worker to the main thread. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'unit'; path: string }
  | {
      type: 'committed';
      counts: IngestCounts;
      formats: Partial<Record<InputFormat, number>>;
      /** Raw bytes read from disk since the previous message. */
      bytes: number;
    }
  | { type: 'idle' }
  | { type: 'write'; batch: IngestBatch }
  | { type: 'error'; message: string };

/** Messages from the main thread to an import worker. */
export type WorkerCommand =
  | { type: 'unit'; unit: WorkUnit }
  | { type: 'stop' }
  | { type: 'written'; result: IngestWriteResult };

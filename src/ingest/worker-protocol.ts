import type { InputFormat } from '../domain/index.ts';
import type { IngestBatch } from '../store/queries/ingest-queries.ts';
import type { WorkUnit } from './plan-work.ts';
import type { ReadCounts } from './record-processor.ts';

/** What every import worker is started with. */
export interface WorkerSetup {
  tenantId: string;
  /** Records per batch handed to the writer. */
  batchSize: number;
  /** Batches handed over and not yet written before this worker waits. */
  maxInFlight: number;
  maxRecordBytes: number;
  maxDocumentBytes: number;
  enrich: boolean;
}

/** Messages from an import worker to the main thread. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'unit'; path: string }
  | {
      type: 'batch';
      batch: IngestBatch;
      counts: ReadCounts;
      formats: Partial<Record<InputFormat, number>>;
      /** Raw bytes read from disk since the previous batch. */
      bytes: number;
    }
  | { type: 'idle' }
  | { type: 'error'; message: string };

/** Messages from the main thread to an import worker. */
export type WorkerCommand = { type: 'unit'; unit: WorkUnit } | { type: 'written' } | { type: 'stop' };

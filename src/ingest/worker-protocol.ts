import type { InputFormat } from '../domain/index.ts';
import type { IngestBatch } from '../store/queries/ingest-queries.ts';
import type { ReadCounts } from './record-processor.ts';

/** What a parse worker is asked to do. */
export interface WorkerJob {
  files: string[];
  tenantId: string;
  batchSize: number;
  maxRecordBytes: number;
  maxDocumentBytes: number;
  enrich: boolean;
}

/** Messages from a parse worker to the main thread. */
export type WorkerMessage =
  | { type: 'file'; path: string }
  | {
      type: 'batch';
      batch: IngestBatch;
      counts: ReadCounts;
      formats: Partial<Record<InputFormat, number>>;
      /** Raw bytes read from disk since the previous batch. */
      bytes: number;
    }
  | { type: 'done' }
  | { type: 'error'; message: string };

/** Messages from the main thread to a parse worker. */
export type WorkerReply = { type: 'ack' };

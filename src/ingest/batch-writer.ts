import type { IngestCounts, InputFormat } from '../domain/index.ts';
import type { IngestBatch, IngestWriteResult } from '../store/queries/ingest-queries.ts';
import type { ReadCounts } from './record-processor.ts';

/** Totals of an import so far, by count and by input format. */
export interface IngestTotals extends IngestCounts {
  formats: Partial<Record<InputFormat, number>>;
}

/** Observes each committed batch (metrics, progress). */
export type BatchObserver = (counts: IngestCounts, formats: Partial<Record<InputFormat, number>>) => void;

/** Zeroed totals. */
export function emptyTotals(): IngestTotals {
  return { read: 0, stored: 0, duplicates: 0, skipped: 0, quarantined: 0, formats: {} };
}

/** Adds one batch's counts to running totals. */
function addCounts(
  totals: IngestTotals,
  delta: IngestCounts,
  formats: Partial<Record<InputFormat, number>>,
): void {
  totals.read += delta.read;
  totals.stored += delta.stored;
  totals.duplicates += delta.duplicates;
  totals.skipped += delta.skipped;
  totals.quarantined += delta.quarantined;
  for (const [f, n] of Object.entries(formats) as [InputFormat, number][]) {
    totals.formats[f] = (totals.formats[f] ?? 0) + n;
  }
}

/**
 * Writes batches to the store one after another, in arrival order, and adds up the counts.
 * `pending` lets producers hold back when the store falls behind.
 */
export function createBatchWriter(
  ingest: { writeBatch(batch: IngestBatch, now: string): Promise<IngestWriteResult> },
  now: () => string,
  observe?: BatchObserver,
) {
  const totals = emptyTotals();
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  let failure: unknown = null;

  const write = async (
    batch: IngestBatch,
    read: ReadCounts,
    formats: Partial<Record<InputFormat, number>>,
  ) => {
    const r = await ingest.writeBatch(batch, now());
    const delta: IngestCounts = {
      read: read.read,
      stored: r.stored,
      duplicates: r.duplicates,
      skipped: read.skipped,
      quarantined: read.quarantined,
    };
    addCounts(totals, delta, formats);
    observe?.(delta, formats);
  };

  return {
    totals,
    /** Queues a batch; the returned promise settles when it is committed. */
    enqueue(
      batch: IngestBatch,
      read: ReadCounts,
      formats: Partial<Record<InputFormat, number>>,
    ): Promise<void> {
      pending++;
      const p = chain.then(async () => {
        if (failure !== null) throw failure;
        try {
          await write(batch, read, formats);
        } catch (err) {
          failure = err;
          throw err;
        } finally {
          pending--;
        }
      });
      chain = p.catch(() => {});
      return p;
    },
    /** Batches queued and not yet committed. */
    get pending() {
      return pending;
    },
    /** Waits for every queued batch; rethrows the first store failure. */
    async drain(): Promise<void> {
      await chain;
      if (failure !== null) throw failure;
    },
  };
}

import type { IngestCounts, InputFormat } from '../domain/index.ts';
import { batchSize, type IngestBatch, type IngestWriteResult } from '../store/queries/ingest-queries.ts';
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

/** Longest a partial group waits for more batches before it is committed anyway. */
const GROUP_WAIT_MS = 100;

interface Queued {
  batch: IngestBatch;
  read: ReadCounts;
  formats: Partial<Record<InputFormat, number>>;
  done: { resolve(): void; reject(err: unknown): void };
}

/**
 * Writes batches to the store in arrival order and adds up the counts. Batches that queue up
 * while a transaction runs are committed together, up to `maxRecordsPerTransaction` (group
 * commit): a commit writes every index page its rows touched, so a few large transactions cost
 * far less than many small ones, while producers can hand over small batches and keep their
 * memory low. `pending` lets producers hold back when the store falls behind.
 */
export function createBatchWriter(
  ingest: { writeBatch(batches: readonly IngestBatch[], now: string): Promise<IngestWriteResult> },
  now: () => string,
  options: { observe?: BatchObserver | undefined; maxRecordsPerTransaction: number },
) {
  const totals = emptyTotals();
  const queue: Queued[] = [];
  let writing: Promise<void> | null = null;
  let failure: unknown = null;

  const writeGroup = async (group: Queued[]) => {
    const r = await ingest.writeBatch(
      group.map((q) => q.batch),
      now(),
    );
    const delta: IngestCounts = {
      read: 0,
      stored: r.stored,
      duplicates: r.duplicates,
      skipped: 0,
      quarantined: 0,
    };
    const formats: Partial<Record<InputFormat, number>> = {};
    for (const q of group) {
      delta.read += q.read.read;
      delta.skipped += q.read.skipped;
      delta.quarantined += q.read.quarantined;
      for (const [f, n] of Object.entries(q.formats) as [InputFormat, number][])
        formats[f] = (formats[f] ?? 0) + n;
    }
    addCounts(totals, delta, formats);
    options.observe?.(delta, formats);
  };

  const queuedRecords = () => {
    let n = 0;
    for (const q of queue) n += batchSize(q.batch);
    return n;
  };
  // While producers are still handing over, wait a moment for a full transaction's worth rather
  // than committing whatever is there: small commits would make the writer the slow side.
  let wake: (() => void) | null = null;
  let flushing = false;
  const fullEnough = () => flushing || queuedRecords() >= options.maxRecordsPerTransaction;
  const waitForGroup = async () => {
    if (fullEnough()) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, GROUP_WAIT_MS);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = null;
  };

  const run = async () => {
    while (queue.length > 0) {
      await waitForGroup();
      const group: Queued[] = [];
      let records = 0;
      while (
        queue.length > 0 &&
        (group.length === 0 || records + batchSize(queue[0]!.batch) <= options.maxRecordsPerTransaction)
      ) {
        const q = queue.shift()!;
        records += batchSize(q.batch);
        group.push(q);
      }
      try {
        if (failure !== null) throw failure;
        await writeGroup(group);
        for (const q of group) q.done.resolve();
      } catch (err) {
        failure ??= err;
        for (const q of group) q.done.reject(err);
      }
    }
    writing = null;
  };

  return {
    totals,
    /** Queues a batch; the returned promise settles when it is committed. */
    enqueue(
      batch: IngestBatch,
      read: ReadCounts,
      formats: Partial<Record<InputFormat, number>>,
    ): Promise<void> {
      const p = new Promise<void>((resolve, reject) => {
        queue.push({ batch, read, formats, done: { resolve, reject } });
      });
      if (wake && fullEnough()) wake();
      writing ??= run();
      return p;
    },
    /** Batches queued and not yet committed. */
    get pending() {
      return queue.length + (writing ? 1 : 0);
    },
    /** Waits for every queued batch; rethrows the first store failure. */
    async drain(): Promise<void> {
      flushing = true;
      wake?.();
      try {
        while (writing) await writing;
      } finally {
        flushing = false;
      }
      if (failure !== null) throw failure;
    },
  };
}

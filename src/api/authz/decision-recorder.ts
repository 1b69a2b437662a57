import { type IngestDeps, ingestBody } from '../../ingest/pipeline.ts';
import { yieldToIo } from './yield-to-io.ts';

/** One decision, as a Graph (beta) signIn record of a workload. */
export type DecisionRecord = Record<string, unknown>;

/** Records decisions as sign-ins, in batches, off the decision path. */
export interface DecisionRecorder {
  /** Queues a record; never waits for the store. */
  add(tenantId: string, record: DecisionRecord): void;
  /** Writes what is queued (also on a timer and when the queue is full). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. */
  close(): Promise<void>;
}

/** How the recorder paces its writes; tests shorten them. */
export interface DecisionRecorderOptions {
  /** Milliseconds between flushes of what is queued. */
  flushEveryMs?: number;
  /** Milliseconds one slice of writing may hold the event loop, aimed at, not guaranteed. */
  sliceBudgetMs?: number;
  /** Records the first slice takes, before the budget has been measured against. */
  firstSliceRecords?: number;
}

const FLUSH_EVERY_MS = 200;
const FLUSH_AT = 2000;
/** Beyond this many queued records (the store is down or slow), new ones are counted and dropped. */
const MAX_QUEUED = 100_000;
// Decisions answer in well under a millisecond and their p99 target is 5 ms: a write that holds
// the event loop longer than this lands on the requests that arrive meanwhile.
const SLICE_BUDGET_MS = 2;
const MIN_SLICE = 8;
const MAX_SLICE = 1000;
const SOURCE = 'authz decisions';

/**
 * Queues decisions per tenant and writes them through the ingest pipeline, as the sign-ins they
 * stand for: enriched, deduplicated, visible in `/auditLogs/signIns` and read by detection runs.
 *
 * Writing is synchronous CPU work on this thread (parsing and normalising, and on SQLite the
 * transaction itself), so it goes in slices sized to a time budget, yielding to waiting requests
 * between them: a thousand sign-ins written at once would hold every decision behind them for
 * tens of milliseconds. A slice that fails goes back to the front of the queue for the next flush;
 * its records keep their ids, so a slice that was partly stored is not stored twice.
 */
export function createDecisionRecorder(
  deps: IngestDeps,
  onError: (err: unknown) => void,
  options: DecisionRecorderOptions = {},
): DecisionRecorder & { dropped(): number } {
  const budgetMs = options.sliceBudgetMs ?? SLICE_BUDGET_MS;
  let queue = new Map<string, DecisionRecord[]>();
  let queued = 0;
  let dropped = 0;
  let writing: Promise<void> = Promise.resolve();
  // Adapted after every slice to how long the last one took, so slices track the machine's speed.
  let sliceSize = options.firstSliceRecords ?? 32;

  const resize = (records: number, ms: number): void => {
    // At most doubling per slice, so one fast slice after an idle spell cannot overshoot far.
    const fitting = Math.round(records * Math.min(2, budgetMs / Math.max(ms, 0.01)));
    // A short final slice that fitted says nothing about a full one.
    if (records < sliceSize && fitting >= sliceSize) return;
    sliceSize = Math.max(MIN_SLICE, Math.min(MAX_SLICE, fitting));
  };

  const requeue = (tenantId: string, records: DecisionRecord[]): void => {
    const waiting = queue.get(tenantId) ?? [];
    queue.set(tenantId, records.concat(waiting));
    queued += records.length;
  };

  const write = async (batch: Map<string, DecisionRecord[]>): Promise<void> => {
    const tenants = [...batch];
    for (let t = 0; t < tenants.length; t++) {
      const [tenantId, records] = tenants[t]!;
      for (let i = 0; i < records.length; ) {
        const slice = records.slice(i, i + sliceSize);
        const started = performance.now();
        try {
          const body = Buffer.from(slice.map((r) => JSON.stringify(r)).join('\n'));
          await ingestBody(body, SOURCE, deps, { boundTenantId: tenantId });
        } catch (err) {
          // The store failed (down, busy, full): keep this slice and everything after it.
          requeue(tenantId, records.slice(i));
          for (const [laterTenant, later] of tenants.slice(t + 1)) requeue(laterTenant, later);
          onError(err);
          return;
        }
        resize(slice.length, performance.now() - started);
        i += slice.length;
        await yieldToIo();
      }
    }
  };

  const recorder = {
    add(tenantId: string, record: DecisionRecord): void {
      if (queued >= MAX_QUEUED) {
        dropped += 1;
        return;
      }
      let list = queue.get(tenantId);
      if (!list) {
        list = [];
        queue.set(tenantId, list);
      }
      list.push(record);
      queued += 1;
      if (queued >= FLUSH_AT) void recorder.flush();
    },
    flush(): Promise<void> {
      if (queued === 0) return writing;
      const batch = queue;
      queue = new Map();
      queued = 0;
      // One write at a time, in order: the next batch waits for the previous one.
      writing = writing.then(() => write(batch)).catch(onError);
      return writing;
    },
    async close(): Promise<void> {
      clearInterval(timer);
      await recorder.flush();
    },
    dropped: () => dropped,
  };
  const timer = setInterval(() => void recorder.flush(), options.flushEveryMs ?? FLUSH_EVERY_MS);
  timer.unref();
  return recorder;
}

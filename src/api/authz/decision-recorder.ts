import { type IngestDeps, ingestBody } from '../../ingest/pipeline.ts';

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

const FLUSH_EVERY_MS = 500;
const FLUSH_AT = 2000;
/** Beyond this many queued records (the store is down or slow), new ones are counted and dropped. */
const MAX_QUEUED = 100_000;

/**
 * Queues decisions per tenant and writes them through the ingest pipeline, as the sign-ins they
 * stand for: enriched, deduplicated, visible in `/auditLogs/signIns` and read by detection runs.
 */
export function createDecisionRecorder(
  deps: IngestDeps,
  onError: (err: unknown) => void,
): DecisionRecorder & { dropped(): number } {
  let queue = new Map<string, DecisionRecord[]>();
  let queued = 0;
  let dropped = 0;
  let writing: Promise<void> = Promise.resolve();

  const write = async (batch: Map<string, DecisionRecord[]>): Promise<void> => {
    for (const [tenantId, records] of batch) {
      const body = Buffer.from(records.map((r) => JSON.stringify(r)).join('\n'));
      await ingestBody(body, 'authz decisions', deps, { boundTenantId: tenantId });
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
  const timer = setInterval(() => void recorder.flush(), FLUSH_EVERY_MS);
  timer.unref();
  return recorder;
}

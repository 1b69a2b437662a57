import { randomUUID } from 'node:crypto';
import type { Store } from '../store/open-store.ts';
import { createLeaseQueries } from '../store/queries/lease-queries.ts';
import { type DetectionRunResult, runDetections } from './detection-run.ts';
import { startPeriodic } from './periodic.ts';

/** How the schedule runs and reports. */
export interface DetectionScheduleOptions {
  store: Store;
  intervalMs: number;
  /** Threads a large run may spread its scan over (see runDetections). */
  workers?: number;
  /** Called after each run that looked at something, and on failures. */
  onRun?(result: DetectionRunResult): void;
  onError?(err: unknown): void;
  now?: () => string;
}

const LEASE = 'detection-run';

/**
 * Runs detection every `intervalMs` inside the server. Runs never overlap in this process, and a
 * lease in the store keeps two processes sharing one PostgreSQL database from running at once.
 * `stop()` waits for a run in progress, so a shutdown never cuts one off halfway.
 */
export function startDetectionSchedule(options: DetectionScheduleOptions) {
  const now = options.now ?? (() => new Date().toISOString());
  const leases = createLeaseQueries(options.store);
  const holder = randomUUID();
  const periodic = startPeriodic(async () => {
    try {
      const at = now();
      // The lease outlives a slow run by a wide margin; it is renewed by every run that takes it.
      const until = new Date(Date.parse(at) + Math.max(10 * options.intervalMs, 600_000)).toISOString();
      if (!(await leases.acquire(LEASE, holder, at, until))) return;
      const result = await runDetections(
        options.store,
        at,
        options.workers === undefined ? {} : { workers: options.workers },
      );
      if (result.signIns > 0) options.onRun?.(result);
    } catch (err) {
      options.onError?.(err);
    }
  }, options.intervalMs);

  return {
    /** Stops scheduling and waits for a run in progress to finish; gives the lease up. */
    async stop(): Promise<void> {
      await periodic.stop();
      await leases.release(LEASE, holder).catch(() => {});
    },
  };
}

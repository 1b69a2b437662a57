import { randomUUID } from 'node:crypto';
import type { TaxiiFeedSettings } from '../config/schema.ts';
import type { Store } from '../store/open-store.ts';
import { createLeaseQueries } from '../store/queries/lease-queries.ts';
import { createTaxiiPollQueries } from '../store/queries/taxii-poll-queries.ts';
import { startPeriodic } from './periodic.ts';
import { isTaxiiPollDue, pollTaxiiFeed, type TaxiiPollResult } from './taxii-poll.ts';

/** How the schedule runs and reports. */
export interface TaxiiPollScheduleOptions {
  store: Store;
  feeds: readonly TaxiiFeedSettings[];
  /** How often to look for feeds that are due; default one minute. */
  tickMs?: number;
  /** Called after each poll. */
  onPoll?(result: TaxiiPollResult): void;
  /** Called when a poll fails, with the feed's name (never its settings: they hold secrets). */
  onError?(feed: string, err: unknown): void;
  now?: () => string;
  fetchImpl?: typeof fetch;
}

// A poll of a large collection can take minutes: the lease outlasts it by a wide margin.
const LEASE_MS = 30 * 60 * 1000;

/**
 * Polls the configured TAXII collections inside the server, each every `intervalMinutes`. When a
 * feed is due is read from the store, so a restart does not poll again early and several processes
 * sharing one PostgreSQL database share the schedule; a lease per feed keeps two of them from polling
 * the same collection at once. Polls never overlap in this process; `stop()` waits for one in progress.
 */
export function startTaxiiPollSchedule(options: TaxiiPollScheduleOptions) {
  const now = options.now ?? (() => new Date().toISOString());
  const leases = createLeaseQueries(options.store);
  const polls = createTaxiiPollQueries(options.store);
  const holder = randomUUID();

  const pollIfDue = async (feed: TaxiiFeedSettings) => {
    if (!isTaxiiPollDue(await polls.get(feed.name), feed, now())) return;
    const lease = `taxii-poll:${feed.name}`;
    const at = now();
    if (!(await leases.acquire(lease, holder, at, new Date(Date.parse(at) + LEASE_MS).toISOString()))) return;
    try {
      // Another process may have polled between the check and the lease.
      if (!isTaxiiPollDue(await polls.get(feed.name), feed, at)) return;
      const result = await pollTaxiiFeed(options.store, feed, {
        now: at,
        ...(options.fetchImpl === undefined ? {} : { fetchImpl: options.fetchImpl }),
      });
      options.onPoll?.(result);
    } finally {
      await leases.release(lease, holder);
    }
  };

  const periodic = startPeriodic(async (stopped) => {
    for (const feed of options.feeds) {
      if (stopped()) break;
      try {
        await pollIfDue(feed);
      } catch (err) {
        options.onError?.(feed.name, err);
      }
    }
  }, options.tickMs ?? 60_000);

  return {
    /** Stops scheduling and waits for a poll in progress to finish. */
    stop: periodic.stop,
  };
}

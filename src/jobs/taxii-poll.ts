import type { TaxiiFeedSettings } from '../config/schema.ts';
import {
  fetchTaxiiCollection,
  type TaxiiFetchOptions,
} from '../enrich/threat-intel/fetch-taxii-collection.ts';
import type { IpIndicator } from '../enrich/threat-intel/indicator.ts';
import type { Store } from '../store/open-store.ts';
import { createIndicatorQueries } from '../store/queries/indicator-queries.ts';
import { createTaxiiPollQueries, type TaxiiPollState } from '../store/queries/taxii-poll-queries.ts';

const DAY = 24 * 60 * 60 * 1000;
// Indicators that ended long ago are dropped: they no longer match anything a replay of recent logs
// could hold, and short-lived listings (rotating proxies, Tor exits) would otherwise pile up forever.
const EXPIRED_KEPT_DAYS = 180;
// After a failed poll, try again sooner than a whole interval: most failures are passing outages.
const RETRY_AFTER_FAILURE_MS = 5 * 60 * 1000;

/** What one poll of a collection read and changed. */
export interface TaxiiPollResult {
  name: string;
  /** Objects were asked for as added after this time; null: the whole collection. */
  addedAfter: string | null;
  /** IP indicators read (the newest version of each). */
  indicators: number;
  /** Of those, how many the store did not hold. */
  new: number;
  /** Stored indicators removed because the collection revoked or changed them. */
  withdrawn: number;
  /** Stored indicators of the feed removed because they ended long ago. */
  purged: number;
  /** Malformed objects, and well-formed ones that hold no single address (revoked, other patterns). */
  rejected: number;
  skipped: number;
  pages: number;
  bytes: number;
  /** False when the walk stopped at its page limit: the next poll continues where this one ended. */
  complete: boolean;
  /** Where the next poll resumes. */
  nextAddedAfter: string | null;
}

/** How a poll runs. */
export interface TaxiiPollOptions {
  /** The time of the poll (stored as its attempt time). */
  now: string;
  /** Read the whole collection, ignoring where the last poll ended. */
  full?: boolean;
  /** Pages read at most in one poll; the rest waits for the next. */
  maxPages?: number;
  fetchImpl?: typeof fetch;
}

/** Whether the state was recorded for this feed's API root and collection (not an earlier configuration). */
function sameTarget(state: TaxiiPollState | null, feed: TaxiiFeedSettings): state is TaxiiPollState {
  return state !== null && state.apiRoot === feed.url && state.collectionId === feed.collectionId;
}

/**
 * Whether the feed is due at `now`: never polled (as configured now), its interval passed since the
 * last success, or a few minutes passed since a failure.
 */
export function isTaxiiPollDue(state: TaxiiPollState | null, feed: TaxiiFeedSettings, now: string): boolean {
  if (!sameTarget(state, feed) || state.lastAttemptAt === null) return true;
  const since = Date.parse(now) - Date.parse(state.lastAttemptAt);
  const wait =
    state.lastError === null
      ? feed.intervalMinutes * 60_000
      : Math.min(feed.intervalMinutes * 60_000, RETRY_AFTER_FAILURE_MS);
  return since >= wait;
}

/** A failure as one line, with its cause (fetch puts the network error there). */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`.slice(0, 500);
}

/** Caps an indicator's validity at `days` after it became valid (or after `now` when it says not when). */
function capValidity(indicator: IpIndicator, days: number, now: string): IpIndicator {
  const cap = new Date(Date.parse(indicator.validFrom ?? now) + days * DAY).toISOString();
  if (indicator.validUntil !== null && indicator.validUntil <= cap) return indicator;
  return { ...indicator, validUntil: cap };
}

/**
 * Polls one TAXII 2.1 collection and imports its IP indicators under the feed's name. Polls are
 * incremental: the server's X-TAXII-Date-Added-Last is remembered and sent as `added_after` next
 * time. Each indicator's newest version replaces what the store held for its STIX id, so revoked and
 * changed indicators stop matching. A failure is recorded (and rethrown) without moving the watermark.
 * Credentials go only to the configured API root: the client follows no redirects.
 */
export async function pollTaxiiFeed(
  store: Store,
  feed: TaxiiFeedSettings,
  options: TaxiiPollOptions,
): Promise<TaxiiPollResult> {
  const polls = createTaxiiPollQueries(store);
  const target = { name: feed.name, apiRoot: feed.url, collectionId: feed.collectionId };
  const state = await polls.get(feed.name);
  const addedAfter = !options.full && sameTarget(state, feed) ? state.addedAfter : null;
  const request: TaxiiFetchOptions = {
    baseUrl: feed.url,
    apiRoot: feed.url,
    collectionId: feed.collectionId,
    source: feed.name,
    ...(addedAfter === null ? {} : { addedAfter }),
    ...(feed.username === null ? {} : { username: feed.username }),
    ...(feed.password === null ? {} : { password: feed.password }),
    ...(feed.token === null ? {} : { token: feed.token }),
    ...(feed.defaultConfidence === null ? {} : { defaultConfidence: feed.defaultConfidence }),
    ...(options.maxPages === undefined ? {} : { maxPages: options.maxPages }),
    ...(options.fetchImpl === undefined ? {} : { fetchImpl: options.fetchImpl }),
  };
  let fetched: Awaited<ReturnType<typeof fetchTaxiiCollection>>;
  try {
    fetched = await fetchTaxiiCollection(request);
  } catch (err) {
    await polls.recordFailure(target, options.now, describeError(err));
    throw err;
  }
  const indicators =
    feed.validityDays === null
      ? fetched.indicators
      : fetched.indicators.map((i) => capValidity(i, feed.validityDays!, options.now));

  // Every STIX id this poll read a usable newest version of now stands for that version alone. A
  // malformed newest version (rejected) withdraws nothing: the stored one stays until a valid update.
  const ids = new Set<string>();
  for (const i of indicators) if (i.id !== null) ids.add(i.id);
  for (const issue of fetched.skipped) if (issue.id !== null) ids.add(issue.id);
  const keep = new Set(indicators.map((i) => `${i.id}|${i.cidr}`));
  const withdrawn = await polls.withdraw(feed.name, [...ids], keep);
  const added = await createIndicatorQueries(store).upsert(indicators, options.now);
  const purged = await polls.purgeExpired(
    feed.name,
    new Date(Date.parse(options.now) - EXPIRED_KEPT_DAYS * DAY).toISOString(),
  );
  const nextAddedAfter = fetched.dateAddedLast ?? addedAfter;
  await polls.recordSuccess(target, options.now, nextAddedAfter, indicators.length);
  return {
    name: feed.name,
    addedAfter,
    indicators: indicators.length,
    new: added,
    withdrawn,
    purged,
    rejected: fetched.rejected.length,
    skipped: fetched.skipped.length,
    pages: fetched.pages,
    bytes: fetched.bytes,
    complete: !fetched.more,
    nextAddedAfter,
  };
}

import type { DetectionCandidate } from '../detections/detection.ts';
import {
  type DayRange,
  hasPasswordSpray,
  type PasswordSprayParameters,
  passwordSprayDetection,
  sprayDays,
  sprayReadWindow,
} from '../detections/password-spray/index.ts';
import type { SignIn } from '../domain/index.ts';
import type { Store } from '../store/open-store.ts';
import {
  type BatchRange,
  createSprayQueries,
  mergeTimeSpans,
  type TenantAddress,
  type TimeSpan,
} from '../store/queries/spray-queries.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function shift(at: string, ms: number): string {
  return new Date(Date.parse(at) + ms).toISOString();
}

// ISO instants of one form compare as text; Math.min/max would compare them as NaN.
function minIso(a: string, b: string): string {
  return a < b ? a : b;
}

function maxIso(a: string, b: string): string {
  return a > b ? a : b;
}

/** Merges day ranges that overlap or touch, so each day is evaluated once. */
function mergeDays(ranges: readonly DayRange[]): DayRange[] {
  const sorted = [...ranges].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const out: DayRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= shift(`${last.to}T00:00:00.000Z`, 24 * HOUR).slice(0, 10)) {
      if (r.to > last.to) last.to = r.to;
    } else out.push({ ...r });
  }
  return out;
}

function byTime(a: SignIn, b: SignIn): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** How a spray run is asked. */
export interface SprayRunOptions {
  parameters?: PasswordSprayParameters;
  /**
   * Event-time spans that together hold every sign-in the batches brought (per principal, say), when
   * the caller has them: the run then skips reading them. Wider spans only widen what is looked at.
   */
  arrivals?: readonly TimeSpan[];
}

/**
 * Password spray detection over the ingest batches of a range, keyed `tenant|principal`.
 *
 * Most runs hold no spray, and then this is one aggregate over recent failures (through the partial
 * index over failed sign-ins) per span of new records. Only an address from which enough principals
 * failed is read further: its failures around the days the new records can change, then — when they
 * hold a spray — its successful sign-ins too. Everything an affected day's findings depend on is read
 * from the store, not taken from the new records alone, so a spray split over several runs (an hour
 * across two daily files, a success that arrives a day later) gives the same detections as one run.
 */
export async function detectPasswordSpray(
  store: Store,
  range: BatchRange,
  options: SprayRunOptions = {},
): Promise<Map<string, DetectionCandidate[]>> {
  const parameters = options.parameters ?? passwordSprayDetection.defaultParameters;
  const out = new Map<string, DetectionCandidate[]>();
  if (range.toBatch <= range.fromBatch) return out;
  const q = createSprayQueries(store);
  const window = parameters.windowMinutes * MINUTE;
  const horizon = parameters.successHorizonHours * HOUR;
  const codes = parameters.failureCodes;

  // Per address, the days the new records can change.
  const work = new Map<string, { address: TenantAddress; days: DayRange[] }>();
  const addDays = (address: TenantAddress, days: DayRange) => {
    const key = `${address.tenantId}|${address.ipAddress}`;
    const w = work.get(key) ?? { address, days: [] };
    w.days.push(days);
    work.set(key, w);
  };

  const gap = horizon + 2 * window;
  const spans =
    options.arrivals === undefined ? await q.arrivalSpans(range, gap) : mergeTimeSpans(options.arrivals, gap);
  for (const span of spans) {
    // Failures around the span that could form a spray with new failures in it, or precede new
    // successes by up to the horizon. Counting over the whole span is coarser than any window, so no
    // spray is missed; the detection decides precisely.
    const busy = await q.busyAddresses(
      { from: shift(span.from, -horizon - window), to: shift(span.to, window) },
      codes,
      parameters.minPrincipals,
    );
    if (busy.length === 0) continue;
    const busyKeys = new Set(busy.map((a) => `${a.tenantId}|${a.ipAddress}`));
    for (const a of await q.newFailureAddresses(range, span, codes)) {
      if (busyKeys.has(`${a.tenantId}|${a.ipAddress}`)) addDays(a, sprayDays('failure', a, parameters));
    }
    // A success counts only at or after a spray failure and within the horizon of one, so each busy
    // address's successes are looked for from its first failure to the horizon after its last.
    const successes = await q.newSuccessSpans(
      busy.map((a) => ({
        ...a,
        first: maxIso(a.first, span.from),
        last: minIso(shift(a.last, horizon), span.to),
      })),
      range,
    );
    for (const { tenantId, ipAddress } of busy) {
      const found = successes.get(`${tenantId}|${ipAddress}`);
      if (found) addDays({ tenantId, ipAddress }, sprayDays('success', found, parameters));
    }
  }

  for (const { address, days } of work.values()) {
    for (const scope of mergeDays(days)) {
      const read = sprayReadWindow(scope, parameters);
      const failures = await q.failuresFrom(address, read, codes);
      if (!hasPasswordSpray(failures, parameters)) continue;
      const signIns = [...failures, ...(await q.successesFrom(address, read))].sort(byTime);
      const candidates = passwordSprayDetection.evaluate(
        { tenantId: address.tenantId, ipAddress: address.ipAddress, signIns, days: scope },
        parameters,
      );
      for (const c of candidates) {
        // Detection keys begin `tenant|principal|`; the principal is the one the candidate is about.
        const principalId = c.dedupeKey.split('|')[1]!;
        const key = `${address.tenantId}|${principalId}`;
        const list = out.get(key);
        if (list) list.push(c);
        else out.set(key, [c]);
      }
    }
  }
  return out;
}

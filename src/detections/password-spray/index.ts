import type { SignIn } from '../../domain/index.ts';
import { type DetectionCandidate, type InfoEntry, networkOf, signInCandidate } from '../detection.ts';

const RISK_EVENT_TYPE = 'investigationsThreatIntelligence';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** What the client-credential failure codes a spray produces mean, for the explanation. */
export const SPRAY_FAILURE_CODES: Readonly<Record<number, string>> = {
  7000215: 'invalid client secret',
  700027: 'invalid client assertion (signature)',
  7000222: 'expired client secret',
  700016: 'application not found in the tenant',
};

/** Tunables of the password spray detection. */
export interface PasswordSprayParameters {
  /** Sign-in error codes that count as a guessed credential failing. */
  failureCodes: readonly number[];
  /** Distinct principals that must fail from one address within the window. */
  minPrincipals: number;
  /** The sliding window, in minutes. */
  windowMinutes: number;
  /** How long after a spray a successful sign-in from the address is flagged, in hours. */
  successHorizonHours: number;
  /** Sign-in ids kept per list in the explanation. */
  maxEvidence: number;
}

/** UTC days, `YYYY-MM-DD`, both ends included. */
export interface DayRange {
  from: string;
  to: string;
}

/** What the detection is given: sign-ins from one address, and the days it may report on. */
export interface AddressSignIns {
  tenantId: string;
  ipAddress: string;
  /**
   * Every sign-in from the address, across principals, that failed with a spray code or succeeded,
   * in event-time order, over at least `sprayReadWindow(days)`.
   */
  signIns: readonly SignIn[];
  /** Findings are reported for these days only: the sign-ins cover them completely. */
  days: DayRange;
}

/** A detection over the sign-ins of one source address: metadata, parameters and a pure evaluate(). */
export interface AddressDetection<P> {
  id: string;
  riskEventType: string;
  title: string;
  description: string;
  defaultParameters: P;
  evaluate(input: AddressSignIns, parameters: P): DetectionCandidate[];
}

// Sign-ins against an app id the tenant does not know carry no principal object id: they still
// count as targets (by app id), but there is no principal to flag.
const NO_PRINCIPAL = '00000000-0000-0000-0000-000000000000';

function targetOf(s: SignIn): string {
  return s.servicePrincipalId === NO_PRINCIPAL || s.servicePrincipalId === ''
    ? `app:${s.appId ?? s.id}`
    : s.servicePrincipalId;
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The days whose findings new records can change: a new failure changes which failures within a
 * window of it belong to a spray, and so the successes up to the horizon after those; a new success
 * changes only its own day.
 */
export function sprayDays(
  kind: 'failure' | 'success',
  span: { first: string; last: string },
  parameters: PasswordSprayParameters,
): DayRange {
  const first = Date.parse(span.first);
  const last = Date.parse(span.last);
  if (kind === 'success') return { from: dayOf(first), to: dayOf(last) };
  const window = parameters.windowMinutes * MINUTE;
  return {
    from: dayOf(first - window),
    to: dayOf(last + window + parameters.successHorizonHours * HOUR),
  };
}

/**
 * The event-time range (`from` included, `to` excluded) to read so that every finding of the days
 * is complete: a day's failures with a window either side (to know which are part of a spray), and
 * for its successes the horizon before them.
 */
export function sprayReadWindow(
  days: DayRange,
  parameters: PasswordSprayParameters,
): { from: string; to: string } {
  const window = parameters.windowMinutes * MINUTE;
  const horizon = parameters.successHorizonHours * HOUR;
  return {
    from: iso(Date.parse(`${days.from}T00:00:00.000Z`) - horizon - window),
    to: iso(Date.parse(`${days.to}T00:00:00.000Z`) + DAY + window),
  };
}

/** Which failures belong to a spray, and per failure how many principals the window ending at it holds. */
interface SprayMarks {
  inSpray: boolean[];
  principalsInWindow: number[];
}

/**
 * Marks the failures that lie in some window of `windowMinutes` (ends included) in which at least
 * `minPrincipals` distinct principals failed. One pass with two pointers over event-time order.
 */
function markSprays(
  failures: readonly SignIn[],
  times: readonly number[],
  p: PasswordSprayParameters,
): SprayMarks {
  const window = p.windowMinutes * MINUTE;
  const inSpray = new Array<boolean>(failures.length).fill(false);
  const principalsInWindow = new Array<number>(failures.length).fill(0);
  const counts = new Map<string, number>();
  let start = 0;
  let markedTo = -1;
  for (let end = 0; end < failures.length; end++) {
    const target = targetOf(failures[end]!);
    counts.set(target, (counts.get(target) ?? 0) + 1);
    while (times[end]! - times[start]! > window) {
      const old = targetOf(failures[start]!);
      const n = counts.get(old)! - 1;
      if (n === 0) counts.delete(old);
      else counts.set(old, n);
      start++;
    }
    principalsInWindow[end] = counts.size;
    if (counts.size >= p.minPrincipals) {
      for (let k = Math.max(start, markedTo + 1); k <= end; k++) inSpray[k] = true;
      markedTo = end;
    }
  }
  return { inSpray, principalsInWindow };
}

/**
 * Whether any window of the failures reaches the threshold: the cheap check a caller makes on an
 * address's failures before reading its successful sign-ins.
 */
export function hasPasswordSpray(signIns: readonly SignIn[], parameters: PasswordSprayParameters): boolean {
  const codes = new Set(parameters.failureCodes);
  const failures = signIns.filter((s) => codes.has(s.statusCode));
  const marks = markSprays(
    failures,
    failures.map((f) => Date.parse(f.createdAt)),
    parameters,
  );
  return marks.inSpray.includes(true);
}

/** A summary of spray failures: when, against how many principals, with which error codes. */
interface SprayStats {
  first: SignIn;
  last: SignIn;
  failures: number;
  targets: Set<string>;
  codes: Map<number, number>;
  peakPrincipals: number;
}

function addToStats(stats: SprayStats | undefined, f: SignIn, peak: number): SprayStats {
  const s = stats ?? {
    first: f,
    last: f,
    failures: 0,
    targets: new Set(),
    codes: new Map(),
    peakPrincipals: 0,
  };
  s.last = f;
  s.failures++;
  s.targets.add(targetOf(f));
  s.codes.set(f.statusCode, (s.codes.get(f.statusCode) ?? 0) + 1);
  s.peakPrincipals = Math.max(s.peakPrincipals, peak);
  return s;
}

function describeStats(stats: SprayStats, p: PasswordSprayParameters) {
  return {
    windowStart: stats.first.createdAt,
    windowEnd: stats.last.createdAt,
    principalsTargeted: stats.targets.size,
    failures: stats.failures,
    peakPrincipalsWithinWindow: stats.peakPrincipals,
    windowMinutes: p.windowMinutes,
    minPrincipals: p.minPrincipals,
  };
}

function describeCodes(codes: Map<number, number>) {
  return [...codes]
    .sort((a, b) => a[0] - b[0])
    .map(([code, count]) => ({ code, meaning: SPRAY_FAILURE_CODES[code] ?? null, count }));
}

function describeNetwork(s: SignIn): string {
  const parts = [s.asn === null ? null : `AS${s.asn}${s.asOrg ? ` ${s.asOrg}` : ''}`, s.country];
  const known = parts.filter((x) => x !== null);
  return known.length > 0 ? `${s.ipAddress} (${known.join(', ')})` : `${s.ipAddress}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function keyIdsOf(signIns: readonly SignIn[]): Set<string> {
  const ids = new Set<string>();
  for (const s of signIns) if (s.credentialKeyId) ids.add(s.credentialKeyId);
  return ids;
}

/** Groups items by a key, keeping first-seen order of keys and event order within each. */
function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * `investigationsThreatIntelligence` (spec A2), password spray against workload identities: failed
 * client-credential sign-ins from one address against many principals within a sliding window.
 *
 * - Every targeted principal gets one **low** detection per address and UTC day of its failures: it
 *   was targeted, not shown to be compromised (a guessed or leaked credential that fails proves
 *   nothing about the real one).
 * - Every principal that signs in **successfully** from the address at or after a spray failure,
 *   within the horizon, gets a separate **high** detection per address and day of the successes:
 *   a credential that works from the spraying address was most likely guessed or leaked.
 *
 * Keys use the day of the principal's own records, never a spray's start or an episode boundary,
 * so the same records give the same detections however they were split into runs; the caller reads
 * `sprayReadWindow(days)` around them so that every reported day is seen whole.
 */
export const passwordSprayDetection: AddressDetection<PasswordSprayParameters> = {
  id: 'password-spray',
  riskEventType: RISK_EVENT_TYPE,
  title: 'Password spray against workload identities',
  description:
    'Failed client-credential sign-ins from one address against many service principals within a short window; a principal that then signs in successfully from that address is flagged high.',
  defaultParameters: {
    failureCodes: Object.keys(SPRAY_FAILURE_CODES).map(Number),
    minPrincipals: 10,
    windowMinutes: 60,
    successHorizonHours: 24,
    maxEvidence: 20,
  },
  evaluate(input, p) {
    const codes = new Set(p.failureCodes);
    const failures: SignIn[] = [];
    const successes: SignIn[] = [];
    for (const s of input.signIns) {
      if (s.ipAddress !== input.ipAddress || s.tenantId !== input.tenantId) continue;
      if (s.statusCode === 0) successes.push(s);
      else if (codes.has(s.statusCode)) failures.push(s);
    }
    // The window logic needs event-time order; ids break ties the way the store orders them.
    failures.sort(byTime);
    successes.sort(byTime);
    const times = failures.map((f) => Date.parse(f.createdAt));
    const marks = markSprays(failures, times, p);
    const sprayIndexes = failures.flatMap((_, i) => (marks.inSpray[i] ? [i] : []));
    if (sprayIndexes.length === 0) return [];
    const inDays = (day: string) => day >= input.days.from && day <= input.days.to;
    const out: DetectionCandidate[] = [];

    // Targeted principals: one detection per principal and day of its spray failures.
    const byDay = groupBy(
      sprayIndexes.filter((i) => inDays(failures[i]!.createdAt.slice(0, 10))),
      (i) => failures[i]!.createdAt.slice(0, 10),
    );
    for (const [day, indexes] of byDay) {
      let dayStats: SprayStats | undefined;
      for (const i of indexes) dayStats = addToStats(dayStats, failures[i]!, marks.principalsInWindow[i]!);
      const stats = dayStats!;
      const byPrincipal = groupBy(
        indexes.map((i) => failures[i]!),
        (f) => f.servicePrincipalId,
      );
      for (const [principalId, own] of byPrincipal) {
        if (principalId === NO_PRINCIPAL || principalId === '') continue;
        out.push(targetCandidate(input, principalId, day, own, stats, p));
      }
    }

    // Successes at or after a spray failure, within the horizon.
    const horizon = p.successHorizonHours * HOUR;
    const sprayTimes = sprayIndexes.map((i) => times[i]!);
    const flagged = successes.filter((s) => {
      if (s.servicePrincipalId === NO_PRINCIPAL || !inDays(s.createdAt.slice(0, 10))) return false;
      const t = Date.parse(s.createdAt);
      const before = lastAtOrBefore(sprayTimes, t);
      return before !== undefined && t - before <= horizon;
    });
    const bySuccessKey = groupBy(flagged, (s) => `${s.servicePrincipalId}|${s.createdAt.slice(0, 10)}`);
    for (const own of bySuccessKey.values()) {
      const first = Date.parse(own[0]!.createdAt);
      const last = Date.parse(own[own.length - 1]!.createdAt);
      // The spray these successes followed: its failures from the horizon before the first success.
      let stats: SprayStats | undefined;
      for (const i of sprayIndexes) {
        if (times[i]! < first - horizon || times[i]! > last) continue;
        stats = addToStats(stats, failures[i]!, marks.principalsInWindow[i]!);
      }
      const principalFailures = sprayIndexes
        .filter((i) => times[i]! >= first - horizon && times[i]! <= last)
        .map((i) => failures[i]!)
        .filter((f) => f.servicePrincipalId === own[0]!.servicePrincipalId);
      out.push(successCandidate(input, own, stats!, principalFailures, p));
    }
    return out;
  },
};

function byTime(a: SignIn, b: SignIn): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The latest of ascending times at or before `t`, if any. */
function lastAtOrBefore(sorted: readonly number[], t: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : sorted[lo - 1];
}

function targetCandidate(
  input: AddressSignIns,
  principalId: string,
  day: string,
  own: readonly SignIn[],
  stats: SprayStats,
  p: PasswordSprayParameters,
): DetectionCandidate {
  const ownCodes = new Map<number, number>();
  for (const f of own) ownCodes.set(f.statusCode, (ownCodes.get(f.statusCode) ?? 0) + 1);
  const info: InfoEntry[] = [
    {
      Key: 'reason',
      Value:
        `Password spray from ${describeNetwork(stats.first)}: failed client-credential sign-ins against ` +
        `${plural(stats.targets.size, 'principal')} on ${day} (at least ${p.minPrincipals} within ` +
        `${p.windowMinutes} minutes); this principal failed ${plural(own.length, 'time')}. It was targeted, ` +
        'not shown to be compromised; a successful sign-in from the address raises a separate high detection.',
    },
    { Key: 'address', Value: networkOf(stats.first) },
    { Key: 'spray', Value: { day, ...describeStats(stats, p) } },
    { Key: 'errorCodes', Value: describeCodes(stats.codes) },
    { Key: 'principalErrorCodes', Value: describeCodes(ownCodes) },
    { Key: 'principalFailedSignIns', Value: own.length },
    { Key: 'contributingSignInIds', Value: own.slice(0, p.maxEvidence).map((s) => s.id) },
  ];
  return signInCandidate(
    `${input.tenantId}|${principalId}|${RISK_EVENT_TYPE}|spray|${input.ipAddress}|${day}`,
    RISK_EVENT_TYPE,
    'low',
    own,
    keyIdsOf(own),
    info,
  );
}

function successCandidate(
  input: AddressSignIns,
  own: readonly SignIn[],
  stats: SprayStats,
  principalFailures: readonly SignIn[],
  p: PasswordSprayParameters,
): DetectionCandidate {
  const first = own[0]!;
  const day = first.createdAt.slice(0, 10);
  const keyIds = keyIdsOf(own);
  const credential = keyIds.size > 0 ? `credential ${[...keyIds].sort().join(', ')}` : 'credential it used';
  const info: InfoEntry[] = [
    {
      Key: 'reason',
      Value:
        `Signed in successfully from ${describeNetwork(first)} ${plural(own.length, 'time')} on ${day}, ` +
        `within ${p.successHorizonHours} hours after a password spray from that address against ` +
        `${plural(stats.targets.size, 'principal')} (${stats.first.createdAt} to ${stats.last.createdAt})` +
        `${principalFailures.length > 0 ? `, in which this principal failed ${plural(principalFailures.length, 'time')}` : ''}. ` +
        `The ${credential} was most likely guessed or leaked: rotate it.`,
    },
    { Key: 'address', Value: networkOf(first) },
    { Key: 'spray', Value: describeStats(stats, p) },
    { Key: 'errorCodes', Value: describeCodes(stats.codes) },
    { Key: 'principalTargeted', Value: principalFailures.length > 0 },
    { Key: 'principalFailedSignInIds', Value: principalFailures.slice(0, p.maxEvidence).map((s) => s.id) },
    { Key: 'successfulSignIns', Value: own.length },
    { Key: 'successfulSignInIds', Value: own.slice(0, p.maxEvidence).map((s) => s.id) },
    { Key: 'contributingSignInIds', Value: own.slice(0, p.maxEvidence).map((s) => s.id) },
  ];
  return signInCandidate(
    `${input.tenantId}|${first.servicePrincipalId}|${RISK_EVENT_TYPE}|spraySuccess|${input.ipAddress}|${day}`,
    RISK_EVENT_TYPE,
    'high',
    own,
    keyIds,
    info,
  );
}

// What one principal's successful sign-ins have looked like: per property, the values seen with their
// first and last sighting and count. Detection A1 learns every successful sign-in into it and compares
// each new sign-in against it. Both run for every ingested sign-in, so the baseline is a mutable value
// owned by its caller and updated in place: learning is a Map lookup per property, and the few most
// frequent values per property are kept ranked as counts grow, so explaining a novelty costs no scan.
//
// Times are event times as the domain writes them (UTC ISO text with milliseconds), which sort as
// text; nothing here reads the clock.

import type { SignIn } from '../domain/index.ts';
import type { SignInSignal } from './risk-weights.ts';
import type { SignInFeatures } from './sign-in-features.ts';

/** The properties a baseline keeps values for, in the order rows are written. */
export const BASELINE_PROPERTIES = [
  'ip',
  'ipPrefix',
  'asn',
  'asOrg',
  'hostingProvider',
  'country',
  'hosting',
  'resource',
  'userAgent',
  'userAgentProduct',
  'credentialType',
] as const;

/**
 * One property a baseline keeps. `asOrg` and `hostingProvider` raise no novelty of their own: they
 * tell a new ASN of a familiar provider from one of another network owner.
 */
export type BaselineProperty = (typeof BASELINE_PROPERTIES)[number];

/** What the baseline knows about one value of one property. */
export interface BaselineValue {
  /** The value as text: ASNs in decimal, hosting as `true`/`false`, user agents as `product/major`. */
  value: string;
  firstSeen: string;
  lastSeen: string;
  count: number;
}

/** A value as the baseline holds it: also its place among the property's most frequent values. */
export interface RankedBaselineValue extends BaselineValue {
  /** Index in PropertyProfile.top, or -1 when it is not among the most frequent. */
  rank: number;
  /** Learned since the baseline was last saved (it is then in PropertyProfile.changed). */
  changed: boolean;
}

/**
 * The values of one property: every value by its text, and the most frequent ones (highest count
 * first, ties by value) so that an explanation needs no scan.
 */
export interface PropertyProfile {
  readonly values: Map<string, RankedBaselineValue>;
  readonly top: RankedBaselineValue[];
  /** Values learned since the last save, so a store writes only those (see baselineChanges). */
  readonly changed: RankedBaselineValue[];
  /** Values aged out since the last save. */
  readonly removed: string[];
}

/** The totals a baseline keeps beside its values; stored next to its rows. */
export interface SignInBaselineMeta {
  /** Event time of the earliest successful sign-in learned; null when none was. */
  firstSignInAt: string | null;
  /** Event time of the latest successful sign-in learned; null when none was. */
  lastSignInAt: string | null;
  /** How many successful sign-ins were learned since firstSignInAt. */
  successfulSignIns: number;
}

/**
 * One principal's sign-in baseline. Change it only through learnSignIn and ageOutBaseline, which keep
 * its ranking and totals consistent.
 */
export interface SignInBaseline extends SignInBaselineMeta {
  /**
   * When learning ends (firstSignInAt plus `days`) as event-time text, for the learning period last
   * asked about: the check runs for every sign-in and compares text instead of parsing dates. Null
   * until asked and whenever firstSignInAt moves.
   */
  learningEnd: { readonly days: number; readonly at: string } | null;
  /** How many of the most frequent values per property are kept ranked for explanations. */
  readonly profileSize: number;
  readonly properties: Readonly<Record<BaselineProperty, PropertyProfile>>;
}

/** How a baseline is built. */
export interface SignInBaselineOptions {
  /** Most frequent values kept ranked per property and shown in explanations; default 5. */
  profileSize?: number;
}

/** One property of a sign-in that the baseline did not know, and what it was compared with. */
export interface SignInNovelty {
  /** The property that was new; for addresses the prefix when it is new, else the exact address. */
  property: BaselineProperty;
  /** What kind of novelty this is, the key of the risk weight table. */
  signal: SignInSignal;
  /** The new value in baseline form (see BaselineValue.value). */
  value: string;
  /** The property's most frequent familiar values, highest count first (a copy, at most profileSize). */
  familiar: readonly BaselineValue[];
  /** How many distinct values the baseline holds for the property; `familiar` may show fewer. */
  familiarCount: number;
  /**
   * What made the novelty familiar in part: the provider or AS organisation a new ASN shares with the
   * baseline, or the product of a new user agent version; null otherwise.
   */
  familiarOwner: string | null;
}

const DAY_MS = 86_400_000;
const DEFAULT_PROFILE_SIZE = 5;
const HOSTING = 'true';
const NOT_HOSTING = 'false';
const NO_NOVELTY: readonly SignInNovelty[] = Object.freeze([]);

function createProfile(): PropertyProfile {
  return { values: new Map(), top: [], changed: [], removed: [] };
}

function createProperties(): Record<BaselineProperty, PropertyProfile> {
  return {
    ip: createProfile(),
    ipPrefix: createProfile(),
    asn: createProfile(),
    asOrg: createProfile(),
    hostingProvider: createProfile(),
    country: createProfile(),
    hosting: createProfile(),
    resource: createProfile(),
    userAgent: createProfile(),
    userAgentProduct: createProfile(),
    credentialType: createProfile(),
  };
}

/** An empty baseline: every principal starts here and is learning until it has two days of history. */
export function createSignInBaseline(options: SignInBaselineOptions = {}): SignInBaseline {
  const profileSize = options.profileSize ?? DEFAULT_PROFILE_SIZE;
  if (!Number.isInteger(profileSize) || profileSize < 1) {
    throw new RangeError(`profileSize must be a positive integer, got ${profileSize}`);
  }
  return {
    firstSignInAt: null,
    lastSignInAt: null,
    successfulSignIns: 0,
    learningEnd: null,
    profileSize,
    properties: createProperties(),
  };
}

/**
 * Whether a sign-in may teach the baseline: only successful ones do, since a failed attempt from an
 * attacker's network must not make that network familiar. The caller applies it before learnSignIn.
 */
export function signInTeachesBaseline(s: SignIn): boolean {
  return s.statusCode === 0;
}

/** Whether a ranks above b among the most frequent values: higher count, then lower value text. */
function ranksAbove(a: BaselineValue, b: BaselineValue): boolean {
  return a.count > b.count || (a.count === b.count && a.value < b.value);
}

/**
 * Keeps `top` the profileSize best values after `entry` gained a count (or arrived). Counts only
 * grow, so the only value that can overtake another is `entry`: it is moved up, or swapped in for
 * the last ranked value when it now beats it. The ranked set is thus the same whatever the order of
 * learning, and the same as a full ranking after loading from rows.
 */
function promote(profile: PropertyProfile, entry: RankedBaselineValue, size: number): void {
  const top = profile.top;
  let at = entry.rank;
  if (at < 0) {
    if (top.length < size) {
      at = top.length;
      top.push(entry);
    } else {
      at = size - 1;
      const last = top[at]!;
      if (!ranksAbove(entry, last)) return;
      last.rank = -1;
      top[at] = entry;
    }
    entry.rank = at;
  }
  while (at > 0) {
    const above = top[at - 1]!;
    if (!ranksAbove(entry, above)) break;
    top[at] = above;
    above.rank = at;
    at--;
    top[at] = entry;
    entry.rank = at;
  }
}

/**
 * Learns `times` more sightings (default one) of a value already in the profile, the latest at `at`
 * (see familiar-sign-ins.ts); the same as learning it that many times by its text, without the look-up.
 */
export function learnFamiliarValue(
  profile: PropertyProfile,
  entry: RankedBaselineValue,
  at: string,
  size: number,
  latest: boolean,
  times = 1,
): void {
  if (!entry.changed) {
    entry.changed = true;
    profile.changed.push(entry);
  }
  entry.count += times;
  // Sign-ins arrive late and out of order, so the window only ever widens; a sign-in at or after
  // the latest one learned (the usual case) is the new last sighting of every value it carries.
  if (latest || at > entry.lastSeen) entry.lastSeen = at;
  else if (at < entry.firstSeen) entry.firstSeen = at;
  promote(profile, entry, size);
}

function touch(profile: PropertyProfile, value: string, at: string, size: number, latest: boolean): void {
  const known = profile.values.get(value);
  if (known !== undefined) {
    learnFamiliarValue(profile, known, at, size, latest);
    return;
  }
  const entry: RankedBaselineValue = {
    value,
    firstSeen: at,
    lastSeen: at,
    count: 1,
    rank: -1,
    changed: true,
  };
  profile.values.set(value, entry);
  profile.changed.push(entry);
  promote(profile, entry, size);
}

/**
 * Learns one successful sign-in (see signInTeachesBaseline) at its event time `at`: each property's
 * value gains a count and its first/last sighting widens. Properties the sign-in lacks are skipped.
 */
export function learnSignIn(baseline: SignInBaseline, features: SignInFeatures, at: string): void {
  const p = baseline.properties;
  const size = baseline.profileSize;
  const latest = baseline.lastSignInAt === null || at >= baseline.lastSignInAt;
  if (features.ip !== null) touch(p.ip, features.ip, at, size, latest);
  if (features.ipPrefix !== null) touch(p.ipPrefix, features.ipPrefix, at, size, latest);
  if (features.asn !== null) touch(p.asn, String(features.asn), at, size, latest);
  if (features.asOrg !== null) touch(p.asOrg, features.asOrg, at, size, latest);
  if (features.hostingProvider !== null) touch(p.hostingProvider, features.hostingProvider, at, size, latest);
  if (features.country !== null) touch(p.country, features.country, at, size, latest);
  if (features.hosting !== null) touch(p.hosting, features.hosting ? HOSTING : NOT_HOSTING, at, size, latest);
  if (features.resource !== null) touch(p.resource, features.resource, at, size, latest);
  if (features.userAgent !== null) touch(p.userAgent, features.userAgent, at, size, latest);
  if (features.userAgentProduct !== null) {
    touch(p.userAgentProduct, features.userAgentProduct, at, size, latest);
  }
  if (features.credentialType !== null) touch(p.credentialType, features.credentialType, at, size, latest);
  baseline.successfulSignIns++;
  if (latest) baseline.lastSignInAt = at;
  if (baseline.firstSignInAt === null || at < baseline.firstSignInAt) {
    baseline.firstSignInAt = at;
    baseline.learningEnd = null;
  }
}

/** Re-ranks a profile from scratch, after values left it or on loading. */
function rankProfile(profile: PropertyProfile, size: number): void {
  for (const entry of profile.top) entry.rank = -1;
  profile.top.length = 0;
  for (const entry of profile.values.values()) {
    entry.rank = -1;
    promote(profile, entry, size);
  }
}

/**
 * Forgets values not seen for more than maxAgeDays before `now`, so a network or resource the
 * principal left long ago is unfamiliar again. When even the last sign-in is that old, the whole
 * baseline is forgotten, totals included: the principal learns anew (two days) rather than having its
 * return from a familiar place scored against nothing; dormancy is a detection of its own.
 * Returns how many values were removed.
 */
export function ageOutBaseline(baseline: SignInBaseline, now: string, maxAgeDays = 60): number {
  const cutoff = new Date(Date.parse(now) - maxAgeDays * DAY_MS).toISOString();
  // Nothing was seen before the first learned sign-in, so a young baseline has nothing to forget.
  if (baseline.firstSignInAt === null || baseline.firstSignInAt >= cutoff) return 0;
  let removed = 0;
  for (const property of BASELINE_PROPERTIES) {
    const profile = baseline.properties[property];
    let reRank = false;
    for (const [value, entry] of profile.values) {
      if (entry.lastSeen < cutoff) {
        profile.values.delete(value);
        profile.removed.push(value);
        removed++;
        if (entry.rank >= 0) reRank = true;
      }
    }
    // A value outside the ranked few ranks below all of them, so only losing a ranked one reshuffles.
    if (reRank) rankProfile(profile, baseline.profileSize);
  }
  // Every value was last seen no later than the last sign-in, so all of them went above.
  if (baseline.lastSignInAt !== null && baseline.lastSignInAt < cutoff) {
    baseline.firstSignInAt = null;
    baseline.lastSignInAt = null;
    baseline.successfulSignIns = 0;
    baseline.learningEnd = null;
  }
  return removed;
}

/**
 * Whether the principal is still learning at event time `at`: it has less than learningDays of
 * history (since its first learned sign-in). A learning principal is not scored.
 */
export function isBaselineLearning(baseline: SignInBaseline, at: string, learningDays = 2): boolean {
  const first = baseline.firstSignInAt;
  if (first === null) return true;
  let end = baseline.learningEnd;
  if (end === null || end.days !== learningDays) {
    end = { days: learningDays, at: new Date(Date.parse(first) + learningDays * DAY_MS).toISOString() };
    baseline.learningEnd = end;
  }
  return at < end.at;
}

function novelty(
  baseline: SignInBaseline,
  property: BaselineProperty,
  signal: SignInSignal,
  value: string,
  familiarOwner: string | null,
): SignInNovelty {
  const profile = baseline.properties[property];
  const familiar: BaselineValue[] = [];
  for (const entry of profile.top) {
    familiar.push({
      value: entry.value,
      firstSeen: entry.firstSeen,
      lastSeen: entry.lastSeen,
      count: entry.count,
    });
  }
  return { property, signal, value, familiar, familiarCount: profile.values.size, familiarOwner };
}

/** The provider or AS organisation of a new ASN that the principal already uses, or null. */
function familiarOwnerOf(baseline: SignInBaseline, features: SignInFeatures): string | null {
  const p = baseline.properties;
  if (features.hostingProvider !== null && p.hostingProvider.values.has(features.hostingProvider)) {
    return features.hostingProvider;
  }
  if (features.asOrg !== null && p.asOrg.values.has(features.asOrg)) return features.asOrg;
  return null;
}

/**
 * The properties of a sign-in its principal's baseline does not know, each classified for the risk
 * table (see risk-weights.ts) and explained with the familiar values it was compared with; an empty
 * array when everything is familiar. Given `weights`, new exact addresses and user agent versions are
 * not reported when they weigh nothing. Properties the sign-in lacks (a managed identity's address) are
 * not compared. The caller skips principals that are still learning (isBaselineLearning).
 */
export function compareSignIn(
  baseline: SignInBaseline,
  features: SignInFeatures,
  weights?: Readonly<Record<SignInSignal, string>>,
): readonly SignInNovelty[] {
  const p = baseline.properties;
  let found: SignInNovelty[] | null = null;
  // Signals weighted 'none' (rotating addresses, SDK upgrades) are the common case; skipping them here
  // saves building an explanation that would be thrown away.
  const newIpCounts = weights === undefined || weights.newIpAddress !== 'none';
  const newVersionCounts = weights === undefined || weights.newUserAgentVersion !== 'none';

  if (features.hosting !== null && p.hosting.values.size > 0) {
    const value = features.hosting ? HOSTING : NOT_HOSTING;
    if (!p.hosting.values.has(value)) {
      found ??= [];
      found.push(novelty(baseline, 'hosting', 'hostingFlip', value, null));
    }
  }

  let newAsn = false;
  if (features.asn !== null) {
    const value = String(features.asn);
    if (!p.asn.values.has(value)) {
      newAsn = true;
      const owner = familiarOwnerOf(baseline, features);
      const signal = owner === null ? 'newAsnOtherOwner' : 'newAsnFamiliarProvider';
      found ??= [];
      found.push(novelty(baseline, 'asn', signal, value, owner));
    }
  }

  if (features.country !== null && !p.country.values.has(features.country)) {
    found ??= [];
    found.push(
      novelty(baseline, 'country', newAsn ? 'newCountryWithNewAsn' : 'newCountry', features.country, null),
    );
  }

  if (features.ipPrefix !== null && !p.ipPrefix.values.has(features.ipPrefix)) {
    found ??= [];
    found.push(novelty(baseline, 'ipPrefix', 'newIpPrefix', features.ipPrefix, null));
  } else if (features.ip !== null && newIpCounts && !p.ip.values.has(features.ip)) {
    found ??= [];
    found.push(novelty(baseline, 'ip', 'newIpAddress', features.ip, null));
  }

  if (features.credentialType !== null && !p.credentialType.values.has(features.credentialType)) {
    found ??= [];
    found.push(novelty(baseline, 'credentialType', 'newCredentialType', features.credentialType, null));
  }

  if (features.userAgentProduct !== null) {
    if (!p.userAgentProduct.values.has(features.userAgentProduct)) {
      found ??= [];
      found.push(
        novelty(baseline, 'userAgentProduct', 'newUserAgentProduct', features.userAgentProduct, null),
      );
    } else if (
      features.userAgent !== null &&
      newVersionCounts &&
      !p.userAgent.values.has(features.userAgent)
    ) {
      found ??= [];
      found.push(
        novelty(baseline, 'userAgent', 'newUserAgentVersion', features.userAgent, features.userAgentProduct),
      );
    }
  }

  if (features.resource !== null && !p.resource.values.has(features.resource)) {
    found ??= [];
    found.push(novelty(baseline, 'resource', 'newResource', features.resource, null));
  }

  return found ?? NO_NOVELTY;
}

/** Re-ranks every property's most frequent values; for loaders that filled the Maps directly. */
export function rankBaseline(baseline: SignInBaseline): void {
  for (const property of BASELINE_PROPERTIES) {
    rankProfile(baseline.properties[property], baseline.profileSize);
  }
}

/** What a baseline learned and forgot since it was last saved, for a store to apply as row changes. */
export interface BaselineChanges {
  /** Values new or changed, with their current sightings and counts. */
  upserts: { property: BaselineProperty; value: BaselineValue }[];
  /** Values aged out (and not learned again since). */
  removals: { property: BaselineProperty; value: string }[];
}

/** The changes since the last save (see markBaselineSaved): learning a day touches a few rows, not all. */
export function baselineChanges(baseline: SignInBaseline): BaselineChanges {
  const upserts: BaselineChanges['upserts'] = [];
  const removals: BaselineChanges['removals'] = [];
  for (const property of BASELINE_PROPERTIES) {
    const profile = baseline.properties[property];
    for (const value of profile.removed) {
      if (!profile.values.has(value)) removals.push({ property, value });
    }
    for (const entry of profile.changed) {
      // An entry aged out after it changed is no longer the property's value of that text.
      if (profile.values.get(entry.value) !== entry) continue;
      upserts.push({
        property,
        value: {
          value: entry.value,
          firstSeen: entry.firstSeen,
          lastSeen: entry.lastSeen,
          count: entry.count,
        },
      });
    }
  }
  return { upserts, removals };
}

/** Starts tracking changes afresh, once the store holds the baseline as it is. */
export function markBaselineSaved(baseline: SignInBaseline): void {
  for (const property of BASELINE_PROPERTIES) {
    const profile = baseline.properties[property];
    for (const entry of profile.changed) entry.changed = false;
    profile.changed.length = 0;
    profile.removed.length = 0;
  }
}

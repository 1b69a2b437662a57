// Most sign-ins of a workload repeat what it did an hour ago: the same few addresses, client and
// resources. For those, comparing against the baseline finds nothing and learning only bumps counts,
// yet extracting and looking up eleven properties costs more than the rest of a detection pass.
// This cache remembers, per address and per client, the baseline values a sign-in from them touches,
// so a familiar sign-in is learned by bumping those values directly. A value aging out of the
// baseline empties the cache, since its entries would then be stale.
//
// A detection pass goes further (learnIfFamiliar): a familiar sign-in is only counted on its address's
// and client's entries, and the counts reach the baseline's values when something is about to read
// them (settleFamiliar): an explanation, ageing, saving. A day of familiar sign-ins from four rotating
// addresses then costs five entries' worth of value updates instead of eleven per sign-in. Counts only
// grow, one value's gain at a time keeps the ranked few exactly the best of the counts applied, and a
// value's last sighting only moves later, so settling late gives the very baseline learning each
// sign-in at once gives. Learning a sign-in that is not familiar may meanwhile rank values whose
// counts wait: they are ranked against the counts applied, and settling ranks them anew.

import type { SignIn } from '../domain/index.ts';
import {
  learnFamiliarValue,
  type PropertyProfile,
  type RankedBaselineValue,
  type SignInBaseline,
} from './sign-in-baseline.ts';
import type { SignInFeatures } from './sign-in-features.ts';

/** Baseline values a familiar sign-in touches, and the sightings of them not yet applied. */
interface TouchEntry {
  /** Profile, value, profile, value, … */
  touched: (PropertyProfile | RankedBaselineValue)[];
  /** Familiar sign-ins counted here and not yet applied to the values (see settleFamiliar). */
  unsettled: number;
  /** Event time of the latest of them. */
  unsettledAt: string;
}

/** The baseline values one address (with its network facts) touches, and the facts they were built from. */
interface NetworkEntry extends TouchEntry {
  /** The address itself, the text it was first seen with (see FamiliarSignIns.lastIp). */
  ip: string | null;
  asn: number | null;
  asOrg: string | null;
  country: string | null;
  hosting: boolean | null;
  hostingProvider: string | null;
}

/** The baseline values one client (user agent, resource, credential type) touches. */
interface ClientEntry extends TouchEntry {
  userAgent: string | null;
  resource: string | null;
  credentialType: string | null;
}

/** Per principal: what familiar addresses and clients touch in its baseline. */
export interface FamiliarSignIns {
  /**
   * The address and client of the last familiar sign-in: most sign-ins repeat them, and comparing text
   * is cheaper than hashing it for a Map. The text kept is the entry's own, never the sign-in's: a
   * long-lived object pointing at a just-read string makes every young-generation collection copy it.
   */
  lastIp: string | null | undefined;
  lastNetwork: NetworkEntry | undefined;
  lastUserAgent: string | null | undefined;
  lastResource: string | null | undefined;
  lastClient: ClientEntry | undefined;
  networks: Map<string | null, NetworkEntry>;
  /** By user agent, then resource. */
  clients: Map<string | null, Map<string | null, ClientEntry>>;
  /** Entries holding sightings not yet applied to the baseline, in the order they got their first. */
  unsettled: TouchEntry[];
}

/** An empty cache: every address and client is unfamiliar until a sign-in from it was learned. */
export function createFamiliarSignIns(): FamiliarSignIns {
  return {
    lastIp: undefined,
    lastNetwork: undefined,
    lastUserAgent: undefined,
    lastResource: undefined,
    lastClient: undefined,
    networks: new Map(),
    clients: new Map(),
    unsettled: [],
  };
}

/** Forgets everything: after values aged out of the baseline, which was settled before (settleFamiliar). */
export function forgetFamiliar(cache: FamiliarSignIns): void {
  cache.lastIp = undefined;
  cache.lastNetwork = undefined;
  cache.lastUserAgent = undefined;
  cache.lastResource = undefined;
  cache.lastClient = undefined;
  cache.networks.clear();
  cache.clients.clear();
}

/**
 * The values a sign-in touches, when its address and client were seen with exactly these facts since
 * the cache was last emptied (and so every one of its values is in the baseline); null otherwise.
 */
export function familiarValues(
  cache: FamiliarSignIns,
  s: SignIn,
): [(PropertyProfile | RankedBaselineValue)[], (PropertyProfile | RankedBaselineValue)[]] | null {
  const n = familiarNetwork(cache, s);
  if (n === undefined) return null;
  const c = familiarClient(cache, s);
  if (c === undefined) return null;
  return [n.touched, c.touched];
}

/** The entry of the sign-in's address, when it was seen with exactly these network facts. */
function familiarNetwork(cache: FamiliarSignIns, s: SignIn): NetworkEntry | undefined {
  let n = cache.lastIp === s.ipAddress ? cache.lastNetwork : undefined;
  if (n === undefined) {
    n = cache.networks.get(s.ipAddress);
    if (n === undefined) return undefined;
    cache.lastIp = n.ip;
    cache.lastNetwork = n;
  }
  if (
    n.asn !== s.asn ||
    n.country !== s.country ||
    n.hosting !== s.hosting ||
    n.hostingProvider !== s.hostingProvider ||
    n.asOrg !== s.asOrg
  ) {
    return undefined;
  }
  return n;
}

/** The entry of the sign-in's client, when it was seen with this credential type. */
function familiarClient(cache: FamiliarSignIns, s: SignIn): ClientEntry | undefined {
  let c =
    cache.lastUserAgent === s.userAgent && cache.lastResource === s.resourceId ? cache.lastClient : undefined;
  if (c === undefined) {
    c = cache.clients.get(s.userAgent)?.get(s.resourceId);
    if (c === undefined) return undefined;
    cache.lastUserAgent = c.userAgent;
    cache.lastResource = c.resource;
    cache.lastClient = c;
  }
  return c.credentialType === s.credentialType ? c : undefined;
}

function countUnsettled(cache: FamiliarSignIns, entry: TouchEntry, at: string): void {
  if (entry.unsettled === 0) cache.unsettled.push(entry);
  entry.unsettled++;
  entry.unsettledAt = at;
}

/**
 * Learns a successful sign-in at `at` when it is familiar (see familiarValues) and says so; learns
 * nothing and returns false otherwise. The baseline's totals and which values it holds are current at
 * once, its values' counts, sightings and ranking only after settleFamiliar, which must run before
 * anything reads those (explanations, ageing, saving).
 */
export function learnIfFamiliar(
  cache: FamiliarSignIns,
  baseline: SignInBaseline,
  s: SignIn,
  at: string,
): boolean {
  const n = familiarNetwork(cache, s);
  if (n === undefined) return false;
  const c = familiarClient(cache, s);
  if (c === undefined) return false;
  if (baseline.lastSignInAt !== null && at < baseline.lastSignInAt) {
    // Out of event-time order: it may widen a value's first sighting, which only learning it now does.
    settleFamiliar(cache, baseline);
    learnFamiliar(baseline, [n.touched, c.touched], at);
    return true;
  }
  countUnsettled(cache, n, at);
  countUnsettled(cache, c, at);
  baseline.successfulSignIns++;
  baseline.lastSignInAt = at;
  return true;
}

/** Applies the sightings learnIfFamiliar counted to the baseline's values; cheap when there are none. */
export function settleFamiliar(cache: FamiliarSignIns, baseline: SignInBaseline): void {
  const list = cache.unsettled;
  if (list.length === 0) return;
  const size = baseline.profileSize;
  for (const entry of list) {
    const touched = entry.touched;
    for (let i = 0; i < touched.length; i += 2) {
      // Not `latest`: two entries may share a value, and the later sighting must win whatever their order.
      learnFamiliarValue(
        touched[i] as PropertyProfile,
        touched[i + 1] as RankedBaselineValue,
        entry.unsettledAt,
        size,
        false,
        entry.unsettled,
      );
    }
    entry.unsettled = 0;
  }
  list.length = 0;
}

/** Learns a familiar sign-in (see familiarValues) at `at`: the same as learnSignIn, without the look-ups. */
export function learnFamiliar(
  baseline: SignInBaseline,
  touched: readonly [(PropertyProfile | RankedBaselineValue)[], (PropertyProfile | RankedBaselineValue)[]],
  at: string,
): void {
  const latest = baseline.lastSignInAt === null || at >= baseline.lastSignInAt;
  for (const list of touched) {
    for (let i = 0; i < list.length; i += 2) {
      learnFamiliarValue(
        list[i] as PropertyProfile,
        list[i + 1] as RankedBaselineValue,
        at,
        baseline.profileSize,
        latest,
      );
    }
  }
  baseline.successfulSignIns++;
  if (latest) baseline.lastSignInAt = at;
}

/** Remembers the values a sign-in touched, once learnSignIn has learned it. */
export function rememberFamiliar(
  cache: FamiliarSignIns,
  baseline: SignInBaseline,
  s: SignIn,
  f: SignInFeatures,
): void {
  const p = baseline.properties;
  const pick = (pairs: [PropertyProfile, string | null][]) => {
    const touched: (PropertyProfile | RankedBaselineValue)[] = [];
    for (const [profile, value] of pairs) {
      if (value === null) continue;
      const entry = profile.values.get(value);
      if (entry === undefined) return null;
      touched.push(profile, entry);
    }
    return touched;
  };
  const network = pick([
    [p.ip, f.ip],
    [p.ipPrefix, f.ipPrefix],
    [p.asn, f.asn === null ? null : String(f.asn)],
    [p.asOrg, f.asOrg],
    [p.hostingProvider, f.hostingProvider],
    [p.country, f.country],
    [p.hosting, f.hosting === null ? null : String(f.hosting)],
  ]);
  const client = pick([
    [p.resource, f.resource],
    [p.userAgent, f.userAgent],
    [p.userAgentProduct, f.userAgentProduct],
    [p.credentialType, f.credentialType],
  ]);
  if (network === null || client === null) return;
  // The entries of the last address and client may be the ones replaced here.
  cache.lastIp = undefined;
  cache.lastNetwork = undefined;
  cache.lastUserAgent = undefined;
  cache.lastResource = undefined;
  cache.lastClient = undefined;
  cache.networks.set(s.ipAddress, {
    ip: s.ipAddress,
    asn: s.asn,
    asOrg: s.asOrg,
    country: s.country,
    hosting: s.hosting,
    hostingProvider: s.hostingProvider,
    touched: network,
    unsettled: 0,
    unsettledAt: '',
  });
  let byResource = cache.clients.get(s.userAgent);
  if (byResource === undefined) {
    byResource = new Map();
    cache.clients.set(s.userAgent, byResource);
  }
  byResource.set(s.resourceId, {
    userAgent: s.userAgent,
    resource: s.resourceId,
    credentialType: s.credentialType,
    touched: client,
    unsettled: 0,
    unsettledAt: '',
  });
}

// Most sign-ins of a workload repeat what it did an hour ago: the same few addresses, client and
// resources. For those, comparing against the baseline finds nothing and learning only bumps counts,
// yet extracting and looking up eleven properties costs more than the rest of a detection pass.
// This cache remembers, per address and per client, the baseline values a sign-in from them touches,
// so a familiar sign-in is learned by bumping those values directly. A value aging out of the
// baseline empties the cache, since its entries would then be stale.

import type { SignIn } from '../domain/index.ts';
import {
  learnFamiliarValue,
  type PropertyProfile,
  type RankedBaselineValue,
  type SignInBaseline,
} from './sign-in-baseline.ts';
import type { SignInFeatures } from './sign-in-features.ts';

/** The baseline values one address (with its network facts) touches, and the facts they were built from. */
interface NetworkEntry {
  asn: number | null;
  asOrg: string | null;
  country: string | null;
  hosting: boolean | null;
  hostingProvider: string | null;
  /** Profile, value, profile, value, … */
  touched: (PropertyProfile | RankedBaselineValue)[];
}

/** The baseline values one client (user agent, resource, credential type) touches. */
interface ClientEntry {
  credentialType: string | null;
  touched: (PropertyProfile | RankedBaselineValue)[];
}

/** Per principal: what familiar addresses and clients touch in its baseline. */
export interface FamiliarSignIns {
  /** The address and client of the last familiar sign-in: most sign-ins repeat them, and comparing
   *  text is cheaper than hashing it for a Map. */
  lastIp: string | null | undefined;
  lastNetwork: NetworkEntry | undefined;
  lastUserAgent: string | null | undefined;
  lastResource: string | null | undefined;
  lastClient: ClientEntry | undefined;
  networks: Map<string | null, NetworkEntry>;
  /** By user agent, then resource. */
  clients: Map<string | null, Map<string | null, ClientEntry>>;
}

export function createFamiliarSignIns(): FamiliarSignIns {
  return {
    lastIp: undefined,
    lastNetwork: undefined,
    lastUserAgent: undefined,
    lastResource: undefined,
    lastClient: undefined,
    networks: new Map(),
    clients: new Map(),
  };
}

/** Forgets everything: after values aged out of the baseline. */
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
  let n = cache.lastIp === s.ipAddress ? cache.lastNetwork : undefined;
  if (n === undefined) {
    n = cache.networks.get(s.ipAddress);
    if (n === undefined) return null;
    cache.lastIp = s.ipAddress;
    cache.lastNetwork = n;
  }
  if (
    n.asn !== s.asn ||
    n.country !== s.country ||
    n.hosting !== s.hosting ||
    n.hostingProvider !== s.hostingProvider ||
    n.asOrg !== s.asOrg
  ) {
    return null;
  }
  let c =
    cache.lastUserAgent === s.userAgent && cache.lastResource === s.resourceId ? cache.lastClient : undefined;
  if (c === undefined) {
    c = cache.clients.get(s.userAgent)?.get(s.resourceId);
    if (c === undefined) return null;
    cache.lastUserAgent = s.userAgent;
    cache.lastResource = s.resourceId;
    cache.lastClient = c;
  }
  if (c.credentialType !== s.credentialType) return null;
  return [n.touched, c.touched];
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
  cache.networks.set(s.ipAddress, {
    asn: s.asn,
    asOrg: s.asOrg,
    country: s.country,
    hosting: s.hosting,
    hostingProvider: s.hostingProvider,
    touched: network,
  });
  let byResource = cache.clients.get(s.userAgent);
  if (byResource === undefined) {
    byResource = new Map();
    cache.clients.set(s.userAgent, byResource);
  }
  byResource.set(s.resourceId, { credentialType: s.credentialType, touched: client });
}

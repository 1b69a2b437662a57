import type {
  AccessDecision,
  AppliedConditionalAccessPolicy,
  AppliedPolicyResult,
  ConditionalAccessPolicy,
  ConditionalAccessSettings,
  NamedLocation,
  RiskLevel,
} from '../domain/index.ts';
import { parseCidr } from '../enrich/parse-cidr.ts';
import { type RangeTable, RangeTableBuilder } from '../enrich/range-table.ts';

// Policies are compiled once per change and evaluated on every token request, so everything that
// does not depend on the request is settled here: ids in lower-cased sets, each policy's location
// ranges merged into sorted tables, and every result entry and reason sentence built ahead of time,
// leaving evaluation to allocate only the result list and the decision.

/** Condition bit: the resource (`applications`). */
export const CONDITION_APPLICATION = 1;
/** Condition bit: the client address (`locations`). */
export const CONDITION_LOCATION = 2;
/** Condition bit: the principal (`clientApplications`). */
export const CONDITION_SERVICE_PRINCIPALS = 4;
/** Condition bit: the principal's risk (`servicePrincipalRiskLevels`). */
export const CONDITION_SERVICE_PRINCIPAL_RISK = 8;

// Graph serialises conditionalAccessConditions flags in member order (application=1, location=8,
// servicePrincipals=8192, servicePrincipalRisk=16384), which the bit order above follows.
const CONDITION_NAMES = ['application', 'location', 'servicePrincipals', 'servicePrincipalRisk'];
// Reason sentences name the conditions in the order a person reads a policy: who, what, where, risk.
const CONDITION_WORDS: readonly [number, string][] = [
  [CONDITION_SERVICE_PRINCIPALS, 'service principal'],
  [CONDITION_APPLICATION, 'application'],
  [CONDITION_LOCATION, 'location'],
  [CONDITION_SERVICE_PRINCIPAL_RISK, 'risk'],
];

/** Graph's spelling of the flags in `mask`, `none` for no flag. */
function conditionFlags(mask: number): string {
  const names = CONDITION_NAMES.filter((_, bit) => mask & (1 << bit));
  return names.length === 0 ? 'none' : names.join(',');
}

/** Bit of a risk level in a compiled policy's `riskLevels`. */
export function riskLevelBit(level: RiskLevel): number {
  switch (level) {
    case 'none':
      return 1;
    case 'low':
      return 2;
    case 'medium':
      return 4;
    case 'high':
      return 8;
  }
}

/** The addresses and countries one side (include or exclude) of a policy's location condition covers. */
export interface CompiledLocations {
  /** `All`: every request, whatever its address. */
  readonly any: boolean;
  readonly ipv4: RangeTable | null;
  readonly ipv6: RangeTable | null;
  /** Upper-case ISO codes from country named locations. */
  readonly countries: ReadonlySet<string>;
  /** A country location with `includeUnknownCountriesAndRegions` is among them. */
  readonly unknownCountry: boolean;
}

/** How a policy's state shapes its results. */
export type CompiledState = 'disabled' | 'enforced' | 'reportOnly';

/** One policy, ready for evaluation. */
export interface CompiledPolicy {
  readonly id: string;
  readonly displayName: string;
  readonly state: CompiledState;
  /** The configured conditions as condition bits; the policy applies when all of them are satisfied. */
  readonly conditions: number;
  readonly allPrincipals: boolean;
  readonly includePrincipals: ReadonlySet<string>;
  readonly excludePrincipals: ReadonlySet<string>;
  readonly allApplications: boolean;
  readonly includeApplications: ReadonlySet<string>;
  readonly excludeApplications: ReadonlySet<string>;
  /** riskLevelBit of each listed level; 0 when risk is not a condition. */
  readonly riskLevels: number;
  readonly includeLocations: CompiledLocations | null;
  readonly excludeLocations: CompiledLocations | null;
  /** The result entry for each mask of satisfied condition bits (16 entries). */
  readonly entries: readonly AppliedConditionalAccessPolicy[];
  /** The entry when the policy is not evaluated: disabled, or the principal is out of scope. */
  readonly skippedEntry: AppliedConditionalAccessPolicy;
  /** Why a request this policy failed was blocked (or, report-only, would have been). */
  readonly reason: string;
}

/** A tenant's policies and settings, ready for evaluateAccess. */
export interface CompiledPolicies {
  readonly policies: readonly CompiledPolicy[];
  readonly enforceOutOfScope: boolean;
  /** The decisions for principals Entra leaves out of scope, used while enforceOutOfScope is false. */
  readonly outOfScope: {
    readonly managedIdentity: AccessDecision;
    readonly multiTenant: AccessDecision;
    readonly other: AccessDecision;
  };
}

const BLOCK: readonly string[] = Object.freeze(['Block']);
const NO_SESSION_CONTROLS: readonly string[] = Object.freeze([]);
const SCOPE_HINT = 'the enforceOutOfScope tenant setting extends policies to them.';

/**
 * Compiles policies (in the order results should list them) against the tenant's named locations.
 * Expects validated policies; a location id that names no location matches no address, as a deleted
 * location would.
 */
export function compilePolicies(
  policies: readonly ConditionalAccessPolicy[],
  namedLocations: readonly NamedLocation[],
  settings: ConditionalAccessSettings,
): CompiledPolicies {
  const locations = new Map(namedLocations.map((l) => [l.id.toLowerCase(), l]));
  const trusted = namedLocations.filter(
    (l) => l['@odata.type'] === '#microsoft.graph.ipNamedLocation' && l.isTrusted,
  );
  const compiled = policies.map((p) => compilePolicy(p, locations, trusted));
  const outOfScope = (what: string): AccessDecision =>
    freezeDecision({
      allow: true,
      conditionalAccessStatus: 'notApplied',
      appliedConditionalAccessPolicies: compiled.map((p) => p.skippedEntry),
      decidedBy: null,
      reason: `Allowed: Conditional Access for workload identities does not cover ${what} (as in Entra), so no policy was applied; ${SCOPE_HINT}`,
    });
  return Object.freeze({
    policies: Object.freeze(compiled),
    enforceOutOfScope: settings.enforceOutOfScope,
    outOfScope: Object.freeze({
      managedIdentity: outOfScope('managed identities'),
      multiTenant: outOfScope('service principals of multi-tenant (third-party) applications'),
      other: outOfScope('legacy and other non-application service principals'),
    }),
  });
}

function freezeDecision(decision: AccessDecision): AccessDecision {
  Object.freeze(decision.appliedConditionalAccessPolicies);
  return Object.freeze(decision);
}

function compilePolicy(
  policy: ConditionalAccessPolicy,
  locations: ReadonlyMap<string, NamedLocation>,
  trusted: readonly NamedLocation[],
): CompiledPolicy {
  const { conditions } = policy;
  const state: CompiledState =
    policy.state === 'disabled' ? 'disabled' : policy.state === 'enabled' ? 'enforced' : 'reportOnly';
  const includeSp = lowerSet(conditions.clientApplications.includeServicePrincipals);
  const includeApps = lowerSet(conditions.applications.includeApplications);
  const riskLevels = conditions.servicePrincipalRiskLevels.reduce(
    (bits, level) => bits | riskLevelBit(level),
    0,
  );
  const hasLocations = conditions.locations !== null && conditions.locations.includeLocations.length > 0;
  const mask =
    CONDITION_APPLICATION |
    CONDITION_SERVICE_PRINCIPALS |
    (hasLocations ? CONDITION_LOCATION : 0) |
    (riskLevels !== 0 ? CONDITION_SERVICE_PRINCIPAL_RISK : 0);

  const base = {
    id: policy.id,
    displayName: policy.displayName,
    enforcedGrantControls: BLOCK,
    enforcedSessionControls: NO_SESSION_CONTROLS,
  };
  const entryFor = (satisfied: number): AppliedConditionalAccessPolicy => {
    const applies = satisfied === mask;
    const result: AppliedPolicyResult =
      state === 'enforced'
        ? applies
          ? 'failure'
          : 'notApplied'
        : state === 'reportOnly'
          ? applies
            ? 'reportOnlyFailure'
            : 'reportOnlyNotApplied'
          : 'notEnabled';
    return Object.freeze({
      ...base,
      result,
      conditionsSatisfied: conditionFlags(satisfied),
      conditionsNotSatisfied: conditionFlags(mask & ~satisfied),
    });
  };
  const entries = Object.freeze(Array.from({ length: 16 }, (_, satisfied) => entryFor(satisfied & mask)));
  const skippedResult: AppliedPolicyResult =
    state === 'enforced' ? 'notApplied' : state === 'reportOnly' ? 'reportOnlyNotApplied' : 'notEnabled';
  const words = CONDITION_WORDS.filter(([bit]) => mask & bit).map(([, word]) => word);
  const matched = `its ${words.slice(0, -1).join(', ')} and ${words.at(-1)} conditions all matched`;
  const named = `"${policy.displayName}" (${policy.id})`;

  return {
    id: policy.id,
    displayName: policy.displayName,
    state,
    conditions: mask,
    allPrincipals: includeSp.has('serviceprincipalsinmytenant'),
    includePrincipals: includeSp,
    excludePrincipals: lowerSet(conditions.clientApplications.excludeServicePrincipals),
    allApplications: includeApps.has('all'),
    includeApplications: includeApps,
    excludeApplications: lowerSet(conditions.applications.excludeApplications),
    riskLevels,
    includeLocations: hasLocations
      ? compileLocations(conditions.locations!.includeLocations, locations, trusted)
      : null,
    excludeLocations:
      hasLocations && conditions.locations!.excludeLocations.length > 0
        ? compileLocations(conditions.locations!.excludeLocations, locations, trusted)
        : null,
    entries,
    skippedEntry: Object.freeze({ ...base, result: skippedResult }),
    reason:
      state === 'reportOnly'
        ? `Allowed: no enabled Conditional Access policy applies; report-only policy ${named} would have blocked it (${matched}).`
        : `Blocked by Conditional Access policy ${named}: ${matched}.`,
  };
}

function lowerSet(ids: readonly string[]): ReadonlySet<string> {
  return new Set(ids.map((id) => id.toLowerCase()));
}

function compileLocations(
  ids: readonly string[],
  locations: ReadonlyMap<string, NamedLocation>,
  trusted: readonly NamedLocation[],
): CompiledLocations {
  const chosen = new Set<NamedLocation>();
  let any = false;
  for (const id of ids) {
    const key = id.toLowerCase();
    if (key === 'all') any = true;
    else if (key === 'alltrusted') for (const l of trusted) chosen.add(l);
    else {
      const location = locations.get(key);
      if (location !== undefined) chosen.add(location);
    }
  }
  const v4 = new RangeTableBuilder(1, 16);
  const v6 = new RangeTableBuilder(4, 16);
  const countries = new Set<string>();
  let unknownCountry = false;
  for (const location of chosen) {
    if (location['@odata.type'] === '#microsoft.graph.ipNamedLocation') {
      for (const { cidrAddress } of location.ipRanges) {
        const range = parseCidr(cidrAddress);
        if (range !== null) (range.width === 1 ? v4 : v6).add(range.first, 0, range.last, 0, 0);
      }
    } else {
      for (const code of location.countriesAndRegions) countries.add(code.toUpperCase());
      if (location.includeUnknownCountriesAndRegions) unknownCountry = true;
    }
  }
  return {
    any,
    ipv4: v4.count === 0 ? null : v4.build(),
    ipv6: v6.count === 0 ? null : v6.build(),
    countries,
    unknownCountry,
  };
}

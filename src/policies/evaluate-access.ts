import type {
  AccessDecision,
  AccessPrincipal,
  AccessRequest,
  AppliedConditionalAccessPolicy,
} from '../domain/index.ts';
import { parseIpAddress } from '../enrich/parse-ip-address.ts';
import { findIpv4, findIpv6 } from '../enrich/range-table.ts';
import {
  CONDITION_APPLICATION,
  CONDITION_LOCATION,
  CONDITION_SERVICE_PRINCIPAL_RISK,
  CONDITION_SERVICE_PRINCIPALS,
  type CompiledLocations,
  type CompiledPolicies,
  riskLevelBit,
} from './compile-policies.ts';

const NOTHING_APPLIED = 'Allowed: no enabled Conditional Access policy applies to this request.';

// The request's address as numbers; shared because evaluation is synchronous, so parsing allocates nothing.
const address = new Uint32Array(4);
const UNKNOWN = 0;
const IPV4 = 1;
const IPV6 = 2;

/**
 * Decides one token request against compiled policies, as Entra does for workload identities: a
 * policy applies when every condition it configures is met (exclusions beat inclusions), an applying
 * enabled policy blocks, report-only policies are reported but never block, and the first blocking
 * policy in policy order is named. Principals Entra leaves out of scope (managed identities,
 * multi-tenant and legacy principals) get every policy not applied unless the tenant enforces out of
 * scope. An unknown or unparseable address matches only `All` locations and counts as an unknown
 * country. The decision and its entries may be shared between calls and are frozen where shared.
 */
export function evaluateAccess(compiled: CompiledPolicies, request: AccessRequest): AccessDecision {
  const { principal } = request;
  if (!compiled.enforceOutOfScope) {
    const skipped = outOfScopeDecision(compiled, principal);
    if (skipped !== null) return skipped;
  }
  const principalId = principal.id.toLowerCase();
  const resource = request.resourceAppId === null ? null : request.resourceAppId.toLowerCase();
  const country = request.country === null || request.country === '' ? null : request.country.toUpperCase();
  const risk = riskLevelBit(request.risk.level);
  const family = readAddress(request.ipAddress);

  const { policies } = compiled;
  const applied = new Array<AppliedConditionalAccessPolicy>(policies.length);
  let blockReason: string | null = null;
  let blockedBy: string | null = null;
  let reportReason: string | null = null;
  for (let i = 0; i < policies.length; i++) {
    const policy = policies[i]!;
    if (policy.state === 'disabled') {
      applied[i] = policy.skippedEntry;
      continue;
    }
    let satisfied = 0;
    if (
      (policy.allPrincipals || policy.includePrincipals.has(principalId)) &&
      !policy.excludePrincipals.has(principalId)
    )
      satisfied |= CONDITION_SERVICE_PRINCIPALS;
    if (
      (policy.allApplications || (resource !== null && policy.includeApplications.has(resource))) &&
      (resource === null || !policy.excludeApplications.has(resource))
    )
      satisfied |= CONDITION_APPLICATION;
    if (
      policy.includeLocations !== null &&
      inLocations(policy.includeLocations, family, country) &&
      (policy.excludeLocations === null || !inLocations(policy.excludeLocations, family, country))
    )
      satisfied |= CONDITION_LOCATION;
    if (policy.riskLevels & risk) satisfied |= CONDITION_SERVICE_PRINCIPAL_RISK;
    applied[i] = policy.entries[satisfied]!;
    if (satisfied !== policy.conditions) continue;
    if (policy.state === 'enforced') {
      if (blockedBy === null) {
        blockedBy = policy.id;
        blockReason = policy.reason;
      }
    } else {
      reportReason ??= policy.reason;
    }
  }
  if (blockedBy !== null)
    return {
      allow: false,
      conditionalAccessStatus: 'failure',
      appliedConditionalAccessPolicies: applied,
      decidedBy: blockedBy,
      reason: blockReason!,
    };
  return {
    allow: true,
    conditionalAccessStatus: 'notApplied',
    appliedConditionalAccessPolicies: applied,
    decidedBy: null,
    reason: reportReason ?? NOTHING_APPLIED,
  };
}

function outOfScopeDecision(compiled: CompiledPolicies, principal: AccessPrincipal): AccessDecision | null {
  switch (principal.kind) {
    case 'managedIdentity':
      return compiled.outOfScope.managedIdentity;
    case 'other':
      return compiled.outOfScope.other;
    case 'application':
      return principal.singleTenant ? null : compiled.outOfScope.multiTenant;
  }
}

// Parses the address into `address`; an IPv4-mapped IPv6 address counts as the IPv4 address, as
// parseCidr stores mapped blocks.
function readAddress(text: string | null): number {
  if (text === null) return UNKNOWN;
  const kind = parseIpAddress(text, address);
  if (kind === 'ipv4') return IPV4;
  if (kind === 'invalid') return UNKNOWN;
  if (address[0] === 0 && address[1] === 0 && address[2] === 0xffff) {
    address[0] = address[3]!;
    return IPV4;
  }
  return IPV6;
}

function inLocations(locations: CompiledLocations, family: number, country: string | null): boolean {
  if (locations.any) return true;
  if (family === IPV4) {
    if (locations.ipv4 !== null && findIpv4(locations.ipv4, address[0]!) >= 0) return true;
  } else if (family === IPV6) {
    if (
      locations.ipv6 !== null &&
      findIpv6(locations.ipv6, address[0]!, address[1]!, address[2]!, address[3]!) >= 0
    )
      return true;
  }
  return country === null ? locations.unknownCountry : locations.countries.has(country);
}

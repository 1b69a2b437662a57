import type { PrincipalKind } from './inventory.ts';
import type { RiskLevel, RiskState } from './risk.ts';
import type { ConditionalAccessStatus } from './sign-in.ts';

/** Graph `conditionalAccessPolicyState`; `enabledForReportingButNotEnforced` is report-only. */
export type ConditionalAccessPolicyState = 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';

/** Graph `conditionalAccessApplications`: the resources a policy targets (`All` or resource app ids). */
export interface ConditionalAccessApplications {
  includeApplications: string[];
  excludeApplications: string[];
}

/** Graph `conditionalAccessClientApplications`: service principal object ids or `ServicePrincipalsInMyTenant`. */
export interface ConditionalAccessClientApplications {
  includeServicePrincipals: string[];
  excludeServicePrincipals: string[];
}

/** Graph `conditionalAccessLocations`: named-location ids, `All` or `AllTrusted`. */
export interface ConditionalAccessLocations {
  includeLocations: string[];
  excludeLocations: string[];
}

/**
 * Graph `conditionalAccessUsers` in the only form a workload-identity policy may carry: no user is
 * targeted (`includeUsers` empty or `['None']`). Kept because Terraform writes it and reads it back.
 */
export interface ConditionalAccessUsers {
  includeUsers: string[];
  excludeUsers: string[];
  includeGroups: string[];
  excludeGroups: string[];
  includeRoles: string[];
  excludeRoles: string[];
}

/** Graph `conditionalAccessConditionSet`, limited to the conditions that apply to workload identities. */
export interface ConditionalAccessConditionSet {
  applications: ConditionalAccessApplications;
  clientApplications: ConditionalAccessClientApplications;
  /** Empty when the policy does not look at risk. */
  servicePrincipalRiskLevels: RiskLevel[];
  /** Null (or an empty `includeLocations`) when the policy does not look at location. */
  locations: ConditionalAccessLocations | null;
  /** The neutral user condition some tools write; never matched against anything. */
  users: ConditionalAccessUsers | null;
  /** Empty or `['all']`: the neutral client-app condition some tools write. */
  clientAppTypes: 'all'[];
}

/** Graph `conditionalAccessGrantControls`; Vigil enforces `block` only, as Entra does for workload identities. */
export interface ConditionalAccessGrantControls {
  operator: 'AND' | 'OR';
  builtInControls: 'block'[];
}

/** The fields of a conditionalAccessPolicy a client sets (everything but the server-assigned ones). */
export interface ConditionalAccessPolicyContent {
  displayName: string;
  description: string | null;
  state: ConditionalAccessPolicyState;
  conditions: ConditionalAccessConditionSet;
  grantControls: ConditionalAccessGrantControls;
}

/** The fields the server assigns to a stored policy or named location. */
export interface ServerAssignedFields {
  id: string;
  createdDateTime: string;
  modifiedDateTime: string;
}

/** A stored Graph `conditionalAccessPolicy`. */
export interface ConditionalAccessPolicy extends ConditionalAccessPolicyContent, ServerAssignedFields {}

/** Graph `iPv4CidrRange` or `iPv6CidrRange`; the type always matches the address family of the text. */
export type IpRange =
  | { '@odata.type': '#microsoft.graph.iPv4CidrRange'; cidrAddress: string }
  | { '@odata.type': '#microsoft.graph.iPv6CidrRange'; cidrAddress: string };

/** The client-set fields of a Graph `ipNamedLocation`. */
export interface IpNamedLocationContent {
  '@odata.type': '#microsoft.graph.ipNamedLocation';
  displayName: string;
  ipRanges: IpRange[];
  /** Trusted locations are what a policy's `AllTrusted` means. */
  isTrusted: boolean;
}

/** The client-set fields of a Graph `countryNamedLocation`. */
export interface CountryNamedLocationContent {
  '@odata.type': '#microsoft.graph.countryNamedLocation';
  displayName: string;
  /** Upper-case ISO 3166-1 alpha-2 codes. */
  countriesAndRegions: string[];
  /** Also match addresses whose country cannot be determined. */
  includeUnknownCountriesAndRegions: boolean;
  /** Workload identities have no GPS, so the country always comes from the client address. */
  countryLookupMethod: 'clientIpAddress';
}

/** The client-set fields of a Graph `namedLocation`, in either kind. */
export type NamedLocationContent = IpNamedLocationContent | CountryNamedLocationContent;

/** A stored Graph `ipNamedLocation`. */
export type IpNamedLocation = IpNamedLocationContent & ServerAssignedFields;

/** A stored Graph `countryNamedLocation`. */
export type CountryNamedLocation = CountryNamedLocationContent & ServerAssignedFields;

/** A stored Graph `namedLocation`, in either kind. */
export type NamedLocation = IpNamedLocation | CountryNamedLocation;

/** Tenant settings that change how policies are enforced. */
export interface ConditionalAccessSettings {
  /**
   * Entra applies workload-identity policies to single-tenant application service principals only.
   * True extends every policy to managed identities, multi-tenant apps and legacy principals too.
   */
  enforceOutOfScope: boolean;
}

/** The principal asking for a token, as far as a policy decision needs it. */
export interface AccessPrincipal {
  /** Service principal object id: what `includeServicePrincipals` lists. */
  id: string;
  appId: string;
  kind: PrincipalKind;
  /** The application's `appOwnerOrganizationId` is the tenant itself. */
  singleTenant: boolean;
}

/** Everything a policy decision looks at. */
export interface AccessRequest {
  principal: AccessPrincipal;
  /** Client address as text (IPv4 or IPv6); null or unparseable means unknown. */
  ipAddress: string | null;
  /** ISO 3166-1 alpha-2 country of the address, looked up by the caller; null when unknown. */
  country: string | null;
  /** App id of the resource the token is for; null when unknown. */
  resourceAppId: string | null;
  /** The principal's current risk; only the level enters the decision. */
  risk: { level: RiskLevel; state: RiskState };
}

/** Graph `appliedConditionalAccessPolicyResult` members a Vigil decision produces. */
export type AppliedPolicyResult =
  | 'success'
  | 'failure'
  | 'notApplied'
  | 'notEnabled'
  | 'reportOnlySuccess'
  | 'reportOnlyFailure'
  | 'reportOnlyNotApplied';

/** One element of a sign-in's `appliedConditionalAccessPolicies` (beta shape). Shared: never mutate. */
export interface AppliedConditionalAccessPolicy {
  readonly id: string;
  readonly displayName: string;
  readonly enforcedGrantControls: readonly string[];
  readonly enforcedSessionControls: readonly string[];
  readonly result: AppliedPolicyResult;
  /** Beta `conditionalAccessConditions` flags, comma-separated (`application,location`), or `none`. */
  readonly conditionsSatisfied?: string;
  readonly conditionsNotSatisfied?: string;
}

/** The outcome of evaluating every policy for one token request. */
export interface AccessDecision {
  allow: boolean;
  /** Never `success`: every Vigil policy blocks, so an applied enabled policy is a `failure`. */
  conditionalAccessStatus: Exclude<ConditionalAccessStatus, 'unknownFutureValue'>;
  /** One entry per policy, in policy order. Shared between decisions: never mutate. */
  appliedConditionalAccessPolicies: readonly AppliedConditionalAccessPolicy[];
  /** Id of the enabled policy that blocked the request, or null when it was allowed. */
  decidedBy: string | null;
  /** One sentence for a person: why the request was allowed or blocked. */
  reason: string;
}

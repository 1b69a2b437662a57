import type {
  AccessRequest,
  ConditionalAccessPolicy,
  NamedLocation,
  NamedLocationContent,
} from '../domain/index.ts';
import { validateNamedLocation } from './validate-named-location.ts';
import { validatePolicy } from './validate-policy.ts';

// One tenant's workload identities, named locations and policies, written as a Graph client would send
// them (the policy bodies follow the entra-docs sample for workload identities).

/** Service principals of the fixture tenant. */
export const principals = {
  /** Single-tenant daemon that syncs invoices; the usual target of policies. */
  billingSync: { id: '4ffcc85d-ec39-4afb-8249-947112058908', appId: 'abf66226-4835-4c04-a8f6-f6baa3ad55fa' },
  /** Single-tenant report exporter. */
  reportExporter: {
    id: '59af3d90-bf5f-4b58-a0b0-2940cf24fc79',
    appId: '1f325853-9d0d-42e4-839b-b131640ced37',
  },
  /** Deployment principal that policies exclude so a bad policy cannot lock out its own repair. */
  breakGlassDeployer: {
    id: 'f089b2fc-1047-4f06-9296-b4d30777b7ce',
    appId: '6f0563d2-adf8-4cb1-8229-5e0f3f2125cb',
  },
  /** A user-assigned managed identity. */
  backupIdentity: {
    id: '0166e13f-7680-48b0-8f6d-767203950333',
    appId: '34f15145-c663-4265-be6e-12c873ea16e3',
  },
  /** A third-party SaaS app consented into the tenant. */
  saasConnector: {
    id: 'dde72afb-659f-4d25-b7e4-fe1eecea2eaf',
    appId: 'dbf4984d-0a64-442d-9532-bbff29a54316',
  },
} as const;

/** Resource app ids (well-known first-party ids). */
export const resources = {
  graph: '00000003-0000-0000-c000-000000000000',
  keyVault: 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093',
  arm: '797f4846-ba00-4fd7-ba43-dac1f8f63013',
} as const;

/** Named location ids. */
export const locationIds = {
  corporateEgress: 'b06f92ac-3cf8-4953-b0a7-1dfe88328f1a',
  buildAgents: '1dcee69c-0fd4-4e62-9898-233df89fa993',
  sanctionedCountries: 'ca618fd8-b31f-41c2-9d73-88278a48bf7c',
  homeCountries: '82cb85de-7de3-40b7-aab2-398cb73e9c93',
} as const;

/** Named location bodies as a client POSTs them. */
export const namedLocationBodies: Record<keyof typeof locationIds, unknown> = {
  corporateEgress: {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    displayName: 'Corporate egress (NAT gateways)',
    isTrusted: true,
    ipRanges: [
      { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' },
      { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.16/28' },
      { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8:1200::/40' },
    ],
  },
  buildAgents: {
    '@odata.type': '#microsoft.graph.ipNamedLocation',
    displayName: 'Self-hosted build agents',
    isTrusted: false,
    ipRanges: [
      { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '192.0.2.0/25' },
      { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8:beef::/48' },
    ],
  },
  sanctionedCountries: {
    '@odata.type': '#microsoft.graph.countryNamedLocation',
    displayName: 'Sanctioned countries and unknown',
    countriesAndRegions: ['KP', 'IR', 'SY', 'CU'],
    includeUnknownCountriesAndRegions: true,
    countryLookupMethod: 'clientIpAddress',
  },
  homeCountries: {
    '@odata.type': '#microsoft.graph.countryNamedLocation',
    displayName: 'Germany and the Netherlands',
    countriesAndRegions: ['DE', 'NL'],
    includeUnknownCountriesAndRegions: false,
  },
};

/** Block every single-tenant principal but the deployer outside trusted locations (the docs' location sample). */
export const blockOutsideTrustedBody = {
  displayName: 'WI: block workload identities outside trusted networks',
  state: 'enabled',
  conditions: {
    applications: { includeApplications: ['All'] },
    clientApplications: {
      includeServicePrincipals: ['ServicePrincipalsInMyTenant'],
      excludeServicePrincipals: [principals.breakGlassDeployer.id],
    },
    locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
  },
  grantControls: { operator: 'and', builtInControls: ['block'] },
};

/** Block the billing daemon at medium or high risk (the docs' risk-based variant). */
export const blockRiskyBody = {
  displayName: 'WI: block risky billing sync',
  state: 'enabled',
  conditions: {
    applications: { includeApplications: ['All'] },
    clientApplications: { includeServicePrincipals: [principals.billingSync.id] },
    servicePrincipalRiskLevels: ['medium', 'high'],
  },
  grantControls: { operator: 'OR', builtInControls: ['block'] },
};

/** A report-only country policy in the shape the Terraform azuread provider writes. */
export const reportSanctionedBody = {
  displayName: 'WI: report Key Vault access from sanctioned countries',
  state: 'enabledForReportingButNotEnforced',
  conditions: {
    applications: {
      includeApplications: [resources.keyVault],
      excludeApplications: [],
      includeUserActions: [],
    },
    clientApplications: {
      includeServicePrincipals: ['ServicePrincipalsInMyTenant'],
      excludeServicePrincipals: [],
    },
    users: {
      includeUsers: ['None'],
      excludeUsers: [],
      includeGroups: [],
      excludeGroups: [],
      includeRoles: [],
      excludeRoles: [],
    },
    clientAppTypes: ['all'],
    locations: { includeLocations: [locationIds.sanctionedCountries], excludeLocations: [] },
    servicePrincipalRiskLevels: [],
    signInRiskLevels: [],
    userRiskLevels: [],
    platforms: null,
    devices: null,
  },
  grantControls: {
    operator: 'OR',
    builtInControls: ['block'],
    customAuthenticationFactors: [],
    termsOfUse: [],
  },
  sessionControls: null,
};

const CREATED = '2025-03-02T09:15:00.000Z';

/** A policy body validated and stored as the API would store it. */
export function storedPolicy(body: unknown, id: string): ConditionalAccessPolicy {
  const result = validatePolicy(body, 'create');
  if ('error' in result) throw new Error(result.error.message);
  return { ...result.policy, id, createdDateTime: CREATED, modifiedDateTime: CREATED };
}

/** A named location body validated and stored as the API would store it. */
export function storedLocation(body: unknown, id: string): NamedLocation {
  const result = validateNamedLocation(body, 'create');
  if ('error' in result) throw new Error(result.error.message);
  const content: NamedLocationContent = result.location;
  return { ...content, id, createdDateTime: CREATED, modifiedDateTime: CREATED };
}

/** Every fixture named location, stored. */
export function storedLocations(): NamedLocation[] {
  return (Object.keys(locationIds) as (keyof typeof locationIds)[]).map((key) =>
    storedLocation(namedLocationBodies[key], locationIds[key]),
  );
}

/** A token request from the billing daemon for Graph from a corporate address at no risk; override what a case needs. */
export function request(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    principal: { ...principals.billingSync, kind: 'application', singleTenant: true },
    ipAddress: '203.0.113.40',
    country: 'DE',
    resourceAppId: resources.graph,
    risk: { level: 'none', state: 'none' },
    ...overrides,
  };
}

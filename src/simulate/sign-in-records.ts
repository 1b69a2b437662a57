// Service principal and managed identity sign-ins in the diagnostic-settings export form (one
// PT1H.json line each). The benchmark streams hundreds of thousands of them, so everything that
// is fixed per workload (location, processing details, CA list) is built once and shared by
// reference; a record costs a few random draws, two GUIDs, one date format and JSON.stringify.
import { createRandom, type Random } from './random.ts';
import {
  type ManagedIdentityPrincipal,
  MICROSOFT_SERVICES_TENANT_ID,
  type ModelCredential,
  type ModelResource,
  type TenantModel,
  type WorkloadPrincipal,
} from './tenant-model.ts';

const DAY_MS = 86_400_000;

/** Failure codes workload sign-ins commonly fail with, and the reason text Entra logs for each. */
export const WORKLOAD_FAILURES: Readonly<Record<number, string>> = {
  // The log keeps Entra's message templates with their placeholders unfilled.
  7000215:
    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{identifier}'.",
  7000222:
    "The provided client secret keys for app '{identifier}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
  700027: 'Client assertion contains an invalid signature.',
  700016:
    "Application with identifier '{appIdentifier}' was not found in the directory '{tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
};

type Location = {
  city: string;
  state: string;
  countryOrRegion: string;
  geoCoordinates: { latitude: number; longitude: number };
};

// Managed identity sign-ins without a client address carry this all-empty location (spec §11).
const EMPTY_LOCATION: Location = {
  city: '',
  state: '',
  countryOrRegion: '',
  geoCoordinates: { latitude: 0, longitude: 0 },
};
const NO_MSI = { msiType: 'none', associatedResourceId: '', federatedTokenId: '', federatedTokenIssuer: '' };
const SP_EVENT_TYPES = ['servicePrincipal'];
const MI_EVENT_TYPES = ['managedIdentity'];
const SUCCESS_STATUS = { errorCode: 0, failureReason: 'Other.', additionalDetails: null };
const EMPTY: readonly never[] = [];

/** What a workload's records share, built once per principal. */
interface PrincipalStatics {
  location: Location;
  /** authenticationProcessingDetails per SDK release. */
  processing: { key: string; value: string }[][];
  failureCodes: number[];
}

/** What a managed identity's records share, built once per identity. */
interface IdentityStatics {
  location: Location;
  msi: { msiType: string; associatedResourceId: string; federatedTokenId: string; federatedTokenIssuer: string };
  processing: { key: string; value: string }[];
}

const principalStatics = new WeakMap<WorkloadPrincipal, PrincipalStatics>();
const identityStatics = new WeakMap<ManagedIdentityPrincipal, IdentityStatics>();

function locationOf(p: { network: WorkloadPrincipal['network'] }): Location {
  const n = p.network;
  return {
    city: n.city,
    state: n.state,
    countryOrRegion: n.countryOrRegion,
    geoCoordinates: { latitude: n.latitude, longitude: n.longitude },
  };
}

function staticsOf(p: WorkloadPrincipal): PrincipalStatics {
  let s = principalStatics.get(p);
  if (s) return s;
  let failureCodes: number[];
  if (p.clientCredentialType === 'clientSecret') {
    failureCodes = p.expiredSecret ? [7000215, 7000222, 7000222, 7000222, 700016] : [7000215, 7000215, 700016];
  } else {
    failureCodes = [700027, 700027, 700027, 700016];
  }
  s = {
    location: locationOf(p),
    processing: p.releases.map((r) => [{ key: 'Azure AD App Authentication Library', value: r.authLibrary }]),
    failureCodes,
  };
  principalStatics.set(p, s);
  return s;
}

function identityStaticsOf(mi: ManagedIdentityPrincipal): IdentityStatics {
  let s = identityStatics.get(mi);
  if (s) return s;
  s = {
    location: locationOf(mi),
    msi: {
      msiType: mi.msiType,
      associatedResourceId: mi.associatedResourceId,
      federatedTokenId: '',
      federatedTokenIssuer: '',
    },
    processing: [{ key: 'Azure AD App Authentication Library', value: '' }],
  };
  identityStatics.set(mi, s);
  return s;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** 16 random bytes in unpadded base64url, the form of `uniqueTokenIdentifier`. */
function tokenIdentifier(rnd: Random): string {
  let out = '';
  for (let w = 0; w < 4; w++) {
    const word = rnd.uint32();
    out +=
      B64URL[(word >>> 26) & 63]! +
      B64URL[(word >>> 20) & 63]! +
      B64URL[(word >>> 14) & 63]! +
      B64URL[(word >>> 8) & 63]! +
      B64URL[(word >>> 2) & 63]!;
  }
  // 128 bits make 21 full characters and one holding the last 2 bits.
  const last = rnd.uint32();
  return out + B64URL[last & 63]! + B64URL[((last >>> 6) & 3) << 4]!;
}

/** Entra request ids end in a two-byte counter whose low byte is usually zero; copy that look. */
function requestId(rnd: Random): string {
  const id = rnd.guid();
  return `${id.slice(0, 32)}${rnd.hex(2)}00`;
}

function pad4(n: number): string {
  return n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : `${n}`;
}

/** An ISO timestamp with Entra's seven fraction digits: milliseconds plus four sub-millisecond digits. */
function entraTime(ms: number, subMs: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${pad4(subMs)}Z`;
}

function pickResource(rnd: Random, resources: readonly ModelResource[]): ModelResource {
  // The first resource of a workload takes most of its traffic.
  if (resources.length === 1 || rnd.chance(0.6)) return resources[0]!;
  return rnd.pick(resources);
}

function pickAddress(rnd: Random, pool: readonly string[], prefixes: readonly string[]): string {
  // Mostly the workload's usual egress addresses; sometimes a fresh instance elsewhere in its prefixes.
  if (rnd.chance(0.9)) return rnd.pick(pool);
  const cidr = rnd.pick(prefixes);
  return `${cidr.slice(0, cidr.lastIndexOf('.'))}.${rnd.int(4, 250)}`;
}

function pickCredential(rnd: Random, credentials: readonly ModelCredential[]): ModelCredential | null {
  if (credentials.length === 0) return null;
  // During a rotation the newer credential carries most sign-ins.
  return credentials.length === 1 || rnd.chance(0.85) ? credentials[0]! : rnd.pick(credentials);
}

/** Builds one service principal sign-in; `release` indexes the principal's SDK releases. */
function servicePrincipalRecord(
  model: TenantModel,
  rnd: Random,
  ms: number,
  subMs: number,
  p: WorkloadPrincipal,
  failure: boolean,
  release: number,
): Record<string, unknown> {
  const s = staticsOf(p);
  const time = entraTime(ms, subMs);
  const id = requestId(rnd);
  const correlationId = rnd.guid();
  const resource = pickResource(rnd, p.resources);
  const ip = pickAddress(rnd, p.ipPool, p.prefixes);
  const sdk = p.releases[Math.min(release, p.releases.length - 1)]!;
  const federatedCredential = p.clientCredentialType === 'federatedIdentityCredential';
  let credential = federatedCredential ? null : pickCredential(rnd, p.signInCredentials);
  let code = 0;
  let reason = '';
  if (failure) {
    code = rnd.pick(s.failureCodes);
    reason = WORKLOAD_FAILURES[code]!;
    // An expired secret is still identified; a wrong secret or a bad assertion matches no credential.
    credential = code === 7000222 ? p.expiredSecret : null;
  }
  const status = failure ? { errorCode: code, failureReason: reason, additionalDetails: null } : SUCCESS_STATUS;
  return {
    time,
    resourceId: `/tenants/${model.tenantId}/providers/Microsoft.aadiam`,
    operationName: 'Sign-in activity',
    operationVersion: '1.0',
    category: 'ServicePrincipalSignInLogs',
    tenantId: model.tenantId,
    resultType: `${code}`,
    resultSignature: 'None',
    resultDescription: reason,
    durationMs: 0,
    callerIpAddress: ip,
    correlationId,
    identity: p.displayName,
    Level: 4,
    location: p.network.countryOrRegion,
    properties: {
      id,
      createdDateTime: time,
      appDisplayName: p.displayName,
      appId: p.appId,
      appOwnerTenantId: p.appOwnerOrganizationId,
      appliedConditionalAccessPolicies: EMPTY,
      authenticationProcessingDetails: s.processing[Math.min(release, s.processing.length - 1)],
      authenticationProtocol: 'none',
      autonomousSystemNumber: p.network.asn,
      clientCredentialType: p.clientCredentialType,
      conditionalAccessStatus: 'notApplied',
      correlationId,
      crossTenantAccessType: 'none',
      federatedCredentialId: federatedCredential ? p.signInCredentials[0]!.keyId : '',
      homeTenantId: model.tenantId,
      incomingTokenType: 'none',
      ipAddress: ip,
      isInteractive: false,
      location: s.location,
      managedServiceIdentity: NO_MSI,
      originalRequestId: id,
      processingTimeInMilliseconds: rnd.int(8, 90),
      resourceDisplayName: resource.displayName,
      resourceId: resource.appId,
      resourceServicePrincipalId: resource.servicePrincipalId,
      resourceTenantId: model.tenantId,
      riskDetail: 'none',
      riskLevelAggregated: 'none',
      riskLevelDuringSignIn: 'none',
      riskState: 'none',
      servicePrincipalCredentialKeyId: credential?.keyId ?? '',
      servicePrincipalCredentialThumbprint: credential?.thumbprint ?? '',
      servicePrincipalId: p.objectId,
      servicePrincipalName: p.displayName,
      signInEventTypes: SP_EVENT_TYPES,
      status,
      tokenIssuerType: 'AzureAD',
      uniqueTokenIdentifier: tokenIdentifier(rnd),
      userAgent: sdk.userAgent,
    },
  };
}

/** Builds one managed identity sign-in. */
function managedIdentityRecord(
  model: TenantModel,
  rnd: Random,
  ms: number,
  subMs: number,
  mi: ManagedIdentityPrincipal,
): Record<string, unknown> {
  const s = identityStaticsOf(mi);
  const time = entraTime(ms, subMs);
  const id = requestId(rnd);
  const correlationId = rnd.guid();
  const resource = pickResource(rnd, mi.resources);
  // Tokens fetched through the instance metadata endpoint usually reach the log without a client address.
  const ip = rnd.chance(0.7) ? '' : pickAddress(rnd, mi.ipPool, mi.prefixes);
  const record: Record<string, unknown> = {
    time,
    resourceId: `/tenants/${model.tenantId}/providers/Microsoft.aadiam`,
    operationName: 'Sign-in activity',
    operationVersion: '1.0',
    category: 'ManagedIdentitySignInLogs',
    tenantId: model.tenantId,
    resultType: '0',
    resultSignature: 'None',
    resultDescription: '',
    durationMs: 0,
  };
  // Real exports leave out the caller address and location when there is no client address.
  if (ip !== '') record.callerIpAddress = ip;
  record.correlationId = correlationId;
  record.identity = mi.displayName;
  record.Level = 4;
  if (ip !== '') record.location = mi.network.countryOrRegion;
  record.properties = {
    id,
    createdDateTime: time,
    appDisplayName: mi.displayName,
    appId: mi.appId,
    appOwnerTenantId: model.tenantId,
    appliedConditionalAccessPolicies: EMPTY,
    authenticationProcessingDetails: s.processing,
    authenticationProtocol: 'none',
    autonomousSystemNumber: ip === '' ? 0 : mi.network.asn,
    clientCredentialType: 'managedIdentity',
    conditionalAccessStatus: 'notApplied',
    correlationId,
    crossTenantAccessType: 'none',
    federatedCredentialId: '',
    homeTenantId: model.tenantId,
    incomingTokenType: 'none',
    ipAddress: ip,
    isInteractive: false,
    location: ip === '' ? EMPTY_LOCATION : s.location,
    managedServiceIdentity: s.msi,
    originalRequestId: id,
    processingTimeInMilliseconds: rnd.int(2, 30),
    resourceDisplayName: resource.displayName,
    resourceId: resource.appId,
    resourceServicePrincipalId: resource.servicePrincipalId,
    resourceTenantId: model.tenantId,
    riskDetail: 'none',
    riskLevelAggregated: 'none',
    riskLevelDuringSignIn: 'none',
    riskState: 'none',
    servicePrincipalCredentialKeyId: '',
    servicePrincipalCredentialThumbprint: '',
    servicePrincipalId: mi.objectId,
    servicePrincipalName: mi.displayName,
    signInEventTypes: MI_EVENT_TYPES,
    status: SUCCESS_STATUS,
    tokenIssuerType: 'AzureAD',
    uniqueTokenIdentifier: tokenIdentifier(rnd),
    userAgent: '',
  };
  return record;
}

/** Options of makeSignInRecord. */
export interface SignInRecordOptions {
  /** Index into `model.principals`, or into `model.managedIdentities` when `managedIdentity` is set. */
  principalIndex?: number;
  managedIdentity?: boolean;
  /** A failed sign-in; ignored for managed identities, whose tokens the platform issues. */
  failure?: boolean;
}

/**
 * One diagnostic-settings export record (storage-account PT1H.json line form) for a service principal
 * or managed identity sign-in at `at`, using the principal's newest SDK release.
 */
export function makeSignInRecord(
  model: TenantModel,
  rnd: Random,
  at: Date,
  options: SignInRecordOptions = {},
): Record<string, unknown> {
  const ms = at.getTime();
  const subMs = rnd.int(0, 9999);
  if (options.managedIdentity) {
    const mi =
      options.principalIndex === undefined
        ? rnd.pick(model.managedIdentities)
        : model.managedIdentities[options.principalIndex];
    if (!mi) throw new RangeError(`no managed identity at index ${options.principalIndex}`);
    return managedIdentityRecord(model, rnd, ms, subMs, mi);
  }
  const p =
    options.principalIndex === undefined ? rnd.pick(model.principals) : model.principals[options.principalIndex];
  if (!p) throw new RangeError(`no principal at index ${options.principalIndex}`);
  return servicePrincipalRecord(model, rnd, ms, subMs, p, options.failure === true, p.releases.length - 1);
}

/** Options of generateSignInLines. */
export interface SignInLinesOptions {
  seed: number;
  count: number;
  start: Date;
  days: number;
}

/** Share of sign-ins by managed identities, and of failed service principal sign-ins, in a stream. */
export const STREAM_MIX = { managedIdentity: 0.05, failure: 0.02 } as const;

/**
 * Streams `count` records as NDJSON lines (each ending '\n') in time order from `start` over `days`:
 * ~5% managed identity, ~2% failures, addresses rotating inside each workload's prefixes, and some
 * workloads upgrading their SDK part-way.
 */
export function* generateSignInLines(model: TenantModel, options: SignInLinesOptions): Generator<string> {
  const rnd = createRandom(options.seed);
  const { count } = options;
  const startMs = options.start.getTime();
  const stepMs = (options.days * DAY_MS) / Math.max(count, 1);
  const principals = model.principals;
  const identities = model.managedIdentities;
  if (principals.length === 0) throw new RangeError('the model has no service principals');

  const cumulative: number[] = [];
  let total = 0;
  for (const p of principals) {
    total += p.weight;
    cumulative.push(total);
  }

  // Each workload starts on one SDK release; some upgrade once or twice at a random point of the window.
  const releaseStart: number[] = [];
  const upgradeAt: number[][] = [];
  for (const p of principals) {
    const first = rnd.int(0, p.releases.length - 1);
    const moves: number[] = [];
    for (let r = first + 1; r < p.releases.length; r++) {
      if (rnd.chance(0.35)) moves.push(startMs + rnd.next() * options.days * DAY_MS);
    }
    releaseStart.push(first);
    upgradeAt.push(moves.sort((a, b) => a - b));
  }

  const miShare = identities.length > 0 ? STREAM_MIX.managedIdentity : 0;
  const failureShare = STREAM_MIX.failure / (1 - miShare);
  for (let i = 0; i < count; i++) {
    // One record per step with jitter inside the step keeps the stream sorted without a sort.
    const offset = (i + rnd.next()) * stepMs;
    const whole = Math.floor(offset);
    const ms = startMs + whole;
    const subMs = Math.floor((offset - whole) * 10000);
    if (miShare > 0 && rnd.chance(miShare)) {
      yield `${JSON.stringify(managedIdentityRecord(model, rnd, ms, subMs, rnd.pick(identities)))}\n`;
      continue;
    }
    const target = rnd.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    const p = principals[lo]!;
    let release = releaseStart[lo]!;
    for (const at of upgradeAt[lo]!) if (at <= ms) release++;
    const failure = rnd.chance(failureShare);
    yield `${JSON.stringify(servicePrincipalRecord(model, rnd, ms, subMs, p, failure, release))}\n`;
  }
}

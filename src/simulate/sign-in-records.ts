// Service principal and managed identity sign-ins in the diagnostic-settings export form (one
// PT1H.json line each). The benchmark streams hundreds of thousands of them, and JSON.stringify of a
// 2.5 KB object alone tops out near 100,000 records a second here, so a line is assembled from JSON
// fragments serialised once per tenant, workload and resource; a record then costs a few random
// draws, two GUIDs, one date format and one string concatenation. makeSignInRecord parses the same
// line, so the object form and the streamed form cannot drift apart.
//
// Size: older exports (2022 samples) ran about 1.5 KB with a sparser field set. With every field
// workload detection reads (credential type, key id, thumbprint, federated credential, ASN, user
// agent, managed identity block, home/resource/app-owner tenants) a typical record is ~2.5 KB;
// the field names and GUIDs alone take about 2.3 KB, so no realistic value choice gets it lower.
import { createRandom, type Random } from './random.ts';
import type {
  CloudNetwork,
  ManagedIdentityPrincipal,
  ModelCredential,
  ModelResource,
  TenantModel,
  WorkloadPrincipal,
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

const json = JSON.stringify;

// Managed identity sign-ins without a client address carry this all-empty location (spec §11).
const EMPTY_LOCATION = json({
  city: '',
  state: '',
  countryOrRegion: '',
  geoCoordinates: { latitude: 0, longitude: 0 },
});
const NO_MSI = json({
  msiType: 'none',
  associatedResourceId: '',
  federatedTokenId: '',
  federatedTokenIssuer: '',
});
// Graph reports a successful sign-in's failureReason as "Other.".
const SUCCESS_STATUS = json({ errorCode: 0, failureReason: 'Other.', additionalDetails: null });
const FAILURE_PARTS = new Map(
  Object.entries(WORKLOAD_FAILURES).map(([code, reason]) => [
    Number(code),
    {
      reason: json(reason),
      status: json({ errorCode: Number(code), failureReason: reason, additionalDetails: null }),
    },
  ]),
);

/** Fragments fixed for a tenant. */
interface TenantParts {
  /** From after `time` to the opening quote of `resultType`'s value, per category. */
  spEnvelope: string;
  miEnvelope: string;
  tenantId: string;
}

/** Fragments fixed for a workload, each ending with a comma where a field follows. */
interface PrincipalParts {
  identity: string;
  app: string;
  /** `authenticationProcessingDetails` and `userAgent` JSON per SDK release. */
  processing: string[];
  userAgents: string[];
  location: string;
  ids: string;
  resources: string[];
  failureCodes: number[];
}

/** Fragments fixed for a managed identity. */
interface IdentityParts {
  identity: string;
  app: string;
  location: string;
  msi: string;
  ids: string;
  resources: string[];
}

const tenantCache = new WeakMap<TenantModel, TenantParts>();
const principalCache = new WeakMap<WorkloadPrincipal, PrincipalParts>();
const identityCache = new WeakMap<ManagedIdentityPrincipal, IdentityParts>();

function tenantParts(model: TenantModel): TenantParts {
  let t = tenantCache.get(model);
  if (t) return t;
  const envelope = (category: string): string =>
    `"resourceId":"/tenants/${model.tenantId}/providers/Microsoft.aadiam","operationName":"Sign-in activity",` +
    `"operationVersion":"1.0","category":"${category}","tenantId":"${model.tenantId}","resultType":"`;
  t = {
    spEnvelope: envelope('ServicePrincipalSignInLogs'),
    miEnvelope: envelope('ManagedIdentitySignInLogs'),
    tenantId: model.tenantId,
  };
  tenantCache.set(model, t);
  return t;
}

function locationJson(n: CloudNetwork): string {
  return json({
    city: n.city,
    state: n.state,
    countryOrRegion: n.countryOrRegion,
    geoCoordinates: { latitude: n.latitude, longitude: n.longitude },
  });
}

function resourceParts(resources: readonly ModelResource[]): string[] {
  return resources.map(
    (r) =>
      `"resourceDisplayName":${json(r.displayName)},"resourceId":"${r.appId}","resourceServicePrincipalId":"${r.servicePrincipalId}",`,
  );
}

function principalParts(p: WorkloadPrincipal): PrincipalParts {
  let s = principalCache.get(p);
  if (s) return s;
  const name = json(p.displayName);
  s = {
    identity: `"identity":${name},"Level":4,"location":"${p.network.countryOrRegion}",`,
    app: `"appDisplayName":${name},"appId":"${p.appId}","appOwnerTenantId":"${p.appOwnerOrganizationId}","appliedConditionalAccessPolicies":[],`,
    processing: p.releases.map((r) =>
      json([{ key: 'Azure AD App Authentication Library', value: r.authLibrary }]),
    ),
    userAgents: p.releases.map((r) => json(r.userAgent)),
    location: locationJson(p.network),
    ids: `"servicePrincipalId":"${p.objectId}","servicePrincipalName":${name},`,
    resources: resourceParts(p.resources),
    failureCodes:
      p.clientCredentialType === 'clientSecret'
        ? p.expiredSecret
          ? [7000215, 7000222, 7000222, 7000222, 700016]
          : [7000215, 7000215, 700016]
        : [700027, 700027, 700027, 700016],
  };
  principalCache.set(p, s);
  return s;
}

function identityParts(mi: ManagedIdentityPrincipal): IdentityParts {
  let s = identityCache.get(mi);
  if (s) return s;
  const name = json(mi.displayName);
  s = {
    identity: `"identity":${name},"Level":4,`,
    app: `"appDisplayName":${name},"appId":"${mi.appId}",`,
    location: locationJson(mi.network),
    msi: json({
      msiType: mi.msiType,
      associatedResourceId: mi.associatedResourceId,
      federatedTokenId: '',
      federatedTokenIssuer: '',
    }),
    ids: `"servicePrincipalId":"${mi.objectId}","servicePrincipalName":${name},`,
    resources: resourceParts(mi.resources),
  };
  identityCache.set(mi, s);
  return s;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** 16 random bytes in unpadded base64url (22 characters), the form of `uniqueTokenIdentifier`. */
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
  // 128 bits make 21 full characters and a last one holding only 2 bits.
  const last = rnd.uint32();
  return out + B64URL[last & 63]! + B64URL[((last >>> 6) & 3) << 4]!;
}

/** Entra request ids end in a two-byte counter whose low byte is usually zero; copy that look. */
function requestId(rnd: Random): string {
  return `${rnd.guid().slice(0, 32)}${rnd.hex(2)}00`;
}

function pad4(n: number): string {
  return n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : `${n}`;
}

/** An ISO timestamp with Entra's seven fraction digits: milliseconds plus four sub-millisecond digits. */
function entraTime(ms: number, subMs: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${pad4(subMs)}Z`;
}

function pickIndex(rnd: Random, length: number): number {
  // The first resource of a workload takes most of its traffic.
  return length === 1 || rnd.chance(0.6) ? 0 : rnd.int(0, length - 1);
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

/** One service principal sign-in line (without the newline); `release` indexes the principal's SDK releases. */
function servicePrincipalLine(
  model: TenantModel,
  rnd: Random,
  ms: number,
  subMs: number,
  p: WorkloadPrincipal,
  failure: boolean,
  release: number,
): string {
  const t = tenantParts(model);
  const s = principalParts(p);
  const time = entraTime(ms, subMs);
  const id = requestId(rnd);
  const correlationId = rnd.guid();
  const resource = s.resources[pickIndex(rnd, s.resources.length)]!;
  const ip = pickAddress(rnd, p.ipPool, p.prefixes);
  const r = Math.min(release, p.releases.length - 1);
  const federated = p.clientCredentialType === 'federatedIdentityCredential';
  let credential = federated ? null : pickCredential(rnd, p.signInCredentials);
  let code = 0;
  let reason = '""';
  let status = SUCCESS_STATUS;
  if (failure) {
    code = rnd.pick(s.failureCodes);
    const parts = FAILURE_PARTS.get(code)!;
    reason = parts.reason;
    status = parts.status;
    // An expired secret is still identified; a wrong secret or a bad assertion matches no credential.
    credential = code === 7000222 ? p.expiredSecret : null;
  }
  const keyId = credential?.keyId ?? '';
  const thumbprint = credential?.thumbprint ?? '';
  const ficId = federated ? p.signInCredentials[0]!.keyId : '';
  return (
    `{"time":"${time}",${t.spEnvelope}${code}","resultSignature":"None","resultDescription":${reason},` +
    `"durationMs":0,"callerIpAddress":"${ip}","correlationId":"${correlationId}",${s.identity}` +
    `"properties":{"id":"${id}","createdDateTime":"${time}",${s.app}` +
    `"authenticationProcessingDetails":${s.processing[r]},"authenticationProtocol":"none",` +
    `"autonomousSystemNumber":${p.network.asn},"clientCredentialType":"${p.clientCredentialType}",` +
    `"conditionalAccessStatus":"notApplied","correlationId":"${correlationId}","crossTenantAccessType":"none",` +
    `"federatedCredentialId":"${ficId}","homeTenantId":"${t.tenantId}","incomingTokenType":"none",` +
    `"ipAddress":"${ip}","isInteractive":false,"location":${s.location},"managedServiceIdentity":${NO_MSI},` +
    `"originalRequestId":"${id}","processingTimeInMilliseconds":${rnd.int(8, 90)},${resource}` +
    `"resourceTenantId":"${t.tenantId}","riskDetail":"none","riskLevelAggregated":"none",` +
    `"riskLevelDuringSignIn":"none","riskState":"none","servicePrincipalCredentialKeyId":"${keyId}",` +
    `"servicePrincipalCredentialThumbprint":"${thumbprint}",${s.ids}"signInEventTypes":["servicePrincipal"],` +
    `"status":${status},"tokenIssuerType":"AzureAD","uniqueTokenIdentifier":"${tokenIdentifier(rnd)}",` +
    `"userAgent":${s.userAgents[r]}}}`
  );
}

/** One managed identity sign-in line (without the newline). */
function managedIdentityLine(
  model: TenantModel,
  rnd: Random,
  ms: number,
  subMs: number,
  mi: ManagedIdentityPrincipal,
): string {
  const t = tenantParts(model);
  const s = identityParts(mi);
  const time = entraTime(ms, subMs);
  const id = requestId(rnd);
  const correlationId = rnd.guid();
  const resource = s.resources[pickIndex(rnd, s.resources.length)]!;
  // Tokens fetched through the instance metadata endpoint usually reach the log without a client
  // address; real exports then leave out callerIpAddress and the top-level location altogether.
  const ip = rnd.chance(0.7) ? '' : pickAddress(rnd, mi.ipPool, mi.prefixes);
  const caller = ip === '' ? '' : `"callerIpAddress":"${ip}",`;
  const country = ip === '' ? '' : `"location":"${mi.network.countryOrRegion}",`;
  return (
    `{"time":"${time}",${t.miEnvelope}0","resultSignature":"None","resultDescription":"","durationMs":0,` +
    `${caller}"correlationId":"${correlationId}",${s.identity}${country}` +
    `"properties":{"id":"${id}","createdDateTime":"${time}",${s.app}"appOwnerTenantId":"${t.tenantId}",` +
    `"appliedConditionalAccessPolicies":[],"authenticationProcessingDetails":[],"authenticationProtocol":"none",` +
    `"autonomousSystemNumber":${ip === '' ? 0 : mi.network.asn},"clientCredentialType":"managedIdentity",` +
    `"conditionalAccessStatus":"notApplied","correlationId":"${correlationId}","crossTenantAccessType":"none",` +
    `"federatedCredentialId":"","homeTenantId":"${t.tenantId}","incomingTokenType":"none",` +
    `"ipAddress":"${ip}","isInteractive":false,"location":${ip === '' ? EMPTY_LOCATION : s.location},` +
    `"managedServiceIdentity":${s.msi},"originalRequestId":"${id}",` +
    `"processingTimeInMilliseconds":${rnd.int(2, 30)},${resource}` +
    `"resourceTenantId":"${t.tenantId}","riskDetail":"none","riskLevelAggregated":"none",` +
    `"riskLevelDuringSignIn":"none","riskState":"none","servicePrincipalCredentialKeyId":"",` +
    `"servicePrincipalCredentialThumbprint":"",${s.ids}"signInEventTypes":["managedIdentity"],` +
    `"status":${SUCCESS_STATUS},"tokenIssuerType":"AzureAD","uniqueTokenIdentifier":"${tokenIdentifier(rnd)}",` +
    `"userAgent":""}}`
  );
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
  let line: string;
  if (options.managedIdentity) {
    const index = options.principalIndex ?? rnd.int(0, model.managedIdentities.length - 1);
    const mi = model.managedIdentities[index];
    if (!mi) throw new RangeError(`no managed identity at index ${index}`);
    line = managedIdentityLine(model, rnd, ms, subMs, mi);
  } else {
    const index = options.principalIndex ?? rnd.int(0, model.principals.length - 1);
    const p = model.principals[index];
    if (!p) throw new RangeError(`no service principal at index ${index}`);
    line = servicePrincipalLine(model, rnd, ms, subMs, p, options.failure === true, p.releases.length - 1);
  }
  return JSON.parse(line) as Record<string, unknown>;
}

/** Options of generateSignInLines. */
export interface SignInLinesOptions {
  seed: number;
  count: number;
  start: Date;
  days: number;
}

/** Share of sign-ins by managed identities, and of failed sign-ins, in a stream. */
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
  const spanMs = options.days * DAY_MS;
  const stepMs = spanMs / Math.max(count, 1);
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
      if (rnd.chance(0.35)) moves.push(startMs + rnd.next() * spanMs);
    }
    releaseStart.push(first);
    upgradeAt.push(moves.sort((a, b) => a - b));
  }

  const miShare = identities.length > 0 ? STREAM_MIX.managedIdentity : 0;
  // Failures are drawn among service principal sign-ins only, so scale to keep ~2% of the whole stream.
  const failureShare = STREAM_MIX.failure / (1 - miShare);
  for (let i = 0; i < count; i++) {
    // One record per step, jittered inside its step, keeps the stream sorted without sorting.
    const offset = (i + rnd.next()) * stepMs;
    const whole = Math.floor(offset);
    const ms = startMs + whole;
    const subMs = Math.floor((offset - whole) * 10000);
    if (miShare > 0 && rnd.chance(miShare)) {
      yield `${managedIdentityLine(model, rnd, ms, subMs, identities[rnd.int(0, identities.length - 1)]!)}\n`;
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
    let release = releaseStart[lo]!;
    for (const at of upgradeAt[lo]!) if (at <= ms) release++;
    const failure = rnd.chance(failureShare);
    yield `${servicePrincipalLine(model, rnd, ms, subMs, principals[lo]!, failure, release)}\n`;
  }
}

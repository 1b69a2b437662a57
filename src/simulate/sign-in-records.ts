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
import type { ClientCredentialType } from '../domain/index.ts';
import { createRandom, type Random } from './random.ts';
import type {
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

/** Where a sign-in came from as Entra logs it: the ASN and the place it puts the address in. */
export interface SignInNetwork {
  asn: number;
  city: string;
  state: string;
  countryOrRegion: string;
  latitude: number;
  longitude: number;
}

/** The client that asked for the token: its user agent and Entra's note of its auth library ('' for none). */
export interface SignInClient {
  userAgent: string;
  authLibrary: string;
}

/** Everything one service principal sign-in line says that the principal itself does not fix. */
export interface WorkloadSignIn {
  /** Time in ms since 1970, and four sub-millisecond digits (0–9999). */
  ms: number;
  subMs: number;
  principal: WorkloadPrincipal;
  ipAddress: string;
  network: SignInNetwork;
  resource: ModelResource;
  /** The credential Entra names: the one used, or an expired one it recognised; null when none. */
  credential: ModelCredential | null;
  clientCredentialType: ClientCredentialType;
  client: SignInClient;
  /** 0 for success, else one of WORKLOAD_FAILURES. */
  errorCode: number;
}

/** One managed identity sign-in: the identity, the resource, and the address ('' when not logged). */
export interface IdentitySignIn {
  ms: number;
  subMs: number;
  identity: ManagedIdentityPrincipal;
  /** '' for a token fetched through the instance metadata endpoint, which reaches the log without one. */
  ipAddress: string;
  network: SignInNetwork;
  resource: ModelResource;
}

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
  ids: string;
}

/** Fragments fixed for a managed identity. */
interface IdentityParts {
  identity: string;
  app: string;
  msi: string;
  ids: string;
}

/** Fragments fixed for a client: `authenticationProcessingDetails` and `userAgent` as JSON. */
interface ClientParts {
  processing: string;
  userAgent: string;
}

const tenantCache = new WeakMap<TenantModel, TenantParts>();
const principalCache = new WeakMap<WorkloadPrincipal, PrincipalParts>();
const identityCache = new WeakMap<ManagedIdentityPrincipal, IdentityParts>();
const locationCache = new WeakMap<SignInNetwork, string>();
const resourceCache = new WeakMap<ModelResource, string>();
const clientCache = new WeakMap<SignInClient, ClientParts>();

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

function locationJson(n: SignInNetwork): string {
  let text = locationCache.get(n);
  if (text !== undefined) return text;
  text = json({
    city: n.city,
    state: n.state,
    countryOrRegion: n.countryOrRegion,
    geoCoordinates: { latitude: n.latitude, longitude: n.longitude },
  });
  locationCache.set(n, text);
  return text;
}

function resourcePart(r: ModelResource): string {
  let text = resourceCache.get(r);
  if (text !== undefined) return text;
  text = `"resourceDisplayName":${json(r.displayName)},"resourceId":"${r.appId}","resourceServicePrincipalId":"${r.servicePrincipalId}",`;
  resourceCache.set(r, text);
  return text;
}

function clientParts(c: SignInClient): ClientParts {
  let parts = clientCache.get(c);
  if (parts) return parts;
  parts = {
    // Raw HTTP clients (curl, requests) use no Microsoft auth library, and Entra then lists none.
    processing:
      c.authLibrary === ''
        ? '[]'
        : json([{ key: 'Azure AD App Authentication Library', value: c.authLibrary }]),
    userAgent: json(c.userAgent),
  };
  clientCache.set(c, parts);
  return parts;
}

function principalParts(p: WorkloadPrincipal): PrincipalParts {
  let s = principalCache.get(p);
  if (s) return s;
  const name = json(p.displayName);
  s = {
    identity: `"identity":${name},"Level":4,`,
    app: `"appDisplayName":${name},"appId":"${p.appId}","appOwnerTenantId":"${p.appOwnerOrganizationId}","appliedConditionalAccessPolicies":[],`,
    ids: `"servicePrincipalId":"${p.objectId}","servicePrincipalName":${name},`,
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
    msi: json({
      msiType: mi.msiType,
      associatedResourceId: mi.associatedResourceId,
      federatedTokenId: '',
      federatedTokenIssuer: '',
    }),
    ids: `"servicePrincipalId":"${mi.objectId}","servicePrincipalName":${name},`,
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

/** One of a workload's resources, the first most often. */
export function pickResource(rnd: Random, resources: readonly ModelResource[]): ModelResource {
  return resources[pickIndex(rnd, resources.length)]!;
}

/** A workload's egress address: mostly its usual ones, sometimes a fresh instance elsewhere in its prefixes. */
export function pickAddress(rnd: Random, pool: readonly string[], prefixes: readonly string[]): string {
  if (pool.length > 0 && rnd.chance(0.9)) return rnd.pick(pool);
  const cidr = rnd.pick(prefixes);
  return `${cidr.slice(0, cidr.lastIndexOf('.'))}.${rnd.int(4, 250)}`;
}

function pickCredential(rnd: Random, credentials: readonly ModelCredential[]): ModelCredential | null {
  if (credentials.length === 0) return null;
  // During a rotation the newer credential carries most sign-ins.
  return credentials.length === 1 || rnd.chance(0.85) ? credentials[0]! : rnd.pick(credentials);
}

/** The clientCredentialType Entra logs for a credential of this type. */
export function credentialTypeOf(credential: ModelCredential): ClientCredentialType {
  switch (credential.type) {
    case 'password':
      return 'clientSecret';
    case 'certificate':
      return 'clientAssertion';
    default:
      return 'federatedIdentityCredential';
  }
}

/** One service principal sign-in line (without the newline). */
export function workloadSignInLine(model: TenantModel, rnd: Random, s: WorkloadSignIn): string {
  const t = tenantParts(model);
  const p = principalParts(s.principal);
  const c = clientParts(s.client);
  const time = entraTime(s.ms, s.subMs);
  const id = requestId(rnd);
  const correlationId = rnd.guid();
  let reason = '""';
  let status = SUCCESS_STATUS;
  if (s.errorCode !== 0) {
    const parts = FAILURE_PARTS.get(s.errorCode);
    if (!parts) throw new RangeError(`no failure text for error ${s.errorCode}`);
    reason = parts.reason;
    status = parts.status;
  }
  const credential = s.credential;
  // A federated credential is named by its id; secrets and certificates by keyId (and thumbprint).
  const federated = credential?.type === 'federated';
  const keyId = credential === null || federated ? '' : credential.keyId;
  const thumbprint = credential?.thumbprint ?? '';
  const ficId = federated ? credential!.keyId : '';
  const ip = s.ipAddress;
  return (
    `{"time":"${time}",${t.spEnvelope}${s.errorCode}","resultSignature":"None","resultDescription":${reason},` +
    `"durationMs":0,"callerIpAddress":"${ip}","correlationId":"${correlationId}",${p.identity}` +
    `"location":"${s.network.countryOrRegion}",` +
    `"properties":{"id":"${id}","createdDateTime":"${time}",${p.app}` +
    `"authenticationProcessingDetails":${c.processing},"authenticationProtocol":"none",` +
    `"autonomousSystemNumber":${s.network.asn},"clientCredentialType":"${s.clientCredentialType}",` +
    `"conditionalAccessStatus":"notApplied","correlationId":"${correlationId}","crossTenantAccessType":"none",` +
    `"federatedCredentialId":"${ficId}","homeTenantId":"${t.tenantId}","incomingTokenType":"none",` +
    `"ipAddress":"${ip}","isInteractive":false,"location":${locationJson(s.network)},"managedServiceIdentity":${NO_MSI},` +
    `"originalRequestId":"${id}","processingTimeInMilliseconds":${rnd.int(8, 90)},${resourcePart(s.resource)}` +
    `"resourceTenantId":"${t.tenantId}","riskDetail":"none","riskLevelAggregated":"none",` +
    `"riskLevelDuringSignIn":"none","riskState":"none","servicePrincipalCredentialKeyId":"${keyId}",` +
    `"servicePrincipalCredentialThumbprint":"${thumbprint}",${p.ids}"signInEventTypes":["servicePrincipal"],` +
    `"status":${status},"tokenIssuerType":"AzureAD","uniqueTokenIdentifier":"${tokenIdentifier(rnd)}",` +
    `"userAgent":${c.userAgent}}}`
  );
}

/** One managed identity sign-in line (without the newline). */
export function identitySignInLine(model: TenantModel, rnd: Random, s: IdentitySignIn): string {
  const t = tenantParts(model);
  const m = identityParts(s.identity);
  const time = entraTime(s.ms, s.subMs);
  const id = requestId(rnd);
  const correlationId = rnd.guid();
  const ip = s.ipAddress;
  // Without a client address, real exports leave out callerIpAddress and the top-level location altogether.
  const caller = ip === '' ? '' : `"callerIpAddress":"${ip}",`;
  const country = ip === '' ? '' : `"location":"${s.network.countryOrRegion}",`;
  return (
    `{"time":"${time}",${t.miEnvelope}0","resultSignature":"None","resultDescription":"","durationMs":0,` +
    `${caller}"correlationId":"${correlationId}",${m.identity}${country}` +
    `"properties":{"id":"${id}","createdDateTime":"${time}",${m.app}"appOwnerTenantId":"${t.tenantId}",` +
    `"appliedConditionalAccessPolicies":[],"authenticationProcessingDetails":[],"authenticationProtocol":"none",` +
    `"autonomousSystemNumber":${ip === '' ? 0 : s.network.asn},"clientCredentialType":"managedIdentity",` +
    `"conditionalAccessStatus":"notApplied","correlationId":"${correlationId}","crossTenantAccessType":"none",` +
    `"federatedCredentialId":"","homeTenantId":"${t.tenantId}","incomingTokenType":"none",` +
    `"ipAddress":"${ip}","isInteractive":false,"location":${ip === '' ? EMPTY_LOCATION : locationJson(s.network)},` +
    `"managedServiceIdentity":${m.msi},"originalRequestId":"${id}",` +
    `"processingTimeInMilliseconds":${rnd.int(2, 30)},${resourcePart(s.resource)}` +
    `"resourceTenantId":"${t.tenantId}","riskDetail":"none","riskLevelAggregated":"none",` +
    `"riskLevelDuringSignIn":"none","riskState":"none","servicePrincipalCredentialKeyId":"",` +
    `"servicePrincipalCredentialThumbprint":"",${m.ids}"signInEventTypes":["managedIdentity"],` +
    `"status":${SUCCESS_STATUS},"tokenIssuerType":"AzureAD","uniqueTokenIdentifier":"${tokenIdentifier(rnd)}",` +
    `"userAgent":""}}`
  );
}

/** Failure codes a workload's own misconfigured instances produce, by how it authenticates. */
function failureCodes(p: WorkloadPrincipal): number[] {
  if (p.clientCredentialType === 'clientSecret') {
    return p.expiredSecret ? [7000215, 7000222, 7000222, 7000222, 700016] : [7000215, 7000215, 700016];
  }
  return [700027, 700027, 700027, 700016];
}

/** One service principal sign-in line drawn from the principal's usual behaviour; `release` indexes its SDK releases. */
function servicePrincipalLine(
  model: TenantModel,
  rnd: Random,
  ms: number,
  subMs: number,
  p: WorkloadPrincipal,
  failure: boolean,
  release: number,
): string {
  const resource = pickResource(rnd, p.resources);
  const ipAddress = pickAddress(rnd, p.ipPool, p.prefixes);
  const federated = p.clientCredentialType === 'federatedIdentityCredential';
  let credential = pickCredential(rnd, p.signInCredentials);
  let errorCode = 0;
  if (failure) {
    errorCode = rnd.pick(failureCodes(p));
    // An expired secret is still identified; a wrong secret or a bad assertion matches no credential.
    credential = errorCode === 7000222 ? p.expiredSecret : null;
  } else if (federated) {
    credential = p.signInCredentials[0] ?? null;
  }
  return workloadSignInLine(model, rnd, {
    ms,
    subMs,
    principal: p,
    ipAddress,
    network: p.network,
    resource,
    credential,
    clientCredentialType: p.clientCredentialType,
    client: p.releases[Math.min(release, p.releases.length - 1)]!,
    errorCode,
  });
}

/** One managed identity sign-in line drawn from the identity's usual behaviour. */
function managedIdentityLine(
  model: TenantModel,
  rnd: Random,
  ms: number,
  subMs: number,
  mi: ManagedIdentityPrincipal,
): string {
  const resource = pickResource(rnd, mi.resources);
  // Tokens fetched through the instance metadata endpoint usually reach the log without a client address.
  const ipAddress = rnd.chance(0.7) ? '' : pickAddress(rnd, mi.ipPool, mi.prefixes);
  return identitySignInLine(model, rnd, {
    ms,
    subMs,
    identity: mi,
    ipAddress,
    network: mi.network,
    resource,
  });
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

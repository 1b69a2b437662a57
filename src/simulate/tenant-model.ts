// A small, internally consistent picture of one Entra tenant's workloads. Sign-in, audit and
// inventory generators all read from it, so a keyId a sign-in carries is a keyId the inventory
// lists, and a workload's addresses stay inside the networks it was given.
import type { ClientCredentialType, CredentialType } from '../domain/index.ts';
import { createRandom, type Random } from './random.ts';
import { pickWeighted, sample } from './sampling.ts';

/**
 * The default instant a model is drawn around: credentials start in the year before it and stay valid
 * for one to two years after it, so sign-ins generated for 2026–2027 use credentials that are valid then.
 */
export const MODEL_EPOCH = Date.UTC(2026, 5, 1);

const DAY_MS = 86_400_000;

/** Tenant that owns Microsoft's first-party applications (Graph, ARM, Key Vault, Storage). */
export const MICROSOFT_SERVICES_TENANT_ID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

/** A cloud provider network a workload runs in: its ASN, a few /24 prefixes and where Entra places it. */
export interface CloudNetwork {
  provider: 'Microsoft' | 'Amazon' | 'Google';
  asn: number;
  region: string;
  /** /24 prefixes in CIDR form, each verified to lie in a range announced by `asn`. */
  prefixes: readonly string[];
  city: string;
  state: string;
  countryOrRegion: string;
  latitude: number;
  longitude: number;
}

// Prefixes checked against the ip-location-db ASN table (asn-ipv4.csv): every /24 below sits inside
// a single range whose ASN is the one given. AWS us-east-1 and most Google Cloud ranges are announced
// by other ASNs (14618, 396982), so those regions are deliberately not used here.
export const CLOUD_NETWORKS: readonly CloudNetwork[] = [
  {
    provider: 'Microsoft',
    asn: 8075,
    region: 'eastus',
    prefixes: [
      '20.42.65.0/24',
      '20.85.12.0/24',
      '40.76.115.0/24',
      '52.170.44.0/24',
      '20.232.18.0/24',
      '52.168.112.0/24',
    ],
    city: 'Boydton',
    state: 'Virginia',
    countryOrRegion: 'US',
    latitude: 36.66759872436523,
    longitude: -78.38749694824219,
  },
  {
    provider: 'Microsoft',
    asn: 8075,
    region: 'westeurope',
    prefixes: ['20.61.100.0/24', '20.67.9.0/24', '40.68.40.0/24', '20.101.33.0/24'],
    city: 'Amsterdam',
    state: 'Noord-Holland',
    countryOrRegion: 'NL',
    latitude: 52.37400054931641,
    longitude: 4.889699935913086,
  },
  {
    provider: 'Amazon',
    asn: 16509,
    region: 'us-west-2',
    prefixes: ['52.33.12.0/24', '52.40.90.0/24', '52.24.60.0/24'],
    city: 'Boardman',
    state: 'Oregon',
    countryOrRegion: 'US',
    latitude: 45.83987045288086,
    longitude: -119.70059967041016,
  },
  {
    provider: 'Amazon',
    asn: 16509,
    region: 'eu-central-1',
    prefixes: ['3.120.37.0/24', '3.124.80.0/24', '52.28.40.0/24', '52.57.60.0/24'],
    city: 'Frankfurt am Main',
    state: 'Hessen',
    countryOrRegion: 'DE',
    latitude: 50.11090087890625,
    longitude: 8.682100296020508,
  },
  {
    provider: 'Google',
    asn: 15169,
    region: 'us-central1',
    prefixes: ['35.208.10.0/24', '35.209.70.0/24', '35.211.88.0/24', '35.212.5.0/24', '34.113.20.0/24'],
    city: 'Council Bluffs',
    state: 'Iowa',
    countryOrRegion: 'US',
    latitude: 41.26190185546875,
    longitude: -95.86080169677734,
  },
];

// Most workloads of an Entra tenant run in Azure; the rest are spread over the other clouds.
const NETWORK_WEIGHTS = [40, 20, 15, 10, 15];

/** A first-party resource application workloads request tokens for, with its service principal in this tenant. */
export interface ModelResource {
  appId: string;
  displayName: string;
  /** Object id of the resource's service principal in this tenant (differs per tenant). */
  servicePrincipalId: string;
}

const RESOURCES: readonly { appId: string; displayName: string }[] = [
  { appId: '00000003-0000-0000-c000-000000000000', displayName: 'Microsoft Graph' },
  { appId: '797f4846-ba00-4fd7-ba43-dac1f8f63013', displayName: 'Windows Azure Service Management API' },
  { appId: 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093', displayName: 'Azure Key Vault' },
  { appId: 'e406a681-f3d4-42a8-90b6-c2b029497af1', displayName: 'Azure Storage' },
];

/** A credential of the model: a client secret, a certificate or a federated identity credential. */
export interface ModelCredential {
  /** keyId of a secret or certificate; id of a federated identity credential. */
  keyId: string;
  type: CredentialType;
  /** Which object holds it: the app registration or the service principal. */
  owner: 'application' | 'servicePrincipal';
  displayName: string;
  /** First three characters of a secret. */
  hint: string | null;
  /** SHA-1 thumbprint, upper-case hex, of a certificate. */
  thumbprint: string | null;
  startDateTime: string;
  endDateTime: string;
  /** Federated credential name, issuer, subject and audiences. */
  name: string | null;
  issuer: string | null;
  subject: string | null;
  audiences: readonly string[] | null;
  /** Whether the credential had expired by the model's epoch (kept listed, as Entra does). */
  expired: boolean;
}

/** One SDK release a workload runs: its token request user agent and what Entra records of its auth library. */
export interface SdkRelease {
  userAgent: string;
  authLibrary: string;
}

/** An application's service principal that signs in with its own credentials. */
export interface WorkloadPrincipal {
  /** Service principal object id. */
  objectId: string;
  appId: string;
  /** Object id of the app registration; null for a multi-tenant app registered in another tenant. */
  applicationObjectId: string | null;
  displayName: string;
  appOwnerOrganizationId: string;
  multiTenant: boolean;
  createdDateTime: string;
  credentials: readonly ModelCredential[];
  /** How this workload authenticates. */
  clientCredentialType: ClientCredentialType;
  /** Valid credentials its sign-ins use, most used first (empty for a foreign multi-tenant app). */
  signInCredentials: readonly ModelCredential[];
  /** A secret past its end date, which the workload still tries now and then (error 7000222). */
  expiredSecret: ModelCredential | null;
  resources: readonly ModelResource[];
  network: CloudNetwork;
  /** The subset of `network.prefixes` this workload's egress addresses come from. */
  prefixes: readonly string[];
  /** Egress addresses it normally uses, all inside `prefixes`. */
  ipPool: readonly string[];
  /** SDK releases in upgrade order; a workload starts on one of them and may move up. */
  releases: readonly SdkRelease[];
  /** Relative sign-in volume. */
  weight: number;
}

/** A managed identity's service principal. */
export interface ManagedIdentityPrincipal {
  objectId: string;
  appId: string;
  displayName: string;
  msiType: 'systemAssigned' | 'userAssigned';
  /** The Azure resource the identity is attached to (the compute that requests tokens). */
  associatedResourceId: string;
  /** ARM id of a user-assigned identity itself; null for system-assigned. */
  identityResourceId: string | null;
  createdDateTime: string;
  /** Platform-managed certificates, rotated by the 'Managed Service Identity' app. */
  credentials: readonly ModelCredential[];
  /** `https://identity.azure.net/…` name Entra adds to a managed identity's servicePrincipalNames. */
  identityName: string;
  resources: readonly ModelResource[];
  network: CloudNetwork;
  prefixes: readonly string[];
  ipPool: readonly string[];
}

/** An administrator who changes applications in the audit log. */
export interface TenantAdmin {
  id: string;
  displayName: string;
  userPrincipalName: string;
  ipAddress: string;
}

/** The whole simulated tenant. */
export interface TenantModel {
  tenantId: string;
  /** The instant credentials and creation dates were drawn around (ms since 1970). */
  epoch: number;
  /** Organisation name used in display names, e.g. `contoso`. */
  organization: string;
  /** Initial domain, e.g. `contoso.onmicrosoft.com`. */
  domain: string;
  principals: readonly WorkloadPrincipal[];
  managedIdentities: readonly ManagedIdentityPrincipal[];
  resources: readonly ModelResource[];
  admins: readonly TenantAdmin[];
  /** Service principal id of the first-party 'Managed Service Identity' app in this tenant. */
  managedServiceIdentityServicePrincipalId: string;
}

/** Options of createTenantModel. */
export interface TenantModelOptions {
  seed: number;
  tenantId?: string;
  /** Application service principals (default 40). */
  principals?: number;
  /** Managed identities (default 12). */
  managedIdentities?: number;
  /**
   * The instant to draw credentials and creation dates around, ms since 1970 (default MODEL_EPOCH).
   * A simulation of a period passes the period's start, so credentials in use are valid throughout it.
   */
  epoch?: number;
}

const ORGANIZATIONS = ['contoso', 'fabrikam', 'northwind', 'woodgrove', 'tailspin', 'adatum', 'litware'];
const VENDORS = ['proseware', 'wingtip', 'lucerne', 'alpineski', 'trey'];
const SYSTEMS = [
  'billing',
  'payments',
  'orders',
  'inventory',
  'reporting',
  'etl',
  'ingest',
  'notifications',
  'search',
  'identity-sync',
  'backup',
  'monitoring',
  'deploy',
  'analytics',
  'crm-sync',
  'hr-feed',
  'ledger',
  'pricing',
  'catalog',
  'shipping',
  'audit-export',
  'mailer',
  'scheduler',
  'data-lake',
];
const ROLES = ['api', 'worker', 'job', 'sync', 'pipeline', 'svc', 'func', 'connector', 'automation'];

// Office egress addresses of administrators (Comcast AS7922 and Virgin Media AS5089 blocks).
const ADMIN_PREFIXES = ['73.162.10', '24.6.128', '98.207.20', '86.30.120'];

const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A Graph credential date: seconds precision and a Z. */
export function isoSeconds(ms: number): string {
  // Graph returns credential dates with seconds precision and a Z; keep that shape.
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function prefixBase(cidr: string): string {
  return cidr.slice(0, cidr.lastIndexOf('.'));
}

/** A random address inside one of the given /24 prefixes, avoiding network, gateway and broadcast hosts. */
export function addressIn(rnd: Random, prefixes: readonly string[]): string {
  return `${prefixBase(rnd.pick(prefixes))}.${rnd.int(4, 250)}`;
}

function ipPoolIn(rnd: Random, prefixes: readonly string[], size: number): string[] {
  const pool = new Set<string>();
  while (pool.size < size) pool.add(addressIn(rnd, prefixes));
  return [...pool];
}

// Kernel strings each cloud's stock Linux images report, so user agents match where the workload runs.
const KERNELS: Record<CloudNetwork['provider'], { python: string; kernel: string }> = {
  Microsoft: { python: 'Linux-5.15.0-1057-azure-x86_64-with-glibc2.35', kernel: '5.15.0-1057-azure' },
  Amazon: {
    python: 'Linux-5.10.205-195.807.amzn2.x86_64-x86_64-with-glibc2.26',
    kernel: '5.10.205-195.807.amzn2.x86_64',
  },
  Google: { python: 'Linux-6.1.58+-x86_64-with-glibc2.36', kernel: '6.1.58+' },
};

function sdkReleases(rnd: Random, network: CloudNetwork): SdkRelease[] {
  const host = KERNELS[network.provider];
  const family = pickWeighted(rnd, [0, 1, 2, 3, 4, 5, 6], [26, 8, 12, 16, 16, 12, 10]);
  switch (family) {
    case 0: {
      const python = rnd.pick(['3.10.12', '3.11.4', '3.11.9', '3.12.3']);
      return [
        ['1.15.0', '1.26.0'],
        ['1.16.0', '1.28.0'],
        ['1.17.1', '1.29.0'],
      ].map(([identity, msal]) => ({
        userAgent: `azsdk-python-identity/${identity} Python/${python} (${host.python})`,
        authLibrary: `Family: MSAL Library: MSAL.Python ${msal} Platform: Python`,
      }));
    }
    case 1: {
      // The legacy Java management SDK sends a per-host MAC hash in its user agent.
      const macHash = rnd.hex(64);
      const java = rnd.pick(['1.8.0_392', '11.0.21', '17.0.9']);
      return ['1.41.2', '1.41.3', '1.41.4'].map((version) => ({
        userAgent: `Azure-SDK-For-Java/${version} OS:Linux/${host.kernel} MacAddressHash:${macHash} Java:${java}`,
        authLibrary: 'Family: MSAL Library: MSAL.Java 1.14.3 Platform: Java',
      }));
    }
    case 2: {
      const java = rnd.pick(['11.0.21', '17.0.9', '21.0.2']);
      return [
        ['1.11.1', '1.14.0'],
        ['1.11.4', '1.14.2'],
        ['1.12.1', '1.15.0'],
      ].map(([identity, msal]) => ({
        userAgent: `azsdk-java-azure-identity/${identity} (${java}; Linux; ${host.kernel})`,
        authLibrary: `Family: MSAL Library: MSAL.Java ${msal} Platform: Java`,
      }));
    }
    case 3:
      return ['4.59.0', '4.60.3', '4.61.3'].map((version) => ({
        userAgent: `Microsoft.Identity.Client/${version}`,
        authLibrary: `Family: MSAL Library: MSAL.NET ${version}.0 Platform: .NET Core`,
      }));
    case 4: {
      const dotnet = rnd.pick(['6.0.25', '8.0.1', '8.0.4']);
      return [
        ['1.10.4', '4.56.0'],
        ['1.11.2', '4.60.3'],
        ['1.11.4', '4.61.3'],
      ].map(([identity, msal]) => ({
        userAgent: `azsdk-net-Identity/${identity} (.NET ${dotnet}; Linux ${host.kernel} #1 SMP)`,
        authLibrary: `Family: MSAL Library: MSAL.NET ${msal}.0 Platform: .NET Core`,
      }));
    }
    case 5: {
      const node = rnd.pick(['v18.19.0', 'v20.11.0', 'v20.12.2']);
      return [
        ['4.0.1', '1.13.0', '2.6.4'],
        ['4.1.0', '1.15.1', '2.7.0'],
        ['4.2.1', '1.16.0', '2.9.2'],
      ].map(([identity, core, msal]) => ({
        userAgent: `azsdk-js-identity/${identity} core-rest-pipeline/${core} Node/${node} OS/(x64-Linux-${host.kernel})`,
        authLibrary: `Family: MSAL Library: MSAL.JS ${msal} Platform: Node`,
      }));
    }
    default: {
      const go = rnd.pick(['go1.21.6', 'go1.22.1']);
      return [
        ['v1.5.1', '1.2.0'],
        ['v1.5.2', '1.2.1'],
        ['v1.6.0', '1.2.2'],
      ].map(([identity, msal]) => ({
        userAgent: `azsdk-go-azidentity/${identity} (${go}; linux)`,
        authLibrary: `Family: MSAL Library: MSAL.Go ${msal} Platform: Go`,
      }));
    }
  }
}

/** A client secret valid for `days` from `start` (ms); `expired` is judged at `epoch`. */
export function secretCredential(
  rnd: Random,
  owner: ModelCredential['owner'],
  displayName: string,
  start: number,
  days: number,
  epoch: number,
): ModelCredential {
  let hint = '';
  for (let i = 0; i < 3; i++) hint += SECRET_CHARS[rnd.int(0, SECRET_CHARS.length - 1)];
  const end = start + days * DAY_MS;
  return {
    keyId: rnd.guid(),
    type: 'password',
    owner,
    displayName,
    hint,
    thumbprint: null,
    startDateTime: isoSeconds(start),
    endDateTime: isoSeconds(end),
    name: null,
    issuer: null,
    subject: null,
    audiences: null,
    expired: end < epoch,
  };
}

/** A certificate credential valid for `days` from `start` (ms); `expired` is judged at `epoch`. */
export function certificateCredential(
  rnd: Random,
  owner: ModelCredential['owner'],
  subjectName: string,
  start: number,
  days: number,
  epoch: number,
): ModelCredential {
  const end = start + days * DAY_MS;
  return {
    keyId: rnd.guid(),
    type: 'certificate',
    owner,
    displayName: `CN=${subjectName}`,
    hint: null,
    thumbprint: rnd.hex(40).toUpperCase(),
    startDateTime: isoSeconds(start),
    endDateTime: isoSeconds(end),
    name: null,
    issuer: null,
    subject: null,
    audiences: null,
    expired: end < epoch,
  };
}

function federated(rnd: Random, organization: string, repository: string, start: number): ModelCredential {
  const branch = rnd.chance(0.7) ? 'ref:refs/heads/main' : 'environment:production';
  return {
    keyId: rnd.guid(),
    type: 'federated',
    owner: 'application',
    displayName: `github-${repository}-${branch.startsWith('ref') ? 'main' : 'production'}`,
    hint: null,
    thumbprint: null,
    startDateTime: isoSeconds(start),
    endDateTime: isoSeconds(start),
    name: `github-${repository}-${branch.startsWith('ref') ? 'main' : 'production'}`,
    issuer: 'https://token.actions.githubusercontent.com',
    subject: `repo:${organization}/${repository}:${branch}`,
    audiences: ['api://AzureADTokenExchange'],
    expired: false,
  };
}

function pickResources(rnd: Random, resources: readonly ModelResource[]): ModelResource[] {
  // Graph and ARM dominate workload traffic; a workload talks to one to three resources, the first most.
  const first = pickWeighted(rnd, resources, [40, 30, 18, 12]);
  const rest = sample(
    rnd,
    resources.filter((r) => r !== first),
    rnd.int(0, 2),
  );
  return [first, ...rest];
}

type WorkloadKind = 'certificate' | 'password' | 'federated';

function workloadPrincipal(
  rnd: Random,
  epoch: number,
  tenantId: string,
  organization: string,
  identity: { displayName: string; system: string; kind: WorkloadKind },
  resources: readonly ModelResource[],
  foreignTenantId: string | null,
): WorkloadPrincipal {
  const { displayName, system, kind } = identity;
  // GitHub-hosted runners, where federated deployments run, are Azure machines.
  const network =
    kind === 'federated' ? CLOUD_NETWORKS[0]! : pickWeighted(rnd, CLOUD_NETWORKS, NETWORK_WEIGHTS);
  const prefixes = sample(rnd, network.prefixes, rnd.int(2, 3));
  const created = epoch - rnd.int(400, 1500) * DAY_MS;
  const credentials: ModelCredential[] = [];
  let signInCredentials: ModelCredential[] = [];
  let expiredSecret: ModelCredential | null = null;
  let clientCredentialType: ClientCredentialType;
  if (kind === 'federated') {
    clientCredentialType = 'federatedIdentityCredential';
    const fic = federated(rnd, organization, system, created + rnd.int(1, 60) * DAY_MS);
    credentials.push(fic);
    signInCredentials = [fic];
  } else {
    // Credentials added through "Add service principal credentials" sit on the service principal.
    const owner = rnd.chance(0.15) ? 'servicePrincipal' : 'application';
    const make = (start: number): ModelCredential =>
      kind === 'certificate'
        ? certificateCredential(rnd, owner, displayName, start, rnd.pick([365, 730]), epoch)
        : secretCredential(rnd, owner, `${displayName}-${isoSeconds(start).slice(0, 7)}`, start, 730, epoch);
    const current = make(epoch - rnd.int(30, 330) * DAY_MS);
    credentials.push(current);
    signInCredentials = [current];
    if (rnd.chance(0.3)) {
      // A rotation in progress: a newer credential was added and the workload mostly uses it.
      const newer = make(epoch - rnd.int(1, 25) * DAY_MS);
      credentials.push(newer);
      signInCredentials = [newer, current];
    }
    if (kind === 'password' && rnd.chance(0.35)) {
      const start = epoch - rnd.int(800, 900) * DAY_MS;
      expiredSecret = secretCredential(
        rnd,
        owner,
        `${displayName}-${isoSeconds(start).slice(0, 7)}`,
        start,
        730,
        epoch,
      );
      credentials.unshift(expiredSecret);
    }
    clientCredentialType = kind === 'certificate' ? 'clientAssertion' : 'clientSecret';
  }
  const foreign = foreignTenantId !== null;
  return {
    objectId: rnd.guid(),
    appId: rnd.guid(),
    applicationObjectId: foreign ? null : rnd.guid(),
    displayName,
    appOwnerOrganizationId: foreignTenantId ?? tenantId,
    multiTenant: foreign,
    createdDateTime: isoSeconds(created),
    // The credentials of an app registered in another tenant live in that tenant; this tenant's logs
    // and inventory cannot name them.
    credentials: foreign ? [] : credentials,
    clientCredentialType,
    signInCredentials: foreign ? [] : signInCredentials,
    expiredSecret: foreign ? null : expiredSecret,
    resources: pickResources(rnd, resources),
    network,
    prefixes,
    ipPool: ipPoolIn(rnd, prefixes, rnd.int(2, 6)),
    releases: sdkReleases(rnd, network),
    // Log-normal-ish volumes: a few chatty daemons, many quiet jobs.
    weight: Math.round(Math.exp(rnd.next() * 4.5) * 10) / 10,
  };
}

const MI_HOSTS = [
  { provider: 'Microsoft.Web/sites', prefix: 'app' },
  { provider: 'Microsoft.Web/sites', prefix: 'func' },
  { provider: 'Microsoft.Compute/virtualMachines', prefix: 'vm' },
  { provider: 'Microsoft.Logic/workflows', prefix: 'logic' },
  { provider: 'Microsoft.DataFactory/factories', prefix: 'adf' },
  { provider: 'Microsoft.Automation/automationAccounts', prefix: 'aa' },
  { provider: 'Microsoft.ContainerInstance/containerGroups', prefix: 'aci' },
];

function base64Chars(rnd: Random, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[rnd.int(0, 63)];
  return out;
}

function managedIdentity(
  rnd: Random,
  epoch: number,
  subscriptionId: string,
  system: string,
  resources: readonly ModelResource[],
  taken: Set<string>,
): ManagedIdentityPrincipal {
  const host = rnd.pick(MI_HOSTS);
  const environment = rnd.pick(['prod', 'prod', 'staging', 'dev']);
  let resourceName = `${host.prefix}-${system}-${environment}`;
  for (let n = 2; taken.has(resourceName); n++) resourceName = `${host.prefix}-${system}-${environment}-${n}`;
  taken.add(resourceName);
  const group = `rg-${system}-${environment}`;
  const associatedResourceId = `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/${host.provider}/${resourceName}`;
  const userAssigned = rnd.chance(0.35);
  let displayName = resourceName;
  if (userAssigned) {
    const base = `id-${resourceName.slice(host.prefix.length + 1)}`;
    displayName = base;
    for (let n = 2; taken.has(displayName); n++) displayName = `${base}-${n}`;
    taken.add(displayName);
  }
  const appId = rnd.guid();
  // Managed identity certificates live about 90 days and are renewed about halfway through.
  const newest = epoch - rnd.int(1, 40) * DAY_MS;
  const credentials = [
    certificateCredential(rnd, 'servicePrincipal', appId, newest - 46 * DAY_MS, 90, epoch),
    certificateCredential(rnd, 'servicePrincipal', appId, newest, 90, epoch),
  ];
  const network = pickWeighted(rnd, CLOUD_NETWORKS.slice(0, 2), [2, 1]);
  const prefixes = sample(rnd, network.prefixes, 2);
  return {
    objectId: rnd.guid(),
    appId,
    displayName,
    msiType: userAssigned ? 'userAssigned' : 'systemAssigned',
    associatedResourceId,
    identityResourceId: userAssigned
      ? `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${displayName}`
      : null,
    createdDateTime: isoSeconds(epoch - rnd.int(100, 900) * DAY_MS),
    credentials,
    // Base64 of a 32-byte hash: 42 free characters, one carrying 4 bits, then one pad.
    identityName: `https://identity.azure.net/${base64Chars(rnd, 42)}${'AEIMQUYcgkosw048'[rnd.int(0, 15)]}=`,
    resources: pickResources(rnd, resources),
    network,
    prefixes,
    ipPool: ipPoolIn(rnd, prefixes, rnd.int(1, 3)),
  };
}

/** Builds a tenant with `principals` application workloads and `managedIdentities` managed identities. */
export function createTenantModel(options: TenantModelOptions): TenantModel {
  const rnd = createRandom(options.seed);
  const epoch = options.epoch ?? MODEL_EPOCH;
  const tenantId = options.tenantId ?? rnd.guid();
  const organization = rnd.pick(ORGANIZATIONS);
  const domain = `${organization}.onmicrosoft.com`;
  const principalCount = options.principals ?? 40;
  const identityCount = options.managedIdentities ?? 12;

  const resources: ModelResource[] = RESOURCES.map((r) => ({ ...r, servicePrincipalId: rnd.guid() }));

  const names = new Set<string>();
  const uniqueName = (base: string): string => {
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base}-${n}`;
    names.add(name);
    return name;
  };

  const vendorTenants = VENDORS.map(() => rnd.guid());
  const principals: WorkloadPrincipal[] = [];
  for (let i = 0; i < principalCount; i++) {
    // About one app in eight is a multi-tenant app registered by a vendor; index 3 always is, so
    // even small models contain one.
    const foreign = i === 3 || (i > 3 && rnd.chance(0.12));
    const vendor = rnd.int(0, VENDORS.length - 1);
    const kinds: WorkloadKind[] = ['certificate', 'password', 'federated'];
    const kind = foreign ? pickWeighted(rnd, kinds, [50, 50, 0]) : pickWeighted(rnd, kinds, [45, 40, 15]);
    const system = rnd.pick(SYSTEMS);
    const owner = foreign ? VENDORS[vendor]! : organization;
    const role = foreign ? 'connector' : kind === 'federated' ? 'gh-deploy' : rnd.pick(ROLES);
    const displayName = uniqueName(`${owner}-${system}-${role}`);
    const foreignTenantId = foreign ? vendorTenants[vendor]! : null;
    principals.push(
      workloadPrincipal(
        rnd,
        epoch,
        tenantId,
        organization,
        { displayName, system, kind },
        resources,
        foreignTenantId,
      ),
    );
  }

  const subscriptions = [rnd.guid(), rnd.guid()];
  const hostNames = new Set<string>();
  const managedIdentities: ManagedIdentityPrincipal[] = [];
  for (let i = 0; i < identityCount; i++) {
    managedIdentities.push(
      managedIdentity(rnd, epoch, rnd.pick(subscriptions), rnd.pick(SYSTEMS), resources, hostNames),
    );
  }

  const admins: TenantAdmin[] = [
    ['ops-admin', 'Ops Admin'],
    ['identity-admin', 'Identity Admin'],
    ['platform-engineering', 'Platform Engineering'],
  ].map(([alias, displayName]) => ({
    id: rnd.guid(),
    displayName: displayName!,
    userPrincipalName: `${alias}@${domain}`,
    ipAddress: `${rnd.pick(ADMIN_PREFIXES)}.${rnd.int(2, 254)}`,
  }));

  return {
    tenantId,
    epoch,
    organization,
    domain,
    principals,
    managedIdentities,
    resources,
    admins,
    managedServiceIdentityServicePrincipalId: rnd.guid(),
  };
}

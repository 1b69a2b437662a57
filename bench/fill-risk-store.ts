// A tenant's risk data at scale, written straight into the store: service principals, each one's
// risk, and detections spread over them the way a busy tenant's are (a few noisy principals carry
// many, most carry a handful). Seeded, so every run measures the same rows.

import { createRandom, deriveSeed, type Random } from '../src/simulate/random.ts';
import { pickWeighted } from '../src/simulate/sampling.ts';
import type { Store } from '../src/store/open-store.ts';
import { DETECTION_COLUMNS } from '../src/store/queries/risk-queries.ts';
import type { Database } from '../src/store/schema.ts';

/** What to write. */
export interface FillRiskStoreOptions {
  tenantId: string;
  principals: number;
  detections: number;
  seed: number;
  /** The instant the data is as of: detections are found over the 90 days before it. */
  now: number;
  /** Called after each committed batch with the rows written so far. */
  onProgress?: (table: 'principals' | 'detections', rows: number) => void;
}

// Rows per transaction: commits are few, and a batch's flat value array stays a few tens of MB.
const BATCH_ROWS = 50_000;
const DAY_MS = 86_400_000;
const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

const TEAMS = [
  'billing',
  'payroll',
  'crm',
  'hr',
  'finance',
  'search',
  'identity',
  'data',
  'ml',
  'web',
  'mobile',
];
const PURPOSES = ['api', 'sync', 'ingest', 'reporting', 'deploy', 'backup', 'etl', 'scheduler', 'gateway'];
const ENVIRONMENTS = ['prod', 'staging', 'dev', 'test'];
const AZURE_KINDS = ['func', 'app', 'vm', 'aks', 'logic', 'adf'];
const REGIONS = ['weu', 'neu', 'eus', 'wus2', 'sea'];

const PRINCIPAL_STATES = ['atRisk', 'dismissed', 'remediated', 'none', 'confirmedCompromised'] as const;
const PRINCIPAL_STATE_WEIGHTS = [35, 30, 25, 8, 2];
const LEVELS = ['low', 'medium', 'high'] as const;

interface EventType {
  name: string;
  weight: number;
  levelWeights: readonly number[];
  signIn: boolean;
}

const EVENT_TYPES: readonly EventType[] = [
  { name: 'suspiciousSignins', weight: 45, levelWeights: [45, 40, 15], signIn: true },
  { name: 'investigationsThreatIntelligence', weight: 20, levelWeights: [20, 50, 30], signIn: true },
  { name: 'unusualCredentialAddition', weight: 20, levelWeights: [50, 35, 15], signIn: false },
  { name: 'leakedCredentials', weight: 15, levelWeights: [0, 0, 1], signIn: false },
];
const EVENT_TYPE_WEIGHTS = EVENT_TYPES.map((t) => t.weight);

// Sign-in sources: public blocks of hosting and consumer networks, with where they are.
const NETWORKS = [
  {
    prefix: '20.61',
    asn: 8075,
    asOrg: 'MICROSOFT-CORP-MSN-AS-BLOCK',
    city: 'Amsterdam',
    state: 'Noord-Holland',
    country: 'NL',
  },
  {
    prefix: '52.169',
    asn: 8075,
    asOrg: 'MICROSOFT-CORP-MSN-AS-BLOCK',
    city: 'Dublin',
    state: 'Dublin',
    country: 'IE',
  },
  {
    prefix: '3.120',
    asn: 16509,
    asOrg: 'AMAZON-02',
    city: 'Frankfurt am Main',
    state: 'Hesse',
    country: 'DE',
  },
  {
    prefix: '34.105',
    asn: 396982,
    asOrg: 'GOOGLE-CLOUD-PLATFORM',
    city: 'Council Bluffs',
    state: 'Iowa',
    country: 'US',
  },
  {
    prefix: '185.220',
    asn: 60729,
    asOrg: 'Stiftung Erneuerbare Freiheit',
    city: 'Berlin',
    state: 'Berlin',
    country: 'DE',
  },
  {
    prefix: '45.141',
    asn: 9009,
    asOrg: 'M247 Europe SRL',
    city: 'Bucharest',
    state: 'Bucuresti',
    country: 'RO',
  },
  {
    prefix: '103.152',
    asn: 45102,
    asOrg: 'Alibaba US Technology Co., Ltd.',
    city: 'Singapore',
    state: 'Singapore',
    country: 'SG',
  },
  {
    prefix: '91.219',
    asn: 24940,
    asOrg: 'Hetzner Online GmbH',
    city: 'Falkenstein',
    state: 'Saxony',
    country: 'DE',
  },
];

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function displayName(rnd: Random, managed: boolean): string {
  return managed
    ? `${rnd.pick(AZURE_KINDS)}-${rnd.pick(TEAMS)}-${rnd.pick(ENVIRONMENTS)}-${rnd.pick(REGIONS)}-${rnd.hex(4)}`
    : `${rnd.pick(TEAMS)}-${rnd.pick(PURPOSES)}-${rnd.pick(ENVIRONMENTS)}`;
}

function additionalInfo(rnd: Random, type: string, network: (typeof NETWORKS)[number], at: number): string {
  switch (type) {
    case 'suspiciousSignins':
      return JSON.stringify([
        { Key: 'reason', Value: 'Sign-in from a network and country this principal has not used before.' },
        { Key: 'unusual', Value: ['asn', 'country'] },
        { Key: 'baseline', Value: { days: 30, signIns: rnd.int(40, 40_000), countries: ['US'] } },
        { Key: 'network', Value: { asn: network.asn, asOrg: network.asOrg, hosting: rnd.chance(0.6) } },
      ]);
    case 'investigationsThreatIntelligence':
      return JSON.stringify([
        { Key: 'indicator', Value: `${network.prefix}.${rnd.int(0, 255)}.0/24` },
        { Key: 'source', Value: 'taxii:threat-feed/indicators' },
        { Key: 'confidence', Value: rnd.int(50, 100) },
      ]);
    case 'unusualCredentialAddition':
      return JSON.stringify([
        { Key: 'reason', Value: 'A client secret was added by an actor that has never managed this app.' },
        { Key: 'actor', Value: { type: 'user', id: rnd.guid() } },
        { Key: 'addedAt', Value: iso(at) },
      ]);
    case 'leakedCredentials':
      return JSON.stringify([
        { Key: 'source', Value: 'gitleaks' },
        { Key: 'file', Value: `deploy/${rnd.pick(ENVIRONMENTS)}/settings.json` },
        { Key: 'hint', Value: rnd.hex(3) },
      ]);
    default:
      return JSON.stringify([{ Key: 'initiatedBy', Value: rnd.guid() }]);
  }
}

/** Writes `principals` service principals with their risk, then `detections` detections over them. */
export async function fillRiskStore(store: Store, options: FillRiskStoreOptions): Promise<void> {
  const { tenantId, now } = options;
  const updatedAt = iso(now);
  const insert = async <T extends keyof Database & string>(
    table: T,
    columns: readonly (keyof Database[T] & string)[],
    conflict: readonly (keyof Database[T] & string)[],
    values: unknown[],
  ) => {
    await store.db
      .transaction()
      .execute((trx) => store.capabilities.insertIgnore(trx, table, columns, conflict, values, {}));
  };

  const rnd = createRandom(deriveSeed(options.seed, 1));
  const principalIds: string[] = [];
  const principalStates: string[] = [];
  for (let start = 0; start < options.principals; start += BATCH_ROWS) {
    const end = Math.min(options.principals, start + BATCH_ROWS);
    const principals: unknown[] = [];
    const risks: unknown[] = [];
    for (let i = start; i < end; i++) {
      const id = rnd.guid();
      const managed = rnd.chance(0.3);
      const owner = managed
        ? MICROSOFT_TENANT
        : (pickWeighted(rnd, [tenantId, MICROSOFT_TENANT, null], [85, 5, 10]) ?? rnd.guid());
      principals.push(
        tenantId,
        id,
        rnd.guid(),
        displayName(rnd, managed),
        managed ? 'managedIdentity' : 'application',
        managed ? 'ManagedIdentity' : 'Application',
        owner,
        rnd.chance(0.95) ? 1 : 0,
        iso(now - rnd.int(1, 3 * 365) * DAY_MS - rnd.int(0, DAY_MS)),
        'bench',
        updatedAt,
      );
      const state = pickWeighted(rnd, PRINCIPAL_STATES, PRINCIPAL_STATE_WEIGHTS);
      const level =
        state === 'atRisk'
          ? pickWeighted(rnd, LEVELS, [50, 35, 15])
          : state === 'confirmedCompromised'
            ? 'high'
            : 'none';
      const detail =
        state === 'dismissed'
          ? 'adminDismissedAllRiskForServicePrincipal'
          : state === 'confirmedCompromised'
            ? 'adminConfirmedServicePrincipalCompromised'
            : 'none';
      risks.push(
        tenantId,
        id,
        level,
        state,
        detail,
        state === 'none' ? null : iso(now - rnd.int(0, 90 * DAY_MS)),
      );
      principalIds.push(id);
      principalStates.push(state);
    }
    await insert(
      'service_principals',
      [
        'tenant_id',
        'id',
        'app_id',
        'display_name',
        'kind',
        'service_principal_type',
        'app_owner_organization_id',
        'account_enabled',
        'created_at',
        'source',
        'updated_at',
      ],
      ['tenant_id', 'id'],
      principals,
    );
    await insert(
      'risky_principals',
      ['tenant_id', 'principal_id', 'risk_level', 'risk_state', 'risk_detail', 'risk_last_updated_date_time'],
      ['tenant_id', 'principal_id'],
      risks,
    );
    options.onProgress?.('principals', end);
  }

  const drnd = createRandom(deriveSeed(options.seed, 2));
  const n = principalIds.length;
  const firstDetectedAt = now - 90 * DAY_MS;
  const spacingMs = (90 * DAY_MS) / options.detections;
  for (let start = 0; start < options.detections; start += BATCH_ROWS) {
    const end = Math.min(options.detections, start + BATCH_ROWS);
    const rows: unknown[] = [];
    for (let i = start; i < end; i++) {
      // Squaring skews the pick: the first principals are the noisy few with thousands each.
      const u = drnd.next();
      const p = Math.floor(u * u * n);
      const principalState = principalStates[p]!;
      const confirmed = principalState === 'confirmedCompromised' && drnd.chance(0.2);
      const type = confirmed ? null : pickWeighted(drnd, EVENT_TYPES, EVENT_TYPE_WEIGHTS);
      const eventType = type?.name ?? 'adminConfirmedServicePrincipalCompromised';
      const level = type ? pickWeighted(drnd, LEVELS, type.levelWeights) : 'high';
      const state =
        principalState === 'atRisk'
          ? drnd.chance(0.85)
            ? 'atRisk'
            : 'remediated'
          : principalState === 'none'
            ? 'remediated'
            : principalState;
      const detail =
        state === 'dismissed'
          ? 'adminDismissedAllRiskForServicePrincipal'
          : state === 'confirmedCompromised'
            ? 'adminConfirmedServicePrincipalCompromised'
            : 'none';
      // Detections arrive in the order they are found, as a live store receives them: the time
      // indexes grow at their end, as they do in production.
      const detectedAt = Math.floor(firstDetectedAt + (i + drnd.next()) * spacingMs);
      const activityAt = detectedAt - drnd.int(0, 4 * 3_600_000);
      const updatedAtMs = state === 'atRisk' ? detectedAt : drnd.int(detectedAt, now);
      const signIn = type?.signIn ?? false;
      const network = drnd.pick(NETWORKS);
      const keyIds = !signIn || drnd.chance(0.6) ? [drnd.guid()] : [];
      rows.push(
        tenantId,
        drnd.hex(52),
        principalIds[p]!,
        eventType,
        level,
        state,
        detail,
        signIn ? 'signin' : 'servicePrincipal',
        iso(activityAt),
        iso(detectedAt),
        iso(updatedAtMs),
        signIn ? `${network.prefix}.${drnd.int(0, 255)}.${drnd.int(1, 254)}` : null,
        signIn
          ? JSON.stringify({ city: network.city, state: network.state, countryOrRegion: network.country })
          : null,
        JSON.stringify(keyIds),
        signIn ? drnd.guid() : null,
        signIn ? drnd.guid() : null,
        additionalInfo(drnd, eventType, network, activityAt),
      );
    }
    await insert('risk_detections', DETECTION_COLUMNS, ['tenant_id', 'id'], rows);
    options.onProgress?.('detections', end);
  }
}

/**
 * Azure Monitor Logs Ingestion API: rows in the Log Analytics table shapes of Entra's diagnostic
 * logs (see `log-analytics-rows.ts`), posted as
 *
 *   POST {endpoint}/dataCollectionRules/{dcrImmutableId}/streams/{stream}?api-version=2023-01-01
 *   Authorization: Bearer <token for https://monitor.azure.com>
 *   Content-Type: application/json
 *   [ row, row, … ]
 *
 * one stream per category (`Custom-AADRiskyServicePrincipals` … unless set), each call under 1 MB
 * (the API refuses larger ones with 413). The data collection rule declares those streams and
 * routes them to tables, typically `<Table>_CL` custom tables with the same columns. The token is
 * either a static bearer token or one obtained by the OAuth 2.0 client-credentials grant from
 * Microsoft Entra ID, cached until shortly before it expires and dropped when the API answers 401.
 *
 * `TenantId`, `Type` and `SourceSystem` are standard columns a workspace fills itself: the input
 * streams may declare them, but the rule's transformation must rename or drop them before a custom
 * table, e.g. `source | project-rename EntraTenantId = TenantId | project-away Type, SourceSystem`.
 *
 * Log Analytics does not de-duplicate: a batch sent again (delivery is at least once) gives rows
 * twice. Every row carries its natural key (`Id`, with `RiskLastUpdatedDateTime` for risky
 * principals), so `summarize arg_max(TimeGenerated, *) by Id` reads each once.
 */
import type { Agent } from 'node:http';
import {
  type Destination,
  type DestinationPlugin,
  type ExportCategory,
  exportCategories,
} from '../destination.ts';
import { rowOf, tableOfCategory } from './log-analytics-rows.ts';
import { createHttpAgent, DeliveryError, endpointOf, postJson, splitBySize } from './post-json.ts';
import { displayUrl, readSettings, type SettingsReader } from './read-settings.ts';

/** A static token, or an app's client credentials for Microsoft Entra ID. */
export type LogAnalyticsAuth =
  | { bearerToken: string }
  | { tenantId: string; clientId: string; clientSecret: string; authorityHost: string; scope: string };

/** Settings of a `logAnalytics` destination. */
export interface LogAnalyticsSettings {
  /** Data collection endpoint (or the rule's own logs ingestion endpoint), e.g. `https://my-dce-x1y2.westeurope-1.ingest.monitor.azure.com`. */
  endpoint: string;
  /** The rule's immutable id, `dcr-<32 hex digits>`. */
  dcrImmutableId: string;
  /** The rule's input stream of each category. */
  streams: Readonly<Record<ExportCategory, string>>;
  auth: LogAnalyticsAuth;
  timeoutSeconds: number;
}

const FIELDS = ['endpoint', 'dcrImmutableId', 'streams', 'auth', 'timeoutSeconds'] as const;
const AUTH_FIELDS = [
  'bearerToken',
  'tenantId',
  'clientId',
  'clientSecret',
  'authorityHost',
  'scope',
] as const;
/** The API version of the request shape. */
export const LOGS_INGESTION_API_VERSION = '2023-01-01';
/** Entra ID's public-cloud authority. */
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
/** The Logs Ingestion API's resource, public cloud (the double slash is part of it). */
export const DEFAULT_MONITOR_SCOPE = 'https://monitor.azure.com//.default';
// The API's limit is 1 MiB per call; a margin keeps framing and rounding out of the question.
const MAX_CALL_BYTES = 1_000_000;
const DEFAULT_TIMEOUT_SECONDS = 30;
// Refresh this long before a token expires, so a request never leaves with a token about to lapse.
const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

const DCR_ID = /^dcr-[0-9a-f]{32}$/i;
const STREAM = /^(Custom|Microsoft)-[A-Za-z0-9_]{1,100}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$/i;
const PRINTABLE = /^[\x20-\x7e]+$/;

/** The default stream of a category: `Custom-<table>`. */
export function defaultStreamOf(category: ExportCategory): string {
  return `Custom-${tableOfCategory[category]}`;
}

/** The ingestion URL of one stream. */
export function ingestionUrl(
  settings: Pick<LogAnalyticsSettings, 'endpoint' | 'dcrImmutableId'>,
  stream: string,
): URL {
  const base = new URL(settings.endpoint);
  const path = base.pathname.replace(/\/+$/, '');
  const url = new URL(
    `${path}/dataCollectionRules/${encodeURIComponent(settings.dcrImmutableId)}/streams/${encodeURIComponent(stream)}`,
    base.origin,
  );
  url.searchParams.set('api-version', LOGS_INGESTION_API_VERSION);
  return url;
}

/** The token endpoint of an authority and tenant (OAuth 2.0 v2 endpoint). */
export function tokenUrl(authorityHost: string, tenantId: string): URL {
  const base = authorityHost.endsWith('/') ? authorityHost : `${authorityHost}/`;
  return new URL(`${encodeURIComponent(tenantId)}/oauth2/v2.0/token`, base);
}

function readStreams(r: SettingsReader): Record<ExportCategory, string> {
  const streams = Object.fromEntries(exportCategories.map((c) => [c, defaultStreamOf(c)])) as Record<
    ExportCategory,
    string
  >;
  const given = r.object('streams', exportCategories);
  for (const category of exportCategories) {
    const stream = given?.optionalString(category, {
      pattern: STREAM,
      hint: 'a stream name of the data collection rule, like Custom-AADRiskyServicePrincipals',
    });
    if (stream !== undefined) streams[category] = stream;
  }
  return streams;
}

function readAuth(r: SettingsReader): LogAnalyticsAuth {
  const auth = r.object('auth', AUTH_FIELDS);
  if (auth === undefined)
    return r.fail('auth', 'is required: { "bearerToken" } or { "tenantId", "clientId", "clientSecret" }');
  if (auth.has('bearerToken')) {
    for (const other of AUTH_FIELDS) {
      if (other !== 'bearerToken' && auth.has(other)) {
        auth.fail(other, 'cannot be combined with bearerToken (give a token, or client credentials)');
      }
    }
    return {
      bearerToken: auth.string('bearerToken', { pattern: PRINTABLE, hint: 'a token without line breaks' }),
    };
  }
  const authorityHost = auth.optionalUrl('authorityHost');
  if (authorityHost && authorityHost.search !== '') auth.fail('authorityHost', 'must not have a query');
  return {
    tenantId: auth.string('tenantId', { pattern: TENANT, hint: 'a tenant id (GUID) or domain name' }),
    clientId: auth.string('clientId', { pattern: GUID, hint: "the app's client id (a GUID)" }),
    clientSecret: auth.string('clientSecret', {
      maxLength: 1024,
      pattern: PRINTABLE,
      hint: 'a client secret',
    }),
    authorityHost: (authorityHost?.href ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, ''),
    scope:
      auth.optionalString('scope', {
        pattern: /^https:\/\/\S+\/\.default$/,
        hint: 'a resource scope like https://monitor.azure.com//.default',
      }) ?? DEFAULT_MONITOR_SCOPE,
  };
}

/** Hands out a bearer token for the Logs Ingestion API. */
interface TokenSource {
  token(): Promise<string>;
  /** Forgets a token the API refused. */
  invalidate(): void;
  close(): void;
}

function staticToken(token: string): TokenSource {
  return { token: async () => token, invalidate() {}, close() {} };
}

function clientCredentials(
  auth: Extract<LogAnalyticsAuth, { clientId: string }>,
  timeoutMs: number,
  now: () => number,
): TokenSource {
  const url = tokenUrl(auth.authorityHost, auth.tenantId);
  let agent: Agent | undefined;
  let cached: { token: string; refreshAt: number } | undefined;
  // One request at a time: concurrent sends share the answer instead of each asking.
  let pending: Promise<string> | undefined;

  const fetchToken = async (): Promise<string> => {
    agent ??= createHttpAgent(url);
    const response = await postJson({
      url,
      agent,
      timeoutMs,
      receiver: 'Microsoft Entra token endpoint',
      contentType: 'application/x-www-form-urlencoded',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: auth.clientId,
        client_secret: auth.clientSecret,
        scope: auth.scope,
      }).toString(),
    });
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(response.body) as Record<string, unknown>;
    } catch {
      throw new DeliveryError(`Microsoft Entra token endpoint at ${endpointOf(url)} answered without JSON`);
    }
    const token = json.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new DeliveryError(
        `Microsoft Entra token endpoint at ${endpointOf(url)} answered without an access_token`,
      );
    }
    const seconds = Number(json.expires_in);
    const lifetimeMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 3600 * 1000;
    cached = { token, refreshAt: now() + lifetimeMs - Math.min(TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return token;
  };

  return {
    token() {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
    close() {
      agent?.destroy();
      agent = undefined;
    },
  };
}

function createLogAnalytics(settings: LogAnalyticsSettings, now: () => number): Destination {
  const endpoint = new URL(settings.endpoint);
  const timeoutMs = settings.timeoutSeconds * 1000;
  const tokens =
    'bearerToken' in settings.auth
      ? staticToken(settings.auth.bearerToken)
      : clientCredentials(settings.auth, timeoutMs, now);
  let agent: Agent | undefined;
  return {
    label: `logAnalytics:${endpoint.origin}/dataCollectionRules/${settings.dcrImmutableId}`,
    maxBatch: 500,
    async send(records) {
      if (records.length === 0) return;
      agent ??= createHttpAgent(endpoint);
      // One call carries one stream; categories keep their own order.
      const byStream = new Map<string, string[]>();
      for (const record of records) {
        const stream = settings.streams[record.category];
        const row = JSON.stringify(rowOf(record));
        if (Buffer.byteLength(row) + 2 > MAX_CALL_BYTES) {
          throw new DeliveryError(
            `record ${record.id} (${record.category}) is larger than the Logs Ingestion API's 1 MB per call`,
          );
        }
        const rows = byStream.get(stream) ?? [];
        rows.push(row);
        byStream.set(stream, rows);
      }
      for (const [stream, rows] of byStream) {
        const url = ingestionUrl(settings, stream);
        for (const group of splitBySize(rows, MAX_CALL_BYTES, 2)) {
          const token = await tokens.token();
          try {
            await postJson({
              url,
              agent,
              timeoutMs,
              receiver: 'Azure Monitor Logs Ingestion',
              body: `[${group.join(',')}]`,
              headers: { Authorization: `Bearer ${token}` },
            });
          } catch (error) {
            // An expired or revoked token: the next attempt asks for a new one.
            if (error instanceof DeliveryError && error.status === 401) tokens.invalidate();
            throw error;
          }
        }
      }
    },
    async close() {
      agent?.destroy();
      agent = undefined;
      tokens.close();
    },
  };
}

/** Creates the `logAnalytics` destination type; `now` is injectable for token-expiry tests. */
export function createLogAnalyticsDestination(
  now: () => number = Date.now,
): DestinationPlugin<LogAnalyticsSettings> {
  return {
    type: 'logAnalytics',
    parse: (raw, field) =>
      readSettings(raw, field, FIELDS, (r) => {
        const endpoint = r.url('endpoint');
        if (endpoint.search !== '') r.fail('endpoint', 'must not have a query (the API version is added)');
        return {
          endpoint: endpoint.href.replace(/\/+$/, ''),
          dcrImmutableId: r.string('dcrImmutableId', {
            pattern: DCR_ID,
            hint: "the rule's immutable id, dcr- followed by 32 hex digits",
          }),
          streams: readStreams(r),
          auth: readAuth(r),
          timeoutSeconds: r.integer('timeoutSeconds', 1, 300, DEFAULT_TIMEOUT_SECONDS),
        };
      }),
    redact: (settings) => ({
      endpoint: displayUrl(new URL(settings.endpoint)),
      dcrImmutableId: settings.dcrImmutableId,
      streams: { ...settings.streams },
      auth:
        'bearerToken' in settings.auth ? { bearerToken: '***' } : { ...settings.auth, clientSecret: '***' },
      timeoutSeconds: settings.timeoutSeconds,
    }),
    create: (settings) => createLogAnalytics(settings, now),
  };
}

/** The `logAnalytics` destination type. */
export const logAnalyticsDestination: DestinationPlugin<LogAnalyticsSettings> =
  createLogAnalyticsDestination();

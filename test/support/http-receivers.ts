// Receivers for the HTTP export destinations, on real loopback sockets, that check the wire format

// the way the real services do and answer as they answer:
//
// - Splunk HTTP Event Collector (`/services/collector/event`): `Authorization: Splunk <token>`,
//   concatenated JSON events each with a non-blank `event`, a numeric `time`, an allowed index;
//   answers `{"text":"Success","code":0}`, 401 `Token is required` (code 2) / `Invalid
//   authorization` (3), 403 `Invalid token` (4), 400 `No data` (5) / `Invalid data format` (6) /
//   `Incorrect index` (7) / `Event field is required` (12) / `Event field cannot be blank` (13),
//   503 `Server is busy` (9).
// - Azure Monitor Logs Ingestion API: `POST /dataCollectionRules/{dcr}/streams/{stream}?api-version=2023-01-01`,
//   bearer token, JSON array of rows whose columns the stream declares (with their types); 204 on
//   success, 401 without a valid token, 413 `ContentLengthLimitExceeded` over 1 MiB.
// - Microsoft Entra ID token endpoint: `POST /{tenant}/oauth2/v2.0/token`, client-credentials grant.
// - Webhook: checks Vigil's signature scheme independently of Vigil's code.
//
// Every receiver can be stopped (connection refused) and started again on the same port, or told
// to answer the next requests with a failure (as a busy or broken service does).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedLoopback } from './self-signed.ts';

/** One request a receiver saw. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered. */
  status: number;
}

/** An answer to force on the next requests. */
export interface ForcedAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** A certificate and key (PEM) to serve HTTPS with. */
export interface ReceiverTls {
  cert: string;
  key: string;
}

/** A running receiver. */
export interface Receiver {
  /** `http://127.0.0.1:<port>`, or `https://localhost:<port>` when serving TLS. */
  origin: string;
  seen: SeenRequest[];
  /** Answers the next `count` requests with `answer`, whatever they hold. */
  failNext(answer: ForcedAnswer, count?: number): void;
  /** Stops listening and drops open connections: clients then get ECONNREFUSED. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

type Handler = (request: {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}) => { status: number; body?: string; headers?: Record<string, string> };

// Large enough to see a 1 MiB limit crossed, small enough that a runaway client cannot fill memory.
const MAX_READ_BYTES = 8 * 1024 * 1024;

async function startReceiver(handle: Handler, tls?: ReceiverTls): Promise<Receiver> {
  const seen: SeenRequest[] = [];
  const forced: ForcedAnswer[] = [];
  const serve = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_READ_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks);
      const input = {
        method: request.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body,
      };
      const answer = forced.shift() ?? handle(input);
      seen.push({ ...input, body: body.toString('utf8'), status: answer.status });
      const text = answer.body ?? '';
      response.writeHead(answer.status, {
        ...(text === '' ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
        'Content-Length': String(Buffer.byteLength(text)),
        ...answer.headers,
      });
      response.end(text);
    });
  };
  const server = tls ? createTlsServer({ cert: tls.cert, key: tls.key }, serve) : createServer(serve);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  let listening = true;
  const stop = async () => {
    if (!listening) return;
    listening = false;
    const closed = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await closed;
  };
  return {
    origin: tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    seen,
    failNext(answer, count = 1) {
      for (let i = 0; i < count; i++) forced.push(answer);
    },
    stop,
    async start() {
      if (listening) return;
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
      listening = true;
    },
    close: stop,
  };
}

function json(status: number, body: unknown, headers?: Record<string, string>) {
  return { status, body: JSON.stringify(body), ...(headers ? { headers } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Splunk HEC

/** A HEC event as received. */
export interface HecEvent {
  time?: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  event: unknown;
  fields?: Record<string, unknown>;
}

/** A running HEC. */
export interface HecReceiver extends Receiver {
  /** Events indexed, in arrival order. */
  events: HecEvent[];
}

/**
 * Splits HEC's event stream: JSON objects one after another, with or without white space between
 * them. Returns the objects, or the index of the first one that is not valid JSON.
 */
function splitConcatenatedJson(text: string): { values: unknown[] } | { invalidAt: number } {
  const values: unknown[] = [];
  let i = 0;
  while (true) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (i >= text.length) return { values };
    if (text[i] !== '{') return { invalidAt: values.length };
    let depth = 0;
    let inString = false;
    let end = -1;
    for (let j = i; j < text.length; j++) {
      const c = text[j];
      if (inString) {
        if (c === '\\') j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) {
          end = j + 1;
          break;
        }
      }
    }
    if (end < 0) return { invalidAt: values.length };
    try {
      values.push(JSON.parse(text.slice(i, end)));
    } catch {
      return { invalidAt: values.length };
    }
    i = end;
  }
}

/** Starts a HEC that accepts `token`, writing to `indexes` (the first is the token's default). */
export async function startHecReceiver(options: {
  token: string;
  indexes?: string[];
  tls?: ReceiverTls;
}): Promise<HecReceiver> {
  const indexes = options.indexes ?? ['main'];
  const events: HecEvent[] = [];
  const receiver = await startReceiver(({ method, path, headers, body }) => {
    if (path !== '/services/collector/event' && path !== '/services/collector/event/1.0') {
      return json(404, { text: 'The requested URL was not found on this server.', code: 404 });
    }
    if (method !== 'POST') return json(405, { text: 'Method Not Allowed', code: 405 });
    const authorization = headers.authorization;
    if (authorization === undefined) return json(401, { text: 'Token is required', code: 2 });
    const match = /^Splunk (\S+)$/.exec(authorization);
    if (!match) return json(401, { text: 'Invalid authorization', code: 3 });
    if (match[1] !== options.token) return json(403, { text: 'Invalid token', code: 4 });
    const text = body.toString('utf8');
    if (text.trim() === '') return json(400, { text: 'No data', code: 5 });
    const split = splitConcatenatedJson(text);
    if ('invalidAt' in split) {
      return json(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': split.invalidAt });
    }
    const batch: HecEvent[] = [];
    for (const [n, value] of split.values.entries()) {
      const e = value as Record<string, unknown>;
      if (!('event' in e))
        return json(400, { text: 'Event field is required', code: 12, 'invalid-event-number': n });
      if (e.event === '' || e.event === null) {
        return json(400, { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': n });
      }
      if (e.time !== undefined && (typeof e.time !== 'number' || !Number.isFinite(e.time))) {
        return json(400, { text: 'Invalid data format', code: 6, 'invalid-event-number': n });
      }
      if (e.index !== undefined && !indexes.includes(String(e.index))) {
        return json(400, { text: 'Incorrect index', code: 7, 'invalid-event-number': n });
      }
      batch.push(e as unknown as HecEvent);
    }
    // All or nothing, as HEC refuses a request with one bad event.
    events.push(...batch);
    return json(200, { text: 'Success', code: 0 });
  }, options.tls);
  return Object.assign(receiver, { events });
}

/** A self-signed certificate for `localhost` and 127.0.0.1, as Splunk ships by default. */
export async function selfSignedTls(): Promise<ReceiverTls> {
  const pems = await selfSignedLoopback();
  return { cert: pems.cert, key: pems.key };
}

/** HEC's answer when its queues are full. */
export const HEC_BUSY: ForcedAnswer = { status: 503, body: '{"text":"Server is busy","code":9}' };

// ---------------------------------------------------------------------------------------------
// Microsoft Entra ID token endpoint

/** A running token endpoint. */
export interface TokenEndpoint extends Receiver {
  /** Tokens issued, in order. */
  issued: string[];
  /** True for a token this endpoint issued and has not revoked. */
  isValid(token: string): boolean;
  /** Revokes every token issued so far (as a rotated key or a disabled app does). */
  revokeAll(): void;
}

/** Starts an Entra ID token endpoint for one tenant and app; tokens live `expiresIn` seconds. */
export async function startTokenEndpoint(options: {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  expiresIn?: number;
}): Promise<TokenEndpoint> {
  const issued: string[] = [];
  const valid = new Set<string>();
  const receiver = await startReceiver(({ method, path, headers, body }) => {
    if (method !== 'POST' || path !== `/${options.tenantId}/oauth2/v2.0/token`) {
      return json(404, { error: 'not_found', error_description: `AADSTS90002: Tenant '${path}' not found.` });
    }
    if (!String(headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return json(400, {
        error: 'invalid_request',
        error_description: 'AADSTS900144: The request body must contain the following parameter: grant_type.',
      });
    }
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') {
      return json(400, {
        error: 'unsupported_grant_type',
        error_description: 'AADSTS70003: unsupported grant.',
      });
    }
    if (form.get('client_id') !== options.clientId) {
      return json(400, {
        error: 'unauthorized_client',
        error_description: `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found in the directory.`,
      });
    }
    if (form.get('client_secret') !== options.clientSecret) {
      return json(401, {
        error: 'invalid_client',
        error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${options.clientId}'.`,
      });
    }
    if (form.get('scope') !== 'https://monitor.azure.com//.default') {
      return json(400, {
        error: 'invalid_scope',
        error_description: `AADSTS70011: The provided value for scope ${form.get('scope')} is not valid.`,
      });
    }
    const token = `eyJ0eXAiOiJKV1QifQ.monitor-${issued.length + 1}.sig`;
    issued.push(token);
    valid.add(token);
    const expiresIn = options.expiresIn ?? 3599;
    return json(200, {
      token_type: 'Bearer',
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: token,
    });
  });
  return Object.assign(receiver, {
    issued,
    isValid: (token: string) => valid.has(token),
    revokeAll: () => valid.clear(),
  });
}

// ---------------------------------------------------------------------------------------------
// Azure Monitor Logs Ingestion API

/** A column type of a data collection rule's stream declaration. */
export type ColumnType = 'string' | 'datetime' | 'boolean' | 'dynamic' | 'long' | 'int' | 'real';

/** A running Logs Ingestion endpoint. */
export interface LogsIngestionReceiver extends Receiver {
  /** Rows accepted, by stream, in arrival order. */
  rows: Map<string, Record<string, unknown>[]>;
}

// The API's limit per call.
const LOGS_INGESTION_MAX_BYTES = 1024 * 1024;

function typeProblem(type: ColumnType, value: unknown): string | null {
  if (value === null) return null;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? null : 'is not a string';
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? null : 'is not a datetime';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'is not a boolean';
    case 'long':
    case 'int':
      return Number.isInteger(value) ? null : 'is not an integer';
    case 'real':
      return typeof value === 'number' ? null : 'is not a number';
    case 'dynamic':
      return null;
  }
}

/**
 * Starts a Logs Ingestion endpoint for one data collection rule whose `streams` declare their
 * columns; `isValidToken` decides which bearer tokens it accepts. Rows with undeclared columns or
 * values of the wrong type are refused (the real service would drop them silently; a test wants
 * to know).
 */
export async function startLogsIngestionReceiver(options: {
  dcrImmutableId: string;
  streams: Record<string, Record<string, ColumnType>>;
  isValidToken: (token: string) => boolean;
}): Promise<LogsIngestionReceiver> {
  const rows = new Map<string, Record<string, unknown>[]>();
  const error = (status: number, code: string, message: string) => json(status, { error: { code, message } });
  const receiver = await startReceiver(({ method, path, query, headers, body }) => {
    const match = /^\/dataCollectionRules\/([^/]+)\/streams\/([^/]+)$/.exec(path);
    if (method !== 'POST' || !match) return error(404, 'NotFound', 'The requested resource was not found.');
    const authorization = headers.authorization;
    const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    if (bearer === undefined || !options.isValidToken(bearer)) {
      return error(
        401,
        'InvalidToken',
        'The request does not have a valid bearer token, or the token has expired.',
      );
    }
    if (query.get('api-version') !== '2023-01-01') {
      return error(400, 'InvalidApiVersion', `The api-version '${query.get('api-version')}' is invalid.`);
    }
    const length = Number(headers['content-length']);
    if (length > LOGS_INGESTION_MAX_BYTES) {
      return error(
        413,
        'ContentLengthLimitExceeded',
        `Maximum allowed content length: ${LOGS_INGESTION_MAX_BYTES} bytes (1 MB). Provided content length: ${length} bytes.`,
      );
    }
    if (!String(headers['content-type']).startsWith('application/json')) {
      return error(415, 'UnsupportedMediaType', 'Content-Type must be application/json.');
    }
    const [, dcr, stream] = match;
    if (decodeURIComponent(dcr ?? '') !== options.dcrImmutableId) {
      return error(404, 'InvalidDataCollectionRule', `Data collection rule ${dcr} was not found.`);
    }
    const streamName = decodeURIComponent(stream ?? '');
    const columns = options.streams[streamName];
    if (!columns) {
      return error(400, 'InvalidStream', `Stream ${streamName} is not declared in the data collection rule.`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return error(400, 'InvalidJson', 'The request body is not valid JSON.');
    }
    if (!Array.isArray(parsed)) return error(400, 'InvalidJson', 'The request body must be a JSON array.');
    for (const [n, row] of parsed.entries()) {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) {
        return error(400, 'InvalidJson', `Item ${n} is not a JSON object.`);
      }
      for (const [column, value] of Object.entries(row as Record<string, unknown>)) {
        const type = columns[column];
        if (type === undefined)
          return error(400, 'InvalidColumn', `Item ${n}: column ${column} is not declared.`);
        const problem = typeProblem(type, value);
        if (problem) return error(400, 'InvalidColumnValue', `Item ${n}: column ${column} ${problem}.`);
      }
    }
    const list = rows.get(streamName) ?? [];
    list.push(...(parsed as Record<string, unknown>[]));
    rows.set(streamName, list);
    return { status: 204 };
  });
  return Object.assign(receiver, { rows });
}

/** The Logs Ingestion API's answer when it is overloaded. */
export const LOGS_INGESTION_UNAVAILABLE: ForcedAnswer = {
  status: 503,
  body: '{"error":{"code":"ServiceUnavailable","message":"The service is temporarily unavailable."}}',
  headers: { 'Retry-After': '30' },
};

const s = 'string' as const;
const dt = 'datetime' as const;
const dyn = 'dynamic' as const;

/** Stream declarations with the columns of Entra's tables (spec/graph.md §4.2, §5.4, §6). */
export const ENTRA_TABLE_STREAMS: Record<string, Record<string, ColumnType>> = {
  'Custom-AADRiskyServicePrincipals': {
    AccountEnabled: 'boolean',
    AppId: s,
    CorrelationId: s,
    DisplayName: s,
    Id: s,
    IsProcessing: 'boolean',
    OperationName: s,
    RiskDetail: s,
    RiskLastUpdatedDateTime: dt,
    RiskLevel: s,
    RiskState: s,
    ServicePrincipalType: s,
    SourceSystem: s,
    TenantId: s,
    TimeGenerated: dt,
    Type: s,
  },
  'Custom-AADServicePrincipalRiskEvents': {
    Activity: s,
    ActivityDateTime: dt,
    AdditionalInfo: dyn,
    AppId: s,
    CorrelationId: s,
    DetectedDateTime: dt,
    DetectionTimingType: s,
    Id: s,
    IpAddress: s,
    KeyIds: dyn,
    LastUpdatedDateTime: dt,
    Location: dyn,
    OperationName: s,
    RequestId: s,
    RiskDetail: s,
    RiskEventType: s,
    RiskLevel: s,
    RiskState: s,
    ServicePrincipalDisplayName: s,
    ServicePrincipalId: s,
    Source: s,
    SourceSystem: s,
    TenantId: s,
    TimeGenerated: dt,
    TokenIssuerType: s,
    Type: s,
  },
  ...Object.fromEntries(
    ['Custom-AADServicePrincipalSignInLogs', 'Custom-AADManagedIdentitySignInLogs'].map((name) => [
      name,
      {
        AppId: s,
        AuthenticationContextClassReferences: s,
        AuthenticationProcessingDetails: s,
        Category: s,
        ConditionalAccessPolicies: s,
        ConditionalAccessStatus: s,
        CorrelationId: s,
        DurationMs: 'long',
        FederatedCredentialId: s,
        Id: s,
        Identity: s,
        IPAddress: s,
        Level: s,
        Location: s,
        LocationDetails: s,
        OperationName: s,
        OperationVersion: s,
        ResourceDisplayName: s,
        ResourceGroup: s,
        ResourceIdentity: s,
        ResourceServicePrincipalId: s,
        ResultDescription: s,
        ResultSignature: s,
        ResultType: s,
        ServicePrincipalCredentialKeyId: s,
        ServicePrincipalCredentialThumbprint: s,
        ServicePrincipalId: s,
        ServicePrincipalName: s,
        SourceSystem: s,
        TenantId: s,
        TimeGenerated: dt,
        Type: s,
        UniqueTokenIdentifier: s,
      } satisfies Record<string, ColumnType>,
    ]),
  ),
  'Custom-AuditLogs': {
    AADOperationType: s,
    AADTenantId: s,
    ActivityDateTime: dt,
    ActivityDisplayName: s,
    AdditionalDetails: dyn,
    Category: s,
    CorrelationId: s,
    DurationMs: 'long',
    Id: s,
    Identity: s,
    InitiatedBy: dyn,
    Level: s,
    Location: s,
    LoggedByService: s,
    OperationName: s,
    OperationVersion: s,
    Resource: s,
    ResourceGroup: s,
    ResourceId: s,
    ResourceProvider: s,
    Result: s,
    ResultDescription: s,
    ResultReason: s,
    ResultSignature: s,
    ResultType: s,
    SourceSystem: s,
    TargetResources: dyn,
    TimeGenerated: dt,
    Type: s,
  },
};

// ---------------------------------------------------------------------------------------------
// Webhook

/** One delivery a webhook receiver accepted. */
export interface WebhookDelivery {
  id: string;
  timestamp: number;
  records: Record<string, unknown>[];
}

/** A running webhook receiver. */
export interface WebhookReceiver extends Receiver {
  deliveries: WebhookDelivery[];
}

/**
 * Starts a webhook receiver that verifies Vigil's signature as its documentation tells a receiver
 * to: timestamp within `toleranceSeconds` of `now`, HMAC-SHA256 over `<timestamp>.<raw body>`
 * compared in constant time; 401 otherwise.
 */
export async function startWebhookReceiver(options: {
  secret: string;
  toleranceSeconds?: number;
  now?: () => number;
  /** Headers every request must carry with these values (a receiver's own API key). */
  requiredHeaders?: Record<string, string>;
}): Promise<WebhookReceiver> {
  const deliveries: WebhookDelivery[] = [];
  const tolerance = options.toleranceSeconds ?? 300;
  const now = options.now ?? Date.now;
  const refuse = (status: number, message: string) => json(status, { error: message });
  const receiver = await startReceiver(({ method, headers, body }) => {
    if (method !== 'POST') return refuse(405, 'method not allowed');
    for (const [name, value] of Object.entries(options.requiredHeaders ?? {})) {
      if (headers[name.toLowerCase()] !== value) return refuse(403, `missing or wrong ${name}`);
    }
    if (!String(headers['content-type']).startsWith('application/json')) {
      return refuse(415, 'expected application/json');
    }
    const timestampText = headers['x-vigil-timestamp'];
    const signature = headers['x-vigil-signature'];
    const delivery = headers['x-vigil-delivery'];
    if (typeof timestampText !== 'string' || !/^\d+$/.test(timestampText)) {
      return refuse(401, 'missing X-Vigil-Timestamp');
    }
    if (typeof signature !== 'string' || !signature.startsWith('sha256=')) {
      return refuse(401, 'missing X-Vigil-Signature');
    }
    if (typeof delivery !== 'string' || delivery === '') return refuse(400, 'missing X-Vigil-Delivery');
    const timestamp = Number(timestampText);
    if (Math.abs(now() / 1000 - timestamp) > tolerance)
      return refuse(401, 'timestamp outside the replay window');
    const expected = createHmac('sha256', options.secret)
      .update(Buffer.concat([Buffer.from(`${timestampText}.`), body]))
      .digest();
    const given = Buffer.from(signature.slice('sha256='.length), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return refuse(401, 'signature mismatch');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return refuse(400, 'body is not JSON');
    }
    const records = (parsed as { records?: unknown }).records;
    if (!Array.isArray(records)) return refuse(400, 'body has no records array');
    deliveries.push({ id: delivery, timestamp, records: records as Record<string, unknown>[] });
    return { status: 202 };
  });
  return Object.assign(receiver, { deliveries });
}

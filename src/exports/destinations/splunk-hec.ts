/**
 * Splunk HTTP Event Collector: events in HEC's JSON event protocol, posted to
 * `<url>/services/collector/event` with `Authorization: Splunk <token>`.
 *
 * Each record becomes one HEC event whose `event` is the record's export envelope (the shape Entra
 * writes to an Event Hub, Graph object under `properties`), `time` its event time in epoch seconds
 * with milliseconds, and `sourcetype` chosen per category:
 *
 *   RiskyServicePrincipals      → azure:aad:riskyserviceprincipals
 *   ServicePrincipalRiskEvents  → azure:aad:serviceprincipalriskevents
 *   ServicePrincipalSignInLogs  → azure:aad:serviceprincipalsigninlogs
 *   ManagedIdentitySignInLogs   → azure:aad:managedidentitysigninlogs
 *   AuditLogs                   → azure:aad:auditlogs
 *
 * that is `<sourcetypePrefix>:<category in lower case>`, as Azure names the category's storage
 * container (`insights-logs-<category>`). None of them is a sourcetype of the Splunk Add-on for
 * Microsoft Azure (`azure:aad:signin`, `azure:aad:audit`, …): those events are bare Graph objects,
 * and that add-on's field extractions would misread an envelope. A setting may instead pin one
 * `sourcetype` for every category: `azure:monitor:aad`, the sourcetype of Entra diagnostic logs read
 * from an Event Hub, is what Splunk's security content searches (fields `category`, `properties.*`).
 *
 * Events of a batch go in requests of at most 1 MB (newline-separated events, as HEC accepts them
 * concatenated). HEC answers `{"text":"Success","code":0}`; any other status or code throws with
 * HEC's `text`. Without indexer acknowledgement a 200 means HEC queued the events, not that they
 * are searchable; delivery stays at least once and `event.recordId` de-duplicates.
 */
import type { Agent } from 'node:http';
import type { Destination, DestinationPlugin, ExportCategory, ExportRecord } from '../destination.ts';
import {
  createHttpAgent,
  DeliveryError,
  endpointOf,
  messageOfBody,
  postJson,
  splitBySize,
} from './post-json.ts';
import { displayUrl, readSettings } from './read-settings.ts';

/** Settings of a `splunkHec` destination. */
export interface SplunkHecSettings {
  /** HEC base URL, e.g. `https://splunk.example.com:8088`; `/services/collector/event` is appended. */
  url: string;
  /** The HEC token (a GUID). Secret. */
  token: string;
  /** Index to write to; absent → the token's default index. */
  index?: string;
  /** HEC `host` field; absent → HEC uses the sender's address. */
  host?: string;
  /** HEC `source` field. */
  source: string;
  /** Per-category sourcetypes are `<prefix>:<category in lower case>`. */
  sourcetypePrefix: string;
  /** One sourcetype for every category instead (e.g. `azure:monitor:aad`). */
  sourcetype?: string;
  timeoutSeconds: number;
  /** False accepts any TLS certificate (Splunk's self-signed default); true unless set. */
  rejectUnauthorized: boolean;
}

const FIELDS = [
  'url',
  'token',
  'index',
  'host',
  'source',
  'sourcetypePrefix',
  'sourcetype',
  'timeoutSeconds',
  'rejectUnauthorized',
] as const;

/** The sourcetype prefix unless a setting names another. */
export const DEFAULT_SOURCETYPE_PREFIX = 'azure:aad';
const DEFAULT_SOURCE = 'vigil';
const DEFAULT_TIMEOUT_SECONDS = 30;
// Splunk Cloud's HEC refuses larger requests; staying under it everywhere keeps one behaviour.
const MAX_REQUEST_BYTES = 1_000_000;
const EVENT_PATH = '/services/collector/event';

// Splunk index names: lower-case letters, digits, `_` and `-`, not starting with `_` or `-`.
const INDEX = /^[a-z0-9][a-z0-9_-]{0,79}$/;
// Sourcetypes are free text in Splunk, but a colon-separated token is what add-ons and searches expect.
const SOURCETYPE = /^[A-Za-z0-9_][A-Za-z0-9_:.-]{0,99}$/;
// Printable, no white space: a token with a space or line break is a paste error (and would break the header).
const TOKEN = /^[\x21-\x7e]{1,256}$/;

/** The sourcetype of a category under a prefix: `<prefix>:<category in lower case>`. */
export function sourcetypeOf(category: ExportCategory, prefix = DEFAULT_SOURCETYPE_PREFIX): string {
  return `${prefix}:${category.toLowerCase()}`;
}

/** The collector URL of a base URL; a base already ending in the event endpoint is kept as it is. */
export function collectorUrl(base: URL): URL {
  const url = new URL(base.href);
  const path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith(EVENT_PATH)) url.pathname = path;
  else if (path.endsWith('/services/collector')) url.pathname = `${path}/event`;
  else url.pathname = `${path}${EVENT_PATH}`;
  return url;
}

/** One HEC event of a record. */
export function hecEventOf(record: ExportRecord, settings: SplunkHecSettings): Record<string, unknown> {
  const millis = Date.parse(record.envelope.time || record.time);
  return {
    time: Number.isNaN(millis) ? Date.parse(record.time) / 1000 : millis / 1000,
    ...(settings.host === undefined ? {} : { host: settings.host }),
    source: settings.source,
    sourcetype: settings.sourcetype ?? sourcetypeOf(record.category, settings.sourcetypePrefix),
    ...(settings.index === undefined ? {} : { index: settings.index }),
    event: record.envelope,
  };
}

function createSplunkHec(settings: SplunkHecSettings): Destination {
  const base = new URL(settings.url);
  const url = collectorUrl(base);
  let agent: Agent | undefined;
  return {
    label: `splunkHec:${endpointOf(url)}`,
    maxBatch: 500,
    async send(records) {
      if (records.length === 0) return;
      agent ??= createHttpAgent(url, { rejectUnauthorized: settings.rejectUnauthorized });
      const lines = records.map((r) => JSON.stringify(hecEventOf(r, settings)));
      for (const group of splitBySize(lines, MAX_REQUEST_BYTES)) {
        const body = group.join('\n');
        const response = await postJson({
          url,
          body,
          agent,
          receiver: 'Splunk HEC',
          timeoutMs: settings.timeoutSeconds * 1000,
          headers: { Authorization: `Splunk ${settings.token}` },
        });
        // HEC may answer 200 with a non-zero code; it then indexed nothing of this request.
        const code = hecCodeOf(response.body);
        if (code !== undefined && code !== 0) {
          throw new DeliveryError(
            `Splunk HEC at ${endpointOf(url)} refused the events: ${messageOfBody(response.body)}`,
            response.status,
          );
        }
      }
    },
    async close() {
      agent?.destroy();
      agent = undefined;
    },
  };
}

function hecCodeOf(body: string): number | undefined {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json === 'object' && json !== null && typeof (json as { code?: unknown }).code === 'number') {
      return (json as { code: number }).code;
    }
  } catch {
    // A proxy in front of HEC may answer 2xx with no JSON: the status then speaks for the request.
  }
  return undefined;
}

/** The `splunkHec` destination type. */
export const splunkHecDestination: DestinationPlugin<SplunkHecSettings> = {
  type: 'splunkHec',
  parse: (raw, field) =>
    readSettings(raw, field, FIELDS, (r) => {
      const url = r.url('url');
      if (url.search !== '')
        r.fail('url', 'must not have a query (the token goes in the Authorization header)');
      const sourcetype = r.optionalString('sourcetype', {
        pattern: SOURCETYPE,
        hint: 'a sourcetype like azure:monitor:aad',
      });
      if (sourcetype !== undefined && r.has('sourcetypePrefix')) {
        r.fail('sourcetype', 'set either sourcetype (one for all categories) or sourcetypePrefix, not both');
      }
      const index = r.optionalString('index', {
        pattern: INDEX,
        hint: 'a Splunk index name (lower-case letters, digits, _ and -)',
      });
      const host = r.optionalString('host', { maxLength: 255 });
      const settings: SplunkHecSettings = {
        url: url.href,
        token: r.string('token', { pattern: TOKEN, hint: 'a HEC token, without spaces' }),
        source: r.optionalString('source', { maxLength: 255 }) ?? DEFAULT_SOURCE,
        sourcetypePrefix:
          r.optionalString('sourcetypePrefix', {
            pattern: SOURCETYPE,
            hint: 'a sourcetype prefix like azure:aad',
          }) ?? DEFAULT_SOURCETYPE_PREFIX,
        timeoutSeconds: r.integer('timeoutSeconds', 1, 300, DEFAULT_TIMEOUT_SECONDS),
        rejectUnauthorized: r.boolean('rejectUnauthorized', true),
        ...(index === undefined ? {} : { index }),
        ...(host === undefined ? {} : { host }),
        ...(sourcetype === undefined ? {} : { sourcetype }),
      };
      return settings;
    }),
  redact: (settings) => ({ ...settings, url: displayUrl(new URL(settings.url)), token: '***' }),
  create: (settings) => createSplunkHec(settings),
};

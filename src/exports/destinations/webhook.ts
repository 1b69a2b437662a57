/**
 * Webhook: an HTTPS POST of `{"records":[envelope, …]}` (the Event Hubs payload shape Entra uses),
 * `Content-Type: application/json`, signed with a shared secret. 2xx means delivered; anything else,
 * or no answer within the timeout, throws and the batch is sent again later.
 *
 * Headers:
 *   X-Vigil-Timestamp: <unix seconds when this attempt was signed>
 *   X-Vigil-Signature: sha256=<lower-case hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *   X-Vigil-Delivery:  <id of the request's records: the same when the same records are sent again>
 *
 * A receiver verifies a request so:
 *   1. Read the raw body bytes, before any JSON parsing (re-serialising changes the bytes).
 *   2. Take `X-Vigil-Timestamp`; refuse it when it is more than 5 minutes from the receiver's clock.
 *   3. Compute HMAC-SHA256 with the secret (UTF-8) as key over the UTF-8 string
 *      `<timestamp> + "." + <raw body>`; hex-encode it.
 *   4. Compare it with the hex after `sha256=` in `X-Vigil-Signature` in constant time
 *      (`crypto.timingSafeEqual`, `hmac.compare_digest`); refuse on mismatch.
 *   5. De-duplicate: by `X-Vigil-Delivery` for whole requests, by each record's `recordId` always
 *      (delivery is at least once).
 * The timestamp is signed so that a captured request cannot be replayed later: changing the
 * timestamp breaks the signature, and an old one falls outside the 5-minute window. Each attempt
 * (a retry too) is signed afresh with the current time.
 *
 * Requests carry at most 500 records and 1 MiB of body; a larger batch is sent as several requests,
 * in order. A single record above 1 MiB still goes alone.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Agent } from 'node:http';
import type { Destination, DestinationPlugin, ExportRecord } from '../destination.ts';
import { createHttpAgent, endpointOf, postJson, splitBySize } from './post-json.ts';
import { displayUrl, readSettings, type SettingsReader } from './read-settings.ts';

/** Settings of a `webhook` destination. */
export interface WebhookSettings {
  /** Receiver URL: https, plain http only to localhost. */
  url: string;
  /** HMAC key shared with the receiver, at least 16 characters. Secret. */
  secret: string;
  timeoutSeconds: number;
  /** Extra static headers (e.g. a receiver's API key); values are treated as secrets. */
  headers: Readonly<Record<string, string>>;
}

const FIELDS = ['url', 'secret', 'timeoutSeconds', 'headers'] as const;
/** Largest body of one request. */
export const WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;
/** Most records in one request. */
export const WEBHOOK_MAX_RECORDS = 500;
const DEFAULT_TIMEOUT_SECONDS = 30;
const MAX_EXTRA_HEADERS = 20;
// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
// Headers that the request itself defines, or that would change how it travels.
const RESERVED_HEADERS = new Set([
  'host',
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);
const RECORDS_PREFIX = '{"records":[';
const RECORDS_SUFFIX = ']}';

/** `sha256=<hex>` of a body signed at `timestamp` (unix seconds). */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The delivery id of a request: a digest of its record ids, so a resend of the same records keeps it. */
export function deliveryIdOf(records: readonly Pick<ExportRecord, 'id'>[]): string {
  const hash = createHash('sha256');
  for (const r of records) hash.update(r.id).update('\n');
  return hash.digest('hex').slice(0, 32);
}

function readHeaders(r: SettingsReader): Record<string, string> {
  const raw = r.record('headers') ?? {};
  const names = Object.keys(raw);
  if (names.length > MAX_EXTRA_HEADERS) r.fail('headers', `must hold at most ${MAX_EXTRA_HEADERS} headers`);
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  for (const name of names) {
    const field = `headers.${name}`;
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) r.fail(field, 'is not a valid header name');
    if (RESERVED_HEADERS.has(lower) || lower.startsWith('x-vigil-') || lower.startsWith('proxy-')) {
      r.fail(field, 'is set by Vigil itself and cannot be overridden');
    }
    if (seen.has(lower)) r.fail(field, 'is given twice (header names are case-insensitive)');
    seen.add(lower);
    const value = raw[name];
    // Line breaks would split the header (request smuggling); Node refuses other control and non-Latin-1 characters.
    if (typeof value !== 'string' || value.length > 8192 || !/^[\t\x20-\x7e]*$/.test(value)) {
      r.fail(field, 'must be printable ASCII of at most 8192 characters, without line breaks');
    }
    headers[name] = value as string;
  }
  return headers;
}

function createWebhook(settings: WebhookSettings, now: () => number): Destination {
  const url = new URL(settings.url);
  let agent: Agent | undefined;
  return {
    label: `webhook:${endpointOf(url)}`,
    maxBatch: WEBHOOK_MAX_RECORDS,
    async send(records) {
      if (records.length === 0) return;
      agent ??= createHttpAgent(url);
      const texts = records.map((r) => JSON.stringify(r.envelope));
      const overhead = RECORDS_PREFIX.length + RECORDS_SUFFIX.length;
      let offset = 0;
      for (const group of splitBySize(texts, WEBHOOK_MAX_BODY_BYTES, overhead)) {
        const body = `${RECORDS_PREFIX}${group.join(',')}${RECORDS_SUFFIX}`;
        const timestamp = Math.floor(now() / 1000);
        await postJson({
          url,
          body,
          agent,
          receiver: 'Webhook',
          timeoutMs: settings.timeoutSeconds * 1000,
          headers: {
            ...settings.headers,
            'X-Vigil-Timestamp': String(timestamp),
            'X-Vigil-Signature': webhookSignature(settings.secret, timestamp, body),
            'X-Vigil-Delivery': deliveryIdOf(records.slice(offset, offset + group.length)),
          },
        });
        offset += group.length;
      }
    },
    async close() {
      agent?.destroy();
      agent = undefined;
    },
  };
}

/** Creates the `webhook` destination type; `now` is injectable for signature tests. */
export function createWebhookDestination(now: () => number = Date.now): DestinationPlugin<WebhookSettings> {
  return {
    type: 'webhook',
    parse: (raw, field) =>
      readSettings(raw, field, FIELDS, (r) => ({
        url: r.url('url').href,
        secret: r.string('secret', { minLength: 16, maxLength: 1024 }),
        timeoutSeconds: r.integer('timeoutSeconds', 1, 300, DEFAULT_TIMEOUT_SECONDS),
        headers: readHeaders(r),
      })),
    redact: (settings) => ({
      url: displayUrl(new URL(settings.url)),
      secret: '***',
      timeoutSeconds: settings.timeoutSeconds,
      // A header's value is often a key (X-Api-Key, X-Functions-Key): none is shown.
      headers: Object.fromEntries(Object.keys(settings.headers).map((name) => [name, '***'])),
    }),
    create: (settings) => createWebhook(settings, now),
  };
}

/** The `webhook` destination type. */
export const webhookDestination: DestinationPlugin<WebhookSettings> = createWebhookDestination();

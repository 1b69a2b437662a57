// The HTTP export destinations against local receivers that check the real wire format: Splunk's
// HTTP Event Collector, Azure Monitor's Logs Ingestion API with Entra ID's token endpoint, and a
// webhook receiver that verifies Vigil's signature as its documentation describes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Destination, DestinationPlugin, ExportRecord } from '../src/exports/destination.ts';
import {
  exportRecordsOfEveryCategory,
  FIXTURE_TENANT,
  manySignInRecords,
} from '../src/exports/destinations/export-records.fixture.ts';
import { createLogAnalyticsDestination } from '../src/exports/destinations/log-analytics.ts';
import { postJson } from '../src/exports/destinations/post-json.ts';
import { splunkHecDestination } from '../src/exports/destinations/splunk-hec.ts';
import { createWebhookDestination, webhookDestination } from '../src/exports/destinations/webhook.ts';
import {
  ENTRA_TABLE_STREAMS,
  HEC_BUSY,
  LOGS_INGESTION_UNAVAILABLE,
  type LogsIngestionReceiver,
  selfSignedTls,
  startHecReceiver,
  startLogsIngestionReceiver,
  startTokenEndpoint,
  startWebhookReceiver,
  type TokenEndpoint,
} from './support/http-receivers.ts';

const HEC_TOKEN = 'b7e2c4a1-93f5-4d8e-a6b0-1c7d9e3f5a28';
const WEBHOOK_SECRET = 'whsec_4Qm9xT2vLp8RzK6nB3cY';
const DCR = 'dcr-7f3a9c1e5b2d4f6a8c0e2b4d6f8a1c3e';
const CLIENT_ID = '9a4c2e6f-1b3d-4f5a-8c7e-0d2b4f6a8c1e';
const CLIENT_SECRET = 'Qx~8Q~kR3vN7pL2mW9zT4yB6hJ1cF5dS0aG8eU';

const records = exportRecordsOfEveryCategory();

function create<S>(plugin: DestinationPlugin<S>, raw: Record<string, unknown>): Destination {
  const parsed = plugin.parse(raw, 'destinations[0]');
  if ('error' in parsed) throw new Error(`${parsed.error.field}: ${parsed.error.message}`);
  return plugin.create(parsed.settings, { settingName: 'to-siem' });
}

/** A sign-in record padded (with Conditional Access results) to roughly `bytes` when serialised. */
function padded(record: ExportRecord, bytes: number): ExportRecord {
  const r = structuredClone(record);
  const policy = (i: number) => ({
    id: `4e2b7c91-3a5d-4f08-b6e2-${i.toString(16).padStart(12, '0')}`,
    displayName: `Workload policy ${i}: block sign-ins from outside the corporate egress ranges`,
    enforcedGrantControls: ['block'],
    enforcedSessionControls: [],
    result: 'notApplied',
  });
  const policies: unknown[] = [];
  while (JSON.stringify(r.envelope).length + JSON.stringify(policies).length < bytes) {
    policies.push(policy(policies.length));
  }
  r.envelope.properties.appliedConditionalAccessPolicies = policies;
  return r;
}

describe('Splunk HTTP Event Collector', () => {
  test('a batch of every category arrives as HEC events with the token, sourcetypes and envelope', async (t) => {
    const hec = await startHecReceiver({ token: HEC_TOKEN, indexes: ['main', 'identity'] });
    t.after(() => hec.close());
    const destination = create(splunkHecDestination, {
      url: hec.origin,
      token: HEC_TOKEN,
      index: 'identity',
    });
    t.after(() => destination.close());

    await destination.send(records);

    assert.equal(hec.seen.length, 1);
    const request = hec.seen[0]!;
    assert.equal(request.path, '/services/collector/event');
    assert.equal(request.headers.authorization, `Splunk ${HEC_TOKEN}`);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(hec.events.length, records.length);
    assert.deepEqual(
      hec.events.map((e) => e.sourcetype),
      [
        'azure:aad:auditlogs',
        'azure:aad:serviceprincipalsigninlogs',
        'azure:aad:managedidentitysigninlogs',
        'azure:aad:serviceprincipalriskevents',
        'azure:aad:riskyserviceprincipals',
      ],
    );
    for (const [i, event] of hec.events.entries()) {
      const r = records[i]!;
      assert.deepEqual(event.event, r.envelope);
      assert.equal(event.time, Date.parse(r.envelope.time) / 1000);
      assert.equal(event.source, 'vigil');
      assert.equal(event.index, 'identity');
    }
    // Milliseconds survive as the fraction HEC reads.
    assert.equal(hec.events[1]!.time, 1741772467.223);
    assert.ok(!destination.label.includes(HEC_TOKEN));
  });

  test('one sourcetype for every category, as Splunk security content searches it', async (t) => {
    const hec = await startHecReceiver({ token: HEC_TOKEN });
    t.after(() => hec.close());
    const destination = create(splunkHecDestination, {
      url: `${hec.origin}/services/collector`,
      token: HEC_TOKEN,
      sourcetype: 'azure:monitor:aad',
      host: 'vigil-prod-1',
    });
    t.after(() => destination.close());
    await destination.send(records);
    assert.ok(hec.events.every((e) => e.sourcetype === 'azure:monitor:aad' && e.host === 'vigil-prod-1'));
    assert.ok(
      hec.events.every((e) => e.index === undefined),
      "the token's default index applies",
    );
  });

  test('a large batch goes in requests under 1 MB, all events in order', async (t) => {
    const hec = await startHecReceiver({ token: HEC_TOKEN });
    t.after(() => hec.close());
    const destination = create(splunkHecDestination, { url: hec.origin, token: HEC_TOKEN });
    t.after(() => destination.close());
    const batch = manySignInRecords(destination.maxBatch).map((r) => padded(r, 4000));
    await destination.send(batch);
    assert.ok(hec.seen.length >= 2, `${hec.seen.length} requests`);
    for (const request of hec.seen) assert.ok(Buffer.byteLength(request.body) <= 1_000_000);
    assert.deepEqual(
      hec.events.map((e) => (e.event as { recordId: string }).recordId),
      batch.map((r) => r.id),
    );
  });

  test("a wrong token throws with HEC's message and indexes nothing", async (t) => {
    const hec = await startHecReceiver({ token: HEC_TOKEN });
    t.after(() => hec.close());
    const destination = create(splunkHecDestination, {
      url: hec.origin,
      token: '00000000-1111-2222-3333-444444444444',
    });
    t.after(() => destination.close());
    await assert.rejects(
      destination.send(records),
      /Splunk HEC at .* answered 403 Forbidden: Invalid token \(code 4\)/,
    );
    assert.equal(hec.events.length, 0);
  });

  test('an index the token may not write to throws with "Incorrect index"', async (t) => {
    const hec = await startHecReceiver({ token: HEC_TOKEN, indexes: ['main'] });
    t.after(() => hec.close());
    const destination = create(splunkHecDestination, {
      url: hec.origin,
      token: HEC_TOKEN,
      index: 'security',
    });
    t.after(() => destination.close());
    await assert.rejects(destination.send(records), /400 Bad Request: Incorrect index \(code 7\)/);
  });

  test('a HEC that is down, then busy, throws; the retried batch is delivered once it is back', async (t) => {
    const hec = await startHecReceiver({ token: HEC_TOKEN });
    t.after(() => hec.close());
    const destination = create(splunkHecDestination, {
      url: hec.origin,
      token: HEC_TOKEN,
      timeoutSeconds: 5,
    });
    t.after(() => destination.close());

    await hec.stop();
    await assert.rejects(
      destination.send(records),
      /Splunk HEC at http:\/\/127\.0\.0\.1:\d+\/services\/collector\/event: .*ECONNREFUSED/,
    );
    await hec.start();
    hec.failNext(HEC_BUSY);
    await assert.rejects(destination.send(records), /503 Service Unavailable: Server is busy \(code 9\)/);
    await destination.send(records);
    assert.equal(hec.events.length, records.length);
  });

  test('HTTPS with Splunk’s self-signed certificate: refused unless rejectUnauthorized is false', async (t) => {
    const hec = await startHecReceiver({ token: HEC_TOKEN, tls: await selfSignedTls() });
    t.after(() => hec.close());
    const strict = create(splunkHecDestination, { url: hec.origin, token: HEC_TOKEN });
    t.after(() => strict.close());
    await assert.rejects(strict.send(records), /self[- ]signed certificate/);
    const lenient = create(splunkHecDestination, {
      url: hec.origin,
      token: HEC_TOKEN,
      rejectUnauthorized: false,
    });
    t.after(() => lenient.close());
    await lenient.send(records);
    assert.equal(hec.events.length, records.length);
  });
});

describe('Webhook', () => {
  test('a batch of every category arrives signed, with the envelope of each record', async (t) => {
    const hook = await startWebhookReceiver({
      secret: WEBHOOK_SECRET,
      requiredHeaders: { 'X-Api-Key': 'rk_live_51HfQ2' },
    });
    t.after(() => hook.close());
    const destination = create(webhookDestination, {
      url: `${hook.origin}/hooks/vigil`,
      secret: WEBHOOK_SECRET,
      headers: { 'X-Api-Key': 'rk_live_51HfQ2' },
    });
    t.after(() => destination.close());

    await destination.send(records);

    assert.equal(hook.seen.length, 1);
    const request = hook.seen[0]!;
    assert.equal(request.status, 202);
    assert.equal(request.path, '/hooks/vigil');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.match(String(request.headers['x-vigil-signature']), /^sha256=[0-9a-f]{64}$/);
    assert.ok(Math.abs(Number(request.headers['x-vigil-timestamp']) - Date.now() / 1000) < 5);
    assert.equal(hook.deliveries.length, 1);
    assert.deepEqual(
      hook.deliveries[0]!.records,
      records.map((r) => r.envelope),
    );
    assert.ok(!destination.label.includes(WEBHOOK_SECRET));
  });

  test('a resent batch keeps its delivery id, so the receiver can tell it is a retry', async (t) => {
    const hook = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
    t.after(() => hook.close());
    const destination = create(webhookDestination, { url: hook.origin, secret: WEBHOOK_SECRET });
    t.after(() => destination.close());
    await destination.send(records);
    await destination.send(records);
    await destination.send(records.slice(1));
    const [first, second, other] = hook.deliveries;
    assert.equal(first?.id, second?.id);
    assert.notEqual(first?.id, other?.id);
  });

  test('a wrong secret, or a clock outside the replay window, is refused and the send throws', async (t) => {
    const hook = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
    t.after(() => hook.close());
    const wrong = create(webhookDestination, { url: hook.origin, secret: 'not-the-shared-secret-at-all' });
    t.after(() => wrong.close());
    await assert.rejects(wrong.send(records), /Webhook at .* answered 401 Unauthorized: signature mismatch/);

    const late = createWebhookDestination(() => Date.now() - 10 * 60 * 1000);
    const parsed = late.parse({ url: hook.origin, secret: WEBHOOK_SECRET }, 'destinations[0]');
    assert.ok('settings' in parsed);
    const replayed = late.create(parsed.settings, { settingName: 'to-siem' });
    t.after(() => replayed.close());
    await assert.rejects(replayed.send(records), /401 Unauthorized: timestamp outside the replay window/);
    assert.equal(hook.deliveries.length, 0);
  });

  test('a receiver that is down or answers 503 makes send throw; the retry is delivered', async (t) => {
    const hook = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
    t.after(() => hook.close());
    const destination = create(webhookDestination, { url: hook.origin, secret: WEBHOOK_SECRET });
    t.after(() => destination.close());
    await hook.stop();
    await assert.rejects(destination.send(records), /ECONNREFUSED/);
    await hook.start();
    hook.failNext({ status: 503, body: '{"error":"maintenance"}', headers: { 'Retry-After': '120' } });
    await assert.rejects(destination.send(records), (error: Error & { retryAfterSeconds?: number }) => {
      assert.match(error.message, /503 Service Unavailable: maintenance/);
      assert.equal(error.retryAfterSeconds, 120);
      return true;
    });
    await destination.send(records);
    assert.equal(hook.deliveries.length, 1);
  });

  test('a large batch is split into signed requests of at most 1 MiB, in order', async (t) => {
    const hook = await startWebhookReceiver({ secret: WEBHOOK_SECRET });
    t.after(() => hook.close());
    const destination = create(webhookDestination, { url: hook.origin, secret: WEBHOOK_SECRET });
    t.after(() => destination.close());
    const batch = manySignInRecords(destination.maxBatch).map((r) => padded(r, 5000));
    await destination.send(batch);
    assert.ok(hook.deliveries.length >= 2);
    for (const request of hook.seen) assert.ok(Buffer.byteLength(request.body) <= 1024 * 1024);
    assert.equal(new Set(hook.deliveries.map((d) => d.id)).size, hook.deliveries.length);
    assert.deepEqual(
      hook.deliveries.flatMap((d) => d.records.map((r) => r.recordId)),
      batch.map((r) => r.id),
    );
  });
});

describe('Azure Monitor Logs Ingestion', () => {
  let tokens: TokenEndpoint;
  let api: LogsIngestionReceiver;
  let clock = Date.now();
  const now = () => clock;
  const plugin = createLogAnalyticsDestination(now);
  const STATIC_TOKEN = 'eyJ0eXAiOiJKV1QifQ.static.sig';

  before(async () => {
    tokens = await startTokenEndpoint({
      tenantId: FIXTURE_TENANT,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      expiresIn: 3599,
    });
    api = await startLogsIngestionReceiver({
      dcrImmutableId: DCR,
      streams: ENTRA_TABLE_STREAMS,
      isValidToken: (t) => t === STATIC_TOKEN || tokens.isValid(t),
    });
  });
  after(async () => {
    await tokens.close();
    await api.close();
  });
  const reset = () => {
    api.seen.length = 0;
    api.rows.clear();
    tokens.seen.length = 0;
  };
  const clientCredentials = (extra: Record<string, unknown> = {}) => ({
    endpoint: api.origin,
    dcrImmutableId: DCR,
    auth: {
      tenantId: FIXTURE_TENANT,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      authorityHost: tokens.origin,
    },
    ...extra,
  });

  test('rows of every category arrive in their streams, in the table shapes, with the bearer token', async (t) => {
    reset();
    const destination = create(plugin, {
      endpoint: api.origin,
      dcrImmutableId: DCR,
      auth: { bearerToken: STATIC_TOKEN },
    });
    t.after(() => destination.close());

    await destination.send(records);

    assert.equal(api.seen.length, 5, 'one call per stream');
    for (const request of api.seen) {
      assert.equal(request.status, 204, request.body);
      assert.match(request.path, new RegExp(`^/dataCollectionRules/${DCR}/streams/Custom-`));
      assert.equal(request.query.get('api-version'), '2023-01-01');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers.authorization, `Bearer ${STATIC_TOKEN}`);
    }
    const risky = api.rows.get('Custom-AADRiskyServicePrincipals');
    assert.equal(risky?.length, 1);
    assert.equal(risky?.[0]?.RiskLevel, 'high');
    const events = api.rows.get('Custom-AADServicePrincipalRiskEvents');
    assert.deepEqual(events?.[0]?.KeyIds, ['c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48']);
    assert.equal(api.rows.get('Custom-AADServicePrincipalSignInLogs')?.[0]?.IPAddress, '185.220.101.47');
    assert.equal(
      api.rows.get('Custom-AADManagedIdentitySignInLogs')?.[0]?.ResourceDisplayName,
      'Azure Key Vault',
    );
    assert.equal(api.rows.get('Custom-AuditLogs')?.[0]?.AADOperationType, 'Update');
    assert.ok(!destination.label.includes(STATIC_TOKEN));
  });

  test('client credentials: a token is fetched once, cached, and renewed before it expires', async (t) => {
    reset();
    clock = Date.now();
    const destination = create(plugin, clientCredentials());
    t.after(() => destination.close());

    await Promise.all([destination.send(records), destination.send(records.slice(0, 2))]);
    await destination.send(records);
    assert.equal(tokens.seen.length, 1, 'one token request for concurrent and later sends');
    const form = new URLSearchParams(tokens.seen[0]!.body);
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('scope'), 'https://monitor.azure.com//.default');
    assert.equal(tokens.seen[0]!.path, `/${FIXTURE_TENANT}/oauth2/v2.0/token`);
    assert.ok(api.seen.every((r) => r.headers.authorization === `Bearer ${tokens.issued[0]}`));

    // 56 minutes on: within five minutes of the hour's expiry, a new token is asked for.
    clock += 56 * 60 * 1000;
    await destination.send(records);
    assert.equal(tokens.seen.length, 2);
    assert.equal(api.seen.at(-1)?.headers.authorization, `Bearer ${tokens.issued[1]}`);
  });

  test('a revoked token makes send throw; the retry gets a new token and delivers', async (t) => {
    reset();
    const destination = create(plugin, clientCredentials());
    t.after(() => destination.close());
    await destination.send(records);
    const before = tokens.issued.length;
    tokens.revokeAll();
    await assert.rejects(
      destination.send(records),
      /401 Unauthorized: InvalidToken: The request does not have a valid bearer token/,
    );
    await destination.send(records);
    assert.equal(tokens.issued.length, before + 1);
  });

  test("a wrong client secret throws with Entra ID's message", async (t) => {
    reset();
    const destination = create(plugin, {
      ...clientCredentials(),
      auth: {
        tenantId: FIXTURE_TENANT,
        clientId: CLIENT_ID,
        clientSecret: 'wrong',
        authorityHost: tokens.origin,
      },
    });
    t.after(() => destination.close());
    await assert.rejects(
      destination.send(records),
      /Microsoft Entra token endpoint at .* answered 401 Unauthorized: AADSTS7000215: Invalid client secret provided/,
    );
    assert.equal(api.seen.length, 0);
  });

  test('a batch over 1 MB is split into calls the API accepts (it refuses a larger one with 413)', async (t) => {
    reset();
    const destination = create(plugin, {
      endpoint: api.origin,
      dcrImmutableId: DCR,
      auth: { bearerToken: STATIC_TOKEN },
    });
    t.after(() => destination.close());
    const batch = manySignInRecords(destination.maxBatch).map((r) => padded(r, 5000));
    await destination.send(batch);
    assert.ok(api.seen.length >= 2, `${api.seen.length} calls`);
    assert.ok(api.seen.every((r) => r.status === 204 && Buffer.byteLength(r.body) <= 1_000_000));
    assert.deepEqual(
      api.rows.get('Custom-AADServicePrincipalSignInLogs')?.map((r) => r.Id),
      batch.map((r) => r.envelope.properties.id),
    );

    const tooLarge = `[${Array.from({ length: 1200 }, (_, i) => JSON.stringify({ Id: String(i), Identity: 'x'.repeat(1000) })).join(',')}]`;
    await assert.rejects(
      postJson({
        url: new URL(
          `${api.origin}/dataCollectionRules/${DCR}/streams/Custom-AADServicePrincipalSignInLogs?api-version=2023-01-01`,
        ),
        body: tooLarge,
        headers: { Authorization: `Bearer ${STATIC_TOKEN}` },
        timeoutMs: 5000,
        receiver: 'Azure Monitor Logs Ingestion',
      }),
      /413 Payload Too Large: ContentLengthLimitExceeded: Maximum allowed content length: 1048576 bytes/,
    );
  });

  test('an API that is down or unavailable makes send throw; the retry is delivered', async (t) => {
    reset();
    const destination = create(plugin, {
      endpoint: api.origin,
      dcrImmutableId: DCR,
      auth: { bearerToken: STATIC_TOKEN },
    });
    t.after(() => destination.close());
    await api.stop();
    try {
      await assert.rejects(destination.send(records), /Azure Monitor Logs Ingestion at .*: .*ECONNREFUSED/);
    } finally {
      await api.start();
    }
    api.failNext(LOGS_INGESTION_UNAVAILABLE);
    await assert.rejects(destination.send(records), /503 Service Unavailable: ServiceUnavailable/);
    await destination.send(records);
    assert.equal(api.rows.get('Custom-AuditLogs')?.length, 1);
  });

  test('a bearer token the API does not know is refused with 401', async (t) => {
    reset();
    const destination = create(plugin, {
      endpoint: api.origin,
      dcrImmutableId: DCR,
      auth: { bearerToken: 'eyJ0eXAiOiJKV1QifQ.forged.sig' },
    });
    t.after(() => destination.close());
    await assert.rejects(destination.send(records), /answered 401 Unauthorized: InvalidToken/);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type JetStreamManager, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import type { ExportEnvelope, ExportRecord } from '../destination.ts';
import { type EventHubSettings, eventHubDestination, packEventHubMessages } from './event-hub.ts';

/** The NATS server the tests publish to (a real one; the machine runs it with JetStream). */
const NATS_URL = process.env.VIGIL_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function guid(): string {
  const h = hex(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A servicePrincipalRiskDetection export record, `padding` bytes of additionalInfo making it larger. */
function detection(n: number, padding = 300): ExportRecord {
  const id = hex(26);
  const time = new Date(Date.UTC(2026, 9, 12, 8, 0, n)).toISOString();
  const recordId = `${id}@${time}`;
  const envelope: ExportEnvelope = {
    time,
    resourceId: `/tenants/${TENANT}/providers/Microsoft.aadiam`,
    operationName: 'Service principal risk detection',
    operationVersion: '1.0',
    category: 'ServicePrincipalRiskEvents',
    tenantId: TENANT,
    callerIpAddress: '20.42.65.90',
    recordId,
    properties: {
      id,
      requestId: guid(),
      correlationId: guid(),
      riskEventType: 'suspiciousSignins',
      riskState: 'atRisk',
      riskLevel: 'medium',
      riskDetail: 'none',
      source: 'vigil',
      detectionTimingType: 'offline',
      activity: 'signin',
      tokenIssuerType: 'AzureAD',
      ipAddress: '20.42.65.90',
      location: { city: 'Amsterdam', state: 'Noord-Holland', countryOrRegion: 'NL' },
      activityDateTime: time,
      detectedDateTime: time,
      lastUpdatedDateTime: time,
      servicePrincipalId: guid(),
      servicePrincipalDisplayName: `contoso-billing-sync-${n}`,
      appId: guid(),
      keyIds: [guid()],
      additionalInfo: JSON.stringify([{ Key: 'unfamiliarProperties', Value: 'x'.repeat(padding) }]),
      mitreTechniqueId: null,
    },
  };
  return { id: recordId, category: 'ServicePrincipalRiskEvents', tenantId: TENANT, time, envelope };
}

let nc: NatsConnection;
let jsm: JetStreamManager;
const streams: string[] = [];

/** Settings naming a stream of its own, removed after the tests. */
function fresh(extra: Partial<EventHubSettings> = {}): EventHubSettings {
  const tag = hex(6);
  const stream = `vigil_test_${tag}`;
  streams.push(stream);
  return { servers: NATS_URL, stream, subject: `vigil.test.${tag}.records`, ...extra };
}

async function storedMessages(stream: string) {
  const info = await jsm.streams.info(stream);
  const out = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    if (m) out.push(m);
  }
  return out;
}

before(async () => {
  nc = await connect({ servers: NATS_URL });
  jsm = await jetstreamManager(nc);
});

after(async () => {
  for (const s of streams) await jsm.streams.delete(s).catch(() => {});
  await nc.close();
});

describe('eventHub destination', () => {
  test('creates the stream, and delivers every record in order in {"records":[…]} messages under the bound', async () => {
    const settings = fresh({ maxMessageBytes: 16 * 1024 });
    const destination = eventHubDestination.create(settings, { settingName: 'to-hub' });
    const records = Array.from({ length: 240 }, (_, i) => detection(i, 200 + ((i * 37) % 900)));
    try {
      await destination.send(records.slice(0, 100));
      await destination.send(records.slice(100));
    } finally {
      await destination.close();
    }
    const info = await jsm.streams.info(settings.stream);
    assert.deepEqual(info.config.subjects, [settings.subject]);
    assert.equal(info.config.storage, StorageType.File);
    assert.ok(info.config.duplicate_window > nanos(2 * 60_000), 'a window longer than a few retries');

    const messages = await storedMessages(settings.stream);
    assert.ok(messages.length > 2, 'several messages');
    const received: unknown[] = [];
    for (const [i, m] of messages.entries()) {
      assert.equal(m.subject, settings.subject);
      assert.ok(m.data.length <= 16 * 1024, `message ${i} is ${m.data.length} bytes`);
      assert.ok(m.header.get('Nats-Msg-Id'), 'carries a message id');
      const body = JSON.parse(new TextDecoder().decode(m.data)) as { records: ExportEnvelope[] };
      assert.deepEqual(Object.keys(body), ['records']);
      received.push(...body.records);
    }
    assert.deepEqual(
      received,
      records.map((r) => r.envelope),
    );
  });

  test('packs as few messages as fit: each is full up to the next record', () => {
    const records = Array.from({ length: 120 }, (_, i) => detection(i, 100 + ((i * 53) % 1500)));
    const bound = 10_000;
    const messages = packEventHubMessages(records, bound);
    let at = 0;
    for (const m of messages) {
      assert.equal(Buffer.byteLength(m.body), m.bytes);
      assert.ok(m.bytes <= bound);
      at += m.records;
      const next = records[at];
      if (next) assert.ok(m.bytes + 1 + Buffer.byteLength(JSON.stringify(next.envelope)) > bound);
    }
    assert.equal(at, records.length);
    // The same records pack the same way, with the same ids: what the duplicate window relies on.
    assert.deepEqual(
      packEventHubMessages(records, bound).map((m) => m.msgId),
      messages.map((m) => m.msgId),
    );
  });

  test('a retried batch is dropped by the duplicate window, not stored twice', async () => {
    const settings = fresh({ maxMessageBytes: 8 * 1024 });
    const destination = eventHubDestination.create(settings, { settingName: 'retry' });
    const records = Array.from({ length: 40 }, (_, i) => detection(i));
    try {
      await destination.send(records);
      const first = (await jsm.streams.info(settings.stream)).state.messages;
      assert.ok(first > 1);
      await destination.send(records);
      await destination.send(records.slice(0, 20));
      await destination.send(records.slice(20));
      assert.equal((await jsm.streams.info(settings.stream)).state.messages, first);
    } finally {
      await destination.close();
    }
  });

  test('refuses a record larger than the bound, naming it, before publishing any of the batch', async () => {
    const settings = fresh({ maxMessageBytes: 4096 });
    const destination = eventHubDestination.create(settings, { settingName: 'big' });
    const small = detection(1);
    const big = detection(2, 5000);
    try {
      await destination.send([detection(0)]);
      await assert.rejects(
        destination.send([small, big]),
        new RegExp(`record ${big.id} takes \\d+ bytes as a message on its own, over the 4096-byte bound`),
      );
      assert.equal((await jsm.streams.info(settings.stream)).state.messages, 1, 'only the earlier send');
    } finally {
      await destination.close();
    }
  });

  test('a stream deleted under it is created again on the next attempt', async () => {
    const settings = fresh();
    const destination = eventHubDestination.create(settings, { settingName: 'deleted' });
    try {
      await destination.send([detection(1)]);
      await jsm.streams.delete(settings.stream);
      await assert.rejects(destination.send([detection(2)]));
      const third = detection(3);
      await destination.send([third]);
      const [stored] = await storedMessages(settings.stream);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(stored?.data)), { records: [third.envelope] });
    } finally {
      await destination.close();
    }
  });

  test('refuses a stream that exists but does not take the subject', async () => {
    const settings = fresh();
    await jsm.streams.add({ name: settings.stream, subjects: [`other.${settings.stream}`] });
    const destination = eventHubDestination.create(settings, { settingName: 'mismatch' });
    try {
      await assert.rejects(destination.send([detection(1)]), /does not take subject vigil\.test\./);
    } finally {
      await destination.close();
    }
  });

  test('connects only when first needed, and again after a failed connect', async () => {
    // A relay to the real server that can be down: the destination sees a server come and go.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const upstream = new URL(NATS_URL);
    let accepted = 0;
    const sockets = new Set<Socket>();
    let relay: Server | null = null;
    const startRelay = () =>
      new Promise<void>((resolve) => {
        relay = createServer((client) => {
          accepted++;
          const server = netConnect(Number(upstream.port), upstream.hostname);
          for (const s of [client, server]) {
            sockets.add(s);
            s.on('error', () => {});
            s.on('close', () => sockets.delete(s));
          }
          client.pipe(server).pipe(client);
        }).listen(port, '127.0.0.1', () => resolve());
      });
    const settings = fresh({ servers: `nats://127.0.0.1:${port}` });
    const destination = eventHubDestination.create(settings, { settingName: 'relay' });
    try {
      assert.equal(accepted, 0);
      await assert.rejects(destination.send([detection(1)]), /eventHub:nats:\/\/127\.0\.0\.1:\d+\//);
      await startRelay();
      await destination.send([detection(2)]);
      assert.equal(accepted, 1);
      assert.equal((await jsm.streams.info(settings.stream)).state.messages, 1);
    } finally {
      await destination.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
    }
  });

  test('settings: servers, stream and subject checked, unknown properties refused, secrets redacted', () => {
    const field = 'destinations[0]';
    const ok = eventHubDestination.parse(
      {
        servers: 'nats://nats-a:4222, nats://nats-b:4222',
        stream: 'VIGIL_EXPORT',
        subject: 'vigil.export.detections',
        user: 'vigil',
        pass: 's3cret',
      },
      field,
    );
    assert.deepEqual(ok, {
      settings: {
        servers: 'nats://nats-a:4222,nats://nats-b:4222',
        stream: 'VIGIL_EXPORT',
        subject: 'vigil.export.detections',
        user: 'vigil',
        pass: 's3cret',
      },
    });
    assert.ok('settings' in ok);
    assert.deepEqual(eventHubDestination.redact(ok.settings), {
      servers: 'nats://nats-a:4222,nats://nats-b:4222',
      stream: 'VIGIL_EXPORT',
      subject: 'vigil.export.detections',
      maxMessageBytes: 1024 * 1024,
      user: 'vigil',
      pass: '***',
    });
    const withToken = { servers: NATS_URL, stream: 'S', subject: 'a.b', token: 'tok' };
    const parsedToken = eventHubDestination.parse(withToken, field);
    assert.ok('settings' in parsedToken);
    assert.equal(eventHubDestination.redact(parsedToken.settings).token, '***');

    const base = { servers: NATS_URL, stream: 'S', subject: 'a.b' };
    const error = (raw: Record<string, unknown>) => {
      const r = eventHubDestination.parse(raw, field);
      return 'error' in r ? r.error : null;
    };
    assert.deepEqual(error({ ...base, partition: 2 }), {
      field: 'destinations[0].partition',
      message: 'unknown property (known: servers, stream, subject, maxMessageBytes, user, pass, token)',
    });
    assert.equal(error({ stream: 'S', subject: 'a.b' })?.field, 'destinations[0].servers');
    assert.match(
      error({ ...base, servers: 'http://127.0.0.1:4222' })?.message ?? '',
      /nats:\/\/ or tls:\/\//,
    );
    assert.match(error({ ...base, servers: 'nats://u:p@127.0.0.1:4222' })?.message ?? '', /credentials/);
    assert.equal(error({ ...base, stream: 'a.b' })?.field, 'destinations[0].stream');
    assert.equal(error({ ...base, subject: 'a.*' })?.field, 'destinations[0].subject');
    assert.equal(error({ ...base, maxMessageBytes: 10 })?.field, 'destinations[0].maxMessageBytes');
    assert.equal(error({ ...base, user: 'vigil' })?.field, 'destinations[0].pass');
    assert.equal(error({ ...base, token: 't', user: 'u', pass: 'p' })?.field, 'destinations[0].token');

    const destination = eventHubDestination.create(ok.settings, { settingName: 's' });
    assert.equal(
      destination.label,
      'eventHub:nats://nats-a:4222,nats://nats-b:4222/VIGIL_EXPORT/vigil.export.detections',
    );
    assert.doesNotMatch(destination.label, /s3cret/);
  });
});

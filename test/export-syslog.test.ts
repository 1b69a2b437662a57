import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { after, describe, test } from 'node:test';
import type { Destination, ExportRecord } from '../src/exports/destination.ts';
import { cefOf } from '../src/exports/destinations/cef.ts';
import { MAX_UDP_MESSAGE_BYTES, syslogDestination } from '../src/exports/destinations/syslog.ts';
import { parseCef } from './support/parse-cef.ts';
import { parseSyslog, type SyslogMessage } from './support/parse-syslog.ts';
import { type Rsyslog, startRsyslog } from './support/rsyslog.ts';
import {
  auditRecord,
  detectionRecord,
  riskChangeRecord,
  sampleExportRecords,
  signInRecord,
} from './support/sample-export-records.ts';

// A principal's name as an attacker who can rename it would write it: every CEF and syslog delimiter.
const HOSTILE_NAME = 'payroll|export = "ops" \\ svc]\nCEF:0|Evil|x|1|y|z|10| suser=root\r\n é 中文 😀';

function destination(raw: Record<string, unknown>): Destination {
  const parsed = syslogDestination.parse(raw, 'destinations[0]');
  assert.ok('settings' in parsed, JSON.stringify(parsed));
  return syslogDestination.create(parsed.settings, { settingName: 'siem' });
}

/** Records of every category, two of them carrying hostile names. */
function recordsToSend(): ExportRecord[] {
  return [
    ...sampleExportRecords(),
    detectionRecord(
      { id: 'e1c5a9f3b7d2046e8a1c5f9b3d7e2a6c0f4b8d2e6a1c5f9b3d7e', risk_level: 'high' },
      { display_name: HOSTILE_NAME },
    ),
    signInRecord('servicePrincipal', {
      id: '7b2e9d4a-1f6c-4a83-b5e0-c8d3f1a6e947',
      service_principal_name: HOSTILE_NAME,
      ip_address: '2001:db8:85a3::8a2e:370:7334',
      status_code: 7000215,
      failure_reason: 'Invalid client secret provided.\nRetry = no',
    }),
  ];
}

/** Each message as sent: the same record, category and CEF, taken apart again. */
function assertDelivered(received: readonly SyslogMessage[], sent: readonly ExportRecord[]): void {
  assert.deepEqual(
    received.map((m) => m.structuredData['vigil@32473']?.recordId),
    sent.map((r) => r.id),
    'every record, in order',
  );
  for (const [i, m] of received.entries()) {
    const record = sent[i]!;
    assert.equal(m.appName, 'vigil');
    assert.equal(m.msgId, record.category);
    assert.equal(m.facility, 10, 'authpriv');
    assert.equal(m.structuredData['vigil@32473']?.tenantId, record.tenantId);
    assert.equal(m.msg, cefOf(record), `${record.category} arrives byte for byte`);
    const cef = parseCef(m.msg);
    assert.equal(cef.vendor, 'Vigil');
    assert.equal(cef.extensions.cs4, record.id);
  }
}

function assertHostileIntact(received: readonly SyslogMessage[]): void {
  const detection = parseCef(received.at(-2)!.msg);
  assert.equal(detection.signature, 'suspiciousSignins');
  assert.equal(detection.severity, '9');
  assert.equal(detection.extensions.suser, HOSTILE_NAME);
  const signIn = parseCef(received.at(-1)!.msg);
  assert.equal(signIn.extensions.suser, HOSTILE_NAME);
  assert.equal(signIn.extensions.c6a2, '2001:db8:85a3::8a2e:370:7334');
  assert.equal(signIn.extensions.reason, 'Invalid client secret provided.\nRetry = no');
  assert.equal(signIn.extensions.outcome, 'failure');
}

/** A port nothing listens on (the kernel's pick, released again). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

describe('syslog export to a real rsyslogd', { timeout: 120_000 }, () => {
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });
  const started = async (options: Parameters<typeof startRsyslog>[0]): Promise<Rsyslog> => {
    const receiver = await startRsyslog(options);
    cleanup.push(() => receiver.close());
    return receiver;
  };
  const opened = (raw: Record<string, unknown>): Destination => {
    const d = destination(raw);
    cleanup.push(() => d.close());
    return d;
  };

  test('over TCP: every category arrives in order, CEF intact after escaping', async () => {
    const receiver = await started({});
    const d = opened({ protocol: 'tcp', host: '127.0.0.1', port: receiver.port });
    assert.equal(d.label, `syslog:tcp://127.0.0.1:${receiver.port}`);
    const records = recordsToSend();
    // Two batches handed over at once still go out in the order given.
    await Promise.all([d.send(records.slice(0, 3)), d.send(records.slice(3))]);
    const received = await receiver.waitFor(records.length);
    assertDelivered(received, records);
    assertHostileIntact(received);
    // The connection is kept: a later batch follows on it.
    const later = [auditRecord({ id: 'Directory_0c4f8b2e-6a1d-4e95-b3c7-f2a8d6e1c594_K2P7Q_30592716' })];
    await d.send(later);
    assertDelivered(await receiver.waitFor(records.length + 1), [...records, ...later]);
  });

  test('over TLS: verified against the receiver certificate, every category arrives in order', async () => {
    const receiver = await started({ tls: true });
    const d = opened({ protocol: 'tls', host: '127.0.0.1', port: receiver.port, ca: receiver.caFile });
    const records = recordsToSend();
    await d.send(records);
    const received = await receiver.waitFor(records.length);
    assertDelivered(received, records);
    assertHostileIntact(received);
  });

  test('over TLS: a certificate that is not trusted is refused, so the batch will be retried', async () => {
    const receiver = await started({ tls: true });
    const untrusting = opened({ protocol: 'tls', host: '127.0.0.1', port: receiver.port });
    await assert.rejects(untrusting.send([riskChangeRecord()]), /self[- ]signed|certificate/i);
    const lax = opened({
      protocol: 'tls',
      host: '127.0.0.1',
      port: receiver.port,
      rejectUnauthorized: false,
    });
    await lax.send([riskChangeRecord()]);
    const [message] = await receiver.waitFor(1);
    assert.equal(message?.msgId, 'RiskyServicePrincipals');
  });

  test('a receiver that is down: send throws; once it is up the same destination delivers', async () => {
    const port = await closedPort();
    const d = opened({ protocol: 'tcp', host: '127.0.0.1', port });
    const batch = [detectionRecord(), riskChangeRecord()];
    await assert.rejects(d.send(batch), (err: Error) => {
      assert.match(err.message, new RegExp(`^syslog:tcp://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
      return true;
    });

    const first = await started({ port });
    await d.send(batch);
    assertDelivered(await first.waitFor(2), batch);

    // The receiver goes away between batches: the next batch throws instead of vanishing.
    await first.stop();
    // The receiver's goodbye (FIN) reaches the client asynchronously, as it would across a network.
    await new Promise((r) => setTimeout(r, 200));
    const next = [signInRecord('managedIdentity')];
    await assert.rejects(d.send(next), /ECONNREFUSED|closed/);

    // It comes back on the same port: the retried batch is delivered on a new connection.
    const second = await started({ port });
    await d.send(next);
    assertDelivered(await second.waitFor(1), next);
  });
});

describe('syslog export over UDP', () => {
  test('one datagram per record, in order; an oversized record is cut to the datagram limit', async () => {
    const receiver = createSocket('udp4');
    const datagrams: Buffer[] = [];
    receiver.on('message', (m) => datagrams.push(m));
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    const d = destination({
      protocol: 'udp',
      host: '127.0.0.1',
      port: receiver.address().port,
      facility: 'local4',
    });
    try {
      const huge = detectionRecord(
        { id: '9f3b7d1e5a2c6048b4e8a2c6f0b4d8e2a6c0f4b8d2e6a1c5f9b3', additional_info: '[]' },
        { display_name: `big-${'é'.repeat(6000)}` },
      );
      const records = [...recordsToSend(), huge];
      await d.send(records);
      const deadline = Date.now() + 5000;
      while (datagrams.length < records.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      const received = datagrams.map((b) => parseSyslog(b.toString('utf8')));
      assert.equal(received.length, records.length);
      assert.equal(received[0]?.facility, 20, 'local4');
      const whole = records.slice(0, -1);
      for (const [i, m] of received.slice(0, -1).entries()) {
        assert.equal(m.structuredData['vigil@32473']?.recordId, whole[i]!.id);
        assert.equal(m.msg, cefOf(whole[i]!));
      }
      assertHostileIntact(received.slice(0, -1));
      const cut = datagrams.at(-1)!;
      assert.ok(
        cut.length <= MAX_UDP_MESSAGE_BYTES && cut.length > MAX_UDP_MESSAGE_BYTES - 4,
        `${cut.length} bytes`,
      );
      assert.equal(Buffer.from(cut.toString('utf8'), 'utf8').length, cut.length, 'valid UTF-8');
      assert.equal(received.at(-1)?.structuredData['vigil@32473']?.recordId, huge.id);
      assert.ok(received.at(-1)?.msg.startsWith('CEF:0|Vigil|Vigil|'));
    } finally {
      await d.close();
      receiver.close();
    }
  });

  test('a port nobody listens on: the kernel says so (ICMP), and send throws', async () => {
    const probe = createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const port = probe.address().port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const d = destination({ protocol: 'udp', host: '127.0.0.1', port });
    try {
      // On loopback the refusal of the first datagram is known before the next one is sent.
      await assert.rejects(d.send(recordsToSend()), /ECONNREFUSED/);
    } finally {
      await d.close();
    }
  });
});

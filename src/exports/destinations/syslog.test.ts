import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCef } from '../../../test/support/parse-cef.ts';
import { parseSyslog } from '../../../test/support/parse-syslog.ts';
import { detectionRecord, signInRecord } from '../../../test/support/sample-export-records.ts';
import { cefOf } from './cef.ts';
import {
  MAX_UDP_MESSAGE_BYTES,
  octetCountedFrame,
  type SyslogMessageOptions,
  syslogDestination,
  syslogMessageOf,
  syslogSeverityOf,
  truncateUtf8,
} from './syslog.ts';

const OPTIONS: SyslogMessageOptions = {
  facility: 'authpriv',
  appName: 'vigil',
  hostname: 'vigil-01.contoso.internal',
  procId: '4242',
};

function parse(raw: Record<string, unknown>) {
  return syslogDestination.parse(raw, 'destinations[2]');
}

describe('syslog settings', () => {
  test('the smallest setting: protocol and host', () => {
    assert.deepEqual(parse({ protocol: 'tcp', host: 'siem.contoso.internal' }), {
      settings: { protocol: 'tcp', host: 'siem.contoso.internal' },
    });
  });

  test('every field', () => {
    const raw = {
      protocol: 'tls',
      host: '10.20.30.40',
      port: 6514,
      facility: 'local4',
      appName: 'vigil-prod',
      hostname: 'vigil-01',
      ca: '/etc/vigil/siem-ca.pem',
      rejectUnauthorized: false,
    };
    assert.deepEqual(parse(raw), { settings: raw });
  });

  test('refusals name the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ protocol: 'tcp', host: 'siem', prot: 1 }, 'destinations[2].prot'],
      [{ host: 'siem' }, 'destinations[2].protocol'],
      [{ protocol: 'relp', host: 'siem' }, 'destinations[2].protocol'],
      [{ protocol: 'tcp' }, 'destinations[2].host'],
      [{ protocol: 'tcp', host: 'siem.contoso.internal:514' }, 'destinations[2].host'],
      [{ protocol: 'tcp', host: '[::1]' }, 'destinations[2].host'],
      [{ protocol: 'tcp', host: 'siem', port: 0 }, 'destinations[2].port'],
      [{ protocol: 'tcp', host: 'siem', port: 70000 }, 'destinations[2].port'],
      [{ protocol: 'tcp', host: 'siem', port: '514' }, 'destinations[2].port'],
      [{ protocol: 'tcp', host: 'siem', facility: 'security' }, 'destinations[2].facility'],
      [{ protocol: 'tcp', host: 'siem', appName: 'vigil prod' }, 'destinations[2].appName'],
      [{ protocol: 'tcp', host: 'siem', appName: 'v'.repeat(49) }, 'destinations[2].appName'],
      [{ protocol: 'tcp', host: 'siem', hostname: 'h\u00e9' }, 'destinations[2].hostname'],
      [{ protocol: 'tcp', host: 'siem', ca: '/etc/ca.pem' }, 'destinations[2].ca'],
      [{ protocol: 'udp', host: 'siem', rejectUnauthorized: false }, 'destinations[2].rejectUnauthorized'],
      [{ protocol: 'tls', host: 'siem', rejectUnauthorized: 'no' }, 'destinations[2].rejectUnauthorized'],
      [{ protocol: 'tls', host: 'siem', ca: '  ' }, 'destinations[2].ca'],
    ];
    for (const [raw, field] of cases) {
      const result = parse(raw);
      assert.ok('error' in result, `${JSON.stringify(raw)} was accepted`);
      assert.equal(result.error.field, field, JSON.stringify(raw));
      assert.notEqual(result.error.message, '');
    }
  });

  test('labels: the protocol, host and port, the default port by protocol, IPv6 in brackets', () => {
    const label = (raw: Record<string, unknown>) => {
      const parsed = parse(raw);
      assert.ok('settings' in parsed);
      return syslogDestination.create(parsed.settings, { settingName: 'siem' }).label;
    };
    assert.equal(label({ protocol: 'tcp', host: 'siem', port: 10514 }), 'syslog:tcp://siem:10514');
    assert.equal(label({ protocol: 'udp', host: 'siem' }), 'syslog:udp://siem:514');
    assert.equal(label({ protocol: 'tls', host: 'fd00::5' }), 'syslog:tls://[fd00::5]:6514');
  });

  test('redact shows the setting: nothing in it is secret', () => {
    const settings = { protocol: 'tls' as const, host: 'siem', ca: '/etc/vigil/ca.pem' };
    assert.deepEqual(syslogDestination.redact(settings), settings);
  });
});

describe('syslogMessageOf', () => {
  test('RFC 5424: priority from facility and risk, the record time, category as MSGID, the record id, CEF', () => {
    const record = detectionRecord({ risk_level: 'high' });
    const text = syslogMessageOf(record, OPTIONS);
    const m = parseSyslog(text);
    assert.equal(m.facility, 10);
    assert.equal(m.severity, 2);
    assert.ok(text.startsWith('<82>1 2025-03-12T11:20:00.000Z vigil-01.contoso.internal vigil 4242 '));
    assert.equal(m.msgId, 'ServicePrincipalRiskEvents');
    assert.deepEqual(m.structuredData, {
      'vigil@32473': { recordId: record.id, tenantId: record.tenantId },
    });
    assert.equal(m.msg, cefOf(record));
    assert.equal(parseCef(m.msg).signature, 'suspiciousSignins');
  });

  test('the same record gives the same bytes (a retried batch repeats exactly)', () => {
    const record = signInRecord('servicePrincipal');
    assert.equal(syslogMessageOf(record, OPTIONS), syslogMessageOf(structuredClone(record), OPTIONS));
  });

  test('structured data escapes quote, backslash and bracket', () => {
    const record = signInRecord('servicePrincipal');
    const hostile = 'id"with\\all]three';
    const m = parseSyslog(syslogMessageOf({ ...record, id: hostile }, OPTIONS));
    assert.equal(m.structuredData['vigil@32473']?.recordId, hostile);
    assert.ok(
      syslogMessageOf({ ...record, id: hostile }, OPTIONS).includes('recordId="id\\"with\\\\all\\]three"'),
    );
  });

  test('syslog severity from CEF severity', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(syslogSeverityOf),
      [6, 6, 5, 5, 4, 4, 4, 3, 3, 2, 2],
    );
  });
});

describe('framing and truncation', () => {
  test('octet counting counts bytes, not characters', () => {
    assert.equal(octetCountedFrame('é😀').toString('utf8'), '6 é😀');
  });

  test('truncation cuts on a character boundary', () => {
    const cut = truncateUtf8('ab😀', 4);
    assert.equal(cut.toString('utf8'), 'ab');
    assert.equal(truncateUtf8('short', 100).toString('utf8'), 'short');
  });

  test('truncation never leaves half a CEF escape', () => {
    assert.equal(truncateUtf8('abc\\=def', 4).toString('utf8'), 'abc');
    assert.equal(truncateUtf8('ab\\\\cdef', 4).toString('utf8'), 'ab\\\\');
  });

  test('a record too large for a datagram still parses as syslog and names its id', () => {
    const record = detectionRecord({}, { display_name: 'x'.repeat(10_000) });
    const datagram = truncateUtf8(syslogMessageOf(record, OPTIONS), MAX_UDP_MESSAGE_BYTES);
    assert.equal(datagram.length, MAX_UDP_MESSAGE_BYTES);
    const m = parseSyslog(datagram.toString('utf8'));
    assert.equal(m.structuredData['vigil@32473']?.recordId, record.id);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startHecReceiver } from '../../../test/support/http-receivers.ts';
import { exportCategories } from '../destination.ts';
import { exportRecordsOfEveryCategory } from './export-records.fixture.ts';
import {
  collectorUrl,
  hecEventOf,
  type SplunkHecSettings,
  sourcetypeOf,
  splunkHecDestination,
} from './splunk-hec.ts';

const TOKEN = 'b7e2c4a1-93f5-4d8e-a6b0-1c7d9e3f5a28';

function parse(raw: Record<string, unknown>) {
  return splunkHecDestination.parse(raw, 'destinations[3]');
}

function settingsOf(raw: Record<string, unknown>): SplunkHecSettings {
  const parsed = parse(raw);
  assert.ok('settings' in parsed, JSON.stringify(parsed));
  return parsed.settings;
}

describe('splunkHec settings', () => {
  test('defaults: source vigil, per-category sourcetypes, certificates checked, 30 s', () => {
    assert.deepEqual(settingsOf({ url: 'https://splunk.example.com:8088', token: TOKEN }), {
      url: 'https://splunk.example.com:8088/',
      token: TOKEN,
      source: 'vigil',
      sourcetypePrefix: 'azure:aad',
      timeoutSeconds: 30,
      rejectUnauthorized: true,
    });
  });

  test('refuses what HEC or security would not accept, naming the field', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ token: TOKEN }, 'destinations[3].url', /is required/],
      [{ url: 'http://splunk.example.com:8088', token: TOKEN }, 'destinations[3].url', /https/],
      [{ url: 'https://splunk.example.com:8088/?token=x', token: TOKEN }, 'destinations[3].url', /query/],
      [{ url: 'https://splunk.example.com:8088' }, 'destinations[3].token', /is required/],
      [
        { url: 'https://splunk.example.com:8088', token: `${TOKEN}\n` },
        'destinations[3].token',
        /without spaces/,
      ],
      [
        { url: 'https://s.example', token: TOKEN, index: 'Main' },
        'destinations[3].index',
        /Splunk index name/,
      ],
      [{ url: 'https://s.example', token: TOKEN, index: '_internal' }, 'destinations[3].index', /index name/],
      [
        { url: 'https://s.example', token: TOKEN, sourcetype: 'azure:monitor:aad', sourcetypePrefix: 'x' },
        'destinations[3].sourcetype',
        /not both/,
      ],
      [
        { url: 'https://s.example', token: TOKEN, sourcetype: 'has space' },
        'destinations[3].sourcetype',
        /sourcetype/,
      ],
      [
        { url: 'https://s.example', token: TOKEN, timeoutSeconds: 0 },
        'destinations[3].timeoutSeconds',
        /1 to 300/,
      ],
      [{ url: 'https://s.example', token: TOKEN, ack: true }, 'destinations[3].ack', /unknown property/],
    ];
    for (const [raw, field, message] of cases) {
      const result = parse(raw);
      assert.ok('error' in result, JSON.stringify(raw));
      assert.equal(result.error.field, field, JSON.stringify(raw));
      assert.match(result.error.message, message, JSON.stringify(raw));
    }
  });

  test('the token never shows: redacted settings and the label', () => {
    const settings = settingsOf({ url: 'https://splunk.example.com:8088', token: TOKEN, index: 'identity' });
    const redacted = splunkHecDestination.redact(settings);
    assert.equal(redacted.token, '***');
    assert.equal(redacted.index, 'identity');
    assert.ok(!JSON.stringify(redacted).includes(TOKEN));
    const destination = splunkHecDestination.create(settings, { settingName: 'siem' });
    assert.equal(destination.label, 'splunkHec:https://splunk.example.com:8088/services/collector/event');
  });
});

describe('HEC events', () => {
  test('each category has its own sourcetype under the prefix', () => {
    assert.deepEqual(
      exportCategories.map((c) => sourcetypeOf(c)),
      [
        'azure:aad:riskyserviceprincipals',
        'azure:aad:serviceprincipalriskevents',
        'azure:aad:serviceprincipalsigninlogs',
        'azure:aad:managedidentitysigninlogs',
        'azure:aad:auditlogs',
      ],
    );
    assert.equal(sourcetypeOf('AuditLogs', 'vigil'), 'vigil:auditlogs');
  });

  test('an event carries the envelope, its time in epoch seconds with milliseconds, and the metadata set', () => {
    const [audit] = exportRecordsOfEveryCategory();
    assert.ok(audit);
    const settings = settingsOf({
      url: 'https://s.example',
      token: TOKEN,
      index: 'identity',
      host: 'vigil-1',
      source: 'vigil:prod',
    });
    assert.deepEqual(hecEventOf(audit, settings), {
      time: 1741730691.118,
      host: 'vigil-1',
      source: 'vigil:prod',
      sourcetype: 'azure:aad:auditlogs',
      index: 'identity',
      event: audit.envelope,
    });
    const bare = hecEventOf(audit, settingsOf({ url: 'https://s.example', token: TOKEN }));
    assert.deepEqual(Object.keys(bare), ['time', 'source', 'sourcetype', 'event']);
  });

  test('the collector URL is appended to a base, and kept when already given', () => {
    const of = (u: string) => collectorUrl(new URL(u)).href;
    assert.equal(of('https://s.example:8088'), 'https://s.example:8088/services/collector/event');
    assert.equal(
      of('https://proxy.example/splunk/'),
      'https://proxy.example/splunk/services/collector/event',
    );
    assert.equal(of('https://s.example/services/collector'), 'https://s.example/services/collector/event');
    assert.equal(
      of('https://s.example/services/collector/event'),
      'https://s.example/services/collector/event',
    );
  });
});

describe('HEC answers', () => {
  test('a 200 whose code is not 0 is a refusal, and throws', async (t) => {
    const hec = await startHecReceiver({ token: TOKEN });
    t.after(() => hec.close());
    const destination = splunkHecDestination.create(settingsOf({ url: hec.origin, token: TOKEN }), {
      settingName: 'siem',
    });
    t.after(() => destination.close());
    hec.failNext({ status: 200, body: '{"text":"Data channel is missing","code":10}' });
    await assert.rejects(
      destination.send(exportRecordsOfEveryCategory()),
      /Splunk HEC at .* refused the events: Data channel is missing \(code 10\)/,
    );
  });
});

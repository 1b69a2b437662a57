import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { deliveryIdOf, type WebhookSettings, webhookDestination, webhookSignature } from './webhook.ts';

const SECRET = 'whsec_4Qm9xT2vLp8RzK6nB3cY';

function parse(raw: Record<string, unknown>) {
  return webhookDestination.parse(raw, 'destinations[3]');
}

function settingsOf(raw: Record<string, unknown>): WebhookSettings {
  const parsed = parse(raw);
  assert.ok('settings' in parsed, JSON.stringify(parsed));
  return parsed.settings;
}

describe('webhook settings', () => {
  test('reads url, secret, timeout and extra headers', () => {
    assert.deepEqual(
      settingsOf({
        url: 'https://hooks.example.com/vigil',
        secret: SECRET,
        headers: { 'X-Api-Key': 'rk_live_51HfQ2', Authorization: 'Bearer abc' },
      }),
      {
        url: 'https://hooks.example.com/vigil',
        secret: SECRET,
        timeoutSeconds: 30,
        headers: { 'X-Api-Key': 'rk_live_51HfQ2', Authorization: 'Bearer abc' },
      },
    );
  });

  test('refuses weak secrets, plain http and headers Vigil sets or that break a request', () => {
    const base = { url: 'https://hooks.example.com/vigil', secret: SECRET };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...base, url: 'http://hooks.example.com/vigil' }, 'destinations[3].url', /https/],
      [{ ...base, secret: 'short' }, 'destinations[3].secret', /at least 16 characters/],
      [{ url: base.url }, 'destinations[3].secret', /is required/],
      [
        { ...base, headers: { 'Bad Name': 'x' } },
        'destinations[3].headers.Bad Name',
        /not a valid header name/,
      ],
      [
        { ...base, headers: { 'X-Vigil-Signature': 'x' } },
        'destinations[3].headers.X-Vigil-Signature',
        /set by Vigil/,
      ],
      [
        { ...base, headers: { 'content-type': 'text/plain' } },
        'destinations[3].headers.content-type',
        /set by Vigil/,
      ],
      [
        { ...base, headers: { 'X-Key': 'a\r\nX-Injected: 1' } },
        'destinations[3].headers.X-Key',
        /without line breaks/,
      ],
      [{ ...base, headers: { 'X-Key': 1 } }, 'destinations[3].headers.X-Key', /printable ASCII/],
      [{ ...base, headers: { 'X-Key': 'a', 'x-key': 'b' } }, 'destinations[3].headers.x-key', /given twice/],
      [{ ...base, headers: [] }, 'destinations[3].headers', /must be an object/],
      [{ ...base, signatureHeader: 'X-Sig' }, 'destinations[3].signatureHeader', /unknown property/],
    ];
    for (const [raw, field, message] of cases) {
      const result = parse(raw);
      assert.ok('error' in result, JSON.stringify(raw));
      assert.equal(result.error.field, field, JSON.stringify(raw));
      assert.match(result.error.message, message, JSON.stringify(raw));
    }
  });

  test('the secret, header values and query values never show', () => {
    const settings = settingsOf({
      url: 'https://fn-vigil.azurewebsites.net/api/ingest?code=FnKey9xQ2',
      secret: SECRET,
      headers: { 'X-Api-Key': 'rk_live_51HfQ2' },
    });
    const redacted = webhookDestination.redact(settings);
    assert.deepEqual(redacted, {
      url: 'https://fn-vigil.azurewebsites.net/api/ingest?code=***',
      secret: '***',
      timeoutSeconds: 30,
      headers: { 'X-Api-Key': '***' },
    });
    const destination = webhookDestination.create(settings, { settingName: 'hook' });
    assert.equal(destination.label, 'webhook:https://fn-vigil.azurewebsites.net/api/ingest');
  });
});

describe('webhook signature', () => {
  test('is HMAC-SHA256 of "<timestamp>.<body>" with the secret, hex, after sha256=', () => {
    const body = '{"records":[{"recordId":"r1"}]}';
    const expected = createHmac('sha256', SECRET).update(`1741772467.${body}`).digest('hex');
    assert.equal(webhookSignature(SECRET, 1741772467, body), `sha256=${expected}`);
    // Known answer, so a change of scheme cannot go unnoticed.
    assert.equal(
      webhookSignature('0123456789abcdef', 1700000000, '{"records":[]}'),
      `sha256=${createHmac('sha256', '0123456789abcdef').update('1700000000.{"records":[]}').digest('hex')}`,
    );
    assert.notEqual(webhookSignature(SECRET, 1741772468, body), webhookSignature(SECRET, 1741772467, body));
  });

  test('the delivery id depends on the records sent, in order', () => {
    const a = deliveryIdOf([{ id: 'r1' }, { id: 'r2' }]);
    assert.match(a, /^[0-9a-f]{32}$/);
    assert.equal(deliveryIdOf([{ id: 'r1' }, { id: 'r2' }]), a);
    assert.notEqual(deliveryIdOf([{ id: 'r2' }, { id: 'r1' }]), a);
    assert.notEqual(deliveryIdOf([{ id: 'r1r2' }]), a);
  });
});

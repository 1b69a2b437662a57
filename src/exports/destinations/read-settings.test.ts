import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { displayUrl, readSettings } from './read-settings.ts';

const read = (raw: Record<string, unknown>) =>
  readSettings(raw, 'destinations[3]', ['url', 'limit', 'on', 'auth', 'name'], (r) => ({
    url: r.url('url').href,
    limit: r.integer('limit', 1, 10, 5),
    on: r.boolean('on', true),
    name: r.optionalString('name', { maxLength: 8 }),
    auth: r.object('auth', ['user'])?.string('user'),
  }));

describe('readSettings', () => {
  test('reads fields with their defaults', () => {
    assert.deepEqual(read({ url: 'https://siem.example.com/in' }), {
      settings: { url: 'https://siem.example.com/in', limit: 5, on: true, name: undefined, auth: undefined },
    });
    assert.deepEqual(read({ url: 'http://localhost:8088', limit: 2, on: false, name: null }), {
      settings: { url: 'http://localhost:8088/', limit: 2, on: false, name: undefined, auth: undefined },
    });
  });

  test('names the field of the first problem with its full path', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [
        { url: 'https://a.example', colour: 'red' },
        'destinations[3].colour',
        /unknown property \(known: url, /,
      ],
      [{}, 'destinations[3].url', /is required/],
      [
        { url: 'http://siem.example.com' },
        'destinations[3].url',
        /must be https \(plain http only to localhost\)/,
      ],
      [{ url: 'ftp://siem.example.com' }, 'destinations[3].url', /must be an https URL/],
      [{ url: 'not a url' }, 'destinations[3].url', /must be an absolute https URL/],
      [{ url: 'https://user:pw@siem.example.com' }, 'destinations[3].url', /must not carry credentials/],
      [{ url: 'https://siem.example.com/#x' }, 'destinations[3].url', /must not have a fragment/],
      [{ url: 'https://a.example', limit: 11 }, 'destinations[3].limit', /whole number from 1 to 10/],
      [{ url: 'https://a.example', limit: '3' }, 'destinations[3].limit', /whole number/],
      [{ url: 'https://a.example', on: 'yes' }, 'destinations[3].on', /true or false, not a string/],
      [{ url: 'https://a.example', name: 'far too long' }, 'destinations[3].name', /at most 8 characters/],
      [{ url: 'https://a.example', auth: [] }, 'destinations[3].auth', /must be an object, not an array/],
      [
        { url: 'https://a.example', auth: { user: 'u', pass: 'p' } },
        'destinations[3].auth.pass',
        /unknown property/,
      ],
      [{ url: 'https://a.example', auth: {} }, 'destinations[3].auth.user', /is required/],
    ];
    for (const [raw, field, message] of cases) {
      const result = read(raw);
      assert.ok('error' in result, JSON.stringify(raw));
      assert.equal(result.error.field, field, JSON.stringify(raw));
      assert.match(result.error.message, message);
    }
  });

  test('displayUrl masks query values, which may be keys', () => {
    assert.equal(
      displayUrl(new URL('https://fn.example.net/api/vigil?code=abc123&x=1')),
      'https://fn.example.net/api/vigil?code=***&x=***',
    );
    assert.equal(displayUrl(new URL('https://siem.example.com/in')), 'https://siem.example.com/in');
  });
});

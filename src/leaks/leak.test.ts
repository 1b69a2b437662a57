import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLeak, redactLeak, redactSecret } from './leak.ts';

const SECRET = 'Qx78Q~FAKE-test-secret.do-not-use.000000';

describe('redactSecret', () => {
  it('shows the first three and last two characters only', () => {
    assert.equal(redactSecret(SECRET), 'Qx7...00');
  });

  it('shows nothing of a secret too short to spare five characters', () => {
    assert.equal(redactSecret('hunter2'), '[redacted]');
  });
});

describe('redactLeak', () => {
  it('leaves no trace of the secret in what is stored or logged, and keeps the original for matching', () => {
    const leak = createLeak({ kind: 'clientSecret', source: 'scan', secret: SECRET, file: '.env', line: 4 });
    const safe = redactLeak(leak);
    assert.equal(JSON.stringify(safe).includes(SECRET), false);
    assert.equal(JSON.stringify(safe).includes(SECRET.slice(3, -2)), false);
    assert.equal(safe.secret, 'Qx7...00');
    assert.equal(safe.file, '.env');
    assert.equal(leak.secret, SECRET);
  });
});

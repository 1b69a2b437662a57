import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadLeakFixture } from '../../test/fixtures/leaks/load-leak-fixture.ts';
import { parseGithubSecretAlert } from './parse-github-secret-alert.ts';

const text = loadLeakFixture('github-secret-alerts.json');

describe('parseGithubSecretAlert', () => {
  const { leaks, rejected } = parseGithubSecretAlert(text);

  it('reads an open Entra secret alert with its first location', () => {
    const [leak] = leaks;
    assert.equal(leak?.kind, 'clientSecret');
    assert.equal(leak?.source, 'githubSecretScanning');
    assert.equal(leak?.secret, 'Wb39Q~FAKE_github_alert_TEST_secret.0002');
    assert.equal(leak?.url, 'https://github.com/contoso/billing-sync/security/secret-scanning/14');
    assert.equal(leak?.foundAt, '2025-10-06T08:15:42.000Z');
    assert.equal(leak?.file, 'tools/smoke-test.ps1');
    assert.equal(leak?.line, 11);
    assert.equal(leak?.commit, '5e7a9c1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c');
    assert.equal(leak?.detector, 'azure_active_directory_application_secret');
    assert.deepEqual([leak?.resolved, leak?.resolution, leak?.verified], [false, null, null]);
  });

  it('keeps a resolved alert as a leak, flagged with its resolution', () => {
    const leak = leaks[1];
    assert.equal(leak?.secret, 'Qx78Q~FAKE-test-secret.do-not-use.000000');
    assert.equal(leak?.resolved, true);
    assert.equal(leak?.resolution, 'revoked');
    // GitHub's own validity check said `active`.
    assert.equal(leak?.verified, true);
    assert.equal(leak?.file, null);
    assert.equal(leaks.length, 2);
  });

  it('skips alerts for other providers', () => {
    assert.deepEqual(rejected, [
      { index: 2, reason: 'alert 7 (slack_incoming_webhook_url): not an Azure credential', skipped: true },
    ]);
  });

  it('reads a single alert object', () => {
    const single = JSON.stringify((JSON.parse(text) as unknown[])[0]);
    const result = parseGithubSecretAlert(single);
    assert.equal(result.leaks.length, 1);
    assert.equal(result.leaks[0]?.url, 'https://github.com/contoso/billing-sync/security/secret-scanning/14');
  });

  it('rejects an Entra alert listed without its secret (hide_secret=true)', () => {
    const alert = { number: 21, secret_type: 'azure_active_directory_application_secret', state: 'open' };
    assert.deepEqual(parseGithubSecretAlert(JSON.stringify([alert])).rejected, [
      {
        index: 0,
        reason:
          'alert 21 (azure_active_directory_application_secret): the alert carries no secret (listed with hide_secret?)',
        skipped: false,
      },
    ]);
  });
});

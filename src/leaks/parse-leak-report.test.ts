import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadLeakFixture } from '../../test/fixtures/leaks/load-leak-fixture.ts';
import { parseGenericLeak } from './parse-generic-leak.ts';
import { parseGithubSecretAlert } from './parse-github-secret-alert.ts';
import { parseGitleaksReport } from './parse-gitleaks-report.ts';
import { detectLeakReportFormat, parseLeakReport } from './parse-leak-report.ts';
import { parseTrufflehogReport } from './parse-trufflehog-report.ts';

const fixtures = [
  ['gitleaks-report.json', 'gitleaks', parseGitleaksReport],
  ['trufflehog.jsonl', 'trufflehog', parseTrufflehogReport],
  ['github-secret-alerts.json', 'githubSecretScanning', parseGithubSecretAlert],
  ['generic-leaks.json', 'generic', parseGenericLeak],
] as const;

describe('parseLeakReport', () => {
  it('recognises each format by its shape and parses it as its own parser does', () => {
    for (const [name, format, parse] of fixtures) {
      const text = loadLeakFixture(name);
      assert.equal(detectLeakReportFormat(text), format, name);
      assert.deepEqual(parseLeakReport(text), { format, ...parse(text) }, name);
    }
  });

  it('tells a single GitHub alert (which has a `secret`) from the generic form', () => {
    const alert = { number: 3, secret_type: 'azure_active_directory_application_secret', secret: 'x' };
    assert.equal(detectLeakReportFormat(JSON.stringify(alert)), 'githubSecretScanning');
    assert.equal(detectLeakReportFormat(JSON.stringify({ secret: 'x', url: 'y' })), 'generic');
  });

  it('answers an empty report with nothing, and anything else with one rejection', () => {
    assert.deepEqual(parseLeakReport('[]'), { format: null, leaks: [], rejected: [] });
    assert.deepEqual(parseLeakReport(''), { format: null, leaks: [], rejected: [] });
    for (const text of [
      '{"hello": "world"}',
      'AZURE_CLIENT_SECRET=Qx78Q~FAKE-test-secret.do-not-use.000000',
      '[1, 2]',
    ]) {
      const report = parseLeakReport(text);
      assert.equal(report.format, null, text);
      assert.equal(report.leaks.length, 0, text);
      assert.match(report.rejected[0]?.reason ?? '', /not a leak report Vigil reads/, text);
    }
  });
});

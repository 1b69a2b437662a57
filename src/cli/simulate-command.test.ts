import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runVigil } from '../../test/support/run-vigil.ts';

describe('vigil simulate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-simulate-cli-'));
  const out = join(dir, 'tenant');
  const env = { VIGIL_DATABASE_URL: join(dir, 'vigil.db') };
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a tenant that vigil imports without quarantining a record', async () => {
    const run = await runVigil(
      ['simulate', '--out', out, '--principals', '40', '--days', '3', '--seed', '1', '--json'],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout);
    assert.equal(summary.principals, 40);
    assert.equal(summary.managedIdentities, 8);
    assert.ok(summary.signIns > 40 * 3 * 10, `${summary.signIns} sign-ins`);
    assert.equal(Object.keys(summary.attacks).length, 7, JSON.stringify(summary.attacks));
    const labels = JSON.parse(readFileSync(summary.labels, 'utf8'));
    assert.equal(labels.signIns, summary.signIns);

    const imported = await runVigil(
      [
        'import',
        '--json',
        '--tenant',
        summary.tenantId,
        join(out, 'inventory'),
        join(out, 'insights-logs-serviceprincipalsigninlogs'),
        join(out, 'insights-logs-managedidentitysigninlogs'),
        join(out, 'insights-logs-auditlogs'),
      ],
      env,
    );
    assert.equal(imported.code, 0, imported.stderr);
    const r = JSON.parse(imported.stdout);
    assert.equal(r.quarantined, 0);
    assert.equal(r.duplicates, 0);
    assert.equal(r.ignored.length, 0);
    // Sign-ins, audit events, and the inventory: 4 first-party resources, every principal, their apps.
    assert.ok(r.stored >= summary.signIns + summary.auditEvents + 4 + 40, `${r.stored} stored`);

    const leaks = await runVigil(
      ['leaks', 'import', '--json', '--tenant', summary.tenantId, join(out, 'leaks', 'gitleaks.json')],
      env,
    );
    assert.equal(leaks.code, 0, leaks.stderr);
    const l = JSON.parse(leaks.stdout);
    assert.deepEqual([l.probable, l.stale, l.noMatch], [1, 1, 0]);
  });

  it('keeps what is in the directory unless told to replace it, and checks its numbers', async () => {
    const again = await runVigil(['simulate', '--out', out, '--principals', '40', '--days', '1'], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /not empty.*--replace/);
    const replaced = await runVigil(
      ['simulate', '--out', out, '--principals', '40', '--days', '1', '--replace'],
      env,
    );
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stdout, /Attacks on \d+ principals/);
    assert.match(replaced.stdout, /vigil import --tenant [0-9a-f-]{36} /);
    for (const bad of [
      ['--principals', '3'],
      ['--days', 'ten'],
      ['--end', 'yesterday-ish'],
    ]) {
      const run = await runVigil(['simulate', '--out', join(dir, 'x'), ...bad], env);
      assert.equal(run.code, 2, bad.join(' '));
      assert.match(run.stderr, /^error: /);
    }
  });
});

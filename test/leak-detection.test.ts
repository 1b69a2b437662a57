import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { runVigil } from './support/run-vigil.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const BILLING_SP = 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93';
const FORMATS = fileURLToPath(new URL('./fixtures/formats/', import.meta.url));
const REPO = fileURLToPath(new URL('./fixtures/leaks/repo/', import.meta.url));

for (const dialect of dialects) {
  describe(`leaked credentials found in a repository on ${dialect}`, () => {
    let t: TestStore;
    let env: Record<string, string>;
    before(async () => {
      t = await createTestStore(dialect);
      env = { ...t.env, VIGIL_TENANT_ID: TENANT };
      const imported = await runVigil(['import', '--json', FORMATS], env);
      assert.equal(imported.code, 0, imported.stderr);
    });
    after(async () => t.cleanup());

    test('a live secret raises a high detection on its principal; a removed one is reported as stale', async () => {
      const run = await runVigil(['leaks', 'scan', '--json', REPO], env);
      assert.equal(run.code, 0, run.stderr);
      const r = JSON.parse(run.stdout);
      assert.deepEqual([r.probable, r.stale, r.detections], [1, 1, 1]);
      const live = r.findings.find((f: { outcome: string }) => f.outcome === 'probable');
      assert.match(live.where, /appsettings\.json:6$/);
      assert.equal(live.principalId, BILLING_SP);
      assert.deepEqual(live.keyIds, ['e8a05d3c-7f21-4b96-8c4e-1d9b6a2f3e70']);
      const stale = r.findings.find((f: { outcome: string }) => f.outcome === 'stale');
      assert.match(stale.how, /no longer valid/);
      assert.equal(stale.detectionId, null);

      const [d] = JSON.parse((await runVigil(['detections', 'list', '--json'], env)).stdout).value;
      assert.equal(d.riskEventType, 'leakedCredentials');
      assert.equal(d.riskLevel, 'high');
      assert.deepEqual(d.keyIds, ['e8a05d3c-7f21-4b96-8c4e-1d9b6a2f3e70']);
      assert.match(d.additionalInfo, /appsettings\.json/);
      assert.doesNotMatch(d.additionalInfo, /FAKE\.appsettings/, 'the secret itself is never stored');
      const [sp] = JSON.parse((await runVigil(['risky', 'list', '--json'], env)).stdout).value;
      assert.deepEqual([sp.id, sp.riskLevel, sp.riskState], [BILLING_SP, 'high', 'atRisk']);
    });

    test('scanning again updates the detection instead of adding one, and a dismissal stands', async () => {
      assert.equal((await runVigil(['risky', 'dismiss', BILLING_SP], env)).code, 0);
      const again = JSON.parse((await runVigil(['leaks', 'scan', '--json', REPO], env)).stdout);
      assert.equal(again.detections, 0);
      const all = JSON.parse((await runVigil(['detections', 'list', '--json'], env)).stdout).value;
      assert.equal(all.length, 1);
      assert.equal(all[0].riskState, 'dismissed');
      const [sp] = JSON.parse((await runVigil(['risky', 'list', '--json'], env)).stdout).value;
      assert.equal(sp.riskState, 'dismissed');
    });
  });
}

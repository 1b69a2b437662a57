import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRandom } from '../src/simulate/random.ts';
import { makeSignInRecord } from '../src/simulate/sign-in-records.ts';
import { createTenantModel } from '../src/simulate/tenant-model.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { runVigil } from './support/run-vigil.ts';

const model = createTenantModel({ seed: 31, principals: 6, managedIdentities: 1 });
const dir = mkdtempSync(join(tmpdir(), 'vigil-detect-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Export records of principal 1, a few of them from `ip`. */
function writeDay(name: string, day: number, ip: string, listed: number): string {
  const rnd = createRandom(day);
  const lines: string[] = [];
  for (let i = 0; i < 20; i++) {
    const rec = makeSignInRecord(model, rnd, new Date(Date.UTC(2026, 10, day, 8, i)), { principalIndex: 1 });
    const p = rec.properties as Record<string, unknown>;
    if (i < listed) {
      p.ipAddress = ip;
      rec.callerIpAddress = ip;
    }
    lines.push(JSON.stringify(rec));
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** The detection types a run counted anything for. */
function raised(counts: Record<string, { new: number; updated: number }>) {
  return Object.fromEntries(Object.entries(counts).filter(([, c]) => c.new + c.updated > 0));
}

for (const dialect of dialects) {
  describe(`vigil detect with a threat list on ${dialect}`, () => {
    let t: TestStore;
    let env: Record<string, string>;
    const principal = model.principals[1]!;
    before(async () => {
      t = await createTestStore(dialect);
      env = { ...t.env, VIGIL_TENANT_ID: model.tenantId };
      const list = join(dir, 'drop.txt');
      writeFileSync(
        list,
        '; Example DROP list\n11.22.33.0/24 ; SBL000001\n11.99.0.0/16 ; SBL000002\nnot-an-address\n',
      );
      const imported = await runVigil(
        ['intel', 'import', '--json', '--source', 'drop', '--confidence', '90', list],
        env,
      );
      assert.equal(imported.code, 0, imported.stderr);
      assert.deepEqual(
        [JSON.parse(imported.stdout).indicators, JSON.parse(imported.stdout).rejected],
        [2, 1],
      );
    });
    after(async () => t.cleanup());

    test('sign-ins from a listed address raise one explained detection; running again changes nothing', async () => {
      const day = writeDay(`day-${dialect}-1.json`, 3, '11.22.33.44', 2);
      assert.equal((await runVigil(['import', '--json', day], env)).code, 0);
      const first = JSON.parse((await runVigil(['detect', '--json'], env)).stdout);
      assert.equal(first.signIns, 20);
      assert.deepEqual(raised(first.detections), {
        investigationsThreatIntelligence: { new: 1, updated: 0 },
      });
      assert.deepEqual(first.detections.suspiciousSignins, { new: 0, updated: 0 }, 'every type is counted');
      const again = JSON.parse((await runVigil(['detect', '--json'], env)).stdout);
      assert.deepEqual([again.signIns, raised(again.detections)], [0, {}]);

      const [d] = JSON.parse((await runVigil(['detections', 'list', '--json'], env)).stdout).value;
      assert.equal(d.riskEventType, 'investigationsThreatIntelligence');
      assert.equal(d.servicePrincipalId, principal.objectId);
      assert.equal(d.ipAddress, '11.22.33.44');
      assert.equal(d.riskLevel, 'high');
      assert.match(d.additionalInfo, /listed by drop/);
      const [sp] = JSON.parse((await runVigil(['risky', 'list', '--json'], env)).stdout).value;
      assert.deepEqual([sp.id, sp.riskLevel, sp.riskState], [principal.objectId, 'high', 'atRisk']);

      // The same detection, explained for a person.
      const shown = await runVigil(['detections', 'show', d.id], env);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /^investigationsThreatIntelligence — high risk, atRisk/);
      assert.match(shown.stdout, /from {8}11\.22\.33\.44/);
      assert.match(shown.stdout, /2 sign-ins \(2 successful\) from 11\.22\.33\.44, listed by drop/);
      assert.match(shown.stdout, /Contributing sign-ins \(2\):/);
      const missing = await runVigil(['detections', 'show', 'ffff'], env);
      assert.equal(missing.code, 1);
    });

    test('only what arrived since the last run is looked at, and a new day is a new detection', async () => {
      const day = writeDay(`day-${dialect}-2.json`, 4, '11.99.1.2', 1);
      assert.equal((await runVigil(['import', '--json', day], env)).code, 0);
      const r = JSON.parse((await runVigil(['detect', '--json'], env)).stdout);
      assert.equal(r.signIns, 20);
      assert.deepEqual(raised(r.detections), { investigationsThreatIntelligence: { new: 1, updated: 0 } });
      const all = JSON.parse((await runVigil(['detections', 'list', '--json'], env)).stdout).value;
      assert.equal(all.length, 2);
    });
  });
}

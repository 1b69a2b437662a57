import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateSignInLines } from '../src/simulate/sign-in-records.ts';
import { createTenantModel } from '../src/simulate/tenant-model.ts';
import { createLogQueries } from '../src/store/queries/log-queries.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { collect, runVigil, startVigil } from './support/run-vigil.ts';

const RECORDS = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'vigil-resume-'));
const file = join(dir, 'PT1H.json');

before(async () => {
  const model = createTenantModel({ seed: 5, principals: 50, managedIdentities: 10 });
  const out = createWriteStream(file);
  for (const line of generateSignInLines(model, {
    seed: 5,
    count: RECORDS,
    start: new Date('2026-11-01T00:00:00Z'),
    days: 2,
  })) {
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const dialect of dialects) {
  describe(`an import killed midway on ${dialect}`, () => {
    let t: TestStore;
    before(async () => {
      t = await createTestStore(dialect);
    });
    after(async () => t.cleanup());

    test('run again, it ends with every record stored exactly once', async () => {
      const logs = createLogQueries(t.store);
      const child = startVigil(['import', '--json', '--no-enrich', file], {
        ...t.env,
        VIGIL_INGEST_BATCH_SIZE: '500',
      });
      const done = collect(child);
      // Kill it once some batches are committed but (very likely) not all.
      let stored = 0;
      for (let i = 0; i < 600 && stored === 0; i++) {
        await sleep(25);
        stored = await logs.countSignIns();
      }
      child.kill('SIGKILL');
      const killed = await done;
      assert.equal(killed.signal, 'SIGKILL');
      const before = await logs.countSignIns();
      assert.ok(before > 0, 'some batches were committed before the kill');

      const rerun = await runVigil(['import', '--json', '--no-enrich', file], t.env);
      assert.equal(rerun.code, 0, rerun.stderr);
      const summary = JSON.parse(rerun.stdout);
      assert.equal(summary.read, RECORDS);
      assert.equal(summary.stored, RECORDS - before);
      assert.equal(summary.duplicates, before);
      assert.equal(await logs.countSignIns(), RECORDS);
    });
  });
}

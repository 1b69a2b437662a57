import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStore, dialects, type TestStore } from '../../../test/support/dialects.ts';
import { ageOutBaseline, createSignInBaseline, learnSignIn } from '../../baselines/sign-in-baseline.ts';
import { extractSignInFeatures } from '../../baselines/sign-in-features.ts';
import { workloadSignIn } from '../../baselines/workload-sign-in.fixture.ts';
import { createBaselineQueries } from './baseline-queries.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const A = 'b82f5c17-6d4e-4a39-8c1b-0e7a3f9d2c58';
const B = '0a4d2e6f-3c5b-4e1a-9f8d-7b6c5a4e3d21';

function learn(baseline: ReturnType<typeof createSignInBaseline>, at: string, ip: string) {
  learnSignIn(baseline, extractSignInFeatures(workloadSignIn({ createdAt: at, ipAddress: ip })), at);
}

for (const dialect of dialects) {
  describe(`sign-in baselines on ${dialect}`, () => {
    let t: TestStore;
    before(async () => {
      t = await createTestStore(dialect);
    });
    after(async () => t.cleanup());

    test('saved incrementally: only what changed is written, aged-out values are deleted, totals follow', async () => {
      const q = createBaselineQueries(t.store);
      const a = createSignInBaseline();
      learn(a, '2026-08-01T10:00:00.000Z', '20.42.65.10');
      learn(a, '2026-08-01T11:00:00.000Z', '20.42.65.11');
      await q.saveMany(t.store.db, [{ tenantId: TENANT, principalId: A, baseline: a, replace: false }]);

      const loaded = (await q.loadMany(t.store.db, TENANT, [A, B])).get(A)!;
      assert.equal(loaded.successfulSignIns, 2);
      assert.equal(loaded.properties.ip.values.get('20.42.65.10')?.count, 1);
      assert.equal(loaded.properties.ipPrefix.values.get('20.42.65.0/24')?.count, 2);

      // Two months later: the old addresses age out, a new one is learned; only that is written.
      ageOutBaseline(loaded, '2026-10-15T00:00:00.000Z', 60);
      learn(loaded, '2026-10-15T09:00:00.000Z', '20.42.65.12');
      await q.saveMany(t.store.db, [{ tenantId: TENANT, principalId: A, baseline: loaded, replace: false }]);
      const again = (await q.loadMany(t.store.db, TENANT, [A])).get(A)!;
      assert.deepEqual([...again.properties.ip.values.keys()], ['20.42.65.12']);
      assert.equal(
        again.properties.ipPrefix.values.get('20.42.65.0/24')?.count,
        1,
        'relearned after ageing out',
      );
      assert.equal(again.firstSignInAt, '2026-10-15T09:00:00.000Z');

      const fresh = (await q.loadMany(t.store.db, TENANT, [B])).get(B)!;
      assert.equal(fresh.firstSignInAt, null, 'a principal never saved starts empty');
    });

    test('a replayed baseline replaces what the store held', async () => {
      const q = createBaselineQueries(t.store);
      const b = createSignInBaseline();
      learn(b, '2026-08-01T10:00:00.000Z', '52.33.12.7');
      await q.saveMany(t.store.db, [{ tenantId: TENANT, principalId: B, baseline: b, replace: false }]);
      const replayed = createSignInBaseline();
      learn(replayed, '2026-07-30T10:00:00.000Z', '3.120.37.9');
      await q.saveMany(t.store.db, [{ tenantId: TENANT, principalId: B, baseline: replayed, replace: true }]);
      const loaded = (await q.loadMany(t.store.db, TENANT, [B])).get(B)!;
      assert.deepEqual([...loaded.properties.ip.values.keys()], ['3.120.37.9']);
      assert.equal(loaded.successfulSignIns, 1);
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStore, dialects, type TestStore } from '../../../test/support/dialects.ts';
import { bumpCounter } from '../../store/queries/bump-counter.ts';
import { createAccessState } from './access-state.ts';

const CONTOSO = '0a6f3c2e-7d41-4b8e-9c15-3e2d8f7a6b90';
const FABRIKAM = 'f4b2d9e1-5c3a-4e76-8a0f-2b9c7d1e6a43';
const LEVELS = ['low', 'medium', 'high'] as const;

/** A principal id that sorts by `n`, so the test knows which rows meet at a page boundary. */
function principal(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

for (const dialect of dialects) {
  describe(`access state (${dialect})`, () => {
    let t: TestStore;
    before(async () => {
      t = await createTestStore(dialect);
    });
    after(() => t.cleanup());

    test('every risky principal of every tenant is held, however many pages the load reads', async () => {
      const now = '2026-11-27T06:00:00.000Z';
      // More than a few pages of a large tenant, and a second tenant after it.
      const rows = [
        ...Array.from({ length: 1234 }, (_, n) => ({ tenantId: CONTOSO, n })),
        ...Array.from({ length: 7 }, (_, n) => ({ tenantId: FABRIKAM, n })),
      ].map(({ tenantId, n }) => ({
        tenant_id: tenantId,
        principal_id: principal(n),
        risk_level: n % 250 === 77 ? 'none' : LEVELS[n % 3]!,
        risk_state: n % 250 === 77 ? 'dismissed' : n % 3 === 2 ? 'confirmedCompromised' : 'atRisk',
        risk_detail: 'none',
        risk_last_updated_date_time: now,
      }));
      for (let i = 0; i < rows.length; i += 200)
        await t.store.db
          .insertInto('risky_principals')
          .values(rows.slice(i, i + 200))
          .execute();
      await bumpCounter(t.store.db, 'risk_version');

      const state = createAccessState(t.store, { caEnforceOutOfScope: false });
      await state.refresh();
      for (const n of [0, 1, 498, 499, 500, 501, 999, 1000, 1233]) {
        assert.deepEqual(
          state.riskOf(CONTOSO, principal(n)),
          { level: LEVELS[n % 3], state: n % 3 === 2 ? 'confirmedCompromised' : 'atRisk' },
          `principal ${n} of Contoso`,
        );
      }
      assert.deepEqual(state.riskOf(CONTOSO, principal(327)), { level: 'none', state: 'none' }, 'dismissed');
      assert.deepEqual(state.riskOf(CONTOSO, principal(5000)), { level: 'none', state: 'none' }, 'unknown');
      assert.deepEqual(state.riskOf(FABRIKAM, principal(6)), { level: 'low', state: 'atRisk' });
      assert.deepEqual(state.riskOf(FABRIKAM, principal(7)), { level: 'none', state: 'none' });

      // A principal confirmed compromised afterwards is read on the next refresh.
      await t.store.db
        .updateTable('risky_principals')
        .set({ risk_level: 'high', risk_state: 'confirmedCompromised' })
        .where('tenant_id', '=', FABRIKAM)
        .where('principal_id', '=', principal(0))
        .execute();
      await bumpCounter(t.store.db, 'risk_version');
      await state.refresh();
      assert.deepEqual(state.riskOf(FABRIKAM, principal(0)), {
        level: 'high',
        state: 'confirmedCompromised',
      });
    });
  });
}

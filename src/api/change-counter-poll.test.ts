import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStore, dialects, type TestStore } from '../../test/support/dialects.ts';
import { openStore } from '../store/open-store.ts';
import { bumpCounter, type ChangeCounter } from '../store/queries/bump-counter.ts';
import { createChangeCounterPoll } from './change-counter-poll.ts';

for (const dialect of dialects) {
  describe(`the change counter poll on ${dialect}`, () => {
    let t: TestStore;
    before(async () => {
      t = await createTestStore(dialect);
    });
    after(() => t.cleanup());

    test('a refresh after a commit reads the counter that commit moved', async () => {
      const seen: Readonly<Record<ChangeCounter, number>>[] = [];
      const poll = createChangeCounterPoll(t.store, (c) => seen.push(c));
      await poll.refresh();
      assert.deepEqual(seen.at(-1), {
        risk_version: 0,
        policy_version: 0,
        detection_version: 0,
        directory_version: 0,
        ingest_batch: 0,
        api_key_version: 0,
      });
      await t.store.db.transaction().execute((trx) => bumpCounter(trx, 'detection_version'));
      // Two callers at once: the second gets a reading of its own, taken after the first's.
      await Promise.all([poll.refresh(), poll.refresh()]);
      assert.equal(seen.at(-1)?.detection_version, 1);
      assert.equal(seen.length, 3);
    });

    test('the timer notices a change made through another connection', async () => {
      const other = await openStore({
        databaseUrl: t.env.VIGIL_DATABASE_URL!,
        databaseSchema: t.env.VIGIL_DATABASE_SCHEMA ?? null,
      });
      let latest = -1;
      const poll = createChangeCounterPoll(t.store, (c) => (latest = c.directory_version), { pollMs: 20 });
      await poll.refresh();
      const before = latest;
      poll.start((err) => assert.fail(String(err)));
      try {
        await other.db.transaction().execute((trx) => bumpCounter(trx, 'directory_version'));
        const deadline = Date.now() + 5_000;
        while (latest === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        assert.equal(latest, before + 1);
      } finally {
        poll.stop();
        await other.close();
      }
    });
  });
}

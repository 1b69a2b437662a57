import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStore, dialects, type TestStore } from '../../../test/support/dialects.ts';
import { createLeaseQueries } from './lease-queries.ts';

for (const dialect of dialects) {
  describe(`job leases on ${dialect}`, () => {
    let t: TestStore;
    before(async () => {
      t = await createTestStore(dialect);
    });
    after(async () => t.cleanup());

    test('one holder at a time; the lease is renewable, and free again once expired or released', async () => {
      const leases = createLeaseQueries(t.store);
      const at = (m: number) => new Date(Date.UTC(2026, 10, 27, 10, m)).toISOString();
      assert.equal(await leases.acquire('detection-run', 'server-a', at(0), at(10)), true);
      assert.equal(await leases.acquire('detection-run', 'server-b', at(5), at(15)), false, 'taken');
      assert.equal(
        await leases.acquire('detection-run', 'server-a', at(5), at(15)),
        true,
        'renewed by its holder',
      );
      assert.equal(
        await leases.acquire('detection-run', 'server-b', at(14), at(24)),
        false,
        'renewal counts',
      );
      assert.equal(await leases.acquire('detection-run', 'server-b', at(16), at(26)), true, 'expired: free');
      await leases.release('detection-run', 'server-a');
      assert.equal(
        await leases.acquire('detection-run', 'server-a', at(17), at(27)),
        false,
        'not released by another',
      );
      await leases.release('detection-run', 'server-b');
      assert.equal(await leases.acquire('detection-run', 'server-a', at(17), at(27)), true);
    });
  });
}

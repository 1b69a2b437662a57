import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createQueryId, type RootOperationNode } from 'kysely';
import { createTestStore, dialects, type TestStore } from '../../../test/support/dialects.ts';
import {
  AZURE_IP,
  SPRAY_IP,
  spray,
  sprayRecord,
  TENANT,
} from '../../detections/password-spray/password-spray.fixture.ts';
import type { SignIn } from '../../domain/index.ts';
import type { Store } from '../open-store.ts';
import { packSignIns } from '../rows/packed-sign-ins.ts';
import { createIngestQueries, emptyBatch } from './ingest-queries.ts';
import { createSprayQueries } from './spray-queries.ts';

const CODES = [7000215, 700027, 7000222, 700016];
const OTHER_TENANT = '0f3a6b91-2c7d-4e85-a1b9-6d2e8c4f7a03';

async function write(t: TestStore, signIns: SignIn[]): Promise<number> {
  const batch = emptyBatch();
  batch.signIns = packSignIns(signIns);
  return (await createIngestQueries(t.store).writeBatch(batch, '2026-11-06T00:00:00.000Z')).batch;
}

for (const dialect of dialects) {
  describe(`spray queries on ${dialect}`, () => {
    let t: TestStore;
    let first: number;
    let second: number;
    const success = sprayRecord(12, '2026-11-05T02:31:07.000Z', 0);

    before(async () => {
      t = await createTestStore(dialect);
      // Batch 1: the first half of a spray, the tenant's own traffic, and another tenant sprayed
      // from the same address (a provider serving both).
      first = await write(t, [
        ...spray('2026-11-05T02:10:00.000Z', 0, 6, 3),
        sprayRecord(20, '2026-11-05T02:12:00.000Z', 0, { ipAddress: AZURE_IP }),
        sprayRecord(21, '2026-11-05T02:13:00.000Z', 7000222, { ipAddress: AZURE_IP }),
        ...spray('2026-11-05T02:10:00.000Z', 0, 12, 1, [7000215], { tenantId: OTHER_TENANT }),
      ]);
      // Batch 2: the rest of the spray, a success from the address, a failure that is no guess.
      second = await write(t, [
        ...spray('2026-11-05T02:28:00.000Z', 6, 12, 3, [700027]),
        success,
        sprayRecord(13, '2026-11-05T02:40:00.000Z', 7000112),
      ]);
    });
    after(async () => t.cleanup());

    test('arrival spans are one per batch, merged when they lie close', async () => {
      const q = createSprayQueries(t.store);
      assert.deepEqual(await q.arrivalSpans({ fromBatch: 0, toBatch: second }, 0), [
        { from: '2026-11-05T02:10:00.000Z', to: '2026-11-05T02:25:00.000Z' },
        { from: '2026-11-05T02:28:00.000Z', to: '2026-11-05T02:43:00.000Z' },
      ]);
      assert.deepEqual(await q.arrivalSpans({ fromBatch: 0, toBatch: second }, 5 * 60_000), [
        { from: '2026-11-05T02:10:00.000Z', to: '2026-11-05T02:43:00.000Z' },
      ]);
      assert.deepEqual(await q.arrivalSpans({ fromBatch: first, toBatch: second }, 0), [
        { from: '2026-11-05T02:28:00.000Z', to: '2026-11-05T02:43:00.000Z' },
      ]);
      assert.deepEqual(await q.arrivalSpans({ fromBatch: second, toBatch: second + 5 }, 0), []);
    });

    test('busy addresses: enough distinct principals failing with a spray code, per tenant', async () => {
      const q = createSprayQueries(t.store);
      const span = { from: '2026-11-05T00:00:00.000Z', to: '2026-11-05T23:59:59.999Z' };
      const at = (hhmm: string) => `2026-11-05T${hhmm}:00.000Z`;
      assert.deepEqual(await q.busyAddresses(span, CODES, 12), [
        { tenantId: OTHER_TENANT, ipAddress: SPRAY_IP, first: at('02:10'), last: at('02:21') },
        { tenantId: TENANT, ipAddress: SPRAY_IP, first: at('02:10'), last: at('02:43') },
      ]);
      assert.deepEqual(await q.busyAddresses(span, CODES, 13), [], 'the 7000112 failure does not count');
      assert.deepEqual(await q.busyAddresses(span, [7000215], 7), [
        { tenantId: OTHER_TENANT, ipAddress: SPRAY_IP, first: at('02:10'), last: at('02:21') },
      ]);
      assert.deepEqual(
        await q.busyAddresses({ from: span.from, to: at('02:20') }, CODES, 5),
        [{ tenantId: OTHER_TENANT, ipAddress: SPRAY_IP, first: at('02:10'), last: at('02:20') }],
        'only failures within the span count',
      );
    });

    test('new failure addresses come from the batch range only, with their event-time span', async () => {
      const q = createSprayQueries(t.store);
      const span = { from: '2026-11-05T00:00:00.000Z', to: '2026-11-05T23:59:59.999Z' };
      assert.deepEqual(await q.newFailureAddresses({ fromBatch: first, toBatch: second }, span, CODES), [
        {
          tenantId: TENANT,
          ipAddress: SPRAY_IP,
          first: '2026-11-05T02:28:00.000Z',
          last: '2026-11-05T02:43:00.000Z',
        },
      ]);
      const all = await q.newFailureAddresses({ fromBatch: 0, toBatch: second }, span, CODES);
      assert.equal(all.length, 3);
    });

    test('new successes of one address, and everything from it in a half-open window, in order', async () => {
      const q = createSprayQueries(t.store);
      const address = { tenantId: TENANT, ipAddress: SPRAY_IP };
      const span = { from: '2026-11-05T00:00:00.000Z', to: '2026-11-05T23:59:59.999Z' };
      const quiet = { tenantId: TENANT, ipAddress: '198.51.100.250' };
      const batches = { fromBatch: first, toBatch: second };
      assert.deepEqual(
        [
          ...(await q.newSuccessSpans(
            [
              { ...address, first: span.from, last: span.to },
              { ...quiet, first: span.from, last: span.to },
            ],
            batches,
          )),
        ],
        [[`${TENANT}|${SPRAY_IP}`, { first: success.createdAt, last: success.createdAt }]],
        'one span for the address with a new success, none for an address without',
      );
      assert.equal(
        (
          await q.newSuccessSpans([{ ...address, first: span.from, last: span.to }], {
            fromBatch: 0,
            toBatch: first,
          })
        ).size,
        0,
        'successes of other batches are not new',
      );
      assert.equal(
        (
          await q.newSuccessSpans(
            [
              { ...address, first: '2026-11-05T02:00:00.000Z', last: '2026-11-05T02:31:06.999Z' },
              { ...quiet, first: '2026-11-05T02:31:00.000Z', last: '2026-11-05T02:50:00.000Z' },
            ],
            batches,
          )
        ).size,
        0,
        "a success outside its address's own span is not looked for, though another address's overlaps it",
      );
      assert.deepEqual(
        [
          ...(await q.newSuccessSpans(
            [
              { ...quiet, first: '2026-11-05T02:00:00.000Z', last: '2026-11-05T02:20:00.000Z' },
              { ...address, first: '2026-11-05T02:31:07.000Z', last: '2026-11-05T02:31:07.000Z' },
            ],
            batches,
          )),
        ],
        [[`${TENANT}|${SPRAY_IP}`, { first: success.createdAt, last: success.createdAt }]],
        'a span of one instant finds the success at that instant',
      );
      const window = { from: '2026-11-05T02:10:00.000Z', to: '2026-11-05T02:43:00.000Z' };
      const failures = await q.failuresFrom(address, window, CODES);
      assert.equal(failures.length, 11, 'the failure at the window end is outside it');
      assert.ok(failures.every((f) => f.tenantId === TENANT && f.ipAddress === SPRAY_IP));
      assert.deepEqual(
        failures.map((f) => f.createdAt),
        [...failures.map((f) => f.createdAt)].sort(),
      );
      assert.deepEqual(
        (await q.successesFrom(address, window)).map((s) => s.id),
        [success.id],
      );
    });

    if (dialect === 'sqlite') {
      test('failures are read through the partial index, not the tenant prefix of the primary key', async () => {
        // The queries as the module builds them, explained by SQLite's planner.
        const seen: RootOperationNode[] = [];
        const spy: Store = {
          ...t.store,
          db: t.store.db.withPlugin({
            transformQuery: (a) => {
              seen.push(a.node);
              return a.node;
            },
            transformResult: async (a) => a.result,
          }),
        };
        const q = createSprayQueries(spy);
        const address = { tenantId: TENANT, ipAddress: SPRAY_IP };
        const day = { from: '2026-11-05T00:00:00.000Z', to: '2026-11-06T00:00:00.000Z' };
        await q.busyAddresses(day, CODES, 10);
        await q.newFailureAddresses({ fromBatch: 0, toBatch: second }, day, CODES);
        await q.failuresFrom(address, day, CODES);
        assert.equal(seen.length, 3);
        for (const node of seen) {
          const compiled = t.store.db.getExecutor().compileQuery(node, createQueryId());
          const plan = await t.store.db.executeQuery<{ detail: string }>({
            ...compiled,
            sql: `explain query plan ${compiled.sql}`,
          });
          assert.match(plan.rows.map((r) => r.detail).join('\n'), /USING INDEX sign_ins_failures_time/);
        }
      });
    }
  });
}

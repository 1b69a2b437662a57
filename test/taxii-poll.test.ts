import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTaxiiPollSchedule } from '../src/jobs/taxii-poll-schedule.ts';
import { createIndicatorQueries } from '../src/store/queries/indicator-queries.ts';
import { createTestStore, type TestStore } from './support/dialects.ts';
import { runVigil } from './support/run-vigil.ts';
import { ipIndicator, startTaxiiServer, type TaxiiTestServer } from './support/taxii-server.ts';

const COLLECTION = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';
const TOKEN = '7f3c9a51e2d84b06a1c5e0d9';

describe('TAXII polling from the command line and inside the server', () => {
  let server: TaxiiTestServer;
  let t: TestStore;
  before(async () => {
    server = await startTaxiiServer();
    server.authorization = `Bearer ${TOKEN}`;
    server.pageSize = 2;
    server.add(COLLECTION, '2026-11-01T08:00:00.000Z', [
      ipIndicator('8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', '198.51.100.7', '2026-11-01T08:00:00.000Z'),
      ipIndicator('a932fcc6-e032-476c-826f-cb970a5a1ade', '203.0.113.0/24', '2026-11-01T08:00:00.000Z'),
      ipIndicator('3b0c4f9e-5a7d-4f2e-9c61-0d7e2b8a4c15', '2001:db8:4::/48', '2026-11-01T08:00:00.000Z'),
    ]);
    t = await createTestStore('sqlite');
  });
  after(async () => {
    await server.close();
    await t.cleanup();
  });

  test('vigil intel poll imports the collection, then only what was added since', async () => {
    const env = {
      ...t.env,
      VIGIL_TAXII_NAME: 'partner-cti',
      VIGIL_TAXII_URL: server.apiRoot,
      VIGIL_TAXII_COLLECTION: COLLECTION,
      VIGIL_TAXII_TOKEN: TOKEN,
    };
    const first = await runVigil(['intel', 'poll'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      /^partner-cti: 3 indicators from the whole collection \(3 new, 0 withdrawn\), 0 rejected, 0 skipped, 2 pages\n$/,
    );
    server.add(COLLECTION, '2026-11-02T08:00:00.000Z', [
      ipIndicator('5d1e8a2c-9b4f-4e17-a6c3-2f8d0b7e1a94', '193.36.132.18', '2026-11-02T08:00:00.000Z'),
    ]);
    const second = await runVigil(['intel', 'poll', '--name', 'partner-cti', '--json'], env);
    assert.equal(second.code, 0, second.stderr);
    const [r] = JSON.parse(second.stdout);
    assert.deepEqual([r.addedAfter, r.indicators, r.new], ['2026-11-01T08:00:00.000Z', 1, 1]);
    assert.equal(
      (await createIndicatorQueries(t.store).all()).filter((i) => i.source === 'partner-cti').length,
      4,
    );

    const unknown = await runVigil(['intel', 'poll', '--name', 'isac'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no TAXII collection is named "isac"; configured: partner-cti/);

    const refused = await runVigil(['intel', 'poll'], { ...env, VIGIL_TAXII_TOKEN: 'not-the-token' });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^partner-cti: failed: TAXII request to http:\/\/127\.0\.0\.1:\d+\/api1\/collections\/.+ failed: 401 Unauthorized \(Authentication required\)\n$/,
    );
    for (const run of [first, second, unknown, refused]) {
      assert.ok(!`${run.stdout}${run.stderr}`.includes(TOKEN), 'the token is never printed');
      assert.ok(!`${run.stdout}${run.stderr}`.includes('not-the-token'));
    }

    const unconfigured = await runVigil(['intel', 'poll'], t.env);
    assert.equal(unconfigured.code, 1);
    assert.match(unconfigured.stderr, /no TAXII collection is configured/);
  });

  test('inside the server, a feed is polled when due, once, and the schedule stops cleanly', async () => {
    const s = await createTestStore('sqlite');
    try {
      const feed = {
        name: 'scheduled',
        url: server.apiRoot,
        collectionId: COLLECTION,
        username: null,
        password: null,
        token: TOKEN,
        intervalMinutes: 60,
        defaultConfidence: null,
        validityDays: null,
      };
      const polls: unknown[] = [];
      const errors: unknown[] = [];
      const schedule = startTaxiiPollSchedule({
        store: s.store,
        feeds: [feed, { ...feed, name: 'broken', collectionId: 'no-such-collection' }],
        tickMs: 20,
        onPoll: (r) => polls.push(r),
        onError: (name, err) => errors.push([name, (err as Error).message]),
      });
      for (let i = 0; i < 1000 && polls.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 200));
      await schedule.stop();
      assert.equal(polls.length, 1, 'polled once; not due again for an hour');
      assert.equal(errors.length, 1, 'the failing feed is retried only after a few minutes');
      assert.match(String((errors[0] as string[])[1]), /404 Not Found \(Collection not found\)/);
      assert.equal(
        (await createIndicatorQueries(s.store).all()).filter((i) => i.source === 'scheduled').length,
        4,
      );
      assert.deepEqual(
        await s.store.db.selectFrom('leases').selectAll().execute(),
        [],
        'no lease is left behind',
      );
    } finally {
      await s.cleanup();
    }
  });
});

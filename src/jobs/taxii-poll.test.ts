import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createTestStore, dialects, type TestStore } from '../../test/support/dialects.ts';
import {
  ipIndicator,
  startTaxiiServer,
  TAXII_MEDIA_TYPE,
  type TaxiiTestServer,
} from '../../test/support/taxii-server.ts';
import type { TaxiiFeedSettings } from '../config/schema.ts';
import { createIndicatorQueries } from '../store/queries/indicator-queries.ts';
import { createTaxiiPollQueries } from '../store/queries/taxii-poll-queries.ts';
import { isTaxiiPollDue, pollTaxiiFeed } from './taxii-poll.ts';

const COLLECTION = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';
const PASSWORD = 's3cret-passphrase';
const BASIC = `Basic ${Buffer.from(`vigil:${PASSWORD}`).toString('base64')}`;
const IDS = {
  scanner: '8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  c2: 'a932fcc6-e032-476c-826f-cb970a5a1ade',
  proxies: '3b0c4f9e-5a7d-4f2e-9c61-0d7e2b8a4c15',
  sprayer: '5d1e8a2c-9b4f-4e17-a6c3-2f8d0b7e1a94',
};

function feed(server: TaxiiTestServer, overrides: Partial<TaxiiFeedSettings> = {}): TaxiiFeedSettings {
  return {
    name: 'partner-cti',
    url: server.apiRoot,
    collectionId: COLLECTION,
    username: 'vigil',
    password: PASSWORD,
    token: null,
    intervalMinutes: 60,
    defaultConfidence: null,
    validityDays: null,
    ...overrides,
  };
}

async function stored(t: TestStore) {
  return (await createIndicatorQueries(t.store).all())
    .map((i) => [i.source, i.id, i.cidr, i.validUntil] as const)
    .sort((a, b) => (`${a[1]}${a[2]}` < `${b[1]}${b[2]}` ? -1 : 1));
}

for (const dialect of dialects) {
  describe(`TAXII polls on ${dialect}`, () => {
    let server: TaxiiTestServer;
    let t: TestStore;
    before(async () => {
      server = await startTaxiiServer();
    });
    after(async () => server.close());
    beforeEach(async () => {
      await t?.cleanup();
      t = await createTestStore(dialect);
    });
    after(async () => t?.cleanup());

    test('polls page by page with credentials, then only what the server added since', async () => {
      const collection = `${COLLECTION}`;
      server.authorization = BASIC;
      server.pageSize = 2;
      server.add(collection, '2026-11-01T08:00:00.000Z', [
        ipIndicator(IDS.scanner, '198.51.100.7', '2026-11-01T08:00:00.000Z', { confidence: 85 }),
        {
          type: 'identity',
          spec_version: '2.1',
          id: 'identity--f431f809-377b-45e0-aa1c-6a4751cae5ff',
          name: 'Partner CTI',
        },
      ]);
      server.add(collection, '2026-11-02T09:30:00.000Z', [
        ipIndicator(IDS.c2, '203.0.113.0/24', '2026-11-02T09:30:00.000Z', {
          valid_until: '2026-12-02T09:30:00.000Z',
        }),
      ]);
      server.add(collection, '2026-11-03T11:15:00.000Z', [
        ipIndicator(IDS.proxies, '2001:db8:4::/48', '2026-11-03T11:15:00.000Z'),
      ]);

      server.seen.length = 0;
      const first = await pollTaxiiFeed(t.store, feed(server), { now: '2026-11-04T00:00:00.000Z' });
      assert.deepEqual(
        server.seen.map((r) => [r.path, r.query.get('added_after'), r.query.get('next') !== null]),
        [
          [`/api1/collections/${COLLECTION}/objects/`, null, false],
          [`/api1/collections/${COLLECTION}/objects/`, null, true],
        ],
      );
      for (const r of server.seen) {
        assert.equal(r.authorization, BASIC);
        assert.equal(r.accept, TAXII_MEDIA_TYPE);
      }
      assert.equal(first.pages, 2);
      assert.equal(first.indicators, 3);
      assert.equal(first.new, 3);
      assert.equal(first.complete, true);
      assert.equal(first.addedAfter, null);
      assert.equal(first.nextAddedAfter, '2026-11-03T11:15:00.000Z');
      assert.deepEqual(await stored(t), [
        ['partner-cti', `indicator--${IDS.proxies}`, '2001:db8:4::/48', null],
        ['partner-cti', `indicator--${IDS.scanner}`, '198.51.100.7', null],
        ['partner-cti', `indicator--${IDS.c2}`, '203.0.113.0/24', '2026-12-02T09:30:00.000Z'],
      ]);

      // The partner revokes the scanner, moves the C2 block and adds a sprayer.
      server.add(collection, '2026-11-05T07:00:00.000Z', [
        ipIndicator(IDS.scanner, '198.51.100.7', '2026-11-01T08:00:00.000Z', {
          modified: '2026-11-05T07:00:00.000Z',
          revoked: true,
        }),
        ipIndicator(IDS.c2, '203.0.113.128/25', '2026-11-02T09:30:00.000Z', {
          modified: '2026-11-05T07:00:00.000Z',
        }),
        ipIndicator(IDS.sprayer, '193.36.132.18', '2026-11-05T07:00:00.000Z'),
      ]);
      server.seen.length = 0;
      const second = await pollTaxiiFeed(t.store, feed(server), { now: '2026-11-05T08:00:00.000Z' });
      assert.deepEqual(
        server.seen.map((r) => r.query.get('added_after')),
        ['2026-11-03T11:15:00.000Z', '2026-11-03T11:15:00.000Z'],
      );
      assert.deepEqual(
        [second.indicators, second.new, second.withdrawn, second.skipped],
        [2, 2, 2, 1],
        'two read and new, the revoked and the moved ones withdrawn',
      );
      assert.equal(second.nextAddedAfter, '2026-11-05T07:00:00.000Z');
      assert.deepEqual(await stored(t), [
        ['partner-cti', `indicator--${IDS.proxies}`, '2001:db8:4::/48', null],
        ['partner-cti', `indicator--${IDS.sprayer}`, '193.36.132.18', null],
        ['partner-cti', `indicator--${IDS.c2}`, '203.0.113.128/25', null],
      ]);

      // Nothing new: the server sends an empty envelope and no date header; the watermark stays.
      const third = await pollTaxiiFeed(t.store, feed(server), { now: '2026-11-05T09:00:00.000Z' });
      assert.deepEqual(
        [third.indicators, third.pages, third.nextAddedAfter],
        [0, 1, '2026-11-05T07:00:00.000Z'],
      );

      // A full poll reads everything again and changes nothing.
      const full = await pollTaxiiFeed(t.store, feed(server), {
        now: '2026-11-05T10:00:00.000Z',
        full: true,
      });
      assert.deepEqual([full.addedAfter, full.indicators, full.new, full.withdrawn], [null, 3, 0, 0]);
    });

    test('a poll cut short by its page limit is continued by the next one', async () => {
      const collection = 'cut-short';
      server.authorization = null;
      server.pageSize = 1;
      for (const [k, id] of Object.values(IDS).entries()) {
        const at = `2026-11-0${k + 1}T08:00:00.000Z`;
        server.add(collection, at, [ipIndicator(id, `198.51.100.${k + 1}`, at)]);
      }
      const options = { now: '2026-11-06T00:00:00.000Z', maxPages: 3 };
      const f = feed(server, { collectionId: collection, username: null, password: null });
      const cut = await pollTaxiiFeed(t.store, f, options);
      assert.deepEqual(
        [cut.indicators, cut.complete, cut.nextAddedAfter],
        [3, false, '2026-11-03T08:00:00.000Z'],
      );
      const rest = await pollTaxiiFeed(t.store, f, options);
      assert.deepEqual(
        [rest.addedAfter, rest.indicators, rest.complete],
        ['2026-11-03T08:00:00.000Z', 1, true],
      );
      assert.equal((await stored(t)).length, 4);
    });

    test('refused credentials are recorded without moving the watermark, and the secret is never stored', async () => {
      server.authorization = BASIC;
      server.pageSize = 100;
      server.add('refusing', '2026-11-01T08:00:00.000Z', [
        ipIndicator(IDS.scanner, '198.51.100.7', '2026-11-01T08:00:00.000Z'),
      ]);
      const good = feed(server, { collectionId: 'refusing' });
      await pollTaxiiFeed(t.store, good, { now: '2026-11-02T00:00:00.000Z' });
      const wrong = { ...good, password: 'guessed-wrong' };
      await assert.rejects(
        pollTaxiiFeed(t.store, wrong, { now: '2026-11-02T01:00:00.000Z' }),
        /401 Unauthorized \(Authentication required\)/,
      );
      const state = await createTaxiiPollQueries(t.store).get('partner-cti');
      assert.equal(state?.addedAfter, '2026-11-01T08:00:00.000Z');
      assert.equal(state?.lastSuccessAt, '2026-11-02T00:00:00.000Z');
      assert.equal(state?.lastAttemptAt, '2026-11-02T01:00:00.000Z');
      assert.match(String(state?.lastError), /401/);
      assert.ok(!JSON.stringify(state).includes('guessed-wrong'));
      assert.equal(isTaxiiPollDue(state, good, '2026-11-02T01:04:00.000Z'), false);
      assert.equal(
        isTaxiiPollDue(state, good, '2026-11-02T01:05:00.000Z'),
        true,
        'retried after five minutes',
      );
    });

    test('a feed pointed at another collection under the same name starts afresh', async () => {
      server.authorization = null;
      server.add('first', '2026-11-01T08:00:00.000Z', [
        ipIndicator(IDS.scanner, '198.51.100.7', '2026-11-01T08:00:00.000Z'),
      ]);
      server.add('second', '2026-10-01T08:00:00.000Z', [
        ipIndicator(IDS.c2, '203.0.113.9', '2026-10-01T08:00:00.000Z'),
      ]);
      const anonymous = { username: null, password: null };
      await pollTaxiiFeed(t.store, feed(server, { ...anonymous, collectionId: 'first' }), {
        now: '2026-11-02T00:00:00.000Z',
      });
      const moved = feed(server, { ...anonymous, collectionId: 'second' });
      assert.equal(
        isTaxiiPollDue(
          await createTaxiiPollQueries(t.store).get('partner-cti'),
          moved,
          '2026-11-02T00:01:00.000Z',
        ),
        true,
      );
      const r = await pollTaxiiFeed(t.store, moved, { now: '2026-11-02T00:01:00.000Z' });
      assert.deepEqual([r.addedAfter, r.indicators], [null, 1]);
    });

    test('a validity limit ends indicators that state no end, and long-ended ones are dropped', async () => {
      server.authorization = null;
      server.add('short-lived', '2026-11-01T08:00:00.000Z', [
        ipIndicator(IDS.proxies, '198.51.100.20', '2026-11-01T08:00:00.000Z'),
        ipIndicator(IDS.c2, '198.51.100.21', '2026-11-01T08:00:00.000Z', {
          valid_until: '2026-11-03T00:00:00.000Z',
        }),
        ipIndicator(IDS.scanner, '198.51.100.22', '2025-01-01T00:00:00.000Z', {
          valid_until: '2025-02-01T00:00:00.000Z',
        }),
      ]);
      const f = feed(server, {
        collectionId: 'short-lived',
        username: null,
        password: null,
        validityDays: 7,
      });
      const r = await pollTaxiiFeed(t.store, f, { now: '2026-11-02T00:00:00.000Z' });
      assert.equal(r.purged, 1, 'the listing that ended in February 2025');
      assert.deepEqual(await stored(t), [
        ['partner-cti', `indicator--${IDS.proxies}`, '198.51.100.20', '2026-11-08T08:00:00.000Z'],
        ['partner-cti', `indicator--${IDS.c2}`, '198.51.100.21', '2026-11-03T00:00:00.000Z'],
      ]);
    });
  });
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestStore, dialects, type TestStore } from '../../test/support/dialects.ts';
import type { DetectionCandidate } from '../detections/detection.ts';
import {
  AZURE_IP,
  principal,
  SPRAY_IP,
  spray,
  sprayRecord,
  TENANT,
} from '../detections/password-spray/password-spray.fixture.ts';
import type { SignIn } from '../domain/index.ts';
import { createIngestQueries, emptyBatch } from '../store/queries/ingest-queries.ts';
import { packSignIns } from '../store/rows/packed-sign-ins.ts';
import { detectPasswordSpray } from './password-spray-detection.ts';

/** The tenant's own workloads, signing in from Azure all day (one of them failing on an expired secret). */
function everydayTraffic(day: string): SignIn[] {
  const out: SignIn[] = [];
  for (let h = 0; h < 24; h += 2) {
    const at = `${day}T${String(h).padStart(2, '0')}:17:00.000Z`;
    for (const i of [20, 21, 22]) out.push(sprayRecord(i, at, 0, { ipAddress: AZURE_IP }));
    out.push(sprayRecord(23, at, 7000222, { ipAddress: AZURE_IP }));
  }
  return out;
}

// A spray from 23:30 to 00:25 that the daily export files cut in two. The attacker's secret works
// for principal 12 during the spray; principal 3, targeted, signs in from the address the next
// afternoon; principal 7 just within 24 hours of the last failure; principal 8 just after.
const FILES: Record<string, SignIn[]> = {
  '2026-11-05': [
    ...everydayTraffic('2026-11-05'),
    ...spray('2026-11-05T23:30:00.000Z', 0, 6, 5),
    sprayRecord(12, '2026-11-05T23:52:00.000Z', 0),
  ],
  '2026-11-06': [
    ...everydayTraffic('2026-11-06'),
    ...spray('2026-11-06T00:00:00.000Z', 6, 12, 5, [700027]),
    sprayRecord(3, '2026-11-06T14:00:00.000Z', 0),
  ],
  '2026-11-07': [
    ...everydayTraffic('2026-11-07'),
    sprayRecord(7, '2026-11-07T00:10:00.000Z', 0),
    sprayRecord(8, '2026-11-07T02:00:00.000Z', 0),
  ],
};

/** What the store ends up with: the first finding of each key, with its explanation as last refreshed. */
type Outcome = Map<string, { level: string; activityDateTime: string; additionalInfo: unknown }>;

function record(outcome: Outcome, found: Map<string, DetectionCandidate[]>) {
  for (const candidates of found.values()) {
    for (const c of candidates) {
      const known = outcome.get(c.dedupeKey);
      if (known) known.additionalInfo = c.additionalInfo;
      else
        outcome.set(c.dedupeKey, {
          level: c.riskLevel,
          activityDateTime: c.activityDateTime,
          additionalInfo: c.additionalInfo,
        });
    }
  }
}

async function write(t: TestStore, signIns: SignIn[]): Promise<number> {
  const batch = emptyBatch();
  batch.signIns = packSignIns(signIns);
  return (await createIngestQueries(t.store).writeBatch(batch, '2026-11-08T00:00:00.000Z')).batch;
}

/**
 * Imports the files in the given groups, running detection after each group. With `perPrincipal`,
 * the run is given the event-time span of each principal's new sign-ins, as a detection pass has
 * them, instead of reading the batches' spans.
 */
async function run(
  dialect: 'sqlite' | 'postgres',
  groups: string[][],
  perPrincipal = false,
): Promise<Outcome> {
  const t = await createTestStore(dialect);
  try {
    const outcome: Outcome = new Map();
    let watermark = 0;
    for (const group of groups) {
      let last = watermark;
      for (const day of group) last = await write(t, FILES[day]!);
      const range = { fromBatch: watermark, toBatch: last };
      const arrivals = perPrincipal
        ? (
            await t.store.db
              .selectFrom('sign_in_arrivals')
              .select((eb) => [
                eb.fn.min('first_created_at').as('from'),
                eb.fn.max('last_created_at').as('to'),
              ])
              .where('ingest_batch', '>', watermark)
              .where('ingest_batch', '<=', last)
              .groupBy(['tenant_id', 'service_principal_id'])
              .execute()
          ).map((a) => ({ from: String(a.from), to: String(a.to) }))
        : undefined;
      record(outcome, await detectPasswordSpray(t.store, range, arrivals ? { arrivals } : {}));
      watermark = last;
    }
    return outcome;
  } finally {
    await t.cleanup();
  }
}

const key = (p: number, kind: string, day: string) =>
  `${TENANT}|${principal(p)}|investigationsThreatIntelligence|${kind}|${SPRAY_IP}|${day}`;

for (const dialect of dialects) {
  describe(`password spray detection runs on ${dialect}`, () => {
    test('finds every targeted principal and every later success, however the files arrive', async () => {
      const together = await run(dialect, [['2026-11-05', '2026-11-06', '2026-11-07']]);
      assert.deepEqual(
        [...together].map(([k, v]) => [k, v.level]).sort(),
        [
          ...[0, 1, 2, 3, 4, 5].map((p) => [key(p, 'spray', '2026-11-05'), 'low']),
          ...[6, 7, 8, 9, 10, 11].map((p) => [key(p, 'spray', '2026-11-06'), 'low']),
          [key(12, 'spraySuccess', '2026-11-05'), 'high'],
          [key(3, 'spraySuccess', '2026-11-06'), 'high'],
          [key(7, 'spraySuccess', '2026-11-07'), 'high'],
        ].sort(),
      );
      const daily = await run(dialect, [['2026-11-05'], ['2026-11-06'], ['2026-11-07']]);
      assert.deepEqual(daily, together, 'one file a day');
      const late = await run(dialect, [['2026-11-06'], ['2026-11-05'], ['2026-11-07']]);
      assert.deepEqual(late, together, 'the first half of the spray imported a day late');
      const reversed = await run(dialect, [['2026-11-07'], ['2026-11-06'], ['2026-11-05']]);
      assert.deepEqual(reversed, together, 'the successes stored before the spray that explains them');
      for (const groups of [
        [['2026-11-05', '2026-11-06', '2026-11-07']],
        [['2026-11-05'], ['2026-11-06'], ['2026-11-07']],
        [['2026-11-07'], ['2026-11-06'], ['2026-11-05']],
      ]) {
        assert.deepEqual(
          await run(dialect, groups, true),
          together,
          `given each principal's span instead of each batch's: ${JSON.stringify(groups)}`,
        );
      }
    });

    test('a run over everyday traffic finds nothing', async () => {
      const t = await createTestStore(dialect);
      try {
        const last = await write(t, [
          ...everydayTraffic('2026-11-05'),
          ...spray('2026-11-05T02:00:00.000Z', 0, 9, 4),
        ]);
        assert.deepEqual(await detectPasswordSpray(t.store, { fromBatch: 0, toBatch: last }), new Map());
        assert.deepEqual(await detectPasswordSpray(t.store, { fromBatch: last, toBatch: last }), new Map());
      } finally {
        await t.cleanup();
      }
    });

    test('given spans are what a run looks around: none given, none looked at', async () => {
      const t = await createTestStore(dialect);
      try {
        const last = await write(t, [...FILES['2026-11-05']!, ...FILES['2026-11-06']!]);
        const range = { fromBatch: 0, toBatch: last };
        const read = await detectPasswordSpray(t.store, range);
        assert.equal(read.size, 13, 'twelve principals targeted, one more whose secret worked');
        assert.deepEqual(await detectPasswordSpray(t.store, range, { arrivals: [] }), new Map());
        const spray = { from: '2026-11-05T23:30:00.000Z', to: '2026-11-06T14:00:00.000Z' };
        assert.deepEqual(await detectPasswordSpray(t.store, range, { arrivals: [spray] }), read);
      } finally {
        await t.cleanup();
      }
    });
  });
}

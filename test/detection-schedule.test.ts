import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workloadSignIn } from '../src/baselines/workload-sign-in.fixture.ts';
import { startDetectionSchedule } from '../src/jobs/detection-schedule.ts';
import { createIndicatorQueries } from '../src/store/queries/indicator-queries.ts';
import { createIngestQueries, emptyBatch } from '../src/store/queries/ingest-queries.ts';
import { packSignIns } from '../src/store/rows/packed-sign-ins.ts';
import { createTestStore } from './support/dialects.ts';

test('the schedule inside the server finds what was pushed, once, and stops cleanly', async () => {
  const t = await createTestStore('sqlite');
  try {
    await createIndicatorQueries(t.store).upsert(
      [
        {
          cidr: '11.22.33.0/24',
          source: 'drop',
          confidence: 90,
          labels: [],
          validFrom: null,
          validUntil: null,
          id: null,
          description: null,
        },
      ],
      '2026-11-27T00:00:00.000Z',
    );
    const runs: unknown[] = [];
    const schedule = startDetectionSchedule({ store: t.store, intervalMs: 50, onRun: (r) => runs.push(r) });
    const batch = emptyBatch();
    batch.signIns = packSignIns([
      workloadSignIn({ id: 's1', createdAt: '2026-11-26T10:00:00.000Z', ipAddress: '11.22.33.44' }),
    ]);
    await createIngestQueries(t.store).writeBatch(batch, '2026-11-27T00:00:00.000Z');
    for (let i = 0; i < 1000 && runs.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    await schedule.stop();
    assert.equal(runs.length, 1, 'one run found the new sign-in; later runs had nothing new');
    const detections = await t.store.db.selectFrom('risk_detections').select('risk_event_type').execute();
    assert.deepEqual(detections, [{ risk_event_type: 'investigationsThreatIntelligence' }]);
    const lease = await t.store.db.selectFrom('leases').selectAll().execute();
    assert.deepEqual(lease, [], 'the lease is given up on stop');
  } finally {
    await t.cleanup();
  }
});

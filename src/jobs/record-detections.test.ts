import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStore, dialects, type TestStore } from '../../test/support/dialects.ts';
import type { DetectionCandidate } from '../detections/detection.ts';
import { detectionId } from '../risk/detection-id.ts';
import { createRiskQueries } from '../store/queries/risk-queries.ts';
import { type Finding, recordFindings } from './record-detections.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const A = 'b82f5c17-6d4e-4a39-8c1b-0e7a3f9d2c58';
const B = '0a4d2e6f-3c5b-4e1a-9f8d-7b6c5a4e3d21';
const NOW = '2026-11-20T12:00:00.000Z';
const LATER = '2026-11-21T12:00:00.000Z';

function candidate(principalId: string, window: string, level: 'low' | 'medium' | 'high', reason: string) {
  return {
    dedupeKey: `${TENANT}|${principalId}|suspiciousSignins|${window}`,
    riskEventType: 'suspiciousSignins',
    riskLevel: level,
    activity: 'signin',
    activityDateTime: window,
    ipAddress: '203.0.113.7',
    location: { city: null, state: null, countryOrRegion: 'NL' },
    keyIds: [],
    requestId: null,
    correlationId: null,
    additionalInfo: [{ Key: 'reason', Value: reason }],
  } satisfies DetectionCandidate;
}

for (const dialect of dialects) {
  describe(`recording many principals' findings at once on ${dialect}`, () => {
    let t: TestStore;
    before(async () => {
      t = await createTestStore(dialect);
    });
    after(async () => t.cleanup());
    /** Records the findings in one transaction, as a detection pass does. */
    const record = (at: string, ...findings: Finding[]) => {
      const risk = createRiskQueries(t.store);
      return risk.transaction((trx) => recordFindings(trx, risk, findings, at));
    };

    test('new findings are stored and raise each principal once; a key found twice is one detection with the later evidence', async () => {
      const risk = createRiskQueries(t.store);
      const first = candidate(A, '2026-11-20T09:00:00.000Z', 'medium', 'a new ASN');
      const again = candidate(A, '2026-11-20T09:00:00.000Z', 'high', 'a new ASN and a new country');
      const other = candidate(B, '2026-11-20T10:00:00.000Z', 'high', 'a new country');
      const fresh = await record(
        NOW,
        { tenantId: TENANT, principalId: A, candidates: [first, again], privileged: false },
        { tenantId: TENANT, principalId: B, candidates: [other], privileged: false },
      );
      assert.deepEqual(fresh, [[true, false], [true]]);

      const rows = await t.store.db
        .selectFrom('risk_detections')
        .select(['id', 'principal_id', 'risk_level', 'risk_state', 'additional_info', 'detected_date_time'])
        .orderBy('principal_id')
        .execute();
      assert.equal(rows.length, 2);
      const a = rows.find((r) => r.principal_id === A)!;
      assert.equal(a.id, detectionId(first.dedupeKey));
      assert.equal(a.risk_level, 'high', 'the later evidence of the same finding stands');
      assert.match(a.additional_info, /a new country/);
      assert.equal(a.risk_state, 'atRisk');
      assert.equal(a.detected_date_time, NOW);

      const principals = await t.store.db
        .selectFrom('risky_principals')
        .select(['principal_id', 'risk_level', 'risk_state'])
        .orderBy('principal_id')
        .execute();
      assert.deepEqual(
        principals.map((p) => [p.principal_id, p.risk_level, p.risk_state]).sort(),
        [
          [A, 'high', 'atRisk'],
          [B, 'high', 'atRisk'],
        ].sort(),
      );
      assert.equal((await risk.history(TENANT, A)).length, 1);
      assert.equal((await risk.history(TENANT, B)).length, 1);
    });

    test('a known finding with new evidence is refreshed, keeps its first detection time and an analyst’s dismissal', async () => {
      const risk = createRiskQueries(t.store);
      const id = detectionId(candidate(B, '2026-11-20T10:00:00.000Z', 'high', '').dedupeKey);
      await t.store.db
        .updateTable('risk_detections')
        .set({ risk_state: 'dismissed' })
        .where('id', '=', id)
        .execute();
      const refreshed = candidate(B, '2026-11-20T10:00:00.000Z', 'medium', 'a new country, explained again');
      const unchanged = candidate(A, '2026-11-20T09:00:00.000Z', 'high', 'a new ASN and a new country');
      const fresh = await record(
        LATER,
        { tenantId: TENANT, principalId: B, candidates: [refreshed], privileged: false },
        { tenantId: TENANT, principalId: A, candidates: [unchanged], privileged: false },
      );
      assert.deepEqual(fresh, [[false], [false]]);
      const row = await t.store.db
        .selectFrom('risk_detections')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.risk_state, 'dismissed');
      assert.equal(row.risk_level, 'medium');
      assert.match(row.additional_info, /explained again/);
      assert.equal(row.detected_date_time, NOW);
      assert.equal(row.last_updated_date_time, LATER);
      assert.equal((await risk.history(TENANT, A)).length, 1, 'nothing new for A: its risk is not touched');
    });
  });
}

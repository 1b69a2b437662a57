import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importFiles } from '../src/ingest/pipeline.ts';
import { runDetections } from '../src/jobs/detection-run.ts';
import type { SimulationLabels } from '../src/simulate/labels.ts';
import { simulateTenant } from '../src/simulate/simulate-tenant.ts';
import type { Store } from '../src/store/open-store.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';

// The property the engine promises: sixty days of a tenant's logs imported at once and detected once
// give the same detections and the same principal risk as the same logs arriving a day at a time with
// a detection run after each day. The tenant is simulated: rotating cloud addresses, SDK upgrades,
// credential rotations, managed identity certificate renewals, and the attacks of the simulation.

const dir = mkdtempSync(join(tmpdir(), 'vigil-equivalence-sim-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'tenant');
let labels: SimulationLabels;

const CONTAINERS = [
  'insights-logs-serviceprincipalsigninlogs',
  'insights-logs-managedidentitysigninlogs',
  'insights-logs-auditlogs',
];

/** The export directories of one day, for every log category that has one. */
function dayDirectories(day: string): string[] {
  const [y, m, d] = day.split('-');
  return CONTAINERS.map((c) =>
    join(out, c, `tenantId=${labels.tenantId}`, `y=${y}`, `m=${m}`, `d=${d}`),
  ).filter((p) => existsSync(p));
}

function days(): string[] {
  const list: string[] = [];
  for (let t = Date.parse(labels.start); t < Date.parse(labels.end); t += 86_400_000) {
    list.push(new Date(t).toISOString().slice(0, 10));
  }
  return list;
}

const config = {
  defaultTenantId: '00000000-0000-0000-0000-000000000000',
  ingestBatchSize: 10_000,
  maxRecordBytes: 256 * 1024,
  bodyLimitBytes: 64 * 1024 * 1024,
  ingestWorkers: false,
};

async function ingest(store: Store, paths: string[]) {
  if (paths.length === 0) return;
  const result = await importFiles(paths, { store, config, enrich: true });
  assert.equal(result.quarantined, 0);
}

/** Everything an analyst would see of the outcome, without the wall-clock times of the runs. */
async function outcome(store: Store) {
  const detections = await store.db
    .selectFrom('risk_detections')
    .select([
      'id',
      'principal_id',
      'risk_event_type',
      'risk_level',
      'risk_state',
      'activity_date_time',
      'ip_address',
      'key_ids',
      'additional_info',
    ])
    .orderBy('id')
    .execute();
  const risky = await store.db
    .selectFrom('risky_principals')
    .select(['principal_id', 'risk_level', 'risk_state'])
    .orderBy('principal_id')
    .execute();
  return { detections, risky };
}

/** Every principal's learned baseline, as stored. */
async function baselineRows(store: Store) {
  const values = await store.db
    .selectFrom('baseline_values')
    .selectAll()
    .orderBy('principal_id')
    .orderBy('property')
    .orderBy('value')
    .execute();
  const meta = await store.db.selectFrom('baseline_meta').selectAll().orderBy('principal_id').execute();
  return { values, meta };
}

before(async () => {
  const summary = await simulateTenant({ out, principals: 40, days: 60, seed: 60 });
  labels = summary.labels;
});

for (const dialect of dialects) {
  describe(`sixty simulated days on ${dialect}`, () => {
    let once: TestStore;
    let daily: TestStore;
    let sharded: TestStore;
    before(async () => {
      once = await createTestStore(dialect);
      daily = await createTestStore(dialect);
      sharded = await createTestStore(dialect);
    });
    after(async () => {
      await once.cleanup();
      await daily.cleanup();
      await sharded.cleanup();
    });

    test('imported at once or a day at a time, detection ends with the same detections and risk', async () => {
      await ingest(once.store, [join(out, 'inventory')]);
      await ingest(daily.store, [join(out, 'inventory')]);
      const logs = readdirSync(out)
        .filter((e) => e.startsWith('insights-logs-'))
        .map((e) => join(out, e));
      await ingest(once.store, logs);
      const all = await runDetections(once.store, '2026-12-01T00:00:00.000Z');
      assert.ok(all.signIns > 20_000, `a realistic volume (${all.signIns} sign-ins)`);

      let signIns = 0;
      for (const day of days()) {
        await ingest(daily.store, dayDirectories(day));
        signIns += (await runDetections(daily.store, `${day}T23:59:00.000Z`)).signIns;
      }
      assert.equal(signIns, all.signIns, 'every sign-in evaluated once');

      const a = await outcome(once.store);
      const b = await outcome(daily.store);
      assert.ok(a.detections.length > 0);
      assert.deepEqual(b.detections, a.detections);
      assert.deepEqual(b.risky, a.risky);
      const flagged = new Set(a.risky.filter((r) => r.risk_level !== 'low').map((r) => r.principal_id));
      const attacks = labels.attacks.filter((x) => x.expectDetection && x.kind !== 'leakedSecret');
      assert.ok(attacks.length >= 5, `the tenant is attacked (${attacks.length} attacks)`);
      for (const attack of attacks) {
        assert.ok(flagged.has(attack.principalId), `the ${attack.kind} attack is found`);
      }

      // The same pass spread over scan workers, each with a share of the principals, finds the same
      // and learns the same baselines.
      await ingest(sharded.store, [join(out, 'inventory'), ...logs]);
      const spread = await runDetections(sharded.store, '2026-12-01T00:00:00.000Z', {
        workers: 3,
        cores: 3,
        minSignInsPerWorker: 1,
      });
      assert.equal(spread.scanWorkers, 3);
      assert.equal(spread.signIns, all.signIns);
      assert.deepEqual(spread.detections, all.detections);
      const c = await outcome(sharded.store);
      assert.deepEqual(c.detections, a.detections);
      assert.deepEqual(c.risky, a.risky);
      assert.deepEqual(await baselineRows(sharded.store), await baselineRows(once.store));
    });
  });
}

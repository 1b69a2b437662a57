import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createTestStore, dialects, type TestStore } from '../../../test/support/dialects.ts';
import { loadConfig } from '../../config/load.ts';
import type { IngestDeps } from '../../ingest/pipeline.ts';
import { createIngestQueries } from '../../store/queries/ingest-queries.ts';
import { createDecisionRecorder, type DecisionRecord } from './decision-recorder.ts';

const TENANT = '5d0f7a42-9c1e-4b3a-8f26-7e4d1c9b0a35';
const LEDGER_API = '8e2c4b7a-1f3d-4a6e-9b5c-0d7f2e1a3c48';
const POLICY = {
  id: 'c1a7e3f9-4b2d-4e8a-9f61-3d5b7c9e1a20',
  displayName: 'WI: block workload identities at high risk',
  enforcedGrantControls: ['block'],
  enforcedSessionControls: [],
  result: 'notApplied',
  conditionsSatisfied: 'application,servicePrincipals',
  conditionsNotSatisfied: 'servicePrincipalRisk',
};

/** A decision as the decision point records it: an allowed request of the billing sync daemon. */
function decision(n: number): DecisionRecord {
  return {
    id: randomUUID(),
    createdDateTime: new Date(Date.UTC(2026, 10, 27, 6, 0, 0, n)).toISOString(),
    appId: '2b9e6d14-7a3c-4f58-b0e2-91c4d7a6f3e8',
    servicePrincipalId: '6f1d8c3a-2e7b-4a95-8c40-b3e9d2f1a7c6',
    ipAddress: `203.0.113.${n % 250}`,
    resourceId: LEDGER_API,
    userAgent: 'nginx/1.22.1',
    signInEventTypes: ['servicePrincipal'],
    clientCredentialType: 'certificate',
    status: { errorCode: 0, failureReason: null },
    conditionalAccessStatus: 'notApplied',
    appliedConditionalAccessPolicies: [POLICY],
    correlationId: randomUUID(),
    originalRequestId: randomUUID(),
    isInteractive: false,
  };
}

for (const dialect of dialects) {
  describe(`decision recorder (${dialect})`, () => {
    let t: TestStore;
    let deps: IngestDeps;
    // Transactions the recorder committed, and whether the next one should fail as a store would.
    let writes = 0;
    let failNext = false;

    before(async () => {
      t = await createTestStore(dialect);
      const ingest = createIngestQueries(t.store);
      deps = {
        store: t.store,
        config: { ...loadConfig({ env: { ...t.env, VIGIL_TENANT_ID: TENANT } }), ingestWorkers: false },
        enrich: false,
        ingest: {
          ...ingest,
          writeBatch(batches, now) {
            if (failNext) {
              failNext = false;
              return Promise.reject(new Error('database is locked'));
            }
            writes++;
            return ingest.writeBatch(batches, now);
          },
        },
      };
    });
    after(() => t.cleanup());

    const stored = async (): Promise<number> => {
      const row = await t.store.db
        .selectFrom('sign_ins')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', TENANT)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };

    test('a backlog is written in slices, with requests let in between them', async () => {
      // A budget no slice can meet keeps every slice at the smallest size.
      const recorder = createDecisionRecorder(deps, (err) => assert.fail(String(err)), {
        sliceBudgetMs: 0.001,
        firstSliceRecords: 8,
      });
      const before = await stored();
      writes = 0;
      for (let n = 0; n < 120; n++) recorder.add(TENANT, decision(n));
      // Stands for the requests that arrive while decisions are written: it must get turns.
      let turns = 0;
      let running = true;
      const spin = () => {
        turns++;
        if (running) setImmediate(spin);
      };
      setImmediate(spin);
      await recorder.flush();
      running = false;
      await recorder.close();
      assert.equal((await stored()) - before, 120);
      assert.equal(writes, 15, 'fifteen slices of eight');
      assert.ok(turns >= writes - 1, `the event loop turned ${turns} times over ${writes} slices`);
    });

    test('a slice the store refused is written on the next flush, and only once', async () => {
      const errors: unknown[] = [];
      const recorder = createDecisionRecorder(deps, (err) => errors.push(err), { flushEveryMs: 60_000 });
      const before = await stored();
      for (let n = 0; n < 40; n++) recorder.add(TENANT, decision(n));
      failNext = true;
      await recorder.flush();
      assert.equal(errors.length, 1);
      assert.equal(await stored(), before, 'nothing stored while the store refused');
      await recorder.flush();
      assert.equal((await stored()) - before, 40);
      await recorder.flush();
      await recorder.close();
      assert.equal((await stored()) - before, 40, 'each decision once');
      assert.equal(errors.length, 1);
    });
  });
}

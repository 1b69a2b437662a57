import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { importFiles } from '../src/ingest/pipeline.ts';
import { runDetections } from '../src/jobs/detection-run.ts';
import {
  adminInitiator,
  applicationOwner,
  makeCredentialChangeRecord,
} from '../src/simulate/audit-records.ts';
import { createRandom } from '../src/simulate/random.ts';
import { makeSignInRecord } from '../src/simulate/sign-in-records.ts';
import { createTenantModel, secretCredential } from '../src/simulate/tenant-model.ts';
import type { Store } from '../src/store/open-store.ts';
import { createTestStore, dialects } from './support/dialects.ts';

// An administrator who never managed credentials adds a secret to an app registration that Vigil
// knows nothing about yet: no inventory was imported and its service principal has not signed in.
// The addition cannot be placed on a principal when its audit event arrives; it is judged once the
// principal shows up in the sign-in log, in a later run.

const model = createTenantModel({ seed: 17, principals: 6, managedIdentities: 0 });
const target = model.principals.find((p) => !p.multiTenant && p.applicationObjectId !== null)!;
const other = model.principals.find((p) => p !== target && !p.multiTenant && p.applicationObjectId !== null)!;
const [usual, newcomer] = model.admins as [(typeof model.admins)[0], (typeof model.admins)[0]];
const rnd = createRandom(5);
const dir = mkdtempSync(join(tmpdir(), 'vigil-retry-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const day = (d: number, h = 9) => new Date(Date.UTC(2026, 9, d, h, 0));
const key = (d: number) =>
  secretCredential(rnd, 'application', 'rotated', day(d).getTime(), 365, model.epoch);

function write(name: string, records: Record<string, unknown>[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return path;
}

// Ten days of a usual administrator rotating another app's secrets, so the tenant's audit history is
// long enough for actor novelty to count; then the newcomer's addition on day 12.
const history = [1, 4, 7, 10].map((d) =>
  makeCredentialChangeRecord(model, rnd, day(d), {
    owner: applicationOwner(other),
    before: [],
    after: [key(d)],
    initiator: adminInitiator(rnd, usual),
  }),
);
const addition = makeCredentialChangeRecord(model, rnd, day(12), {
  owner: applicationOwner(target),
  before: [],
  after: [key(12)],
  initiator: adminInitiator(rnd, newcomer),
});
const audits = write('audits.json', [...history, addition]);
const signIns = write(
  'sign-ins.json',
  [13, 14].map((d) =>
    makeSignInRecord(model, rnd, day(d), { principalIndex: model.principals.indexOf(target) }),
  ),
);

const config = {
  defaultTenantId: model.tenantId,
  ingestBatchSize: 10_000,
  maxRecordBytes: 256 * 1024,
  bodyLimitBytes: 64 * 1024 * 1024,
  ingestWorkers: false,
};

async function unplaced(store: Store) {
  return store.db.selectFrom('unplaced_credential_audits').select('audit_id').execute();
}

for (const dialect of dialects) {
  describe(`a credential added before its principal is known, on ${dialect}`, () => {
    test('waits, then is judged when the principal first signs in', async () => {
      const t = await createTestStore(dialect);
      try {
        await importFiles([audits], { store: t.store, config, enrich: true });
        const first = await runDetections(t.store, '2026-10-12T12:00:00.000Z');
        assert.equal(first.detections.unusualCredentialAddition?.new, 0);
        assert.equal((await unplaced(t.store)).length, 5, 'no addition has a known principal: all wait');

        await importFiles([signIns], { store: t.store, config, enrich: true });
        const second = await runDetections(t.store, '2026-10-14T12:00:00.000Z');
        assert.equal(second.detections.unusualCredentialAddition?.new, 1);
        assert.equal((await unplaced(t.store)).length, 4, "the other app's additions still wait");
        const [d] = await t.store.db
          .selectFrom('risk_detections')
          .selectAll()
          .where('risk_event_type', '=', 'unusualCredentialAddition')
          .execute();
        assert.equal(d?.principal_id, target.objectId);
        assert.match(String(d?.additional_info), /unusualActor/);
      } finally {
        await t.cleanup();
      }
    });
  });
}

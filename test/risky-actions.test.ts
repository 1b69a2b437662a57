import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ActionActor, createRiskActions, MAX_IDS_PER_CALL } from '../src/api/graph/risk-actions.ts';
import { ApiError } from '../src/errors/api-error.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { runVigil } from './support/run-vigil.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const BILLING = 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93';
const INVENTORY = fileURLToPath(
  new URL('./fixtures/formats/graph-service-principals-page.json', import.meta.url),
);

for (const dialect of dialects) {
  describe(`confirming and dismissing risk from the command line on ${dialect}`, () => {
    let t: TestStore;
    let env: Record<string, string>;
    before(async () => {
      t = await createTestStore(dialect);
      env = { ...t.env, VIGIL_TENANT_ID: TENANT };
      const imported = await runVigil(['import', '--json', INVENTORY], env);
      assert.equal(imported.code, 0, imported.stderr);
    });
    after(async () => t.cleanup());

    test('confirm compromised: high, confirmed, an admin-confirmed detection, and who did it', async () => {
      const run = await runVigil(
        ['risky', 'confirm-compromised', '--actor', 'secops@contoso.com', BILLING],
        env,
      );
      assert.equal(run.code, 0, run.stderr);
      const list = JSON.parse((await runVigil(['risky', 'list', '--json'], env)).stdout).value;
      assert.equal(list.length, 1);
      assert.equal(list[0].id, BILLING);
      assert.equal(list[0].displayName, 'contoso-billing-sync');
      assert.equal(list[0].servicePrincipalType, 'Application');
      assert.deepEqual(
        [list[0].riskLevel, list[0].riskState, list[0].riskDetail],
        ['high', 'confirmedCompromised', 'adminConfirmedServicePrincipalCompromised'],
      );
      const detections = JSON.parse(
        (
          await runVigil(
            ['detections', 'list', '--json', '--type', 'adminConfirmedServicePrincipalCompromised'],
            env,
          )
        ).stdout,
      ).value;
      assert.equal(detections.length, 1);
      assert.match(detections[0].id, /^[0-9a-f]{52}$/);
      assert.equal(detections[0].riskState, 'confirmedCompromised');
      assert.equal(detections[0].activity, 'servicePrincipal');
      assert.match(detections[0].additionalInfo, /secops@contoso\.com/);
    });

    test('dismiss: level none, the detection dismissed, and the history tells both changes', async () => {
      const run = await runVigil(['risky', 'dismiss', '--actor', 'analyst@contoso.com', BILLING], env);
      assert.equal(run.code, 0, run.stderr);
      const [sp] = JSON.parse((await runVigil(['risky', 'list', '--json'], env)).stdout).value;
      assert.deepEqual(
        [sp.riskLevel, sp.riskState, sp.riskDetail],
        ['none', 'dismissed', 'adminDismissedAllRiskForServicePrincipal'],
      );
      const [d] = JSON.parse((await runVigil(['detections', 'list', '--json'], env)).stdout).value;
      assert.equal(d.riskState, 'dismissed');
      const history = JSON.parse((await runVigil(['risky', 'history', '--json', BILLING], env)).stdout).value;
      assert.deepEqual(
        history.map((h: { riskState: string; initiatedBy: string }) => [h.riskState, h.initiatedBy]),
        [
          ['confirmedCompromised', 'secops@contoso.com'],
          ['dismissed', 'analyst@contoso.com'],
        ],
      );
      assert.deepEqual(history[1].activity, {
        riskEventTypes: ['adminConfirmedServicePrincipalCompromised'],
        detail: 'adminDismissedAllRiskForServicePrincipal',
      });
    });

    test('an unknown id is reported and fails the command; the others are still applied', async () => {
      const unknown = '00000000-1111-4222-8333-444444444444';
      const run = await runVigil(
        ['risky', 'confirm-compromised', unknown, 'b82f5c17-6d4e-4a39-8c1b-0e7a3f9d2c58'],
        env,
      );
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`no such service principal: ${unknown}`));
      assert.match(run.stdout, /confirmed compromised: b82f5c17/);
    });
  });
}

test('more than 60 ids, or ids that are not GUIDs, are refused before anything changes', async () => {
  const t = await createTestStore('sqlite');
  try {
    const actions = createRiskActions(t.store);
    const x: ActionActor = {
      initiatedBy: 'x',
      audit: {
        kind: 'user',
        id: null,
        displayName: 'x',
        userPrincipalName: null,
        appId: null,
        servicePrincipalId: null,
        ipAddress: null,
      },
    };
    const many = Array.from(
      { length: MAX_IDS_PER_CALL + 1 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    await assert.rejects(
      actions.dismiss(TENANT, many, x),
      (e: unknown) => e instanceof ApiError && /At most 60/.test(e.message),
    );
    await assert.rejects(
      actions.confirmCompromised(TENANT, ['contoso'], x),
      /Not a service principal id: contoso/,
    );
    await assert.rejects(actions.confirmCompromised(TENANT, [], x), /at least one/);
  } finally {
    await t.cleanup();
  }
});

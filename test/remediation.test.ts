import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import { newCertificate } from '../src/credentials/new-certificate.ts';
import { importFiles } from '../src/ingest/pipeline.ts';
import { runDetections } from '../src/jobs/detection-run.ts';
import type { AttackLabel, SimulationLabels } from '../src/simulate/labels.ts';
import { simulateTenant } from '../src/simulate/simulate-tenant.ts';
import { apiCaller } from './support/call-api.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { runVigil } from './support/run-vigil.ts';
import { importSimulatedTenant } from './support/simulated-tenant.ts';

// A principal whose client secret was stolen is remediated end to end through the API: the plan
// lists what it held when the first detection fired, the administrator reviews, adds a certificate,
// removes every old credential and settles the Key Vault step, and the principal ends `remediated`
// with a history item. Then the attacker replays a sign-in with the removed secret — it still works
// in the directory, as nobody ran the removal in Entra — and Vigil raises a high detection.

const dir = mkdtempSync(join(tmpdir(), 'vigil-remediation-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'tenant');
let labels: SimulationLabels;

before(async () => {
  labels = (await simulateTenant({ out, principals: 20, days: 21, seed: 77, end: new Date() })).labels;
});

/** Polls `read` until it answers something (not null), for at most five seconds. */
async function eventually<T>(read: () => Promise<T | null>): Promise<T> {
  const until = Date.now() + 5000;
  for (;;) {
    const value = await read();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error('no fresh answer within five seconds');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A Graph beta sign-in of a workload with a credential, as the replayed attack looks in the log. */
function replayedSignIn(attack: AttackLabel, keyId: string, at: Date): Record<string, unknown> {
  return {
    id: randomUUID(),
    createdDateTime: at.toISOString(),
    ipAddress: attack.ipAddresses[0] ?? '185.220.101.4',
    appId: attack.appId,
    appDisplayName: attack.displayName,
    correlationId: randomUUID(),
    conditionalAccessStatus: 'notApplied',
    isInteractive: false,
    resourceDisplayName: 'Microsoft Graph',
    resourceId: '00000003-0000-0000-c000-000000000000',
    servicePrincipalId: attack.principalId,
    servicePrincipalName: attack.displayName,
    servicePrincipalCredentialKeyId: keyId,
    servicePrincipalCredentialThumbprint: '',
    federatedCredentialId: '',
    clientCredentialType: 'clientSecret',
    status: { errorCode: 0, failureReason: 'Other.', additionalDetails: null },
    location: { city: null, state: null, countryOrRegion: 'NL' },
    appliedConditionalAccessPolicies: [],
    userAgent: 'python-requests/2.31.0',
    resourceTenantId: labels.tenantId,
    homeTenantId: labels.tenantId,
    signInEventTypes: ['servicePrincipal'],
    managedServiceIdentity: { msiType: 'none', associatedResourceId: null },
  };
}

for (const dialect of dialects) {
  describe(`remediation on ${dialect}`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let admin: string;
    let reader: string;
    let attack: AttackLabel;
    before(async () => {
      t = await createTestStore(dialect);
      const config = loadConfig({
        env: {},
        overrides: { defaultTenantId: labels.tenantId, detectIntervalSeconds: 0 },
      });
      await importSimulatedTenant(t.store, out, labels.tenantId, { enrich: false });
      await runDetections(t.store, new Date().toISOString());
      app = await buildApp({ config, store: t.store, intel: null, logger: false });
      const keys = createApiKeys(t.store);
      admin = (
        await keys.create({ tenantId: labels.tenantId, role: 'security-administrator', name: 'ir-lead' })
      ).key;
      reader = (await keys.create({ tenantId: labels.tenantId, role: 'security-reader', name: 'soc' })).key;
      const stolen = labels.attacks.find((a) => a.kind === 'stolenSecret' && a.keyIds.length > 0);
      assert.ok(stolen, 'the simulation plants a stolen secret');
      attack = stolen;
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });
    const call = apiCaller(() => app);
    const plan = () =>
      call(
        'GET',
        `/v1.0/identityProtection/riskyServicePrincipals/${attack.principalId}/remediation`,
        reader,
      );
    const step = (p: { steps: { name: string }[] }, name: string) =>
      p.steps.find((s) => s.name === name) as {
        name: string;
        state: string;
        detail: string;
        credentials?: {
          keyId: string;
          type: string;
          objectType: string;
          objectId: string;
          presentAtFirstDetection: boolean;
        }[];
        directoryRequests?: string[];
      };

    test('a full remediation of the compromised principal ends in remediated; a replayed removed secret raises a high detection', async () => {
      const before = (
        await call('GET', `/v1.0/identityProtection/riskyServicePrincipals/${attack.principalId}`, reader)
      ).json();
      assert.equal(before.riskState, 'atRisk', 'the stolen secret was detected');
      assert.equal((await plan()).statusCode, 404);
      assert.equal(
        (
          await call(
            'POST',
            `/v1.0/identityProtection/riskyServicePrincipals/${attack.principalId}/remediation`,
            reader,
          )
        ).statusCode,
        403,
      );

      const started = await call(
        'POST',
        `/v1.0/identityProtection/riskyServicePrincipals/${attack.principalId}/remediation`,
        admin,
      );
      assert.equal(started.statusCode, 201, started.body);
      const p0 = started.json();
      assert.equal(p0.state, 'inProgress');
      assert.equal(p0.directoryConnected, false);
      assert.match(p0['@odata.context'], /riskyServicePrincipals\('[0-9a-f-]+'\)\/remediation\/\$entity$/);
      const planned = step(p0, 'removeOldCredentials').credentials!;
      // The stolen secret is among what must go, as held when the first detection fired.
      const stolenKey = attack.keyIds[0]!;
      const stolenEntry = planned.find((c) => c.keyId === stolenKey);
      assert.ok(stolenEntry, `the plan removes the stolen secret: ${JSON.stringify(planned)}`);
      assert.equal(stolenEntry.presentAtFirstDetection, true);
      assert.equal(step(p0, 'reviewInventory').state, 'pending');
      assert.equal(step(p0, 'addCredential').state, 'pending');
      assert.equal(step(p0, 'disable').state, 'pending');
      // Starting again returns the plan in progress.
      const again = await call(
        'POST',
        `/v1.0/identityProtection/riskyServicePrincipals/${attack.principalId}/remediation`,
        admin,
      );
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().id, p0.id);

      const base = `/v1.0/identityProtection/riskyServicePrincipals/${attack.principalId}/remediation`;
      const refused = await call('POST', `${base}/steps/addCredential/complete`, admin, {});
      assert.equal(refused.statusCode, 400);
      assert.equal(
        (
          await call('POST', `${base}/steps/reviewInventory/complete`, admin, {
            note: 'checked with the owner',
          })
        ).statusCode,
        200,
      );

      // The workload must keep running while it switches: it stays enabled.
      const skipped = await call('POST', `${base}/steps/disable/skip`, admin, {
        note: 'payments depend on it',
      });
      assert.equal(step(skipped.json(), 'disable').state, 'skipped');

      // A certificate for the workload, registered on the service principal.
      const cert = await newCertificate({ commonName: attack.displayName });
      const added = await call('POST', `/v1.0/servicePrincipals/${attack.principalId}/addKey`, admin, {
        keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.key },
      });
      assert.equal(added.statusCode, 200, added.body);
      const p1 = (await plan()).json();
      assert.equal(step(p1, 'addCredential').state, 'done');
      assert.match(step(p1, 'addCredential').detail, /certificate was added/);
      assert.match(step(p1, 'addCredential').directoryRequests?.[0] ?? '', /servicePrincipals\/[0-9a-f-]+/);

      // Every old credential removed, through the Graph-shaped actions.
      for (const c of planned) {
        const set = c.objectType === 'servicePrincipal' ? 'servicePrincipals' : 'applications';
        const r =
          c.type === 'password'
            ? await call('POST', `/v1.0/${set}/${c.objectId}/removePassword`, admin, { keyId: c.keyId })
            : c.type === 'certificate'
              ? await call('POST', `/v1.0/${set}/${c.objectId}/removeKey`, admin, { keyId: c.keyId })
              : await call(
                  'DELETE',
                  `/v1.0/applications/${c.objectId}/federatedIdentityCredentials/${c.keyId}`,
                  admin,
                );
        assert.equal(r.statusCode, 204, `${c.type} ${c.keyId}: ${r.body}`);
      }
      const p2 = (await plan()).json();
      const removal = step(p2, 'removeOldCredentials');
      assert.equal(removal.state, 'done', removal.detail);
      assert.equal(
        p2.state,
        step(p2, 'rotateKeyVaultSecrets').state === 'pending' ? 'inProgress' : 'remediated',
      );
      // No Graph connection: the plan lists what to run in Entra for each removal.
      assert.equal(removal.directoryRequests?.length, planned.length);

      const vault = step(p2, 'rotateKeyVaultSecrets');
      if (vault.state === 'pending') {
        const dry = await call('POST', `${base}/rotateKeyVaultSecrets`, admin, {
          vaultUrl: 'https://billing-kv.vault.azure.net',
          secretNames: ['sql-password'],
        });
        assert.equal(dry.statusCode, 200, dry.body);
        assert.match(
          dry.json().directoryRequests[0],
          /^PUT https:\/\/billing-kv\.vault\.azure\.net\/secrets\/sql-password\?api-version=7\.4/,
        );
        assert.equal(dry.json().rotated.length, 0);
        const marked = await call('POST', `${base}/steps/rotateKeyVaultSecrets/complete`, admin, {
          note: 'rotated by the platform team',
        });
        assert.equal(marked.statusCode, 200);
      } else {
        assert.equal(vault.state, 'notNeeded');
      }

      const done = (await plan()).json();
      assert.equal(
        done.state,
        'remediated',
        JSON.stringify(done.steps.map((s: { name: string; state: string }) => [s.name, s.state])),
      );
      assert.ok(done.completedDateTime);
      const risky = (
        await call('GET', `/v1.0/identityProtection/riskyServicePrincipals/${attack.principalId}`, reader)
      ).json();
      assert.equal(risky.riskState, 'remediated');
      assert.equal(risky.riskLevel, 'none');
      const history = (
        await call(
          'GET',
          `/v1.0/identityProtection/riskyServicePrincipals/${attack.principalId}/history`,
          reader,
        )
      ).json().value;
      const last = [...history]
        .sort((a: { riskLastUpdatedDateTime: string }, b: { riskLastUpdatedDateTime: string }) =>
          a.riskLastUpdatedDateTime.localeCompare(b.riskLastUpdatedDateTime),
        )
        .at(-1);
      assert.equal(last.riskState, 'remediated');
      assert.ok(String(last.initiatedBy).startsWith('apiKey:'));
      const detections = (
        await call(
          'GET',
          `/v1.0/identityProtection/servicePrincipalRiskDetections?$filter=${encodeURIComponent(`servicePrincipalId eq '${attack.principalId}'`)}`,
          reader,
        )
      ).json().value;
      assert.ok(detections.length > 0);
      assert.ok(
        detections.every(
          (d: { riskState: string }) => d.riskState === 'remediated' || d.riskState === 'dismissed',
        ),
      );

      // The attacker still holds the secret and it still works in Entra: the replayed sign-in is caught.
      const file = join(dir, `replay-${dialect}.json`);
      writeFileSync(
        file,
        JSON.stringify({ value: [replayedSignIn(attack, stolenKey, new Date(Date.now() + 60_000))] }),
      );
      const imported = await importFiles([file], {
        store: t.store,
        config: {
          defaultTenantId: labels.tenantId,
          ingestBatchSize: 1000,
          maxRecordBytes: 262_144,
          bodyLimitBytes: 1 << 26,
          ingestWorkers: false,
        },
        enrich: false,
      });
      assert.equal(imported.stored, 1);
      const run = await runDetections(t.store, new Date(Date.now() + 120_000).toISOString());
      assert.equal(run.detections.removedCredentialUsed?.new, 1);
      // The run committed outside the API: reads show it within the cache's poll of the change
      // counters (at most 250 ms).
      const raised = await eventually(async () => {
        const value = (
          await call(
            'GET',
            `/v1.0/identityProtection/servicePrincipalRiskDetections?$filter=${encodeURIComponent(`riskEventType eq 'removedCredentialUsed'`)}`,
            reader,
          )
        ).json().value;
        return value.length > 0 ? value : null;
      });
      assert.equal(raised.length, 1);
      assert.equal(raised[0].riskLevel, 'high');
      assert.equal(raised[0].servicePrincipalId, attack.principalId);
      assert.deepEqual(raised[0].keyIds, [stolenKey]);
      const after = await eventually(async () => {
        const r = (
          await call('GET', `/v1.0/identityProtection/riskyServicePrincipals/${attack.principalId}`, reader)
        ).json();
        return r.riskState === 'remediated' ? null : r;
      });
      assert.equal(after.riskState, 'atRisk');
      assert.equal(after.riskLevel, 'high');
    });

    test('vigil remediate walks an administrator through the plan in the terminal', async () => {
      const other = labels.attacks.find(
        (a) => a.principalId !== attack.principalId && a.expectDetection && a.kind !== 'passwordSpray',
      );
      assert.ok(other, 'a second attacked principal');
      const pem = join(dir, `cli-${dialect}.pem`);
      // Answers, a line per question: reviewed; generate a certificate (default); keep it enabled;
      // remove the old credentials; Key Vault secrets rotated elsewhere (asked only if it used Key Vault).
      const run = await runVigil(
        ['remediate', other.principalId, '--out', pem, '--actor', 'ir-lead@contoso.com'],
        { ...t.env, VIGIL_TENANT_ID: labels.tenantId },
        'y\n\nn\ny\ndone\n',
      );
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /: remediated\n/);
      assert.match(run.stderr, /registered certificate [0-9A-F]{40}/);
      assert.match(run.stdout, /no Graph connection for this tenant: run these in Entra too/);
      const risk = await t.store.db
        .selectFrom('risky_principals')
        .selectAll()
        .where('principal_id', '=', other.principalId)
        .executeTakeFirstOrThrow();
      assert.equal(risk.risk_state, 'remediated');
      const history = await t.store.db
        .selectFrom('risk_history')
        .select(['risk_state', 'initiated_by'])
        .where('principal_id', '=', other.principalId)
        .where('risk_state', '=', 'remediated')
        .execute();
      assert.deepEqual(
        history.map((h) => h.initiated_by),
        ['ir-lead@contoso.com'],
      );
    });
  });
}

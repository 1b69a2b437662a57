import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import { newCertificate } from '../src/credentials/new-certificate.ts';
import { type ApiMethod, apiCaller } from './support/call-api.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { type FakeEntra, startFakeEntra } from './support/fake-entra.ts';
import { type FakeKeyVault, startFakeKeyVault } from './support/fake-key-vault.ts';
import { runVigil } from './support/run-vigil.ts';

// With a Graph connection configured for the tenant, each credential action is made in Entra first
// (here a local server speaking Graph's wire format: token endpoint, paths, bodies, errors,
// throttling) and only then in Vigil; Entra's refusal changes nothing in Vigil. Key Vault secrets
// the principal could reach are rotated through the Key Vault REST API.

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const BILLING_SP = 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93';
const BILLING_APP_ID = '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35';
const BILLING_APP = '2e6c9a41-8f3b-4d07-b5a2-6c1e9d4f7b38';
const VIGIL_CLIENT = '0b7c4e12-6a3f-4d58-9e21-8c5f1a7d3b90';
const VIGIL_SECRET = 'vigil-connection-secret-for-tests-only';
const FORMATS = fileURLToPath(new URL('./fixtures/formats/', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'vigil-remediation-connected-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let entra: FakeEntra;
let vault: FakeKeyVault;
before(async () => {
  entra = await startFakeEntra();
  entra.addClient({
    tenantId: TENANT,
    clientId: VIGIL_CLIENT,
    clientSecret: VIGIL_SECRET,
    roles: ['Application.ReadWrite.All'],
  });
  vault = await startFakeKeyVault({ entra, tenantId: TENANT });
  vault.grant(VIGIL_CLIENT, ['list', 'get', 'set']);
  vault.seed('sql-password', 'old-sql-password-value');
});
after(async () => {
  await vault.close();
  await entra.close();
});

for (const dialect of dialects) {
  describe(`remediation through a Graph connection on ${dialect}`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let admin: string;
    before(async () => {
      entra.addServicePrincipal(TENANT, {
        id: BILLING_SP,
        appId: BILLING_APP_ID,
        displayName: 'contoso-billing-sync',
      });
      entra.addApplication(TENANT, {
        id: BILLING_APP,
        appId: BILLING_APP_ID,
        displayName: 'contoso-billing-sync',
      });
      t = await createTestStore(dialect);
      const imported = await runVigil(['import', '--json', FORMATS], { ...t.env, VIGIL_TENANT_ID: TENANT });
      assert.equal(imported.code, 0, imported.stderr);
      const config = loadConfig({
        env: {
          VIGIL_GRAPH_CONNECTIONS: JSON.stringify({
            [TENANT]: {
              clientId: VIGIL_CLIENT,
              clientSecret: VIGIL_SECRET,
              authorityHost: entra.origin,
              graphBaseUrl: entra.origin,
            },
          }),
        },
        overrides: { defaultTenantId: TENANT, detectIntervalSeconds: 0 },
      });
      app = await buildApp({ config, store: t.store, intel: null, logger: false });
      admin = (
        await createApiKeys(t.store).create({ tenantId: TENANT, role: 'security-administrator', name: 'ir' })
      ).key;
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });
    const callAs = apiCaller(() => app);
    const call = (method: ApiMethod, url: string, payload?: unknown) => callAs(method, url, admin, payload);

    test('addPassword is made in Entra, which issues the secret once; Vigil keeps its hash, and a leak of it matches exactly', async () => {
      const before = entra.graphRequests.length;
      const r = await call('POST', `/v1.0/applications/${BILLING_APP}/addPassword`, {
        passwordCredential: { displayName: 'rotated' },
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers['vigil-directory'], 'applied');
      const pc = r.json();
      assert.equal(pc['@vigil.directoryRequests'], undefined);
      const inEntra = entra
        .application(TENANT, BILLING_APP)!
        .passwordCredentials.find((c) => c.keyId === pc.keyId);
      assert.ok(inEntra, 'the secret exists in the directory');
      assert.equal(inEntra.secretText, pc.secretText);
      const sent = entra.graphRequests.slice(before);
      assert.deepEqual(
        sent.map((q) => `${q.method} ${q.path}`),
        [`POST /v1.0/applications/${BILLING_APP}/addPassword`],
      );
      assert.deepEqual(
        (sent[0]!.body as { passwordCredential: { displayName: string } }).passwordCredential.displayName,
        'rotated',
      );
      const row = await t.store.db
        .selectFrom('credentials')
        .selectAll()
        .where('key_id', '=', pc.keyId)
        .executeTakeFirstOrThrow();
      assert.ok(row.secret_hash);
      assert.equal(row.hint, pc.secretText.slice(0, 3));

      assert.equal(row.added_via, 'vigil');
      const everything = JSON.stringify([
        await t.store.db.selectFrom('credentials').selectAll().execute(),
        await t.store.db.selectFrom('directory_audits').selectAll().execute(),
      ]);
      assert.ok(!everything.includes(pc.secretText), 'the secret text is stored somewhere');
      const audit = await t.store.db
        .selectFrom('directory_audits')
        .selectAll()
        .where('logged_by_service', '=', 'Vigil')
        .where('activity_display_name', 'like', 'Update application%')
        .executeTakeFirstOrThrow();
      assert.equal(audit.actor_name, 'ir');
      assert.match(audit.targets, new RegExp(`KeyIdentifier=${pc.keyId}`));

      // The secret leaks into a repository: the scan confirms it against the stored hash, exactly.
      const repo = join(dir, `repo-${dialect}`);
      mkdirSync(repo, { recursive: true });
      writeFileSync(
        join(repo, 'deploy.env'),
        `AZURE_TENANT_ID=${TENANT}\nAZURE_CLIENT_ID=${BILLING_APP_ID}\nAZURE_CLIENT_SECRET=${pc.secretText}\n`,
      );
      const scan = await runVigil(['leaks', 'scan', '--json', repo], { ...t.env, VIGIL_TENANT_ID: TENANT });
      assert.equal(scan.code, 0, scan.stderr);
      const found = JSON.parse(scan.stdout);
      const finding = found.findings.find((f: { outcome: string }) => f.outcome === 'confirmed');
      assert.ok(finding, scan.stdout);
      assert.deepEqual(finding.keyIds, [pc.keyId]);
      assert.match(finding.how, /verifies against the stored hash/);
      assert.equal(finding.principalId, BILLING_SP);

      const removed = await call('POST', `/v1.0/applications/${BILLING_APP}/removePassword`, {
        keyId: pc.keyId,
      });
      assert.equal(removed.statusCode, 204, removed.body);
      assert.ok(
        !entra.application(TENANT, BILLING_APP)!.passwordCredentials.some((c) => c.keyId === pc.keyId),
      );
    });

    test('throttled by Graph, the change is retried after Retry-After and made once', async () => {
      entra.throttleNext(1, '1');
      const before = entra.graphRequests.length;
      const r = await call('PATCH', `/v1.0/servicePrincipals/${BILLING_SP}`, { accountEnabled: false });
      assert.equal(r.statusCode, 204, r.body);
      assert.equal(entra.servicePrincipal(TENANT, BILLING_SP)!.accountEnabled, false);
      assert.equal(entra.graphRequests.length - before, 2);
      await call('PATCH', `/v1.0/servicePrincipals/${BILLING_SP}`, { accountEnabled: true });
    });

    test("Entra's refusal (403) is reported with Graph's code and changes nothing in Vigil", async () => {
      entra.setRoles(VIGIL_CLIENT, []);
      try {
        const cert = await newCertificate({ commonName: 'contoso-billing-sync' });
        const r = await call('POST', `/v1.0/servicePrincipals/${BILLING_SP}/addKey`, {
          keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.key },
        });
        assert.equal(r.statusCode, 502, r.body);
        assert.equal(r.json().error.code, 'BadGateway');
        assert.match(r.json().error.message, /Authorization_RequestDenied/);
        const rows = await t.store.db
          .selectFrom('credentials')
          .select('key_id')
          .where('thumbprint', '=', cert.thumbprint)
          .execute();
        assert.equal(rows.length, 0);
      } finally {
        entra.setRoles(VIGIL_CLIENT, ['Application.ReadWrite.All']);
      }
    });

    test('an object Entra does not have (404) is reported, not applied', async () => {
      const unknown = '5e1d2c3b-4a59-4687-9f0e-1d2c3b4a5968';
      await t.store.db
        .insertInto('service_principals')
        .values({
          tenant_id: TENANT,
          id: unknown,
          app_id: null,
          display_name: 'only-in-vigil',
          kind: 'application',
          service_principal_type: 'Application',
          app_owner_organization_id: TENANT,
          account_enabled: 1,
          created_at: null,
          source: 'log',
          updated_at: new Date().toISOString(),
        })
        .execute();
      const r = await call('PATCH', `/v1.0/servicePrincipals/${unknown}`, { accountEnabled: false });
      assert.equal(r.statusCode, 502);
      assert.match(r.json().error.message, /Request_ResourceNotFound/);
      const row = await t.store.db
        .selectFrom('service_principals')
        .select('account_enabled')
        .where('id', '=', unknown)
        .executeTakeFirstOrThrow();
      assert.equal(Number(row.account_enabled), 1);
    });

    test('Key Vault secrets are rotated through the connection: a new version, recorded in the plan', async () => {
      const started = await call(
        'POST',
        `/v1.0/identityProtection/riskyServicePrincipals/${BILLING_SP}/remediation`,
      );
      assert.ok([200, 201].includes(started.statusCode), started.body);
      assert.equal(started.json().directoryConnected, true);
      const versions = vault.versions('sql-password').length;
      const r = await call(
        'POST',
        `/v1.0/identityProtection/riskyServicePrincipals/${BILLING_SP}/remediation/rotateKeyVaultSecrets`,
        {
          vaultUrl: vault.url,
          secretNames: ['sql-password'],
        },
      );
      assert.equal(r.statusCode, 200, r.body);
      const outcome = r.json();
      assert.equal(outcome.rotated.length, 1);
      assert.equal(vault.versions('sql-password').length, versions + 1);
      const latest = vault.versions('sql-password').at(-1)!;
      assert.notEqual(latest.value, 'old-sql-password-value');
      assert.ok(outcome.rotated[0].versionId.endsWith(latest.version));
      assert.ok(!r.body.includes(latest.value), 'the new value is never returned');
      const step = outcome.plan.steps.find((s: { name: string }) => s.name === 'rotateKeyVaultSecrets');
      assert.equal(step.state, 'done');
      assert.equal(step.keyVault.rotations[0].secretName, 'sql-password');

      const missing = await call(
        'POST',
        `/v1.0/identityProtection/riskyServicePrincipals/${BILLING_SP}/remediation/rotateKeyVaultSecrets`,
        {
          vaultUrl: vault.url,
          secretNames: ['no-such-secret'],
        },
      );
      assert.equal(missing.statusCode, 502);
      assert.match(missing.json().error.message, /SecretNotFound|not found/i);
    });
  });
}

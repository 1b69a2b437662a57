import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { importPKCS8, SignJWT } from 'jose';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import { type NewCertificate, newCertificate } from '../src/credentials/new-certificate.ts';
import { PROOF_AUDIENCE } from '../src/credentials/verify-key-proof.ts';
import { apiCaller } from './support/call-api.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { runVigil } from './support/run-vigil.ts';

// An administrator rotates the credentials of a principal: a new client secret and a new
// certificate, the old ones removed, a federated credential replaced, the principal disabled. Each
// change is Graph-shaped, lands in the inventory and the audit log with its actor, and Vigil keeps
// only what matches a later leak exactly (a secret's salted hash, a certificate's public part).

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const BILLING_SP = 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93';
const BILLING_APP_ID = '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35';
const BILLING_APP = '2e6c9a41-8f3b-4d07-b5a2-6c1e9d4f7b38';
const FORMATS = fileURLToPath(new URL('./fixtures/formats/', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'vigil-credential-actions-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A proof of possession as Graph asks for one: signed with a current certificate's private key. */
async function proofFor(objectId: string, cert: NewCertificate, lifetimeSeconds = 600): Promise<string> {
  const key = await importPKCS8(cert.privateKeyPem, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', x5t: Buffer.from(cert.thumbprint, 'hex').toString('base64url') })
    .setAudience(PROOF_AUDIENCE)
    .setIssuer(objectId)
    .setNotBefore(now - 5)
    .setExpirationTime(now - 5 + lifetimeSeconds)
    .setJti(crypto.randomUUID())
    .sign(key);
}

for (const dialect of dialects) {
  describe(`credential actions on ${dialect}`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let env: Record<string, string>;
    let admin: string;
    let appAdmin: string;
    let reader: string;
    before(async () => {
      t = await createTestStore(dialect);
      env = { ...t.env, VIGIL_TENANT_ID: TENANT };
      const imported = await runVigil(['import', '--json', FORMATS], env);
      assert.equal(imported.code, 0, imported.stderr);
      const config = loadConfig({
        env: {},
        overrides: { defaultTenantId: TENANT, detectIntervalSeconds: 0 },
      });
      app = await buildApp({ config, store: t.store, intel: null, logger: false });
      const keys = createApiKeys(t.store);
      admin = (await keys.create({ tenantId: TENANT, role: 'security-administrator', name: 'soc-admin' }))
        .key;
      appAdmin = (await keys.create({ tenantId: TENANT, role: 'application-administrator', name: 'apps' }))
        .key;
      reader = (await keys.create({ tenantId: TENANT, role: 'security-reader', name: 'soc' })).key;
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });
    const call = apiCaller(() => app);
    const vigilAudits = () =>
      t.store.db
        .selectFrom('directory_audits')
        .selectAll()
        .where('tenant_id', '=', TENANT)
        .where('logged_by_service', '=', 'Vigil')
        .orderBy('activity_date_time')
        .execute();

    test('without a Graph connection addPassword adds nothing and gives the request to run; removePassword removes a held secret', async () => {
      const before = await t.store.db.selectFrom('credentials').select('key_id').execute();
      const refused = await call(
        'POST',
        `/v1.0/servicePrincipals(appId='${BILLING_APP_ID}')/addPassword`,
        admin,
        {
          passwordCredential: { displayName: 'rotated after incident' },
        },
      );
      // Entra issues secrets: one made up here would work nowhere.
      assert.equal(refused.statusCode, 400, refused.body);
      const message: string = refused.json().error.message;
      assert.match(message, /no Graph connection/);
      assert.ok(
        message.includes(`POST https://graph.microsoft.com/v1.0/servicePrincipals/${BILLING_SP}/addPassword`),
        message,
      );
      assert.match(message, /"displayName": "rotated after incident"/);
      assert.equal(
        (await t.store.db.selectFrom('credentials').select('key_id').execute()).length,
        before.length,
      );

      // removePassword: gone from Graph's view, kept in the inventory as removed, by whom.
      const sp = (await call('GET', `/v1.0/servicePrincipals/${BILLING_SP}`, reader)).json();
      const held = sp.passwordCredentials[0];
      assert.ok(held, 'the imported principal holds a client secret');
      const removed = await call('POST', `/v1.0/servicePrincipals/${BILLING_SP}/removePassword`, admin, {
        keyId: held.keyId,
      });
      assert.equal(removed.statusCode, 204, removed.body);
      assert.equal(removed.headers['vigil-directory'], 'not-connected');
      const after = (await call('GET', `/v1.0/servicePrincipals/${BILLING_SP}`, reader)).json();
      assert.ok(!after.passwordCredentials.some((c: { keyId: string }) => c.keyId === held.keyId));
      const inventory = (
        await call('GET', `/vigil/servicePrincipals/${BILLING_SP}/credentials`, reader)
      ).json();
      const gone = inventory.value.find((c: { keyId: string }) => c.keyId === held.keyId);
      assert.equal(gone.status, 'removed');
      assert.equal(gone.removedBy, 'soc-admin');
      const again = await call('POST', `/v1.0/servicePrincipals/${BILLING_SP}/removePassword`, admin, {
        keyId: held.keyId,
      });
      assert.equal(again.statusCode, 404);
      assert.equal(again.json().error.code, 'Request_ResourceNotFound');

      const audits = await vigilAudits();
      const removal = audits.find((a) => a.activity_display_name === 'Remove service principal credentials');
      assert.ok(removal, 'the removal is in the audit log');
      assert.equal(removal.actor_name, 'soc-admin');
      assert.match(removal.targets, new RegExp(`KeyIdentifier=${held.keyId}`));
    });

    test('addKey registers a certificate; a key change with a proof must be signed by a current certificate', async () => {
      const first = await newCertificate({ commonName: 'contoso-billing-sync' });
      const added = await call('POST', `/v1.0/applications/${BILLING_APP}/addKey`, appAdmin, {
        keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: first.key },
        passwordCredential: null,
      });
      assert.equal(added.statusCode, 200, added.body);
      const kc = added.json();
      assert.equal(kc.customKeyIdentifier, first.thumbprint);
      assert.equal(kc.key, null);
      assert.equal(kc.displayName, 'CN=contoso-billing-sync');
      assert.equal(
        kc.endDateTime,
        new Date(Date.parse(first.endDateTime)).toISOString().replace(/\.\d+Z$/, '.000Z'),
      );

      const duplicate = await call('POST', `/v1.0/applications/${BILLING_APP}/addKey`, appAdmin, {
        keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: first.key },
      });
      assert.equal(duplicate.statusCode, 400);
      assert.match(duplicate.json().error.message, /already a key credential/);
      const notACert = await call('POST', `/v1.0/applications/${BILLING_APP}/addKey`, appAdmin, {
        keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: 'bm90IGEgY2VydGlmaWNhdGU=' },
      });
      assert.equal(notACert.statusCode, 400);
      assert.match(notACert.json().error.message, /keyCredential\.key/);

      // The next certificate comes with a proof signed by the first; one signed by a stranger fails.
      const second = await newCertificate({ commonName: 'contoso-billing-sync-2027' });
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const forged = await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', x5t: Buffer.from(first.thumbprint, 'hex').toString('base64url') })
        .setAudience(PROOF_AUDIENCE)
        .setIssuer(BILLING_APP)
        .setNotBefore(Math.floor(Date.now() / 1000) - 5)
        .setExpirationTime(Math.floor(Date.now() / 1000) + 300)
        .sign(createPrivateKey(stranger.privateKey.export({ type: 'pkcs8', format: 'pem' })));
      const refused = await call('POST', `/v1.0/applications/${BILLING_APP}/addKey`, appAdmin, {
        keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: second.key },
        proof: forged,
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.json().error.message, /Invalid proof/);
      const tooLong = await call('POST', `/v1.0/applications/${BILLING_APP}/addKey`, appAdmin, {
        keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: second.key },
        proof: await proofFor(BILLING_APP, first, 3600),
      });
      assert.equal(tooLong.statusCode, 400);
      assert.match(tooLong.json().error.message, /more than ten minutes/);
      const proven = await call('POST', `/v1.0/applications(appId='${BILLING_APP_ID}')/addKey`, appAdmin, {
        keyCredential: {
          type: 'AsymmetricX509Cert',
          usage: 'Verify',
          key: second.key,
          displayName: 'billing 2027',
        },
        proof: await proofFor(BILLING_APP, first),
      });
      assert.equal(proven.statusCode, 200, proven.body);

      const removed = await call('POST', `/v1.0/applications/${BILLING_APP}/removeKey`, appAdmin, {
        keyId: kc.keyId,
        proof: await proofFor(BILLING_APP, second),
      });
      assert.equal(removed.statusCode, 204, removed.body);
      const application = (await call('GET', `/v1.0/applications(appId='${BILLING_APP_ID}')`, reader)).json();
      const thumbprints = application.keyCredentials.map(
        (c: { customKeyIdentifier: string }) => c.customKeyIdentifier,
      );
      assert.ok(thumbprints.includes(second.thumbprint));
      assert.ok(!thumbprints.includes(first.thumbprint));

      // The private key leaks: the certificate Vigil holds ties it to its credential.
      const repo = join(dir, `keys-${dialect}`);
      mkdirSync(repo, { recursive: true });
      writeFileSync(join(repo, 'billing.key'), second.privateKeyPem);
      const scan = JSON.parse((await runVigil(['leaks', 'scan', '--json', repo], env)).stdout);
      const match = scan.findings.find((f: { keyIds: string[] }) => f.keyIds.includes(proven.json().keyId));
      assert.equal(match?.outcome, 'confirmed', JSON.stringify(scan.findings));
    });

    test('federated identity credentials are created and deleted on the application; bad ones name the field', async () => {
      const url = `/v1.0/applications/${BILLING_APP}/federatedIdentityCredentials`;
      const bad = await call('POST', url, admin, {
        name: 'github-release',
        issuer: 'http://token.actions.githubusercontent.com',
        subject: 'repo:contoso/billing:environment:release',
        audiences: ['api://AzureADTokenExchange'],
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.message, /^issuer/);
      const created = await call('POST', url, admin, {
        name: 'github-release',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:contoso/billing:environment:release',
        audiences: ['api://AzureADTokenExchange'],
        description: 'release pipeline',
      });
      assert.equal(created.statusCode, 201, created.body);
      const fic = created.json();
      assert.equal(fic.description, 'release pipeline');
      assert.match(
        fic['@odata.context'],
        new RegExp(`applications\\('${BILLING_APP}'\\)/federatedIdentityCredentials/\\$entity$`),
      );
      const listed = (await call('GET', url, reader)).json().value.map((c: { name: string }) => c.name);
      assert.ok(listed.includes('github-release'));
      const twice = await call('POST', url, admin, {
        name: 'github-release',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:contoso/billing:ref:refs/heads/main',
      });
      assert.equal(twice.statusCode, 400);
      const deleted = await call('DELETE', `${url}/${fic.id}`, admin);
      assert.equal(deleted.statusCode, 204);
      const rest = (await call('GET', url, reader)).json().value.map((c: { name: string }) => c.name);
      assert.ok(!rest.includes('github-release'));
      assert.equal((await call('DELETE', `${url}/${fic.id}`, admin)).statusCode, 404);
    });

    test('PATCH accountEnabled false disables the principal; other properties are refused', async () => {
      const other = await call('PATCH', `/v1.0/servicePrincipals/${BILLING_SP}`, admin, { displayName: 'x' });
      assert.equal(other.statusCode, 400);
      assert.match(other.json().error.message, /displayName/);
      const off = await call('PATCH', `/v1.0/servicePrincipals/${BILLING_SP}`, admin, {
        accountEnabled: false,
      });
      assert.equal(off.statusCode, 204, off.body);
      const sp = (await call('GET', `/v1.0/servicePrincipals(appId='${BILLING_APP_ID}')`, reader)).json();
      assert.equal(sp.accountEnabled, false);
      const audit = (await vigilAudits()).find(
        (a) => a.activity_display_name === 'Disable service principal',
      );
      assert.ok(audit);
      assert.match(audit.targets, /AccountEnabled/);
      assert.equal(
        (await call('PATCH', `/v1.0/servicePrincipals/${BILLING_SP}`, admin, { accountEnabled: true }))
          .statusCode,
        204,
      );
    });

    test('readers may not change credentials; unknown objects are 404', async () => {
      const denied = await call('POST', `/v1.0/servicePrincipals/${BILLING_SP}/addPassword`, reader, {});
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.json().error.code, 'Authorization_RequestDenied');
      const missing = await call(
        'POST',
        '/v1.0/servicePrincipals/00000000-0000-4000-8000-000000000001/addPassword',
        admin,
        {},
      );
      assert.equal(missing.statusCode, 404);
      const byAppId = await call(
        'POST',
        "/beta/servicePrincipals(appId='00000000-0000-4000-8000-000000000002')/addPassword",
        admin,
        {},
      );
      assert.equal(byAppId.statusCode, 404);
    });

    test('vigil credentials new-cert registers a certificate and prints its key pair once', async () => {
      const run = await runVigil(['credentials', 'new-cert', '--json', '--days', '90', BILLING_SP], env);
      assert.equal(run.code, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      assert.match(out.certificatePem, /^-----BEGIN CERTIFICATE-----/);
      assert.match(out.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
      assert.equal(out.objectType, 'servicePrincipal');
      assert.equal(out.directory.applied, false);
      assert.match(out.directory.requests[0], /addKey/);
      const row = await t.store.db
        .selectFrom('credentials')
        .selectAll()
        .where('key_id', '=', out.keyCredential.keyId)
        .executeTakeFirstOrThrow();
      assert.equal(row.owner_id, BILLING_SP);
      assert.equal(row.type, 'certificate');
      assert.ok(row.certificate?.startsWith('-----BEGIN CERTIFICATE-----'));
      assert.ok(!JSON.stringify(row).includes('PRIVATE KEY'));
      const days = (Date.parse(row.end_date_time!) - Date.parse(row.start_date_time!)) / 86_400_000;
      assert.ok(days > 89.9 && days < 90.1, String(days));
    });
  });
}

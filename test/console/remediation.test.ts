// Functions given to page.evaluate and waitForFunction run in the browser: they see the DOM.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { newCertificate } from '../../src/credentials/new-certificate.ts';
import { signIn } from '../support/console-page.ts';
import {
  type ConsoleTenant,
  SCREENSHOTS,
  serveConsoleTenant,
  useConsoleRun,
} from '../support/console-tenant.ts';
import { createTestStore, dialects, type TestStore } from '../support/dialects.ts';
import { type FakeEntra, startFakeEntra } from '../support/fake-entra.ts';

// An administrator remediates a compromised workload without leaving the browser: starts the plan,
// reviews the inventory, registers a new certificate from a PEM file, removes the old credentials
// after a dialog names each one, and sees the principal become `remediated` — in the page and in the
// API. A client secret added on the way is shown once and is gone when its dialog closes, and a
// Security Reader sees the same buttons disabled.

const RISKY = '/v1.0/identityProtection/riskyServicePrincipals';
const run = useConsoleRun(4242);
let entra: FakeEntra;
const CONNECTION_CLIENT = '0b7c4e12-6a3f-4d58-9e21-8c5f1a7d3b90';
const CONNECTION_SECRET = 'console-connection-secret-for-tests-only';

before(async () => {
  entra = await startFakeEntra();
});
after(async () => entra?.close());

interface Risky {
  id: string;
  displayName: string | null;
  riskLevel: string;
  riskState: string;
}

interface InventoryCredential {
  objectType: string;
  keyId: string;
  type: string;
  hint: string | null;
  thumbprint: string | null;
  removedDateTime: string | null;
}

interface PlannedCredential {
  keyId: string;
  type: string;
  objectType: string;
  objectId: string;
  removedDateTime: string | null;
}

interface PlanStep {
  name: string;
  state: string;
  credentials?: PlannedCredential[];
}

/** Opens a principal's page and waits for its remediation section to have loaded. */
async function openRemediation(page: Page, origin: string, id: string): Promise<Locator> {
  await page.goto(`${origin}/#/principals/${id}`);
  const section = page.locator('section[aria-labelledby="s-remediation"]');
  await page.waitForFunction(() => {
    const s = document.querySelector('section[aria-labelledby="s-remediation"]');
    return s !== null && s.getAttribute('aria-busy') !== 'true';
  });
  return section;
}

function step(section: Locator, name: string): Locator {
  return section.locator(`li[data-step="${name}"]`);
}

for (const dialect of dialects) {
  describe(`remediation from the console on ${dialect}`, () => {
    let t: TestStore;
    let tenant: ConsoleTenant;
    let admin: string;
    let reader: string;
    let context: BrowserContext;
    let page: Page;
    /** Two at-risk principals holding current credentials: one remediated in full, one for the secret. */
    let candidates: Risky[];
    before(async () => {
      t = await createTestStore(dialect);
      tenant = await serveConsoleTenant(t, run.out, run.labels);
      admin = await tenant.key('security-administrator');
      reader = await tenant.key('security-reader');
      context = await run.browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: tenant.origin });
      page = await signIn(context, tenant.origin, admin);
      const atRisk = await tenant.get<{ value: Risky[] }>(
        `${RISKY}?$filter=${encodeURIComponent("riskState eq 'atRisk'")}&$orderby=riskLevel desc&$top=100`,
        admin,
      );
      candidates = [];
      for (const r of atRisk.value) {
        const inventory = await tenant
          .get<{ value: InventoryCredential[] }>(`/vigil/servicePrincipals/${r.id}/credentials`, admin)
          .catch(() => ({ value: [] }));
        if (inventory.value.some((c) => c.removedDateTime === null)) candidates.push(r);
        if (candidates.length === 2) break;
      }
      assert.equal(candidates.length, 2, 'the simulated tenant has at-risk principals with credentials');
    });
    after(async () => {
      await context?.close();
      await tenant?.close();
      await t?.cleanup();
    });

    test('an at-risk principal is remediated entirely from the console, and the API agrees', async () => {
      const target = candidates[0] as Risky;
      const id = target.id;
      const section = await openRemediation(page, tenant.origin, id);
      await section.getByRole('button', { name: 'Start remediation' }).click();
      await step(section, 'reviewInventory').waitFor();

      await step(section, 'reviewInventory').getByRole('button', { name: 'Mark reviewed' }).click();
      await step(section, 'reviewInventory').and(page.locator('.step-done')).waitFor();
      await step(section, 'disable').getByRole('button', { name: 'Skip' }).click();
      await step(section, 'disable').and(page.locator('.step-skipped')).waitFor();

      // A new certificate, from a PEM file as `vigil credentials new-cert --out` writes it: the
      // certificate and its private key. First an expired one, which the API refuses.
      const expired = await newCertificate({
        commonName: 'expired',
        now: new Date(Date.now() - 400 * 86_400_000),
        days: 30,
      });
      const fresh = await newCertificate({ commonName: `${target.displayName ?? id} 2026` });
      await step(section, 'addCredential').getByRole('button', { name: 'Add a certificate' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('heading', { name: 'Add a certificate' }).waitFor();
      assert.match((await dialog.textContent()) ?? '', new RegExp(`vigil credentials new-cert ${id}`));
      const file = dialog.getByLabel('Certificate file');
      await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
      await dialog.getByRole('alert').filter({ hasText: 'Not a certificate' }).waitFor();
      assert.equal(await dialog.getByRole('button', { name: 'Add certificate' }).isDisabled(), true);
      await file.setInputFiles({
        name: 'old.cer',
        mimeType: 'application/pkix-cert',
        buffer: Buffer.from(expired.key, 'base64'),
      });
      await dialog.getByRole('button', { name: 'Add certificate' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'expired' }).waitFor();
      await file.setInputFiles({
        name: 'workload.pem',
        mimeType: 'application/x-pem-file',
        buffer: Buffer.from(fresh.certificatePem + fresh.privateKeyPem),
      });
      await dialog.getByText('The file also holds a private key').waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, `remediation-certificate-${dialect}.png`) });
      await dialog.getByRole('button', { name: 'Add certificate' }).click();
      await dialog.waitFor({ state: 'detached' });
      await section
        .getByRole('status')
        .filter({ hasText: `thumbprint ${fresh.thumbprint}` })
        .waitFor();
      await step(section, 'addCredential').and(page.locator('.step-done')).waitFor();
      const held = await tenant.get<{ value: InventoryCredential[] }>(
        `/vigil/servicePrincipals/${id}/credentials`,
        admin,
      );
      assert.ok(
        held.value.some((c) => c.thumbprint === fresh.thumbprint && c.removedDateTime === null),
        'the certificate is held, by its thumbprint',
      );

      // The old credentials still held, each named in the dialog before anything is removed. The plan
      // also lists those already removed (a rotation since the detection), which are not offered.
      const plan = await tenant.get<{ steps: PlanStep[] }>(`${RISKY}/${id}/remediation`, admin);
      const planned = plan.steps.find((s) => s.name === 'removeOldCredentials')?.credentials ?? [];
      const old = planned.filter((c) => c.removedDateTime === null);
      assert.ok(old.length > 0, 'the plan has credentials to remove');
      await step(section, 'removeOldCredentials')
        .getByRole('button', { name: `Remove the old credentials (${old.length})` })
        .click();
      const confirm = page.getByRole('dialog');
      await confirm.waitFor();
      const said = (await confirm.textContent()) ?? '';
      assert.match(said, new RegExp(`Remove ${old.length} old credentials?`));
      for (const c of old) {
        assert.ok(said.includes(c.keyId), `the dialog names ${c.keyId}`);
      }
      const kinds = await confirm.locator('.credential-list li').allTextContents();
      assert.equal(kinds.length, old.length);
      for (const [i, c] of old.entries()) {
        const line = kinds[i] ?? '';
        assert.match(
          line,
          c.objectType === 'application' ? /on the application, added/ : /on the service principal, added/,
        );
        assert.match(
          line,
          c.type === 'password' ? /^Client secret/ : c.type === 'certificate' ? /^Certificate/ : /^Federated/,
        );
      }
      assert.match(said, /Requests to run in Entra/, 'without a Graph connection, the requests for Entra');
      await page.screenshot({ path: join(SCREENSHOTS, `remediation-remove-${dialect}.png`) });
      // Someone else removes the first one meanwhile: its request is refused, the others go through,
      // and the dialog stays open to say which.
      const [gone, ...rest] = old as [PlannedCredential, ...PlannedCredential[]];
      const set = gone.objectType === 'application' ? 'applications' : 'servicePrincipals';
      const elsewhere =
        gone.type === 'federated'
          ? await fetch(
              `${tenant.origin}/v1.0/applications/${gone.objectId}/federatedIdentityCredentials/${gone.keyId}`,
              {
                method: 'DELETE',
                headers: { authorization: `Bearer ${admin}` },
              },
            )
          : await fetch(
              `${tenant.origin}/v1.0/${set}/${gone.objectId}/${gone.type === 'password' ? 'removePassword' : 'removeKey'}`,
              {
                method: 'POST',
                headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
                body: JSON.stringify({ keyId: gone.keyId }),
              },
            );
      assert.equal(elsewhere.status, 204);
      await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
      await confirm.locator('.removal-failed', { hasText: gone.keyId }).waitFor();
      assert.match(
        (await confirm.locator('.removal-failed').textContent()) ?? '',
        /not removed: .+/,
        'the refusal is named beside the credential',
      );
      for (const c of rest) await confirm.locator('.removal-removed', { hasText: c.keyId }).waitFor();
      assert.equal(
        await confirm.getByRole('status').textContent(),
        `${rest.length} of ${old.length} credential${old.length === 1 ? '' : 's'} removed, 1 refused.`,
      );
      await page.screenshot({ path: join(SCREENSHOTS, `remediation-remove-failed-${dialect}.png`) });
      await confirm.getByRole('button', { name: 'Close' }).click();
      await confirm.waitFor({ state: 'detached' });
      await step(section, 'removeOldCredentials').and(page.locator('.step-done')).waitFor();

      const vault = step(section, 'rotateKeyVaultSecrets');
      if (await vault.evaluate((li) => li.classList.contains('step-pending'))) {
        await vault.getByRole('button', { name: 'Mark done' }).click();
      }

      await section.locator('.notice.remediated').waitFor();
      assert.match((await section.locator('.notice.remediated').textContent()) ?? '', /Remediated\./);
      await page.locator('.overview .state-remediated').waitFor();
      assert.equal(await section.getByRole('button', { name: /Add a|Remove the old|Mark/ }).count(), 0);
      await page.screenshot({ path: join(SCREENSHOTS, `remediation-done-${dialect}.png`), fullPage: true });

      const risky = await tenant.get<Risky>(`${RISKY}/${id}`, admin);
      assert.deepEqual([risky.riskState, risky.riskLevel], ['remediated', 'none']);
      const inventory = await tenant.get<{ value: InventoryCredential[] }>(
        `/vigil/servicePrincipals/${id}/credentials`,
        admin,
      );
      for (const c of old) {
        const now = inventory.value.find((x) => x.keyId === c.keyId);
        assert.ok(now?.removedDateTime, `${c.keyId} is removed`);
      }
      // The inventory on the page followed: each old credential now reads removed.
      for (const c of old) {
        await page.locator('tr.credential', { hasText: c.keyId }).filter({ hasText: '; removed' }).waitFor();
      }
    });

    test('a security reader sees the remediation buttons disabled, and the API refuses them', async () => {
      const id = (candidates[1] as Risky).id;
      const started = await fetch(`${tenant.origin}${RISKY}/${id}/remediation`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
      });
      assert.equal(started.status, 201);
      const readerContext = await run.browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const readerPage = await signIn(readerContext, tenant.origin, reader);
        const section = await openRemediation(readerPage, tenant.origin, id);
        await step(section, 'addCredential').waitFor();
        for (const name of [
          'Add a certificate',
          'Add a client secret',
          /^Remove the old credentials/,
          'Mark reviewed',
        ]) {
          const button = section.getByRole('button', { name });
          assert.equal(await button.count(), 1, `${name} is shown`);
          assert.equal(await button.isDisabled(), true, `${name} is disabled`);
        }
        assert.match(
          (await section.locator('#remediation-reason').textContent()) ?? '',
          /security-reader.*may read the plan but not act on it/,
        );
        await readerPage.screenshot({
          path: join(SCREENSHOTS, `remediation-reader-${dialect}.png`),
          fullPage: true,
        });
        const refused = await fetch(`${tenant.origin}/v1.0/servicePrincipals/${id}/addPassword`, {
          method: 'POST',
          headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' },
          body: JSON.stringify({ passwordCredential: { displayName: 'reader' } }),
        });
        assert.equal(refused.status, 403);
      } finally {
        await readerContext.close();
      }
    });

    test('a client secret is shown once, can be copied, and is gone when its dialog closes', async () => {
      const id = (candidates[1] as Risky).id;
      // Without a Graph connection Vigil cannot add a secret (Entra issues them): the button says why.
      const unconnected = await openRemediation(page, tenant.origin, id);
      if (await unconnected.getByRole('button', { name: 'Start remediation' }).isVisible()) {
        await unconnected.getByRole('button', { name: 'Start remediation' }).click();
      }
      const offline = step(unconnected, 'addCredential').getByRole('button', { name: 'Add a client secret' });
      await offline.waitFor();
      assert.equal(await offline.isDisabled(), true);
      assert.match(
        (await step(unconnected, 'addCredential').textContent()) ?? '',
        /Entra issues client secrets itself, and this tenant has no Graph connection/,
      );

      // The same store served with a Graph connection to a local directory speaking Graph's wire format.
      const sp = await tenant.get<{ appId: string; displayName: string }>(
        `/v1.0/servicePrincipals/${id}`,
        admin,
      );
      entra.addClient({
        tenantId: tenant.tenantId,
        clientId: CONNECTION_CLIENT,
        clientSecret: CONNECTION_SECRET,
        roles: ['Application.ReadWrite.All'],
      });
      entra.addServicePrincipal(tenant.tenantId, { id, appId: sp.appId, displayName: sp.displayName });
      const config = loadConfig({
        env: {
          VIGIL_GRAPH_CONNECTIONS: JSON.stringify({
            [tenant.tenantId]: {
              clientId: CONNECTION_CLIENT,
              clientSecret: CONNECTION_SECRET,
              authorityHost: entra.origin,
              graphBaseUrl: entra.origin,
            },
          }),
        },
        overrides: { defaultTenantId: tenant.tenantId, detectIntervalSeconds: 0, exportIntervalSeconds: 0 },
      });
      const connected = await buildApp({ config, store: t.store, intel: null, logger: false });
      await connected.listen({ host: '127.0.0.1', port: 0 });
      const origin = `http://127.0.0.1:${(connected.server.address() as AddressInfo).port}`;
      const connectedContext = await run.browser.newContext({ viewport: { width: 1280, height: 800 } });
      await connectedContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
      try {
        const page = await signIn(connectedContext, origin, admin);
        const section = await openRemediation(page, origin, id);
        await step(section, 'addCredential').getByRole('button', { name: 'Add a client secret' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByLabel('Description').fill('nightly-sync 2026');
        await dialog.getByRole('button', { name: 'Add secret' }).click();
        const value = dialog.getByLabel('Secret value');
        await value.waitFor();
        const secret = await value.inputValue();
        assert.ok(secret.length >= 32, `a full-length secret: ${secret.length} characters`);
        assert.match(
          (await dialog.getByRole('alert').textContent()) ?? '',
          /only time the secret is shown.*nobody can show it again/,
        );
        // Made in Entra, which issued the secret: nothing left to run by hand.
        assert.equal(await dialog.locator('.directory-requests').count(), 0);
        const inEntra = entra.servicePrincipal(tenant.tenantId, id)?.passwordCredentials ?? [];
        assert.ok(
          inEntra.some((c) => c.secretText === secret),
          'the secret is the one Entra issued',
        );
        await dialog.getByRole('button', { name: 'Copy' }).click();
        await dialog.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
        assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
        await page.screenshot({ path: join(SCREENSHOTS, `remediation-secret-${dialect}.png`) });

        await dialog.getByRole('button', { name: 'Close' }).click();
        await dialog.waitFor({ state: 'detached' });
        const status = await section.getByRole('status').filter({ hasText: 'Client secret' }).textContent();
        assert.ok(
          !(status ?? '').includes(secret.slice(0, 8)),
          'the notice names the key id, not the secret',
        );
        // Gone from the page: not in the document, not in either storage.
        assert.ok(!(await page.content()).includes(secret), 'the secret is not in the page');
        const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
        assert.ok(!stored.includes(secret), 'the secret is not stored');

        const inventory = await tenant.get<{ value: InventoryCredential[] }>(
          `/vigil/servicePrincipals/${id}/credentials`,
          admin,
        );
        const added = inventory.value.find((c) => c.type === 'password' && c.hint === secret.slice(0, 3));
        assert.ok(added, 'the secret is in the inventory, by its hint');
        assert.ok(!JSON.stringify(inventory).includes(secret), 'the API does not show it again');
        await step(section, 'addCredential').and(page.locator('.step-done')).waitFor();
        // A secret completes the step, but a certificate is still offered: it is the safer credential.
        await step(section, 'addCredential').getByRole('button', { name: 'Add a certificate' }).waitFor();
        await page.locator('tr.credential', { hasText: added.keyId }).waitFor();
      } finally {
        await connectedContext.close();
        await connected.close();
      }
    });
  });
}

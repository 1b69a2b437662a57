// Functions given to page.evaluate and waitForFunction run in the browser: they see the DOM.
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { column, countText, reloading, signIn, waitForRows } from '../support/console-page.ts';
import {
  type ConsoleTenant,
  SCREENSHOTS,
  serveConsoleTenant,
  useConsoleRun,
} from '../support/console-tenant.ts';
import { createTestStore, dialects, type TestStore } from '../support/dialects.ts';

// A report's filters, order and page size live in the address: an analyst reloads, or sends the link
// to a colleague, and the same rows come back; Back returns to the filter before.

const RISKY = '/v1.0/identityProtection/riskyServicePrincipals';
const DETECTIONS = '/v1.0/identityProtection/servicePrincipalRiskDetections';
const run = useConsoleRun(515);

function hashOf(page: Page): string {
  return decodeURIComponent(new URL(page.url()).hash);
}

async function sortedBy(page: Page): Promise<[string, string]> {
  const th = page.locator('main th[aria-sort="ascending"], main th[aria-sort="descending"]');
  return [
    ((await th.textContent()) ?? '').replace(/[▲▼↕]/g, '').trim(),
    (await th.getAttribute('aria-sort')) ?? '',
  ];
}

/** Waits for the report to show `n` in its count line. */
async function countIs(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (x) => document.querySelector('main p.count')?.textContent?.startsWith(`${x} `),
    n,
  );
  await waitForRows(page);
}

for (const dialect of dialects) {
  describe(`the console keeps the report's view in the address on ${dialect}`, () => {
    let t: TestStore;
    let tenant: ConsoleTenant;
    let reader: string;
    let context: BrowserContext;
    let page: Page;
    before(async () => {
      t = await createTestStore(dialect);
      tenant = await serveConsoleTenant(t, run.out, run.labels);
      reader = await tenant.key('security-reader');
      context = await run.browser.newContext({ viewport: { width: 1280, height: 800 } });
      page = await signIn(context, tenant.origin, reader);
    });
    after(async () => {
      await context?.close();
      await tenant?.close();
      await t?.cleanup();
    });

    const countOf = async (filter: string) =>
      (
        await tenant.get<{ '@odata.count': number }>(
          `${RISKY}?$count=true&$filter=${encodeURIComponent(filter)}`,
          reader,
        )
      )['@odata.count'];

    test('a filtered, sorted risky table survives a reload, and Back and Forward walk the filters', async () => {
      const low = await countOf("riskLevel eq 'low'");
      const atRisk = await countOf("riskState eq 'atRisk'");
      assert.ok(low > 0 && atRisk > low, `${low} low, ${atRisk} at risk`);

      await reloading(page, () => page.getByLabel('Risk state').selectOption('atRisk'));
      await reloading(page, () => page.getByRole('button', { name: /^Name/ }).click());
      await reloading(page, () => page.getByLabel('Rows per page').selectOption('10'));
      assert.equal(hashOf(page), '#/risky?state=atRisk&sort=displayName&order=asc&top=10');
      const names = await column(page, 'Name');
      assert.equal(names.length, Math.min(10, atRisk));
      const api = await tenant.get<{ value: { displayName: string }[] }>(
        `${RISKY}?$filter=${encodeURIComponent("riskState eq 'atRisk'")}&$orderby=displayName asc&$top=10`,
        reader,
      );
      assert.deepEqual(
        names,
        api.value.map((r) => r.displayName),
      );

      // A reload (the sign-in lives in the tab) shows the same view: filters, order, page size, rows.
      await page.reload();
      await page.getByRole('heading', { name: 'Risky workload identities', level: 1 }).waitFor();
      await countIs(page, atRisk);
      assert.equal(await page.getByLabel('Risk state').inputValue(), 'atRisk');
      assert.equal(await page.getByLabel('Rows per page').inputValue(), '10');
      assert.deepEqual(await sortedBy(page), ['Name', 'ascending']);
      assert.deepEqual(await column(page, 'Name'), names);
      await page.screenshot({ path: join(SCREENSHOTS, `risky-from-url-${dialect}.png`), fullPage: true });

      // A committed change is a history entry: Back returns to the filter before, Forward again.
      await page.getByLabel('Risk level').selectOption('low');
      await countIs(page, await countOf("riskState eq 'atRisk' and riskLevel eq 'low'"));
      assert.match(hashOf(page), /level=low/);
      await page.goBack();
      await countIs(page, atRisk);
      assert.equal(await page.getByLabel('Risk level').inputValue(), '');
      assert.equal(await page.getByLabel('Risk state').inputValue(), 'atRisk');
      assert.deepEqual(await column(page, 'Name'), names);
      await page.goForward();
      await countIs(page, await countOf("riskState eq 'atRisk' and riskLevel eq 'low'"));
      assert.equal(await page.getByLabel('Risk level').inputValue(), 'low');
      // A committed change drops the entries ahead, as in any browser history.
      await page.getByLabel('Risk level').selectOption('');
      await countIs(page, atRisk);

      // Typing is one entry however many pauses it has: the address follows each, Back skips them all.
      const entries = await page.evaluate(() => history.length);
      const search = page.getByLabel('Name contains');
      await search.click();
      for (const part of ['a', 'd', 'f']) {
        await search.press(part);
        await page.waitForFunction(
          (q) => location.hash.includes(`q=${q}`),
          (await search.inputValue()).trim(),
        );
      }
      assert.match(hashOf(page), /[?&]q=adf(&|$)/);
      assert.equal(await page.evaluate(() => history.length), entries + 1, 'one entry for the typed search');
      const searched = await countOf("riskState eq 'atRisk' and contains(displayName,'adf')");
      await countIs(page, searched);
      await search.press('Enter');
      assert.equal(
        await page.evaluate(() => history.length),
        entries + 1,
        'Enter on the same text adds none',
      );
      await page.goBack();
      await countIs(page, atRisk);
      assert.equal(await search.inputValue(), '', 'the search box follows the address');
      assert.doesNotMatch(hashOf(page), /q=/);

      // From a principal, the way back to the report keeps its view.
      await page.getByRole('link', { name: names[0] as string, exact: true }).click();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await page.locator('.crumbs').getByRole('link', { name: 'Risky workload identities' }).click();
      await countIs(page, atRisk);
      assert.equal(hashOf(page), '#/risky?state=atRisk&sort=displayName&order=asc&top=10');
    });

    test('a shared link opens the same view in a new tab, and what the report does not offer is ignored', async () => {
      const other = await run.browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const link = '#/detections?type=suspiciousSignins&sort=riskLevel&order=asc&top=10';
        const shared = await signIn(other, tenant.origin, reader, link);
        await shared.getByRole('heading', { name: 'Workload identity detections', level: 1 }).waitFor();
        const api = await tenant.get<{ '@odata.count': number; value: { id: string }[] }>(
          `${DETECTIONS}?$count=true&$top=10&$orderby=riskLevel asc&$filter=${encodeURIComponent("riskEventType eq 'suspiciousSignins'")}`,
          reader,
        );
        await shared.waitForFunction(
          (n) => document.querySelector('main p.count')?.textContent === `${n} detections`,
          api['@odata.count'],
        );
        await waitForRows(shared);
        assert.equal(await shared.getByLabel('Detection type').inputValue(), 'suspiciousSignins');
        assert.equal(await shared.getByLabel('Rows per page').inputValue(), '10');
        assert.deepEqual(await sortedBy(shared), ['Level', 'ascending']);
        assert.equal((await column(shared, 'Type')).length, Math.min(10, api['@odata.count']));

        // An edited or outdated link: unknown values fall back to the report's defaults.
        await shared.goto(`${tenant.origin}/#/risky?level=severe&sort=password&top=7&from=yesterday`);
        await shared.getByRole('heading', { name: 'Risky workload identities', level: 1 }).waitFor();
        await waitForRows(shared);
        const all = (await tenant.get<{ '@odata.count': number }>(`${RISKY}?$count=true`, reader))[
          '@odata.count'
        ];
        await countIs(shared, all);
        assert.equal(await countText(shared), `${all} risky workload identities`);
        assert.equal(await shared.getByLabel('Risk level').inputValue(), '');
        assert.equal(await shared.getByLabel('Rows per page').inputValue(), '25');
        assert.deepEqual(await sortedBy(shared), ['Last updated', 'descending']);
      } finally {
        await other.close();
      }
    });
  });
}

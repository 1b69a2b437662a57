// Functions given to page.evaluate and waitForFunction run in the browser: they see the DOM.
/// <reference lib="dom" />
import type { BrowserContext, Page } from 'playwright-core';

/** Opens the console in a new tab of `context` and signs in with an API key; waits for the first report. */
export async function signIn(context: BrowserContext, origin: string, key: string, hash = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/${hash}`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  if (hash === '' || hash.startsWith('#/risky')) {
    await page.getByRole('heading', { name: 'Risky workload identities', level: 1 }).waitFor();
    await waitForRows(page);
  }
  return page;
}

/** Waits until the report's table shows data (or its empty state), not skeletons. */
export async function waitForRows(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const table = document.querySelector('main table');
    return table !== null && table.getAttribute('aria-busy') !== 'true';
  });
}

/** Does `action` and waits for the report page it asks for to arrive and render. */
export async function reloading(page: Page, action: () => Promise<unknown>): Promise<void> {
  await Promise.all([
    page.waitForResponse((r) =>
      /\/identityProtection\/(riskyServicePrincipals|servicePrincipalRiskDetections)\?/.test(r.url()),
    ),
    action(),
  ]);
  await waitForRows(page);
}

/** The text of one column of the main table, by its header. */
export async function column(page: Page, header: string): Promise<string[]> {
  return page.evaluate((h) => {
    const table = document.querySelector('main table');
    if (!table) return [];
    const headers = [...table.querySelectorAll('thead th')].map((th) =>
      th.textContent?.replace(/[▲▼↕]/g, '').trim(),
    );
    const i = headers.indexOf(h);
    return [...table.querySelectorAll('tbody tr')].map((tr) => tr.children[i]?.textContent?.trim() ?? '');
  }, header);
}

/** The report's count line: `42 risky workload identities`. */
export async function countText(page: Page): Promise<string> {
  return (await page.locator('main p.count').first().textContent())?.trim() ?? '';
}

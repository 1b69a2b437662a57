import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import { createExportDelivery } from '../src/exports/deliver.ts';
import { destinationPlugins } from '../src/exports/destinations/index.ts';
import { runDetections } from '../src/jobs/detection-run.ts';
import type { SimulationLabels } from '../src/simulate/labels.ts';
import { simulateTenant } from '../src/simulate/simulate-tenant.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { runVigil } from './support/run-vigil.ts';
import { importSimulatedTenant } from './support/simulated-tenant.ts';

// A diagnostic setting sends risk events, risk changes, sign-ins and Vigil's own audit events to
// a storage directory and a webhook. The webhook is down while detection runs and an analyst acts;
// when it comes back, every record arrives (by id), in order per category, while the storage
// destination never waited for it. What is exported matches what the Graph API returns.

const dir = mkdtempSync(join(tmpdir(), 'vigil-export-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'tenant');
const SECRET = 'whsec-5f3c9a1e7b2d4f6a8c0e';
let labels: SimulationLabels;

before(async () => {
  labels = (await simulateTenant({ out, principals: 20, days: 10, seed: 404 })).labels;
});

/** A webhook receiver that checks signatures and can be stopped and started on the same port. */
function webhookReceiver() {
  const records: Record<string, unknown>[] = [];
  let server: Server | null = null;
  let port = 0;
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ts = String(req.headers['x-vigil-timestamp']);
      const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
      if (req.headers['x-vigil-signature'] !== expected) {
        res.writeHead(401).end('bad signature');
        return;
      }
      records.push(...(JSON.parse(body).records as Record<string, unknown>[]));
      res.writeHead(200).end('ok');
    });
  };
  return {
    records,
    url: () => `http://127.0.0.1:${port}/vigil`,
    async start() {
      server = createServer(handler);
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    },
    async stop() {
      if (!server) return;
      const s = server;
      server = null;
      // Keep-alive connections of the webhook client would hold close() open.
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}

/** Every JSON line of every PT1H.json under a storage directory. */
function storedRecords(root: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === 'PT1H.json') {
        for (const line of readFileSync(p, 'utf8').split('\n')) if (line) found.push(JSON.parse(line));
      }
    }
  };
  walk(root);
  return found;
}

for (const dialect of dialects) {
  describe(`export delivery on ${dialect}`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let key: string;
    const storage = join(dir, `${dialect}-storage`);
    const hook = webhookReceiver();

    before(async () => {
      t = await createTestStore(dialect);
      await hook.start();
      const config = loadConfig({
        env: {},
        overrides: { defaultTenantId: labels.tenantId, detectIntervalSeconds: 0 },
      });
      app = await buildApp({ config, store: t.store, intel: null, logger: false });
      key = (
        await createApiKeys(t.store).create({
          tenantId: labels.tenantId,
          role: 'security-administrator',
          name: 'soc',
        })
      ).key;
    });
    after(async () => {
      await hook.stop();
      await app.close();
      await t.cleanup();
    });

    const api = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown, prefer = false) =>
      app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${key}`,
          ...(prefer ? { prefer: 'include-unknown-enum-members' } : {}),
        },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });

    test('a setting is refused naming the field, then saved; its secrets are never shown', async () => {
      const bad = await api('PUT', '/diagnosticSettings/siem', {
        properties: {
          logs: [{ category: 'RiskyUsers', enabled: true }],
          destinations: [{ type: 'storage', path: storage }],
        },
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.message, /properties\.logs\[0\]\.category/);
      const setting = {
        properties: {
          logs: [
            { category: 'RiskyServicePrincipals', enabled: true },
            { category: 'ServicePrincipalRiskEvents', enabled: true },
            { category: 'ServicePrincipalSignInLogs', enabled: true },
            { category: 'AuditLogs', enabled: true },
          ],
          destinations: [
            { type: 'storage', path: storage },
            { type: 'webhook', url: hook.url(), secret: SECRET },
          ],
        },
      };
      const saved = await api('PUT', '/diagnosticSettings/siem', setting);
      assert.equal(saved.statusCode, 201, saved.body);
      const shown = await api('GET', '/diagnosticSettings/siem');
      assert.equal(shown.statusCode, 200);
      assert.doesNotMatch(shown.body, new RegExp(SECRET));
      assert.equal(shown.json().properties.destinations[1].secret, '***');
    });

    test('with the webhook down, nothing is lost: storage gets everything at once, the webhook all of it later, in order', async () => {
      await hook.stop();
      await importSimulatedTenant(t.store, out, labels.tenantId, { enrich: true });
      await runDetections(t.store, labels.end);
      const principal = (await api('GET', '/v1.0/identityProtection/riskyServicePrincipals?$top=1')).json()
        .value[0];
      assert.equal(
        (
          await api('POST', '/v1.0/identityProtection/riskyServicePrincipals/confirmCompromised', {
            servicePrincipalIds: [principal.id],
          })
        ).statusCode,
        204,
      );

      const delivery = createExportDelivery(t.store, destinationPlugins, { retryBaseMs: 1, retryCapMs: 5 });
      await delivery.runOnce();
      const stored = storedRecords(storage);
      const byCategory = (records: Record<string, unknown>[], category: string) =>
        records.filter((r) => r.category === category).map((r) => r.recordId as string);
      const detections = await t.store.db
        .selectFrom('risk_detections')
        .select('id')
        .where('tenant_id', '=', labels.tenantId)
        .execute();
      const history = await t.store.db
        .selectFrom('risk_history')
        .select('id')
        .where('tenant_id', '=', labels.tenantId)
        .execute();
      const signIns = await t.store.db
        .selectFrom('sign_ins')
        .select('id')
        .where('tenant_id', '=', labels.tenantId)
        .where('kind', '=', 'servicePrincipal')
        .execute();
      assert.ok(detections.length > 5 && signIns.length > 1000);
      assert.deepEqual(
        new Set(byCategory(stored, 'ServicePrincipalRiskEvents').map((id) => id.split('@')[0])),
        new Set(detections.map((d) => d.id)),
        'every detection was exported',
      );
      assert.deepEqual(
        new Set(byCategory(stored, 'RiskyServicePrincipals')),
        new Set(history.map((h) => h.id)),
      );
      assert.equal(new Set(byCategory(stored, 'ServicePrincipalSignInLogs')).size, signIns.length);
      assert.deepEqual(
        stored
          .filter((r) => r.category === 'AuditLogs')
          .map((r) => (r.properties as { activityDisplayName: string }).activityDisplayName),
        // Saving the setting is an admin action too, and was already exported.
        ['Add diagnostic setting', 'Confirm service principal compromised'],
      );
      assert.equal(hook.records.length, 0, 'the webhook is down');

      const status = await delivery.status();
      const webhook = status.filter((s) => s.label.startsWith('webhook'));
      assert.ok(
        webhook.some((s) => s.pending > 0 && s.failures > 0 && s.lastError),
        'status shows the webhook failing with work pending',
      );
      assert.ok(status.filter((s) => s.label.startsWith('storage')).every((s) => s.pending === 0));

      // The CLI shows the same.
      const cli = await runVigil(['export', 'status', '--json'], {
        ...t.env,
        VIGIL_TENANT_ID: labels.tenantId,
      });
      assert.equal(cli.code, 0, cli.stderr);
      assert.ok(
        cli.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
          .some((s) => s.pending > 0 && s.lastError),
      );

      await hook.start();
      await new Promise((r) => setTimeout(r, 20));
      for (let i = 0; i < 20 && (await delivery.status()).some((s) => s.pending > 0); i++) {
        await delivery.runOnce();
        await new Promise((r) => setTimeout(r, 10));
      }
      await delivery.close();
      const sent = hook.records;
      for (const category of [
        'ServicePrincipalRiskEvents',
        'RiskyServicePrincipals',
        'ServicePrincipalSignInLogs',
        'AuditLogs',
      ]) {
        const expected = byCategory(stored, category);
        const got = byCategory(sent, category);
        assert.deepEqual(new Set(got), new Set(expected), `${category}: every record arrived`);
        // In order: the first arrival of each id follows the outbox order storage wrote.
        const firstSeen = [...new Set(got)];
        assert.deepEqual(firstSeen, [...new Set(expected)], `${category}: in order`);
      }
    });

    test('a restart resumes where delivery stopped; metrics show it; delivered rows are pruned', async () => {
      const seen = new Set(storedRecords(storage).map((r) => r.recordId));
      const before = seen.size;
      const restarted = createExportDelivery(t.store, destinationPlugins);
      await restarted.runOnce();
      assert.equal(storedRecords(storage).length, before, 'nothing delivered twice after a restart');
      // A new change after the restart is delivered once.
      const principal = (await api('GET', '/v1.0/identityProtection/riskyServicePrincipals?$top=1')).json()
        .value[0];
      await api('POST', '/v1.0/identityProtection/riskyServicePrincipals/dismiss', {
        servicePrincipalIds: [principal.id],
      });
      await restarted.runOnce();
      const after = storedRecords(storage);
      const fresh = after.filter((r) => !seen.has(r.recordId));
      assert.equal(fresh.length, after.length - before, 'only the new change was delivered');
      assert.ok(fresh.some((r) => r.category === 'RiskyServicePrincipals'));

      const metrics = await api('GET', '/metrics');
      assert.equal(metrics.statusCode, 200);
      assert.match(
        metrics.body,
        /vigil_export_delivered_records\{setting="siem",destination="storage:[^"]+",category="ServicePrincipalSignInLogs"\} [1-9]/,
      );
      assert.match(
        metrics.body,
        /vigil_export_pending_records\{setting="siem",destination="webhook:[^"]+",category="RiskyServicePrincipals"\} 0/,
      );

      const queued = async () =>
        Number(
          (
            await t.store.db
              .selectFrom('export_outbox')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirst()
          )?.n,
        );
      const { createExportOutboxQueries } = await import('../src/store/queries/export-outbox-queries.ts');
      const prune = () =>
        createExportOutboxQueries(t.store).prune(new Date(Date.now() + 60_000).toISOString());
      assert.ok((await prune()) > 0, 'rows every destination delivered are pruned');
      assert.equal(await queued(), 0);
      // A row the webhook has not taken yet stays.
      await hook.stop();
      await api('POST', '/v1.0/identityProtection/riskyServicePrincipals/confirmCompromised', {
        servicePrincipalIds: [principal.id],
      });
      await restarted.runOnce();
      await prune();
      assert.ok((await queued()) > 0, 'rows the webhook still waits for stay');
      const waiting = await api('GET', '/metrics');
      assert.match(
        waiting.body,
        /vigil_export_pending_records\{setting="siem",destination="webhook:[^"]+",category="RiskyServicePrincipals"\} 1/,
      );
      await restarted.close();
    });

    test('exported risk records match what the Graph API returns for the same ids', async () => {
      const stored = storedRecords(storage);
      const events = stored.filter((r) => r.category === 'ServicePrincipalRiskEvents');
      const latest = new Map<string, Record<string, unknown>>();
      for (const e of events)
        latest.set((e.properties as { id: string }).id, e.properties as Record<string, unknown>);
      for (const [id, exported] of [...latest].slice(0, 10)) {
        const graph = (
          await api('GET', `/beta/identityProtection/servicePrincipalRiskDetections/${id}`, undefined, true)
        ).json();
        const { '@odata.context': _c, ...object } = graph;
        assert.deepEqual(exported, object, `detection ${id}`);
      }
      const risky = stored.filter((r) => r.category === 'RiskyServicePrincipals');
      const last = risky.at(-1)!.properties as Record<string, unknown>;
      const graph = (
        await api('GET', `/beta/identityProtection/riskyServicePrincipals/${last.id}`, undefined, true)
      ).json();
      for (const k of [
        'id',
        'riskLevel',
        'riskState',
        'riskDetail',
        'riskLastUpdatedDateTime',
        'displayName',
        'appId',
        'accountEnabled',
      ]) {
        assert.deepEqual(last[k], graph[k], k);
      }
      // The envelope is Azure Monitor's.
      const e = risky[0]!;
      assert.equal(e.resourceId, `/tenants/${labels.tenantId}/providers/Microsoft.aadiam`);
      assert.equal(e.tenantId, labels.tenantId);
      assert.equal(typeof e.time, 'string');
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createApiKeys } from '../../src/api/auth/api-keys.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createTestStore, dialects, type TestStore } from '../support/dialects.ts';

// The CSV downloads walk the same collection the Graph routes page through, page by page: a set
// larger than the biggest page comes out whole, in the collection's order, with the same filter
// and permission, and every cell a spreadsheet would run is defused.

const TENANT = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
const PRINCIPALS = 1234;
const LEVELS = ['high', 'medium', 'low'] as const;

function guid(i: number): string {
  const hex = i.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

/** A name per principal; some carry what CSV must quote or defuse. */
function nameOf(i: number): string {
  if (i % 100 === 7) return `=cmd|' /C calc'!A${i}`;
  if (i % 100 === 8) return `Contoso, "Payroll" ${i}`;
  if (i % 100 === 9) return `@SUM(${i})`;
  return `workload-${String(i).padStart(5, '0')}`;
}

for (const dialect of dialects) {
  describe(`CSV downloads on ${dialect}`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let reader: string;
    let ingest: string;
    before(async () => {
      t = await createTestStore(dialect);
      const at = (i: number) => new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
      const principals = Array.from({ length: PRINCIPALS }, (_, i) => ({
        tenant_id: TENANT,
        id: guid(i),
        app_id: guid(100_000 + i),
        display_name: nameOf(i),
        kind: 'application',
        service_principal_type: 'Application',
        app_owner_organization_id: TENANT,
        account_enabled: 1,
        created_at: at(0),
        source: 'test',
        updated_at: at(0),
      }));
      for (let i = 0; i < principals.length; i += 200) {
        await t.store.db
          .insertInto('service_principals')
          .values(principals.slice(i, i + 200))
          .execute();
        await t.store.db
          .insertInto('risky_principals')
          .values(
            principals.slice(i, i + 200).map((p, j) => ({
              tenant_id: TENANT,
              principal_id: p.id,
              risk_level: LEVELS[(i + j) % 3] as string,
              risk_state: 'atRisk',
              risk_detail: 'none',
              // Pairs share a time, so the key breaks ties across page boundaries.
              risk_last_updated_date_time: at(Math.floor((i + j) / 2)),
            })),
          )
          .execute();
      }
      const config = loadConfig({
        env: {},
        overrides: { defaultTenantId: TENANT, detectIntervalSeconds: 0 },
      });
      app = await buildApp({ config, store: t.store, intel: null, logger: false });
      const keys = createApiKeys(t.store);
      reader = (await keys.create({ tenantId: TENANT, role: 'security-reader', name: 'csv' })).key;
      ingest = (await keys.create({ tenantId: TENANT, role: 'ingest', name: 'relay' })).key;
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    /** Every entity of a Graph collection, following `@odata.nextLink`. */
    async function walk(url: string): Promise<Record<string, unknown>[]> {
      const out: Record<string, unknown>[] = [];
      let next: string | undefined = url;
      while (next) {
        const res: LightMyRequestResponse = await app.inject({
          url: next,
          headers: { authorization: `Bearer ${reader}`, prefer: 'include-unknown-enum-members' },
        });
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as { value: Record<string, unknown>[]; '@odata.nextLink'?: string };
        out.push(...body.value);
        next = body['@odata.nextLink']
          ? new URL(body['@odata.nextLink']).pathname + new URL(body['@odata.nextLink']).search
          : undefined;
      }
      return out;
    }

    /** A CSV body's records, split by the RFC 4180 rules (quoted cells may hold commas and quotes). */
    function records(body: string): string[][] {
      assert.ok(body.startsWith('\uFEFF'), 'UTF-8 with a byte order mark, for Excel');
      const rows: string[][] = [];
      let row: string[] = [];
      let cell = '';
      let quoted = false;
      const text = body.slice(1);
      for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (quoted) {
          if (ch === '"' && text[i + 1] === '"') {
            cell += '"';
            i++;
          } else if (ch === '"') quoted = false;
          else cell += ch;
        } else if (ch === '"') quoted = true;
        else if (ch === ',') {
          row.push(cell);
          cell = '';
        } else if (ch === '\r' && text[i + 1] === '\n') {
          row.push(cell);
          rows.push(row);
          row = [];
          cell = '';
          i++;
        } else cell += ch;
      }
      assert.equal(cell, '', 'every record ends with CRLF');
      return rows;
    }

    test('the whole filtered set, in the order of the Graph collection, across many pages', async () => {
      const filter = "riskLevel eq 'high' or riskLevel eq 'low'";
      const order = 'riskLastUpdatedDateTime asc';
      const res = await app.inject({
        url: `/vigil/csv/riskyServicePrincipals?$filter=${encodeURIComponent(filter)}&$orderby=${encodeURIComponent(order)}`,
        headers: { authorization: `Bearer ${reader}` },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
      assert.match(
        String(res.headers['content-disposition']),
        /^attachment; filename="riskyServicePrincipals-.+\.csv"$/,
      );
      const [header, ...rows] = records(res.body);
      assert.deepEqual(header, [
        'Name',
        'Object ID',
        'App ID',
        'Type',
        'Risk level',
        'Risk state',
        'Risk detail',
        'Risk last updated',
        'Enabled',
      ]);
      const api = await walk(
        `/v1.0/identityProtection/riskyServicePrincipals?$filter=${encodeURIComponent(filter)}&$orderby=${encodeURIComponent(order)}&$top=100`,
      );
      assert.ok(api.length > 500, 'more rows than one page of the walk');
      assert.deepEqual(
        rows.map((r) => r[1]),
        api.map((e) => e.id),
      );
      for (const [i, r] of rows.entries()) {
        const e = api[i]!;
        const name = String(e.displayName);
        // Cells a spreadsheet would run get a leading quote; everything else reads back as it was.
        assert.equal(r[0], /^[=+\-@\t\r]/.test(name) ? `'${name}` : name);
        assert.equal(r[4], e.riskLevel);
        assert.equal(r[7], e.riskLastUpdatedDateTime);
      }
      assert.ok(rows.some((r) => r[0]?.startsWith("'=cmd|")));
      assert.ok(rows.some((r) => r[0]?.startsWith('Contoso, "Payroll"')));
    });

    test('the same permission as the collection, and bad options refused before anything is sent', async () => {
      const url = '/vigil/csv/riskyServicePrincipals';
      assert.equal((await app.inject({ url })).statusCode, 401);
      const denied = await app.inject({ url, headers: { authorization: `Bearer ${ingest}` } });
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.json().error.code, 'Authorization_RequestDenied');
      const bad = await app.inject({
        url: `${url}?$filter=${encodeURIComponent("riskLevel eq 'severe'")}`,
        headers: { authorization: `Bearer ${reader}` },
      });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.code, 'BadRequest');
      const top = await app.inject({ url: `${url}?$top=5`, headers: { authorization: `Bearer ${reader}` } });
      assert.equal(top.statusCode, 400);
      assert.match(top.json().error.message, /\$top/);
      const detections = await app.inject({
        url: '/vigil/csv/servicePrincipalRiskDetections',
        headers: { authorization: `Bearer ${reader}` },
      });
      assert.equal(detections.statusCode, 200);
      assert.deepEqual(records(detections.body), [
        [
          'Detected',
          'Activity time',
          'Detection type',
          'Risk level',
          'Risk state',
          'Principal',
          'Principal ID',
          'IP address',
          'Location',
          'Credential key IDs',
          'Detection ID',
        ],
      ]);
    });

    test('GET /vigil/me tells the console what the token may do', async () => {
      const res = await app.inject({ url: '/vigil/me', headers: { authorization: `Bearer ${reader}` } });
      assert.equal(res.statusCode, 200);
      const me = res.json();
      assert.equal(me.tenantId, TENANT);
      assert.deepEqual(me.roles, ['security-reader']);
      assert.ok(me.permissions.includes('IdentityRiskyServicePrincipal.Read.All'));
      assert.ok(!me.permissions.includes('IdentityRiskyServicePrincipal.ReadWrite.All'));
      assert.equal((await app.inject({ url: '/vigil/me' })).statusCode, 401);
    });
  });
}

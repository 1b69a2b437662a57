import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { runVigil, type VigilRun } from './support/run-vigil.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const BILLING_APP = '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35';
const BILLING_SP = 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93';
const BILLING_SECRET_2025 = 'e8a05d3c-7f21-4b96-8c4e-1d9b6a2f3e70';
const FORMATS = fileURLToPath(new URL('./fixtures/formats/', import.meta.url));

// Three fake secrets with the hint of billing-sync's live secret (`m2L`): the one Entra still
// accepts, one rotated away (Entra answers AADSTS7000215), and one tried while the endpoint is down.
const LIVE_SECRET = 'm2L5Q~FAKE.appsettings.secret-TEST-0001';
const ROTATED_SECRET = 'm2L9Q~FAKE-rotated-away-TEST-secret-0006';
const UNTESTED_SECRET = 'm2L3Q~FAKE-endpoint-down-TEST-secret-007';
const SECRETS = [LIVE_SECRET, ROTATED_SECRET, UNTESTED_SECRET];
const ACCESS_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.FAKE-TEST-access-token.c2lnbmF0dXJl';

interface TokenRequest {
  path: string;
  contentType: string | undefined;
  form: Record<string, string>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** A token endpoint like Entra's v2.0 one for the fixture tenant: it knows billing-sync and its live secret. */
function startTokenEndpoint(): Promise<{ server: Server; url: string; requests: TokenRequest[] }> {
  const requests: TokenRequest[] = [];
  const server = createServer(async (req, res) => {
    const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
    requests.push({ path: req.url ?? '', contentType: req.headers['content-type'], form });
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const trace = {
      timestamp: '2026-11-27 01:02:03Z',
      trace_id: '0b5c7e2a-4f1d-4c3b-9a8e-6d2f1b7c4a00',
      correlation_id: '9e4d2c1b-7a6f-4e5d-8c3b-2a1f0e9d8c7b',
    };
    if (req.method !== 'POST' || req.url !== `/${TENANT}/oauth2/v2.0/token`) {
      answer(404, { error: 'not_found' });
    } else if (form.grant_type !== 'client_credentials') {
      answer(400, { error: 'unsupported_grant_type', error_codes: [70003], ...trace });
    } else if (form.client_id !== BILLING_APP) {
      answer(400, {
        error: 'unauthorized_client',
        error_description: `AADSTS700016: Application with identifier '${form.client_id}' was not found in the directory 'Contoso'.`,
        error_codes: [700016],
        ...trace,
      });
    } else if (form.client_secret === LIVE_SECRET) {
      answer(200, {
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: ACCESS_TOKEN,
      });
    } else {
      answer(401, {
        error: 'invalid_client',
        error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${BILLING_APP}'. Trace ID: ${trace.trace_id} Correlation ID: ${trace.correlation_id} Timestamp: ${trace.timestamp}`,
        error_codes: [7000215],
        ...trace,
        error_uri: 'https://login.microsoftonline.com/error?code=7000215',
      });
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/{tenantId}/oauth2/v2.0/token`, requests });
    });
  });
}

/** A port on this machine that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

for (const dialect of dialects) {
  describe(`leaked secrets confirmed by a live token request on ${dialect}`, () => {
    let t: TestStore;
    let env: Record<string, string>;
    let endpoint: Awaited<ReturnType<typeof startTokenEndpoint>>;
    let dir: string;
    const runs: VigilRun[] = [];

    /** A generic leak report of one secret of billing-sync, as a file. */
    const report = (name: string, secret: string) => {
      const file = join(dir, `${name}.json`);
      writeFileSync(
        file,
        JSON.stringify([
          {
            appId: BILLING_APP,
            tenantId: TENANT,
            secret,
            url: `https://pastebin.invalid/raw/${name}`,
            foundAt: '2026-11-20T08:00:00Z',
          },
        ]),
      );
      return file;
    };
    const vigil = async (args: string[], extra: Record<string, string> = {}) => {
      const run = await runVigil(args, { ...env, ...extra });
      runs.push(run);
      return run;
    };
    const detections = async () =>
      JSON.parse((await vigil(['detections', 'list', '--json'])).stdout).value as {
        riskLevel: string;
        keyIds: string[];
        additionalInfo: string;
      }[];

    before(async () => {
      t = await createTestStore(dialect);
      endpoint = await startTokenEndpoint();
      dir = mkdtempSync(join(tmpdir(), 'vigil-leak-verify-'));
      env = { ...t.env, VIGIL_TENANT_ID: TENANT, VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT: endpoint.url };
      const imported = await runVigil(['import', '--json', FORMATS], env);
      assert.equal(imported.code, 0, imported.stderr);
    });
    after(async () => {
      await new Promise((resolve) => endpoint.server.close(resolve));
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    test('--verify without a configured endpoint says how to configure one and raises nothing', async () => {
      const run = await vigil(['leaks', 'import', '--verify', report('live', LIVE_SECRET)], {
        VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT: '',
      });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--verify needs a token endpoint/);
      assert.match(run.stderr, /VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT/);
      assert.match(run.stderr, /"leaks": \{ "verify": \{ "tokenEndpoint"/);
      assert.equal(run.stdout, '');
      assert.deepEqual(await detections(), []);
      assert.equal(endpoint.requests.length, 0);
    });

    test('a rotated-away secret the endpoint refuses is reported invalid and raises nothing', async () => {
      const run = await vigil(['leaks', 'import', '--verify', '--json', report('rotated', ROTATED_SECRET)]);
      assert.equal(run.code, 0, run.stderr);
      const r = JSON.parse(run.stdout);
      assert.deepEqual([r.invalid, r.probable, r.confirmed, r.detections, r.liveChecks], [1, 0, 0, 0, 1]);
      const [finding] = r.findings;
      assert.equal(finding.outcome, 'invalid');
      assert.equal(finding.detectionId, null);
      assert.match(
        finding.how,
        /no longer works: live token request refused it \(HTTP 401 invalid_client AADSTS7000215/,
      );
      assert.deepEqual(await detections(), []);

      const [asked] = endpoint.requests;
      assert.equal(asked?.path, `/${TENANT}/oauth2/v2.0/token`);
      assert.equal(asked?.contentType, 'application/x-www-form-urlencoded');
      assert.deepEqual(asked?.form, {
        grant_type: 'client_credentials',
        client_id: BILLING_APP,
        client_secret: ROTATED_SECRET,
        scope: 'https://graph.microsoft.com/.default',
      });

      const text = await vigil(['leaks', 'import', '--verify', report('rotated', ROTATED_SECRET)]);
      assert.match(text.stdout, /^invalid {3}clientSecret/m);
      assert.match(text.stdout, /1 refused by the token endpoint \(not raised; 1 live token request\)/);
    });

    test('with the endpoint down the secret stays probable and is still raised, the reason noted', async () => {
      const down = `http://127.0.0.1:${await closedPort()}/{tenantId}/oauth2/v2.0/token`;
      const run = await vigil(
        ['leaks', 'import', '--verify', '--json', report('untested', UNTESTED_SECRET)],
        {
          VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT: down,
        },
      );
      assert.equal(run.code, 0, run.stderr);
      const r = JSON.parse(run.stdout);
      assert.deepEqual([r.probable, r.detections, r.liveChecks], [1, 1, 1]);
      const [finding] = r.findings;
      assert.equal(finding.principalId, BILLING_SP);
      assert.deepEqual(finding.keyIds, [BILLING_SECRET_2025]);
      assert.match(finding.how, /live token request: request failed: ECONNREFUSED/);
      const [d] = await detections();
      assert.equal(d?.riskLevel, 'high');
      assert.match(d?.additionalInfo ?? '', /"confidence","Value":"probable"/);
      assert.match(d?.additionalInfo ?? '', /"liveTokenRequest","Value":"request failed: ECONNREFUSED"/);
    });

    test('a secret the endpoint issues a token for is confirmed, and its detection says so', async () => {
      const run = await vigil(['leaks', 'import', '--verify', '--json', report('live', LIVE_SECRET)]);
      assert.equal(run.code, 0, run.stderr);
      const r = JSON.parse(run.stdout);
      assert.deepEqual([r.confirmed, r.probable, r.invalid, r.liveChecks], [1, 0, 0, 1]);
      const [finding] = r.findings;
      assert.equal(finding.outcome, 'confirmed');
      assert.match(finding.how, /^live token request succeeded as app 3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35/);
      assert.equal(finding.principalId, BILLING_SP);

      const all = await detections();
      assert.equal(all.length, 1, 'the same credential keeps its one detection');
      const [d] = all;
      assert.equal(d?.riskLevel, 'high');
      assert.deepEqual(d?.keyIds, [BILLING_SECRET_2025]);
      assert.match(d?.additionalInfo ?? '', /"confidence","Value":"confirmed"/);
      assert.match(d?.additionalInfo ?? '', /"liveTokenRequest","Value":"live token request succeeded"/);
      const [sp] = JSON.parse((await vigil(['risky', 'list', '--json'])).stdout).value;
      assert.deepEqual([sp.id, sp.riskLevel, sp.riskState], [BILLING_SP, 'high', 'atRisk']);
    });

    test('without --verify nothing is sent, even with an endpoint configured, and a confirmation stands', async () => {
      const before = endpoint.requests.length;
      const run = await vigil(['leaks', 'import', report('live', LIVE_SECRET)]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^probable/m);
      assert.match(run.stdout, /--verify would try the 1 probable client secret with a live token request/);
      assert.equal(endpoint.requests.length, before);
      const [d] = await detections();
      assert.match(d?.additionalInfo ?? '', /"confidence","Value":"confirmed"/, 'the earlier proof stands');
    });

    test('no secret or token is printed or stored', async () => {
      for (const run of runs) {
        for (const s of [...SECRETS, ACCESS_TOKEN]) {
          assert.ok(!run.stdout.includes(s) && !run.stderr.includes(s), `printed: ${s}`);
        }
      }
      const schema = t.env.VIGIL_DATABASE_SCHEMA;
      const tables = (await t.store.db.introspection.getTables()).filter(
        (x) => schema === undefined || x.schema === schema,
      );
      assert.ok(tables.length > 5);
      for (const table of tables) {
        const rows = await sql`select * from ${sql.table(table.name)}`.execute(t.store.db);
        const dump = JSON.stringify(rows.rows);
        for (const s of [...SECRETS, ACCESS_TOKEN]) assert.ok(!dump.includes(s), `${table.name} holds ${s}`);
      }
    });
  });
}

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { JWTPayload } from 'jose';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import { importFiles } from '../src/ingest/pipeline.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { type NginxGateway, startNginxGateway } from './support/nginx.ts';
import { createSigningKey, startTestIssuer, type TestIssuer } from './support/oidc-issuer.ts';

// Conditional Access enforced where it matters: a real nginx in front of an API asks Vigil about every
// request (auth_request), and what an administrator does through the Graph API changes what the
// gateway lets through on the very next request.

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const OTHER_TENANT = '386d8696-64db-4b70-aae9-ed82deb178c0';
const MICROSOFT_SERVICES_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
const ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;
/** The protected API's app registration: its v2 tokens carry this client id as `aud`. */
const LEDGER_API = '0daa408e-6de5-4b40-ad60-16ccd5962c70';

/** A single-tenant daemon: in Entra's scope for workload identity Conditional Access. */
const BILLING = {
  id: 'c01934e2-9909-446d-a594-fdeaacf8c8fa',
  appId: 'f2d3b29c-b437-4b0b-8cf1-aee909f49efa',
  displayName: 'contoso-billing-sync',
};
/** A user-assigned managed identity: outside Entra's scope, so policies leave it alone by default. */
const BACKUP = {
  id: 'e9a45a61-d60d-4eec-801b-05533b5f6887',
  appId: '4fd05264-50f8-4018-949f-9a7dcc7e81d7',
  displayName: 'id-ledger-backup-prod-weu',
};

/** Where a load balancer in front of the gateway says a request came from (it is on loopback, a trusted proxy). */
const HOSTILE_NETWORK_ADDRESS = '198.51.100.7';

const inventoryPage = {
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#servicePrincipals',
  value: [
    {
      id: BILLING.id,
      appId: BILLING.appId,
      displayName: BILLING.displayName,
      appDisplayName: BILLING.displayName,
      servicePrincipalType: 'Application',
      appOwnerOrganizationId: TENANT,
      signInAudience: 'AzureADMyOrg',
      accountEnabled: true,
      createdDateTime: '2024-02-19T10:42:11Z',
      servicePrincipalNames: [BILLING.appId],
      keyCredentials: [],
      passwordCredentials: [],
    },
    {
      id: BACKUP.id,
      appId: BACKUP.appId,
      displayName: BACKUP.displayName,
      servicePrincipalType: 'ManagedIdentity',
      appOwnerOrganizationId: MICROSOFT_SERVICES_TENANT,
      accountEnabled: true,
      createdDateTime: '2024-05-03T07:15:40Z',
      alternativeNames: [
        'isExplicit=True',
        `/subscriptions/9b1c3e57-2f4a-4d8b-a6e0-7c5d1f3b9a24/resourcegroups/rg-ledger-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${BACKUP.displayName}`,
      ],
      servicePrincipalNames: [BACKUP.appId],
      keyCredentials: [],
      passwordCredentials: [],
    },
  ],
};

/** Graph bodies as an administrator (or Terraform) POSTs them. */
const corporateEgress = {
  '@odata.type': '#microsoft.graph.ipNamedLocation',
  displayName: 'Corporate egress (NAT gateways)',
  isTrusted: true,
  ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' }],
};
const hostileHosting = {
  '@odata.type': '#microsoft.graph.ipNamedLocation',
  displayName: 'Bulletproof hosting seen in past incidents',
  isTrusted: false,
  ipRanges: [{ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' }],
};
const blockHighRisk = {
  displayName: 'WI: block workload identities at high risk',
  state: 'enabled',
  conditions: {
    applications: { includeApplications: ['All'] },
    clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] },
    servicePrincipalRiskLevels: ['high'],
  },
  grantControls: { operator: 'OR', builtInControls: ['block'] },
};
const blockHostileNetworks = (locationId: string) => ({
  displayName: 'WI: block workload identities from hostile networks',
  state: 'enabled',
  conditions: {
    applications: { includeApplications: ['All'] },
    clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] },
    locations: { includeLocations: [locationId] },
  },
  grantControls: { operator: 'OR', builtInControls: ['block'] },
});
/** Would block everything outside the corporate egress: the gateway's own loopback callers included. */
const reportOutsideEgress = {
  displayName: 'WI: report workload access from outside corporate egress',
  state: 'enabledForReportingButNotEnforced',
  conditions: {
    applications: { includeApplications: ['All'] },
    clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] },
    locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
  },
  grantControls: { operator: 'OR', builtInControls: ['block'] },
};

/** The access token Entra issues a workload for the ledger API (v2, client credentials). */
function tokenClaims(principal: { id: string; appId: string }, overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: LEDGER_API,
    iss: ISSUER,
    iat: now - 60,
    nbf: now - 60,
    exp: now + 3600,
    aio: 'k2BgYPj4dSzbnOXfm7Iu/5QZQjNFAA==',
    azp: principal.appId,
    azpacr: '1',
    idtyp: 'app',
    oid: principal.id,
    rh: '0.AXEAKk4fbD2bfk-KIV0MO36fFI5AqggN3dxNtYcQ2lWQmCRxAAA.',
    roles: ['Ledger.ReadWrite.All'],
    sub: principal.id,
    tid: TENANT,
    uti: randomBytes(16).toString('base64url'),
    ver: '2.0',
    ...overrides,
  };
}

/** What the gateway answered, with Vigil's decision headers it passes back. */
interface GatewayAnswer {
  status: number;
  body: string;
  decision: string | null;
  policy: string | null;
  reason: string | null;
}

/** The ledger API behind the gateway; counts what reaches it. */
async function startLedger(): Promise<{ server: Server; origin: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ledger ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, hits: () => hits };
}

for (const dialect of dialects) {
  describe(`Conditional Access through a real nginx (auth_request) on ${dialect}`, () => {
    let t: TestStore;
    let issuer: TestIssuer;
    let app: FastifyInstance;
    let ledger: Awaited<ReturnType<typeof startLedger>>;
    let gateway: NginxGateway;
    let admin: string;
    let dir: string;
    const policyIds = { risk: '', network: '', reportOnly: '' };
    // Requests of the billing daemon whose token was good, so Vigil decided and should have recorded them.
    let billingDecisions = 0;

    const graph = async (method: 'GET' | 'POST', url: string, body?: unknown) => {
      const res = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${admin}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return res;
    };
    const create = async (url: string, body: unknown): Promise<string> => {
      const res = await graph('POST', url, body);
      assert.equal(res.statusCode, 201, `POST ${url}: ${res.body}`);
      return res.json().id as string;
    };
    const call = async (token: string | null, from?: string): Promise<GatewayAnswer> => {
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (from !== undefined) headers['x-forwarded-for'] = from;
      const res = await fetch(`${gateway.origin}/ledger/v1/invoices?status=open`, { headers });
      return {
        status: res.status,
        body: await res.text(),
        decision: res.headers.get('x-vigil-decision'),
        policy: res.headers.get('x-vigil-policy'),
        reason: res.headers.get('x-vigil-reason'),
      };
    };
    const billingCall = async (from?: string) => {
      const answer = await call(await issuer.sign(tokenClaims(BILLING)), from);
      billingDecisions++;
      return answer;
    };
    const explain = (answer: GatewayAnswer) =>
      `${answer.status} ${answer.decision}/${answer.policy}: ${answer.reason}\nnginx error log:\n${gateway.errorLog()}`;

    before(async () => {
      t = await createTestStore(dialect);
      issuer = await startTestIssuer('RS256');
      dir = mkdtempSync(join(tmpdir(), 'vigil-authz-'));
      const page = join(dir, 'service-principals.json');
      writeFileSync(page, JSON.stringify(inventoryPage));
      const config = loadConfig({
        env: {},
        overrides: {
          defaultTenantId: TENANT,
          detectIntervalSeconds: 0,
          workloadIssuers: [
            { issuer: ISSUER, audience: [LEDGER_API], jwksUrl: issuer.jwksUrl, tenantId: TENANT },
          ],
          trustedProxies: ['127.0.0.1/32', '::1/128'],
        },
      });
      await importFiles([page], {
        store: t.store,
        config: { ...config, ingestWorkers: false },
        enrich: false,
      });
      // Earlier detections left the billing daemon at low risk: below what the risk policy blocks.
      await t.store.db
        .insertInto('risky_principals')
        .values({
          tenant_id: TENANT,
          principal_id: BILLING.id,
          risk_level: 'low',
          risk_state: 'atRisk',
          risk_detail: 'none',
          risk_last_updated_date_time: new Date(Date.now() - 86_400_000).toISOString(),
        })
        .execute();
      admin = (
        await createApiKeys(t.store).create({
          tenantId: TENANT,
          role: 'security-administrator',
          name: 'soc automation',
        })
      ).key;
      app = await buildApp({
        config,
        store: t.store,
        intel: null,
        logger: process.env.VIGIL_TEST_LOG ? { level: 'error' } : false,
      });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as AddressInfo;
      ledger = await startLedger();
      gateway = await startNginxGateway({ upstream: ledger.origin, vigil: `http://127.0.0.1:${port}` });

      const namedLocations = '/v1.0/identity/conditionalAccess/namedLocations';
      const policies = '/v1.0/identity/conditionalAccess/policies';
      await create(namedLocations, corporateEgress);
      const hostile = await create(namedLocations, hostileHosting);
      policyIds.risk = await create(policies, blockHighRisk);
      policyIds.network = await create(policies, blockHostileNetworks(hostile));
      policyIds.reportOnly = await create(policies, reportOutsideEgress);
    });

    after(async () => {
      await gateway?.close();
      await new Promise<void>((resolve) => (ledger ? ledger.server.close(() => resolve()) : resolve()));
      await app?.close();
      await issuer?.close();
      await t?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test("a low-risk workload's token passes the gateway and reaches the API", async () => {
      const before = ledger.hits();
      const answer = await billingCall();
      assert.equal(answer.status, 200, explain(answer));
      assert.equal(answer.body, 'ledger ok');
      assert.equal(answer.decision, 'allow');
      assert.equal(ledger.hits(), before + 1);
    });

    test('after confirmCompromised the very next request is refused with 403 by the risk policy', async () => {
      const confirm = await graph(
        'POST',
        '/v1.0/identityProtection/riskyServicePrincipals/confirmCompromised',
        { servicePrincipalIds: [BILLING.id] },
      );
      assert.equal(confirm.statusCode, 204, confirm.body);
      const before = ledger.hits();
      const answer = await billingCall();
      assert.equal(answer.status, 403, explain(answer));
      assert.equal(answer.decision, 'block');
      assert.equal(answer.policy, policyIds.risk);
      assert.ok(answer.reason, 'the refusal says why');
      assert.equal(ledger.hits(), before, 'a refused request never reaches the API');
    });

    test('after dismiss it passes again', async () => {
      const dismiss = await graph('POST', '/v1.0/identityProtection/riskyServicePrincipals/dismiss', {
        servicePrincipalIds: [BILLING.id],
      });
      assert.equal(dismiss.statusCode, 204, dismiss.body);
      const answer = await billingCall();
      assert.equal(answer.status, 200, explain(answer));
      assert.equal(answer.body, 'ledger ok');
    });

    test('a request from a hostile network is blocked by its policy; a managed identity there is out of scope', async () => {
      const billing = await billingCall(HOSTILE_NETWORK_ADDRESS);
      assert.equal(billing.status, 403, explain(billing));
      assert.equal(billing.policy, policyIds.network);
      // Entra applies workload identity Conditional Access to single-tenant apps only.
      const backup = await call(await issuer.sign(tokenClaims(BACKUP)), HOSTILE_NETWORK_ADDRESS);
      assert.equal(backup.status, 200, explain(backup));
      assert.equal(backup.body, 'ledger ok');
    });

    test('tokens that are forged, expired, for another API or from another issuer, and none at all: 401', async () => {
      const now = Math.floor(Date.now() / 1000);
      const stranger = await createSigningKey('RS256', 'kid-not-published');
      // The published kid on a signature made with another key: only the signature gives it away.
      const impostor = await createSigningKey('RS256', issuer.key.kid);
      const cases: [string, string | null][] = [
        [
          'signed by a key the JWKS does not publish',
          await issuer.sign(tokenClaims(BILLING), { key: stranger }),
        ],
        [
          'signed by another key under a published kid',
          await issuer.sign(tokenClaims(BILLING), { key: impostor }),
        ],
        [
          'expired an hour ago',
          await issuer.sign(tokenClaims(BILLING, { iat: now - 7200, nbf: now - 7200, exp: now - 3600 })),
        ],
        ['for another API', await issuer.sign(tokenClaims(BILLING, { aud: 'https://management.azure.com' }))],
        [
          'from another tenant',
          await issuer.sign(
            tokenClaims(BILLING, {
              iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`,
              tid: OTHER_TENANT,
            }),
          ),
        ],
        ['not a JWT', 'eyJub3QiOiJhIHRva2VuIn0'],
        ['no token', null],
      ];
      const before = ledger.hits();
      const got: Record<string, number> = {};
      for (const [name, token] of cases) got[name] = (await call(token)).status;
      assert.deepEqual(got, Object.fromEntries(cases.map(([name]) => [name, 401])));
      assert.equal(ledger.hits(), before, 'nothing unauthenticated reaches the API');
    });

    test('the report-only policy never blocked, and the sign-in log shows it beside the enforced outcomes', async () => {
      const url = `/beta/auditLogs/signIns?$filter=${encodeURIComponent(`servicePrincipalId eq '${BILLING.id}'`)}`;
      // Decisions are written in batches: wait for the flush.
      let signIns: Record<string, unknown>[] = [];
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const res = await graph('GET', url);
        assert.equal(res.statusCode, 200, res.body);
        signIns = res.json().value;
        if (signIns.length >= billingDecisions) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // Forged and expired tokens named the billing daemon too, but prove nothing about it.
      assert.equal(signIns.length, billingDecisions, 'one sign-in per verified request, none for bad tokens');

      type Applied = { id: string; result: string };
      type Recorded = {
        status: { errorCode: number };
        conditionalAccessStatus: string;
        appliedConditionalAccessPolicies: Applied[];
      };
      const records = signIns as unknown as Recorded[];
      const resultOf = (r: Recorded, id: string) =>
        r.appliedConditionalAccessPolicies.find((p) => p.id === id)?.result;
      const blocked = records.filter((r) => r.status.errorCode !== 0);
      const passed = records.filter((r) => r.status.errorCode === 0);
      // Allowed: first, after dismiss. Blocked: after confirmCompromised, from the hostile network.
      assert.equal(passed.length, 2);
      assert.equal(blocked.length, 2);
      for (const r of blocked) {
        assert.equal(r.status.errorCode, 53003);
        assert.equal(r.conditionalAccessStatus, 'failure');
      }
      assert.deepEqual(
        blocked.map((r) => [resultOf(r, policyIds.risk), resultOf(r, policyIds.network)]).sort(),
        [
          ['failure', 'notApplied'],
          ['notApplied', 'failure'],
        ].sort(),
      );
      // Every request came from outside the corporate egress: the report-only policy would have
      // blocked each, said so in the log, and blocked none.
      for (const r of records) assert.equal(resultOf(r, policyIds.reportOnly), 'reportOnlyFailure');
      for (const r of passed) assert.notEqual(r.conditionalAccessStatus, 'failure');
    });
  });
}

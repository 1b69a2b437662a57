import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load.ts';
import { parsePlainList } from '../src/enrich/threat-intel/parse-plain-list.ts';
import { importFiles } from '../src/ingest/pipeline.ts';
import { runDetections } from '../src/jobs/detection-run.ts';
import { raiseLeakDetections } from '../src/jobs/leak-detection.ts';
import { parseLeakReport } from '../src/leaks/parse-leak-report.ts';
import type { AttackKind, SimulationLabels } from '../src/simulate/labels.ts';
import { simulateTenant } from '../src/simulate/simulate-tenant.ts';
import { createIndicatorQueries } from '../src/store/queries/indicator-queries.ts';
import { createTestStore, dialects, type TestStore } from './support/dialects.ts';
import { runVigil } from './support/run-vigil.ts';
import { importSimulatedTenant } from './support/simulated-tenant.ts';

// An analyst about to remediate a risky principal asks four questions: were there suspicious
// sign-ins, were credentials added or removed, was its configuration changed, did its permissions
// change. The tenant is simulated up to now with its attacks (a stolen secret, an attacker's own
// credential, sign-ins from a listed address) and normal life; on top of it, a quiet application is
// taken over the way audit logs show it: a new owner, a redirect URI changed by another service
// principal, a federated credential and an app ID URI added, and RoleManagement.ReadWrite.Directory
// granted — which the application then uses to make a Global Administrator.

const dir = mkdtempSync(join(tmpdir(), 'vigil-investigation-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, 'tenant');
let labels: SimulationLabels;

const MALLORY = { id: 'f3a9c1d7-2e4b-4c8a-9d6f-1b7e3a5c9d20', upn: 'mallory.jones@contoso.com' };
const AUTOMATION = {
  servicePrincipalId: '4b8e2f17-9a3c-4d61-8e05-7c2a9f1d3b84',
  appId: '0f3c8a21-7b4d-4e96-a5c2-8d1e9b3f6a47',
  name: 'legacy-automation',
};
const FIC = '1f9d4b2c-8e3a-4c71-b6d5-0a2e7f9c3d16';
const GRAPH_SP = '8f2c6a14-3d9b-4e75-a1c0-7b5e9d2f4a63';
const UNKNOWN = '0b0e7d4c-1f1a-4c2b-9a5e-000000000404';

before(async () => {
  labels = (await simulateTenant({ out, principals: 30, days: 21, seed: 404, end: new Date() })).labels;
});

function attack(kind: AttackKind) {
  const found = labels.attacks.find((a) => a.kind === kind);
  assert.ok(found, `the simulation plants a ${kind} attack`);
  return found;
}

/** A principal and its application, as the inventory holds them. */
interface Target {
  id: string;
  appId: string;
  applicationId: string;
  displayName: string;
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

/** Graph directoryAudit objects of a takeover of `p`, oldest first, as `GET /auditLogs/directoryAudits` returns them. */
function takeoverAudits(p: Target) {
  const user = {
    user: { id: MALLORY.id, displayName: null, userPrincipalName: MALLORY.upn, ipAddress: '185.220.101.34' },
    app: null,
  };
  const app = (sp: string, appId: string, name: string) => ({
    user: null,
    app: { appId, displayName: name, servicePrincipalId: sp, servicePrincipalName: null },
  });
  const text = (v: string) => ({ oldValue: null, newValue: JSON.stringify(v) });
  const application = (modifiedProperties: unknown[]) => ({
    id: p.applicationId,
    displayName: p.displayName,
    type: 'Application',
    userPrincipalName: null,
    groupType: null,
    modifiedProperties,
  });
  const event = (
    n: number,
    at: string,
    activity: string,
    initiatedBy: unknown,
    targetResources: unknown[],
  ) => ({
    id: `Directory_7d3e1a9c-4b2f-4e86-9a05-1c8d3f6b2e7${n}_Q7XK2_${31_000_000 + n}`,
    category: n >= 5 ? 'RoleManagement' : 'ApplicationManagement',
    correlationId: `7d3e1a9c-4b2f-4e86-9a05-1c8d3f6b2e7${n}`,
    result: 'success',
    resultReason: '',
    activityDisplayName: activity,
    activityDateTime: at,
    loggedByService: 'Core Directory',
    operationType: activity.startsWith('Add') ? 'Add' : activity.startsWith('Update') ? 'Update' : 'Assign',
    initiatedBy,
    targetResources,
    additionalDetails: [
      { key: 'User-Agent', value: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' },
    ],
  });
  const address = (urls: string[]) =>
    JSON.stringify(
      urls.map((u) => ({
        AddressType: 0,
        Address: u,
        ReplyAddressClientType: 1,
        ReplyAddressIndex: null,
        IsReplyAddressDefault: false,
      })),
    );
  return [
    event(1, hoursAgo(60), 'Add owner to application', user, [
      {
        id: 'a6d1f3b8-2c7e-4f94-b0a5-3e9c8d1f7b26',
        displayName: null,
        type: 'User',
        userPrincipalName: 'eve.contractor@contoso.com',
        groupType: null,
        modifiedProperties: [
          { displayName: 'Application.ObjectID', ...text(p.applicationId) },
          { displayName: 'Application.AppId', ...text(p.appId) },
          { displayName: 'Application.DisplayName', ...text(p.displayName) },
        ],
      },
      application([]),
    ]),
    event(
      2,
      hoursAgo(58),
      'Update application',
      app(AUTOMATION.servicePrincipalId, AUTOMATION.appId, AUTOMATION.name),
      [
        application([
          {
            displayName: 'AppAddress',
            oldValue: address(['https://billing.contoso.com/signin-oidc']),
            newValue: address([
              'https://billing.contoso.com/signin-oidc',
              'https://contoso-login.azurewebsites.net/callback',
            ]),
          },
          { displayName: 'Included Updated Properties', oldValue: null, newValue: '"AppAddress"' },
        ]),
      ],
    ),
    event(3, hoursAgo(57), 'Update application', user, [
      application([
        {
          displayName: 'FederatedIdentityCredentials',
          oldValue: '[]',
          newValue: JSON.stringify([
            {
              Id: FIC,
              Name: 'deploy-prod',
              Issuer: 'https://token.actions.githubusercontent.com',
              Subject: 'repo:evil-org/tools:environment:prod',
              Audiences: ['api://AzureADTokenExchange'],
            },
          ]),
        },
        { displayName: 'IdentifierUris', oldValue: '[]', newValue: '["api://contoso-billing-export.net"]' },
        {
          displayName: 'Included Updated Properties',
          oldValue: null,
          newValue: '"FederatedIdentityCredentials, IdentifierUris"',
        },
      ]),
    ]),
    event(4, hoursAgo(50), 'Add app role assignment to service principal', user, [
      {
        id: GRAPH_SP,
        displayName: 'Microsoft Graph',
        type: 'ServicePrincipal',
        userPrincipalName: null,
        groupType: null,
        modifiedProperties: [
          { displayName: 'AppRole.Id', ...text('9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8') },
          { displayName: 'AppRole.Value', ...text('RoleManagement.ReadWrite.Directory') },
          { displayName: 'AppRole.DisplayName', ...text('Read and write all directory RBAC settings') },
          { displayName: 'ServicePrincipal.ObjectID', ...text(p.id) },
          { displayName: 'ServicePrincipal.DisplayName', ...text(p.displayName) },
          { displayName: 'ServicePrincipal.AppId', ...text(p.appId) },
        ],
      },
      {
        id: p.id,
        displayName: p.displayName,
        type: 'ServicePrincipal',
        userPrincipalName: null,
        groupType: null,
        modifiedProperties: [],
      },
    ]),
    event(5, hoursAgo(49), 'Add member to role', app(p.id, p.appId, p.displayName), [
      {
        id: 'a6d1f3b8-2c7e-4f94-b0a5-3e9c8d1f7b26',
        displayName: null,
        type: 'User',
        userPrincipalName: 'eve.contractor@contoso.com',
        groupType: null,
        modifiedProperties: [
          { displayName: 'Role.DisplayName', ...text('Global Administrator') },
          { displayName: 'Role.TemplateId', ...text('62e90394-69f5-4237-9190-012177145e10') },
        ],
      },
    ]),
  ];
}

for (const dialect of dialects) {
  describe(`investigating a principal on ${dialect}`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let reader: string;
    let ingestOnly: string;
    let quiet: Target;
    let takenOver: Target;
    const get = (url: string, key = reader) =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
    const base = (id: string, version = 'v1.0') =>
      `/${version}/identityProtection/riskyServicePrincipals/${id}/investigation`;
    /** The stored sign-ins an evidence item names. */
    const signInsNamed = (ids: string[]) =>
      t.store.db
        .selectFrom('sign_ins')
        .select(['id', 'credential_key_id', 'ip_address', 'status_code'])
        .where('tenant_id', '=', labels.tenantId)
        .where('id', 'in', ids)
        .execute();

    before(async () => {
      t = await createTestStore(dialect);
      await importSimulatedTenant(t.store, out, labels.tenantId, { enrich: true });
      const list = parsePlainList(readFileSync(join(out, 'intel', 'indicators.txt'), 'utf8'), {
        source: 'simulated-feed',
        confidence: 90,
      });
      await createIndicatorQueries(t.store).upsert(list.indicators, new Date().toISOString());
      await runDetections(t.store, new Date().toISOString());
      const report = parseLeakReport(readFileSync(join(out, 'leaks', 'gitleaks.json'), 'utf8'));
      await raiseLeakDetections(t.store, labels.tenantId, report.leaks, new Date().toISOString());

      // Two applications nothing happened to: no attack, no normal change, no detection.
      const touched = new Set([
        ...labels.attacks.map((a) => a.principalId),
        ...labels.targeted.map((a) => a.principalId),
        ...labels.normalEvents.map((e) => e.principalId),
      ]);
      const flagged = new Set(
        (await t.store.db.selectFrom('risk_detections').select('principal_id').execute()).map(
          (r) => r.principal_id,
        ),
      );
      const candidates = (
        await t.store.db
          .selectFrom('service_principals as sp')
          .innerJoin('applications as a', (j) =>
            j.onRef('a.tenant_id', '=', 'sp.tenant_id').onRef('a.app_id', '=', 'sp.app_id'),
          )
          .select(['sp.id', 'sp.app_id', 'a.id as application_id', 'sp.display_name'])
          .where('sp.tenant_id', '=', labels.tenantId)
          .orderBy('sp.id')
          .execute()
      ).filter((r) => !touched.has(r.id) && !flagged.has(r.id));
      assert.ok(candidates.length >= 2, 'the tenant has quiet applications');
      [quiet, takenOver] = candidates.slice(0, 2).map((r) => ({
        id: r.id,
        appId: r.app_id!,
        applicationId: r.application_id,
        displayName: r.display_name ?? r.id,
      })) as [Target, Target];

      const audits = join(dir, `takeover-${dialect}.json`);
      writeFileSync(audits, JSON.stringify(takeoverAudits(takenOver), null, 2));
      const imported = await importFiles([audits], {
        store: t.store,
        config: {
          defaultTenantId: labels.tenantId,
          ingestBatchSize: 1000,
          maxRecordBytes: 256 * 1024,
          bodyLimitBytes: 64 * 1024 * 1024,
          ingestWorkers: false,
        },
        enrich: false,
      });
      assert.equal(imported.quarantined, 0);

      const config = loadConfig({
        env: {},
        overrides: { defaultTenantId: labels.tenantId, detectIntervalSeconds: 0 },
      });
      app = await buildApp({ config, store: t.store, intel: null, logger: false });
      const keys = createApiKeys(t.store);
      reader = (await keys.create({ tenantId: labels.tenantId, role: 'security-reader', name: 'soc' })).key;
      ingestOnly = (await keys.create({ tenantId: labels.tenantId, role: 'ingest', name: 'pipeline' })).key;
    });
    after(async () => {
      await app?.close();
      await t.cleanup();
    });

    test('a stolen secret: the sign-in question names the attack sign-ins and what was unusual about them', async () => {
      const a = attack('stolenSecret');
      const res = await get(base(a.principalId));
      assert.equal(res.statusCode, 200, res.body);
      const inv = res.json();
      assert.equal(inv.servicePrincipalId, a.principalId);
      assert.equal(inv.appId, a.appId);
      assert.ok(
        inv.window.start <= a.from && a.from <= inv.window.end,
        'the default window covers the attack',
      );
      assert.deepEqual(
        inv.questions.map((q: { question: string }) => q.question),
        ['suspiciousSignIns', 'credentialChanges', 'configurationChanges', 'permissionChanges'],
      );
      const signIns = inv.questions[0];
      assert.ok(['suspicious', 'confirmed'].includes(signIns.verdict), signIns.summary);
      const attackSignIns = new Set(
        (
          await t.store.db
            .selectFrom('sign_ins')
            .select('id')
            .where('tenant_id', '=', labels.tenantId)
            .where('service_principal_id', '=', a.principalId)
            .where('ip_address', 'in', a.ipAddresses)
            .execute()
        ).map((r) => r.id),
      );
      const named = signIns.evidence.flatMap((e: { signInIds: string[] }) => e.signInIds);
      assert.ok(
        named.some((id: string) => attackSignIns.has(id)),
        'the attack sign-ins are named',
      );
      const unusual = signIns.evidence.find((e: { kind: string }) => e.kind === 'suspiciousSignins');
      assert.ok(unusual.unusual.length > 0, 'what was unusual is said');
      assert.ok(unusual.detectionId);
      assert.equal(signIns.evidenceCount, signIns.evidence.length);
    });

    test('sign-ins from a listed address that succeeded are confirmed', async () => {
      const a = attack('listedAddress');
      const inv = (await get(base(a.principalId))).json();
      assert.equal(inv.questions[0].verdict, 'confirmed', inv.questions[0].summary);
      const listed = inv.questions[0].evidence.find(
        (e: { kind: string; verdict: string }) =>
          e.kind === 'investigationsThreatIntelligence' && e.verdict === 'confirmed',
      );
      assert.ok(listed.ipAddress && a.ipAddresses.includes(listed.ipAddress));
    });

    test('a live secret in a leak report, still used by its workload from its own networks: suspicious', async () => {
      const a = attack('leakedSecret');
      const signIns = (await get(base(a.principalId))).json().questions[0];
      assert.equal(signIns.verdict, 'suspicious', signIns.summary);
      const leaked = signIns.evidence.find((e: { kind: string }) => e.kind === 'leakedCredentialUsed');
      assert.equal(leaked.keyId, a.keyIds[0]);
      assert.deepEqual(leaked.reasons, ['leakedCredentialStillInUse']);
      assert.equal(leaked.riskEventType, 'leakedCredentials');
      assert.ok(leaked.signInIds.length > 0);
      const named = await signInsNamed(leaked.signInIds);
      assert.equal(named.length, leaked.signInIds.length, 'every named sign-in is stored');
      assert.ok(
        named.every((s) => s.credential_key_id === a.keyIds[0] && Number(s.status_code) === 0),
        'each named sign-in succeeded with the leaked secret',
      );
    });

    test("an attacker's credential: its addition, actor and use from the attacker's network are named", async () => {
      const a = attack('attackerCredential');
      const inv = (await get(base(a.principalId))).json();
      const credentials = inv.questions[1];
      assert.ok(['suspicious', 'confirmed'].includes(credentials.verdict), credentials.summary);
      const added = credentials.evidence.find((e: { keyId: string }) => e.keyId === a.keyIds[0]);
      assert.ok(added, 'the attacker’s credential is listed');
      assert.equal(added.kind, 'credentialAdded');
      assert.ok(added.reasons.includes('usedFromNewNetwork'), 'its use from the attacker’s network is named');
      assert.ok(added.signInIds.length > 0);
      const uses = await signInsNamed(added.signInIds);
      assert.ok(
        uses.every((s) => s.credential_key_id === a.keyIds[0]),
        'the named sign-ins used the attacker’s credential',
      );
      assert.ok(
        uses.some((s) => s.ip_address !== null && a.ipAddresses.includes(s.ip_address)),
        'the named sign-ins come from the attacker’s addresses',
      );
      assert.ok(added.detectionId);
      assert.ok(added.actor?.name, 'the actor is named');
      assert.ok(added.auditId);
    });

    test('a quiet principal: nothing found, four times', async () => {
      const res = await get(base(quiet.id, 'beta'));
      assert.equal(res.statusCode, 200, res.body);
      const inv = res.json();
      assert.equal(inv.riskLevel, 'none');
      assert.deepEqual(
        inv.questions.map((q: { question: string; verdict: string }) => [q.question, q.verdict]),
        [
          ['suspiciousSignIns', 'nothingFound'],
          ['credentialChanges', 'nothingFound'],
          ['configurationChanges', 'nothingFound'],
          ['permissionChanges', 'nothingFound'],
        ],
        JSON.stringify(inv.questions.map((q: { summary: string }) => q.summary)),
      );
      assert.match(
        inv['@odata.context'],
        /\/beta\/\$metadata#identityProtection\/riskyServicePrincipals\('.+'\)\/investigation\/\$entity$/,
      );
    });

    test('a takeover in the audit log: each change lands in its question, with its actor and what it granted', async () => {
      const inv = (await get(base(takenOver.id))).json();
      const [, , configuration, permissions] = inv.questions;
      assert.equal(configuration.verdict, 'suspicious', configuration.summary);
      const byKind = new Map(configuration.evidence.map((e: { kind: string }) => [e.kind, e]));
      const owner = byKind.get('ownerAdded') as Record<string, unknown> & { actor: { name: string } };
      assert.deepEqual(owner.added, ['eve.contractor@contoso.com']);
      assert.equal(owner.actor.name, MALLORY.upn);
      assert.deepEqual(owner.reasons, ['actorWithNoOtherChanges']);
      const redirect = byKind.get('redirectUrisChanged') as Record<string, unknown> & {
        actor: { name: string; kind: string };
      };
      assert.deepEqual(redirect.added, ['https://contoso-login.azurewebsites.net/callback']);
      assert.deepEqual([redirect.actor.kind, redirect.actor.name], ['app', AUTOMATION.name]);
      assert.ok((redirect.reasons as string[]).includes('servicePrincipalActor'));
      const federated = byKind.get('federatedCredentialAdded') as Record<string, unknown>;
      assert.equal(federated.keyId, FIC);
      assert.match(String((federated.added as string[])[0]), /subject repo:evil-org\/tools/);
      assert.deepEqual((byKind.get('identifierUrisChanged') as { added: string[] }).added, [
        'api://contoso-billing-export.net',
      ]);
      assert.equal(configuration.evidenceCount, 4);

      assert.equal(permissions.verdict, 'confirmed', permissions.summary);
      const [grant] = permissions.evidence;
      assert.equal(grant.kind, 'appRoleAdded');
      assert.equal(grant.permission, 'RoleManagement.ReadWrite.Directory');
      assert.deepEqual(grant.sensitivePermissions, ['RoleManagement.ReadWrite.Directory']);
      assert.equal(grant.actor.name, MALLORY.upn);
      assert.match(
        grant.description,
        /then the principal itself made 1 directory change, first Add member to role/,
      );
      assert.match(permissions.summary, /RoleManagement\.ReadWrite\.Directory/);
    });

    test('evidence pages: $top=1, then the nextLinks, return every item once, in order', async () => {
      const all = (await get(`${base(takenOver.id)}/configurationChanges?$top=200`)).json();
      assert.equal(all.value.length, 4);
      const first = (await get(`${base(takenOver.id)}?$top=1`)).json();
      const configuration = first.questions[2];
      assert.equal(configuration.evidence.length, 1);
      assert.equal(configuration.evidenceCount, 4);
      const ids = [configuration.evidence[0].id];
      let link: string | undefined = configuration['@odata.nextLink'];
      assert.match(
        String(link),
        /\/investigation\/configurationChanges\?start=.+&end=.+&\$top=1&\$skiptoken=/,
      );
      while (link) {
        const res = await get(link.replace(/^https?:\/\/[^/]+/, ''));
        assert.equal(res.statusCode, 200, res.body);
        const page = res.json();
        assert.match(page['@odata.context'], /\/investigation\/configurationChanges$/);
        assert.ok(page.value.length <= 1);
        ids.push(...page.value.map((e: { id: string }) => e.id));
        link = page['@odata.nextLink'];
      }
      assert.deepEqual(
        ids,
        all.value.map((e: { id: string }) => e.id),
      );
      assert.equal(new Set(ids).size, ids.length, 'no item twice');
    });

    test('the window: start and end are respected; wider than 90 days, or not a date-time, is a 400 naming it', async () => {
      const before = new Date(Date.now() - 100 * 3_600_000).toISOString();
      const early = (
        await get(
          `${base(takenOver.id)}?start=${encodeURIComponent(hoursAgo(24 * 20))}&end=${encodeURIComponent(before)}`,
        )
      ).json();
      assert.equal(early.questions[2].evidenceCount, 0);
      assert.equal(early.questions[3].verdict, 'nothingFound');
      assert.equal(early.window.end, before);
      const narrow = (
        await get(
          `${base(takenOver.id)}?start=${encodeURIComponent(hoursAgo(59))}&end=${encodeURIComponent(hoursAgo(55))}`,
        )
      ).json();
      assert.deepEqual(narrow.questions[2].evidence.map((e: { kind: string }) => e.kind).sort(), [
        'federatedCredentialAdded',
        'identifierUrisChanged',
        'redirectUrisChanged',
      ]);

      const wide = await get(`${base(takenOver.id)}?start=2026-01-01T00:00:00Z&end=2026-06-01T00:00:00Z`);
      assert.equal(wide.statusCode, 400);
      assert.equal(wide.json().error.code, 'BadRequest');
      assert.match(wide.json().error.message, /start.*90 days/);
      const bad = await get(`${base(takenOver.id)}?end=yesterday`);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.message, /Invalid end 'yesterday'/);
      assert.equal((await get(`${base(takenOver.id)}?$top=500`)).statusCode, 400);
      assert.equal((await get(`${base(takenOver.id)}/whatever`)).statusCode, 400);
      const forged = await get(`${base(takenOver.id)}/configurationChanges?$skiptoken=eyJ2IjoxfQ`);
      assert.equal(forged.statusCode, 400);
    });

    test('unknown principals are 404, and a key without the permission is 403', async () => {
      const unknown = await get(base(UNKNOWN));
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json().error.code, 'Request_ResourceNotFound');
      assert.equal((await get(`${base(UNKNOWN)}/suspiciousSignIns`)).statusCode, 404);
      assert.equal((await get(base('not-a-guid'))).statusCode, 404);
      const denied = await get(base(takenOver.id), ingestOnly);
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.json().error.code, 'Authorization_RequestDenied');
    });

    test('both versions are described in /openapi.json', async () => {
      const doc = (await get('/openapi.json')).json();
      for (const version of ['v1.0', 'beta']) {
        const path = `/${version}/identityProtection/riskyServicePrincipals/{id}/investigation`;
        assert.ok(doc.paths[path]?.get, `${path} is described`);
        assert.ok(doc.paths[`${path}/{question}`]?.get);
        const schema = doc.paths[path].get.responses['200'].content['application/json'].schema;
        assert.ok(schema.properties.questions);
      }
    });

    test('vigil investigate prints each question with its verdict and evidence', async () => {
      const env = { ...t.env, VIGIL_TENANT_ID: labels.tenantId };
      const run = await runVigil(['investigate', takenOver.id], env);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Investigation of .+ \(.+\), app /);
      assert.match(run.stdout, /1\. Were there suspicious sign-ins\? {2}nothing found/);
      assert.match(run.stdout, /3\. Was the configuration changed\? {2}SUSPICIOUS/);
      assert.match(run.stdout, /4\. Did its permissions change\? {2}CONFIRMED/);
      assert.match(
        run.stdout,
        /!! .* Application permission granted: RoleManagement\.ReadWrite\.Directory by mallory\.jones@contoso\.com/,
      );
      const json = await runVigil(['investigate', takenOver.id, '--json'], env);
      assert.equal(JSON.parse(json.stdout).questions[3].verdict, 'confirmed');
      const wide = await runVigil(
        ['investigate', takenOver.id, '--start', '2026-01-01T00:00:00Z', '--end', '2026-06-01T00:00:00Z'],
        env,
      );
      assert.equal(wide.code, 2);
      assert.match(wide.stderr, /start/);
    });
  });
}

// Decision-point benchmark: `GET /authz/nginx`, which a gateway calls before every request it
// proxies, with valid RS256 workload tokens under concurrent loopback load. Each decision verifies
// the token, reads the principal and its risk, evaluates the tenant's policies (risk, location,
// country, report-only) and records the outcome as a sign-in (once per token and outcome, as Entra
// records one per token issued). The reference is the hello-world route of the same server in the
// same run: the ratio is what a decision costs on top of the HTTP stack.
//
// Tokens of several principals rotate, each principal with several tokens, so no single cached token
// or principal carries the figure.
//
// The server (a `vigil serve` child) and the load generators (autocannon in this process for the
// maximum rate, a paced client in a child of its own for latency) share the machine's cores:
// absolute figures are lower than with clients elsewhere, and the ratio is what carries over. The
// hello route at the same paced rate shows what latency the machine and the client add on their
// own, and a probe inside the server reports its event-loop delay and GC pauses over each paced run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createApiKeys } from '../src/api/auth/api-keys.ts';
import { loadConfig } from '../src/config/load.ts';
import { importFiles } from '../src/ingest/pipeline.ts';
import { createRandom, deriveSeed, type Random } from '../src/simulate/random.ts';
import { openStore } from '../src/store/open-store.ts';
import type { EventLoopReport } from './event-loop-probe.ts';
import { runPacedLoad } from './paced-load.ts';
import { type ServingVigil, serveVigil } from './run-vigil.ts';

// autocannon's `requests`: a sequence each connection cycles through (here, one token per request).
declare module 'autocannon' {
  interface Options {
    requests?: { method?: string; path?: string; headers?: Record<string, string> }[];
  }
}

const TARGETS = { p99Ms: 5, ratio: 0.5 } as const;
const AUTHZ_PATH = '/authz/nginx';
const HELLO_PATH = '/bench/hello';
const MICROSOFT_SERVICES_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

function numberFlag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0 || args[i + 1] === undefined) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

/** An Entra-like token issuer on loopback: a JWKS endpoint and an RS256 signer. */
interface LocalIssuer {
  jwksUrl: string;
  sign(claims: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

async function startLocalIssuer(): Promise<LocalIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'bench-signing-key';
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' }] });
  const server: Server = createServer((req, res) => {
    if (req.url === '/discovery/v2.0/keys')
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/discovery/v2.0/keys`,
    sign: (claims) =>
      new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid }).sign(privateKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Principal {
  id: string;
  appId: string;
  displayName: string;
  managed: boolean;
}

/** A tenant's inventory as a Graph servicePrincipal page: mostly single-tenant apps, some managed identities. */
function inventory(rnd: Random, count: number): Principal[] {
  const teams = ['billing', 'payroll', 'crm', 'search', 'data', 'ledger', 'identity', 'reporting'];
  const jobs = ['sync', 'api', 'ingest', 'export', 'scheduler', 'deploy'];
  return Array.from({ length: count }, (_, i) => {
    // The first principals are the ones whose tokens the load uses: applications, in scope.
    const managed = i >= 16 && rnd.chance(0.25);
    return {
      id: rnd.guid(),
      appId: rnd.guid(),
      displayName: managed
        ? `id-${rnd.pick(teams)}-prod-${rnd.hex(4)}`
        : `${rnd.pick(teams)}-${rnd.pick(jobs)}-${i}`,
      managed,
    };
  });
}

function inventoryPage(principals: Principal[], tenantId: string): unknown {
  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#servicePrincipals',
    value: principals.map((p) => ({
      id: p.id,
      appId: p.appId,
      displayName: p.displayName,
      servicePrincipalType: p.managed ? 'ManagedIdentity' : 'Application',
      appOwnerOrganizationId: p.managed ? MICROSOFT_SERVICES_TENANT : tenantId,
      accountEnabled: true,
      createdDateTime: '2024-03-11T08:00:00Z',
      servicePrincipalNames: [p.appId],
      keyCredentials: [],
      passwordCredentials: [],
    })),
  };
}

/** The tenant's Conditional Access set-up, as an administrator would POST it. */
function policySetUp(breakGlass: string) {
  const namedLocations = {
    corporate: {
      '@odata.type': '#microsoft.graph.ipNamedLocation',
      displayName: 'Corporate egress and gateway hosts',
      isTrusted: true,
      ipRanges: [
        { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' },
        // The gateway of this benchmark calls from loopback.
        { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '127.0.0.0/8' },
        { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8:1200::/40' },
      ],
    },
    sanctioned: {
      '@odata.type': '#microsoft.graph.countryNamedLocation',
      displayName: 'Sanctioned countries',
      countriesAndRegions: ['KP', 'IR', 'SY', 'CU'],
      includeUnknownCountriesAndRegions: false,
      countryLookupMethod: 'clientIpAddress',
    },
  };
  const policies = (locations: { sanctioned: string }) => [
    {
      displayName: 'WI: block workload identities at high risk',
      state: 'enabled',
      conditions: {
        applications: { includeApplications: ['All'] },
        clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] },
        servicePrincipalRiskLevels: ['high'],
      },
      grantControls: { operator: 'OR', builtInControls: ['block'] },
    },
    {
      displayName: 'WI: block workload identities outside trusted networks',
      state: 'enabled',
      conditions: {
        applications: { includeApplications: ['All'] },
        clientApplications: {
          includeServicePrincipals: ['ServicePrincipalsInMyTenant'],
          excludeServicePrincipals: [breakGlass],
        },
        locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
      },
      grantControls: { operator: 'OR', builtInControls: ['block'] },
    },
    {
      displayName: 'WI: block workload identities from sanctioned countries',
      state: 'enabled',
      conditions: {
        applications: { includeApplications: ['All'] },
        clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] },
        locations: { includeLocations: [locations.sanctioned] },
      },
      grantControls: { operator: 'OR', builtInControls: ['block'] },
    },
    {
      displayName: 'WI: report workload identities at low or medium risk',
      state: 'enabledForReportingButNotEnforced',
      conditions: {
        applications: { includeApplications: ['All'] },
        clientApplications: { includeServicePrincipals: ['ServicePrincipalsInMyTenant'] },
        servicePrincipalRiskLevels: ['low', 'medium'],
      },
      grantControls: { operator: 'OR', builtInControls: ['block'] },
    },
  ];
  return { namedLocations, policies };
}

/** Durations in seconds of each measurement phase. */
interface Phases {
  warmup: number;
  max: number;
  paced: number;
  connections: number;
}

/** Throws unless every request of a run got a 2xx answer. */
function assertAnswered(
  label: string,
  r: { non2xx: number; errors: number; statusCodes: Record<string, number> },
): void {
  if (r.non2xx === 0 && r.errors === 0) return;
  throw new Error(
    `${label}: ${r.non2xx} non-2xx responses and ${r.errors} errors or timeouts (status counts ${JSON.stringify(r.statusCodes)}); the figures would measure failures, not the route`,
  );
}

/**
 * The highest rate with `connections` clients kept busy, each cycling through `headerSets`, and the
 * server's CPU time per request over the run.
 */
async function maxRun(
  label: string,
  server: ServingVigil,
  path: string,
  headerSets: Record<string, string>[],
  seconds: number,
  connections: number,
): Promise<{ requestsPerSecond: number; p99Ms: number; cpuUsPerRequest: number }> {
  const cpuBefore = server.cpuMs();
  const r = await autocannon({
    url: `${server.url}${path}`,
    connections,
    duration: seconds,
    requests: headerSets.map((headers) => ({ method: 'GET', path, headers })),
  });
  assertAnswered(label, {
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count])),
  });
  return {
    requestsPerSecond: Math.round(r['2xx'] / r.duration),
    p99Ms: r.latency.p99,
    cpuUsPerRequest: Math.round((((server.cpuMs() - cpuBefore) * 1000) / Math.max(1, r['2xx'])) * 10) / 10,
  };
}

/**
 * A steady rate over `connections` keep-alive connections, the requests taking the header sets in
 * turn, with the server's event loop watched over the same window.
 */
async function pacedRun(
  server: ServingVigil,
  path: string,
  headerSets: Record<string, string>[],
  rate: number,
  seconds: number,
  connections: number,
) {
  // Starts the probe's window afresh: what it reports next is this run alone.
  await server.eventLoop();
  const r = await runPacedLoad({
    url: `${server.url}${path}`,
    headers: headerSets,
    rate,
    durationSeconds: seconds,
    connections,
  });
  return { ...r, eventLoop: await server.eventLoop() };
}

/** One line of what the server's event loop went through during a paced run. */
function eventLoopLine(e: EventLoopReport | null): string {
  if (e === null) return 'event loop not probed';
  return (
    `event-loop delay p99 ${e.delayP99Ms} ms, max ${e.delayMaxMs} ms, busy ${Math.round(e.utilization * 100)}%; ` +
    `GC ${e.gcCount} pauses (${e.majorGcCount} major), longest ${e.gcMaxMs} ms; ` +
    `${e.stallCount} stalls, longest ${e.longestStallMs} ms with ${e.longestStallCpuMs} ms of CPU`
  );
}

/** The machine's 1-minute load average: other work on the same cores shows up in every figure. */
function load(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

/** One request per token before any load: a benchmark of refusals would measure nothing. */
async function checkTokens(url: string, headerSets: Record<string, string>[]): Promise<void> {
  for (const headers of headerSets) {
    const res = await fetch(`${url}${AUTHZ_PATH}`, { headers });
    const body = await res.text();
    const decision = res.headers.get('x-vigil-decision');
    if (res.status !== 200 || decision !== 'allow')
      throw new Error(
        `GET ${AUTHZ_PATH} answered ${res.status} (${decision}, policy ${res.headers.get('x-vigil-policy')}: ` +
          `${res.headers.get('x-vigil-reason')}) ${body.slice(0, 200)}`,
      );
  }
  const hello = await fetch(`${url}${HELLO_PATH}`);
  const body = (await hello.json()) as { hello?: unknown };
  if (hello.status !== 200 || body.hello !== 'world')
    throw new Error(`GET ${HELLO_PATH} answered ${hello.status}: is VIGIL_BENCH_HELLO_ROUTE on?`);
}

async function post(url: string, key: string, path: string, body: unknown): Promise<string> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { id: string }).id;
}

/** Sign-ins the decisions left, read once the recorder has flushed: the load was decided, not skipped. */
async function recordedSignIns(url: string, key: string): Promise<number> {
  const deadline = Date.now() + 5000;
  let count = 0;
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/beta/auditLogs/signIns?$top=1000`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const text = await res.text();
    if (res.status !== 200)
      throw new Error(`GET /beta/auditLogs/signIns answered ${res.status}: ${text.slice(0, 300)}`);
    count = (JSON.parse(text) as { value: unknown[] }).value.length;
    if (count > 0) return count;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no decision was recorded as a sign-in');
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const quick = args.includes('--quick');
  const seconds = numberFlag(args, 'duration', quick ? 3 : 10);
  const phases: Phases = {
    warmup: quick ? 1 : 3,
    max: seconds,
    paced: seconds,
    connections: Math.round(numberFlag(args, 'connections', 32)),
  };
  const principalCount = Math.round(numberFlag(args, 'principals', 500));
  const activeCount = Math.min(16, Math.round(numberFlag(args, 'active-principals', 5)));
  const tokensEach = Math.round(numberFlag(args, 'tokens-per-principal', 4));
  const seed = numberFlag(args, 'seed', 20261127);
  // `--cpu-prof <dir>`: the server's CPU profile over the whole run, for `node --cpu-prof` readers.
  const profileAt = args.indexOf('--cpu-prof');
  const cpuProfileDir = profileAt >= 0 ? (args[profileAt + 1] ?? null) : null;

  const rnd = createRandom(deriveSeed(seed, 0));
  const tenantId = rnd.guid();
  const audience = rnd.guid();
  const issuerUrl = `https://login.microsoftonline.com/${tenantId}/v2.0`;
  const principals = inventory(rnd, Math.max(principalCount, 32));
  const active = principals.slice(0, activeCount);
  const breakGlass = principals[activeCount]!;

  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-authz-'));
  const databaseUrl = join(dir, 'vigil.db');
  const issuer = await startLocalIssuer();
  let server: ServingVigil | null = null;
  try {
    const page = join(dir, 'service-principals.json');
    writeFileSync(page, JSON.stringify(inventoryPage(principals, tenantId)));
    const config = loadConfig({ env: {}, overrides: { defaultTenantId: tenantId, databaseUrl } });
    const store = await openStore({ databaseUrl });
    let key: string;
    try {
      await importFiles([page], { store, config: { ...config, ingestWorkers: false }, enrich: false });
      // Risk as detections leave it: every other active principal at low risk (the report-only policy
      // matches those), and a tail of the inventory at medium or high.
      const now = new Date().toISOString();
      const risky = principals.flatMap((p, i) => {
        if (i < activeCount)
          return i % 2 === 1 ? [{ principal: p, level: 'low', state: 'atRisk', detail: 'none' }] : [];
        if (p.managed || i % 10 !== 0) return [];
        return [
          i % 20 === 0
            ? {
                principal: p,
                level: 'high',
                state: 'confirmedCompromised',
                detail: 'adminConfirmedServicePrincipalCompromised',
              }
            : { principal: p, level: 'medium', state: 'atRisk', detail: 'none' },
        ];
      });
      if (risky.length > 0)
        await store.db
          .insertInto('risky_principals')
          .values(
            risky.map((r) => ({
              tenant_id: tenantId,
              principal_id: r.principal.id,
              risk_level: r.level,
              risk_state: r.state,
              risk_detail: r.detail,
              risk_last_updated_date_time: now,
            })),
          )
          .execute();
      // A key of its own before the server starts, so it mints no first-start administrator key.
      key = (await createApiKeys(store).create({ tenantId, role: 'security-administrator', name: 'bench' }))
        .key;
    } finally {
      await store.close();
    }

    server = await serveVigil(
      {
        VIGIL_DATABASE_URL: databaseUrl,
        VIGIL_TENANT_ID: tenantId,
        VIGIL_BENCH_HELLO_ROUTE: '1',
        VIGIL_RATE_LIMIT_PER_MINUTE: '0',
        VIGIL_DETECT_INTERVAL_SECONDS: '0',
        VIGIL_LOG_LEVEL: 'warn',
        VIGIL_AUTHZ_ISSUER: issuerUrl,
        VIGIL_AUTHZ_AUDIENCE: audience,
        VIGIL_AUTHZ_JWKS_URL: issuer.jwksUrl,
        VIGIL_AUTHZ_TENANT_ID: tenantId,
      },
      { probe: true, ...(cpuProfileDir !== null ? { cpuProfileDir } : {}) },
    );
    const setUp = policySetUp(breakGlass.id);
    const locationsPath = '/v1.0/identity/conditionalAccess/namedLocations';
    await post(server.url, key, locationsPath, setUp.namedLocations.corporate);
    const sanctioned = await post(server.url, key, locationsPath, setUp.namedLocations.sanctioned);
    const policies = setUp.policies({ sanctioned });
    for (const policy of policies)
      await post(server.url, key, '/v1.0/identity/conditionalAccess/policies', policy);

    const nowSeconds = Math.floor(Date.now() / 1000);
    const headerSets: Record<string, string>[] = [];
    for (let n = 0; n < tokensEach; n++) {
      for (const p of active) {
        const token = await issuer.sign({
          aud: audience,
          iss: issuerUrl,
          iat: nowSeconds - 60 - n,
          nbf: nowSeconds - 60 - n,
          exp: nowSeconds + 3600,
          azp: p.appId,
          azpacr: '1',
          idtyp: 'app',
          oid: p.id,
          roles: ['Ledger.ReadWrite.All'],
          sub: p.id,
          tid: tenantId,
          uti: rnd.hex(22),
          ver: '2.0',
        });
        headerSets.push({ authorization: `Bearer ${token}`, 'x-original-uri': '/ledger/v1/invoices' });
      }
    }
    await checkTokens(server.url, headerSets);
    const loadBefore = load();
    console.error(
      `set-up      ${principals.length} principals, ${policies.length} policies (${policies.filter((p) => p.state === 'enabled').length} enforced), ` +
        `${headerSets.length} tokens of ${active.length} principals rotating over ${phases.connections} connections`,
    );

    const hello = [{}];
    await maxRun('hello warm-up', server, HELLO_PATH, hello, phases.warmup, phases.connections);
    const helloFirst = await maxRun('hello', server, HELLO_PATH, hello, phases.max, phases.connections);
    console.error(
      `hello       max ${helloFirst.requestsPerSecond}/s (p99 ${helloFirst.p99Ms} ms; server CPU ${helloFirst.cpuUsPerRequest} µs a request)`,
    );
    await maxRun('authz warm-up', server, AUTHZ_PATH, headerSets, phases.warmup, phases.connections);
    const max = await maxRun('authz', server, AUTHZ_PATH, headerSets, phases.max, phases.connections);
    const pacedRate = Math.max(1, Math.round(max.requestsPerSecond / 2));
    const paced = await pacedRun(server, AUTHZ_PATH, headerSets, pacedRate, phases.paced, phases.connections);
    assertAnswered(`authz at ${pacedRate}/s`, paced);
    console.error(
      `authz       max ${max.requestsPerSecond}/s (p99 ${max.p99Ms} ms with ${phases.connections} connections; ` +
        `server CPU ${max.cpuUsPerRequest} µs a decision); ` +
        `at ${pacedRate}/s (50%, achieved ${paced.achievedRate}/s): p50 ${paced.p50Ms} ms, p99 ${paced.p99Ms} ms, ` +
        `max ${paced.maxMs} ms (client sent p99 ${paced.sendLagP99Ms} ms late)\n` +
        `            server: ${eventLoopLine(paced.eventLoop)}`,
    );
    // Hello again after the decisions: the better of the two is the reference, so a slow patch of
    // the shared machine during the first run cannot flatter the ratio.
    const helloAgain = await maxRun('hello', server, HELLO_PATH, hello, phases.max, phases.connections);
    const helloRps = Math.max(helloFirst.requestsPerSecond, helloAgain.requestsPerSecond);
    console.error(`hello       again: max ${helloAgain.requestsPerSecond}/s; reference ${helloRps}/s`);
    // Hello at the same steady rate, sent the same way (same client, connections and headers): the
    // latency the machine and the load generator add on their own. When hello meets the target and
    // the route does not, the difference is Vigil's.
    const helloPaced = await pacedRun(
      server,
      HELLO_PATH,
      headerSets,
      pacedRate,
      phases.paced,
      phases.connections,
    );
    assertAnswered(`hello at ${pacedRate}/s`, helloPaced);
    console.error(
      `hello       at ${pacedRate}/s (achieved ${helloPaced.achievedRate}/s): p50 ${helloPaced.p50Ms} ms, ` +
        `p99 ${helloPaced.p99Ms} ms, max ${helloPaced.maxMs} ms (client sent p99 ${helloPaced.sendLagP99Ms} ms late)\n` +
        `            server: ${eventLoopLine(helloPaced.eventLoop)}`,
    );
    const recorded = await recordedSignIns(server.url, key);
    console.error(`recorded    ${recorded} sign-ins (decisions are recorded once per token and outcome)`);

    const ratio = Math.round((max.requestsPerSecond / helloRps) * 1000) / 1000;
    const met = ratio >= TARGETS.ratio && paced.p99Ms < TARGETS.p99Ms;
    const loadAfter = load();
    console.error(
      [
        `ratio       ${ratio} of hello's rate`,
        `machine     load average ${loadBefore} before, ${loadAfter} after (2 cores)`,
        `targets     ratio ≥ ${TARGETS.ratio} and p99 < ${TARGETS.p99Ms} ms at 50% of max: ${met ? 'met' : 'NOT met'}` +
          ` (hello at the same rate: p99 ${helloPaced.p99Ms} ms, ${helloPaced.p99Ms < TARGETS.p99Ms ? 'within' : 'over'} it)`,
      ].join('\n'),
    );
    return {
      decisionsPerSecond: max.requestsPerSecond,
      p99Ms: paced.p99Ms,
      p50Ms: paced.p50Ms,
      pacedRate,
      maxP99Ms: max.p99Ms,
      serverCpuUsPerDecision: max.cpuUsPerRequest,
      serverCpuUsPerHello: helloFirst.cpuUsPerRequest,
      helloRequestsPerSecond: helloRps,
      helloP99Ms: helloPaced.p99Ms,
      eventLoopDelayP99Ms: paced.eventLoop?.delayP99Ms ?? null,
      helloEventLoopDelayP99Ms: helloPaced.eventLoop?.delayP99Ms ?? null,
      clientSendLagP99Ms: paced.sendLagP99Ms,
      ratio,
      targets: TARGETS,
      met,
      principals: principals.length,
      tokens: headerSets.length,
      policies: policies.length,
      connections: phases.connections,
      signInsRecorded: recorded,
      serverPeakRssMb: server.peakRssMb(),
      loadAverage: [loadBefore, loadAfter],
    };
  } finally {
    await server?.stop();
    await issuer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

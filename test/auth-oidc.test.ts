import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { decodeJwt, type JWTPayload } from 'jose';
import { roleTemplateIds } from '../src/api/auth/roles.ts';
import type { OidcIssuerSettings } from '../src/config/schema.ts';
import { buildGuardedApp, type CallerView, guardedRoutes } from './support/guarded-app.ts';
import { createSigningKey, startTestIssuer, type TestIssuer } from './support/oidc-issuer.ts';

const TENANT = 'c5d6a1f0-3b7e-4d2a-9f61-0e8b7c2d4a19';
const OTHER_TENANT = '0b4e7d3c-8a2f-4c61-b5e9-7d1a3f6c2e80';
const PARTNER_TENANT = '9e2b6c41-5d7a-4f38-a0c3-1b8e4d7f6a25';
/** Vigil's own app registration: v2 tokens carry its client id as `aud`, v1 tokens its App ID URI. */
const VIGIL_CLIENT_ID = '3f8a2c71-6e4b-4d09-9b1e-5a7c0d2e8f43';
const VIGIL_APP_ID_URI = 'api://vigil';
/** A provider's multi-tenant registration of Vigil, serving many customer tenants. */
const PROVIDER_CLIENT_ID = '7d2e9b14-0c6a-4f85-8e3b-2a9d1c5f7e60';
/** The SOAR automation calling Vigil: its app id and service principal object id. */
const SOAR_APP_ID = 'a1c4e7f2-9b3d-4e68-8f0a-6d2b5c9e1f47';
const SOAR_SP_OID = '5e8b1d4a-7c2f-4a96-b3e0-9f6c2d8a1b57';
/** The console a person signs in to, and the person. */
const CONSOLE_APP_ID = 'e4b7a2d9-1f6c-4b83-a5e0-8c3d6f9b2a14';
const ANALYST_OID = '2c9f6e3b-8d1a-4f57-b2c4-7e0a5d9f3b68';
/** Present in `wids` of every member user: the "default user" role, which grants nothing here. */
const DEFAULT_USER_ROLE = 'b79fbf4d-3ef9-4689-8143-76b194e85509';

const V1_ISSUER = `https://sts.windows.net/${TENANT}/`;
const V2_ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const PARTNER_ISSUER = 'https://idp.partner.example/realms/vigil';
const DOWN_ISSUER = 'https://idp.unreachable.example/';

const seconds = () => Math.floor(Date.now() / 1000);

function lifetime(offset = 0) {
  const now = seconds() + offset;
  return { iat: now - 300, nbf: now - 300, exp: now + 3300 };
}

/** A v1 app-only access token's claims, as Entra issues them to a client-credentials client. */
function v1AppClaims(overrides: JWTPayload = {}): JWTPayload {
  return {
    aud: VIGIL_APP_ID_URI,
    iss: V1_ISSUER,
    ...lifetime(),
    aio: 'E2ZgYJj4tLz1fmqlDwaBYwA=',
    app_displayname: 'contoso-soar-automation',
    appid: SOAR_APP_ID,
    appidacr: '1',
    idp: V1_ISSUER,
    idtyp: 'app',
    oid: SOAR_SP_OID,
    rh: '0.AXkA8KHWxX47Kk2fYQ6LfC1KGXEsij9LbgRNm15afA0uj0N5AAA.',
    roles: ['IdentityRiskyServicePrincipal.Read.All'],
    sub: SOAR_SP_OID,
    tid: TENANT,
    uti: 'kq3pC6yW2EG7bYkz4bUXAA',
    ver: '1.0',
    ...overrides,
  };
}

/** A v2 app-only access token's claims. */
function v2AppClaims(overrides: JWTPayload = {}): JWTPayload {
  return {
    aud: VIGIL_CLIENT_ID,
    iss: V2_ISSUER,
    ...lifetime(),
    azp: SOAR_APP_ID,
    azpacr: '1',
    idtyp: 'app',
    oid: SOAR_SP_OID,
    rh: '0.AXkA8KHWxX47Kk2fYQ6LfC1KGXEsij9LbgRNm15afA0uj0N5AAA.',
    roles: ['IdentityRiskyServicePrincipal.Read.All'],
    sub: SOAR_SP_OID,
    tid: TENANT,
    uti: 'p0Xn4m1RlUqvB8z2Hc7AAA',
    ver: '2.0',
    ...overrides,
  };
}

/** A v2 delegated access token's claims: a person signed in to the console. */
function v2UserClaims(overrides: JWTPayload = {}): JWTPayload {
  return {
    aud: VIGIL_CLIENT_ID,
    iss: V2_ISSUER,
    ...lifetime(),
    azp: CONSOLE_APP_ID,
    azpacr: '0',
    name: 'Dana Whitfield',
    oid: ANALYST_OID,
    preferred_username: 'dana.whitfield@contoso.example',
    rh: '0.AXkA8KHWxX47Kk2fYQ6LfC1KGXEsij9LbgRNm15afA0uj0N5AMk.',
    scp: 'IdentityRiskyServicePrincipal.Read.All IdentityRiskEvent.Read.All',
    sid: '0c7f3a2e-41b9-4d1e-8a5f-2b6c9d0e7f31',
    sub: 'Lq7Wc5xR2pXf0mYtN8bV3kJ6hG4sD1aZ9eU0iO2yT5w',
    tid: TENANT,
    uti: 'R3c9VjQmuU2wX8k1Lz0BAA',
    ver: '2.0',
    wids: [roleTemplateIds['security-reader'], DEFAULT_USER_ROLE],
    ...overrides,
  };
}

/** The token with its payload replaced and its signature kept. */
function tampered(token: string, change: (payload: JWTPayload) => JWTPayload): string {
  const [header, , signature] = token.split('.');
  const payload = Buffer.from(JSON.stringify(change(decodeJwt(token)))).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

/** The claims without one of them. */
function without(claims: JWTPayload, name: string): JWTPayload {
  const { [name]: _dropped, ...rest } = claims;
  return rest;
}

function unsigned(claims: JWTPayload): string {
  const part = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('OIDC access tokens', () => {
  let entra: TestIssuer;
  let partner: TestIssuer;
  let app: FastifyInstance;

  before(async () => {
    entra = await startTestIssuer('RS256');
    partner = await startTestIssuer('ES256');
    const issuers: OidcIssuerSettings[] = [
      { issuer: V1_ISSUER, audience: [VIGIL_APP_ID_URI], jwksUrl: entra.jwksUrl, tenantId: null },
      { issuer: V2_ISSUER, audience: [VIGIL_CLIENT_ID], jwksUrl: entra.jwksUrl, tenantId: null },
      {
        issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
        audience: [PROVIDER_CLIENT_ID],
        jwksUrl: entra.jwksUrl,
        tenantId: null,
      },
      { issuer: PARTNER_ISSUER, audience: ['vigil-api'], jwksUrl: partner.jwksUrl, tenantId: PARTNER_TENANT },
      {
        issuer: DOWN_ISSUER,
        audience: ['vigil-api'],
        jwksUrl: `http://127.0.0.1:${await closedPort()}/keys`,
        tenantId: null,
      },
    ];
    app = await buildGuardedApp({ issuers, oidc: { jwksTimeoutMs: 2000 } });
  });
  after(async () => {
    await app.close();
    await entra.close();
    await partner.close();
  });

  const call = (authorization: string | undefined, route: keyof typeof guardedRoutes = 'read') =>
    app.inject({
      method: route === 'dismiss' ? 'POST' : 'GET',
      url: guardedRoutes[route],
      headers: authorization === undefined ? {} : { authorization },
    });
  const bearer = (token: string) => `Bearer ${token}`;

  async function rejected(authorization: string | undefined, message: RegExp) {
    const res = await call(authorization);
    assert.equal(res.statusCode, 401, res.body);
    const { error } = res.json();
    assert.equal(error.code, 'InvalidAuthenticationToken');
    assert.match(error.message, message);
    assert.ok(error.innerError['request-id']);
    assert.match(String(res.headers['www-authenticate']), /^Bearer realm="vigil"/);
    return error.message as string;
  }

  test('a v1 app-only token with IdentityRiskyServicePrincipal.Read.All reads risk, as its service principal', async () => {
    const res = await call(bearer(await entra.sign(v1AppClaims())));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json() as CallerView, {
      tenantId: TENANT,
      kind: 'jwt',
      actorId: SOAR_SP_OID,
      actor: { type: 'app', id: SOAR_SP_OID, displayName: 'contoso-soar-automation', appId: SOAR_APP_ID },
      roles: [],
      permissions: ['IdentityRiskyServicePrincipal.Read.All'],
    });
    assert.equal((await call(bearer(await entra.sign(v1AppClaims())), 'dismiss')).statusCode, 403);
  });

  test('a v2 app-only token names its app by azp, and ReadWrite implies Read', async () => {
    const token = await entra.sign(v2AppClaims({ roles: ['IdentityRiskyServicePrincipal.ReadWrite.All'] }));
    const res = await call(bearer(token), 'dismiss');
    assert.equal(res.statusCode, 200, res.body);
    const caller = res.json() as CallerView;
    assert.deepEqual(caller.actor, {
      type: 'app',
      id: SOAR_SP_OID,
      displayName: SOAR_APP_ID,
      appId: SOAR_APP_ID,
    });
    assert.deepEqual(caller.permissions, [
      'IdentityRiskyServicePrincipal.Read.All',
      'IdentityRiskyServicePrincipal.ReadWrite.All',
    ]);
    assert.equal((await call(bearer(token), 'read')).statusCode, 200);
  });

  test('a permission the token lacks is 403 in Graph’s words', async () => {
    const token = await entra.sign(v2AppClaims({ roles: ['IdentityRiskEvent.Read.All', 'User.Read.All'] }));
    assert.equal((await call(bearer(token), 'detections')).statusCode, 200);
    const res = await call(bearer(token), 'read');
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'Authorization_RequestDenied');
    assert.equal(res.json().error.message, 'Insufficient privileges to complete the operation.');
  });

  test('an app holding a directory role (wids) gets that role’s permissions', async () => {
    const token = await entra.sign(v2AppClaims({ roles: [], wids: [roleTemplateIds['security-operator']] }));
    const res = await call(bearer(token), 'detections');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual((res.json() as CallerView).roles, ['security-operator']);
    assert.equal((await call(bearer(token), 'dismiss')).statusCode, 403);
  });

  test('a delegated token needs both the scope and a role granting it', async () => {
    const reader = await entra.sign(v2UserClaims());
    const res = await call(bearer(reader));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json() as CallerView, {
      tenantId: TENANT,
      kind: 'jwt',
      actorId: ANALYST_OID,
      actor: {
        type: 'user',
        id: ANALYST_OID,
        displayName: 'Dana Whitfield',
        userPrincipalName: 'dana.whitfield@contoso.example',
      },
      roles: ['security-reader'],
      permissions: ['IdentityRiskEvent.Read.All', 'IdentityRiskyServicePrincipal.Read.All'],
    });

    // Consented to write, but a Security Reader: reads only.
    const consentedReader = await entra.sign(
      v2UserClaims({ scp: 'IdentityRiskyServicePrincipal.ReadWrite.All' }),
    );
    assert.equal((await call(bearer(consentedReader), 'read')).statusCode, 200);
    assert.equal((await call(bearer(consentedReader), 'dismiss')).statusCode, 403);
    assert.equal((await call(bearer(consentedReader), 'detections')).statusCode, 403);

    // A Security Administrator whose client was consented only to read cannot write.
    const adminReadScope = await entra.sign(
      v2UserClaims({ wids: [roleTemplateIds['security-administrator'], DEFAULT_USER_ROLE] }),
    );
    assert.equal((await call(bearer(adminReadScope), 'dismiss')).statusCode, 403);
    const admin = await entra.sign(
      v2UserClaims({
        scp: 'IdentityRiskyServicePrincipal.ReadWrite.All',
        wids: [roleTemplateIds['security-administrator'], DEFAULT_USER_ROLE],
      }),
    );
    assert.equal((await call(bearer(admin), 'dismiss')).statusCode, 200);

    // No role at all: consent alone grants nothing.
    const noRole = await entra.sign(v2UserClaims({ wids: [DEFAULT_USER_ROLE] }));
    assert.equal((await call(bearer(noRole), 'read')).statusCode, 403);
  });

  test('expired and not-yet-valid tokens are 401, with a small clock tolerance', async () => {
    const expired = await entra.sign(v2AppClaims(lifetime(-3600 - 600)));
    await rejected(bearer(expired), /^Lifetime validation failed, the token is expired\.$/);
    const early = await entra.sign(v2AppClaims({ ...lifetime(), nbf: seconds() + 600 }));
    await rejected(bearer(early), /^Lifetime validation failed, the token is not yet valid\.$/);
    const justExpired = await entra.sign(v2AppClaims({ ...lifetime(), exp: seconds() - 20 }));
    assert.equal((await call(bearer(justExpired))).statusCode, 200);
    const noExpiry = await entra.sign(without(v2AppClaims(), 'exp'));
    await rejected(bearer(noExpiry), /"exp" claim is missing/);
  });

  test('wrong audience and unknown issuers are 401', async () => {
    await rejected(
      bearer(await entra.sign(v2AppClaims({ aud: 'https://graph.microsoft.com' }))),
      /Invalid audience/,
    );
    // A v1 token's audience is the App ID URI; the v2 issuer accepts only the client id.
    await rejected(bearer(await entra.sign(v2AppClaims({ aud: VIGIL_APP_ID_URI }))), /Invalid audience/);
    await rejected(
      bearer(await entra.sign(v2AppClaims({ iss: 'https://login.microsoftonline.com/common/v2.0' }))),
      /Invalid issuer/,
    );
    await rejected(bearer(await entra.sign(without(v2AppClaims(), 'iss'))), /Invalid issuer/);
  });

  test('forged signatures, alg none and tampered payloads are 401', async () => {
    const stranger = await createSigningKey('RS256', entra.key.kid);
    await rejected(bearer(await entra.sign(v2AppClaims(), { key: stranger })), /Invalid signature/);
    const unpublished = await createSigningKey('RS256', 'kid-not-published');
    await rejected(
      bearer(await entra.sign(v2AppClaims(), { key: unpublished })),
      /signing key is not one of/,
    );
    // The partner's key is real, but not the Entra tenant's.
    await rejected(
      bearer(await partner.sign(v2AppClaims(), { header: { kid: partner.key.kid } })),
      /signing key is not one of/,
    );
    await rejected(bearer(unsigned(v2AppClaims())), /signing algorithm is not allowed/);
    const genuine = await entra.sign(v2AppClaims());
    const escalated = tampered(genuine, (p) => ({
      ...p,
      roles: ['IdentityRiskyServicePrincipal.ReadWrite.All'],
    }));
    await rejected(bearer(escalated), /Invalid signature/);
    const otherTenant = tampered(genuine, (p) => ({ ...p, tid: OTHER_TENANT }));
    await rejected(bearer(otherTenant), /Invalid signature/);
  });

  test('a missing, empty or malformed Authorization header is 401', async () => {
    await rejected(undefined, /^Access token is empty\.$/);
    await rejected('Bearer', /^Access token is empty\.$/);
    await rejected('Bearer    ', /^Access token is empty\.$/);
    await rejected(`Basic ${Buffer.from('vigil:secret').toString('base64')}`, /must use the Bearer scheme/);
    await rejected('Bearer not-a-token', /neither a Vigil API key nor a well-formed JWT/);
    await rejected('Bearer eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln', /not a well-formed JWT/);
    const token = await entra.sign(v2AppClaims());
    await rejected(`Bearer ${token} ${token}`, /neither a Vigil API key nor a well-formed JWT/);
    const res = await call(undefined);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="vigil"');
    const bad = await call('Bearer not-a-token');
    assert.equal(bad.headers['www-authenticate'], 'Bearer realm="vigil", error="invalid_token"');
    // The scheme is case-insensitive.
    assert.equal((await call(`bearer ${token}`)).statusCode, 200);
  });

  test('an issuer bound to a tenant accepts its tenant only, and tokens without tid belong to it', async () => {
    const partnerClaims = (overrides: JWTPayload = {}): JWTPayload => ({
      iss: PARTNER_ISSUER,
      aud: 'vigil-api',
      ...lifetime(),
      sub: 'f3b8c1d6-2e9a-4b57-8c04-6a1d9e3f7b25',
      azp: 'partner-soc-tooling',
      roles: ['security-reader'],
      ...overrides,
    });
    const noTid = await call(bearer(await partner.sign(partnerClaims())));
    assert.equal(noTid.statusCode, 200, noTid.body);
    assert.deepEqual(noTid.json() as CallerView, {
      tenantId: PARTNER_TENANT,
      kind: 'jwt',
      actorId: 'f3b8c1d6-2e9a-4b57-8c04-6a1d9e3f7b25',
      actor: {
        type: 'app',
        id: 'f3b8c1d6-2e9a-4b57-8c04-6a1d9e3f7b25',
        displayName: 'partner-soc-tooling',
        appId: 'partner-soc-tooling',
      },
      roles: ['security-reader'],
      permissions: [
        'Application.Read.All',
        'AuditLog.Read.All',
        'IdentityRiskEvent.Read.All',
        'IdentityRiskyServicePrincipal.Read.All',
        'Metrics.Read',
        'Policy.Read.All',
      ],
    });
    const sameTid = await partner.sign(partnerClaims({ tid: PARTNER_TENANT.toUpperCase() }));
    assert.equal((await call(bearer(sameTid))).statusCode, 200);
    await rejected(
      bearer(await partner.sign(partnerClaims({ tid: OTHER_TENANT }))),
      /not the one its issuer is bound to/,
    );
  });

  test('a multi-tenant issuer takes the tenant from the token, which must match its iss', async () => {
    const customer = await entra.sign(
      v2AppClaims({
        iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`,
        aud: PROVIDER_CLIENT_ID,
        tid: OTHER_TENANT,
      }),
    );
    const res = await call(bearer(customer));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((res.json() as CallerView).tenantId, OTHER_TENANT);
    const mismatched = await entra.sign(
      v2AppClaims({ iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`, aud: PROVIDER_CLIENT_ID }),
    );
    await rejected(bearer(mismatched), /not the one its issuer is bound to/);
  });

  test('several issuers each verify with their own keys and audiences', async () => {
    assert.equal((await call(bearer(await entra.sign(v1AppClaims())))).statusCode, 200);
    assert.equal((await call(bearer(await entra.sign(v2AppClaims())))).statusCode, 200);
    const partnerToken = await partner.sign({
      iss: PARTNER_ISSUER,
      aud: 'vigil-api',
      ...lifetime(),
      sub: 'svc-1',
      roles: ['IdentityRiskyServicePrincipal.Read.All'],
    });
    assert.equal((await call(bearer(partnerToken))).statusCode, 200);
    // A v1 token presented with the v2 issuer's audience is still judged by the v1 issuer.
    await rejected(bearer(await entra.sign(v1AppClaims({ aud: VIGIL_CLIENT_ID }))), /Invalid audience/);
    // Keys are fetched once, shared by the issuers publishing them, and cached: not per request.
    assert.equal(entra.jwksRequests(), 1);
  });

  test('an issuer whose keys cannot be fetched answers 503, not 401', async () => {
    const token = await entra.sign({
      iss: DOWN_ISSUER,
      aud: 'vigil-api',
      ...lifetime(),
      sub: 'x',
      tid: TENANT,
    });
    const res = await call(bearer(token));
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().error.code, 'ServiceUnavailable');
  });
});

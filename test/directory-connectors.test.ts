import assert from 'node:assert/strict';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { DirectoryError } from '../src/connectors/directory-error.ts';
import { directoryRequestFor, renderDirectoryRequest } from '../src/connectors/directory-requests.ts';
import {
  createTokenSource,
  type GraphConnection,
  TokenRequestError,
} from '../src/connectors/graph-connection.ts';
import { createGraphConnector } from '../src/connectors/graph-connector.ts';
import { createKeyVaultConnector, renderKeyVaultRotation } from '../src/connectors/key-vault-connector.ts';
import { KeyVaultError } from '../src/connectors/key-vault-error.ts';
import { newSecretValue } from '../src/connectors/new-secret-value.ts';
import { type FakeEntra, GRAPH_PROOF_AUDIENCE, startFakeEntra } from './support/fake-entra.ts';
import { type FakeKeyVault, startFakeKeyVault } from './support/fake-key-vault.ts';
import { selfSignedLoopback } from './support/self-signed.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
// Vigil's own app registrations in the tenant: one with a secret, one with a certificate.
const VIGIL_APP = 'd2b7e4a1-6c38-4f95-8e02-3a1c9b5d7f64';
const VIGIL_CERT_APP = '5a9c3e17-2b64-4d80-9f1e-7c4b2a6d8e39';
const VIGIL_SECRET = 'Vg7Q~FAKE-vigil-connection-TEST-secret-01';
// billing-sync, the compromised workload: its app registration and service principal.
const BILLING_APP_ID = '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35';
const BILLING_APPLICATION = '1f4b7d2a-9c3e-4a58-8b61-0e2d5c7f9a13';
const BILLING_SP = 'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93';
const LEAKED_SECRET_KEY_ID = 'e8a05d3c-7f21-4b96-8c4e-1d9b6a2f3e70';
const UNKNOWN_SP = '0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f';

interface Pems {
  cert: string;
  key: string;
}

function der(pem: string): string {
  return new X509Certificate(pem).raw.toString('base64');
}

/** A proof of possession for addKey/removeKey, as the object signs it with a current certificate's key. */
function proofFor(objectId: string, pems: Pems): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const x5t = createHash('sha1').update(new X509Certificate(pems.cert).raw).digest('base64url');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t })
    .setAudience(GRAPH_PROOF_AUDIENCE)
    .setIssuer(objectId)
    .setNotBefore(now)
    .setExpirationTime(now + 600)
    .sign(createPrivateKey(pems.key));
}

let entra: FakeEntra;
let vigilCert: Pems;
let billingCurrent: Pems;
let billingNext: Pems;
let waits: number[];
const sleep = async (ms: number) => {
  waits.push(ms);
};

function secretConnection(): GraphConnection {
  return {
    tenantId: TENANT,
    clientId: VIGIL_APP,
    clientSecret: VIGIL_SECRET,
    authorityHost: entra.origin,
    graphBaseUrl: entra.origin,
  };
}

function graph(connection = secretConnection()) {
  return createGraphConnector(connection, { sleep });
}

before(async () => {
  [vigilCert, billingCurrent, billingNext] = await Promise.all([
    selfSignedLoopback(),
    selfSignedLoopback(),
    selfSignedLoopback(),
  ]);
  entra = await startFakeEntra();
  entra.addClient({
    tenantId: TENANT,
    clientId: VIGIL_APP,
    clientSecret: VIGIL_SECRET,
    roles: ['Application.ReadWrite.All'],
  });
  entra.addClient({
    tenantId: TENANT,
    clientId: VIGIL_CERT_APP,
    certificatePem: vigilCert.cert,
    roles: ['Application.ReadWrite.All'],
  });
});

after(() => entra.close());

beforeEach(() => {
  waits = [];
  entra.setRoles(VIGIL_APP, ['Application.ReadWrite.All']);
  entra.throttleNext(0);
  const leaked = {
    keyId: LEAKED_SECRET_KEY_ID,
    displayName: 'appsettings.json',
    hint: 'm2L',
    secretText: 'm2L5Q~FAKE-leaked-secret-TEST-0001',
    startDateTime: '2025-06-01T00:00:00.000Z',
    endDateTime: '2027-06-01T00:00:00.000Z',
    customKeyIdentifier: null,
  };
  const currentKey = {
    keyId: 'c41e7a9b-3d25-4f68-8b01-9e2a5c7d3f14',
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
    key: der(billingCurrent.cert),
    displayName: 'CN=billing-sync 2026',
    customKeyIdentifier: null,
    startDateTime: null,
    endDateTime: null,
  };
  entra.addServicePrincipal(TENANT, {
    id: BILLING_SP,
    appId: BILLING_APP_ID,
    displayName: 'billing-sync',
    passwordCredentials: [leaked],
    keyCredentials: [{ ...currentKey }],
  });
  entra.addApplication(TENANT, {
    id: BILLING_APPLICATION,
    appId: BILLING_APP_ID,
    displayName: 'billing-sync',
    passwordCredentials: [{ ...leaked }],
    keyCredentials: [{ ...currentKey }],
    federatedIdentityCredentials: [
      {
        id: '9d4c2b1a-8e7f-4a63-b5d2-0c1e3f4a5b6c',
        name: 'unknown-issuer',
        issuer: 'https://token.attacker.example',
        subject: 'system:serviceaccount:default:billing',
        audiences: ['api://AzureADTokenExchange'],
        description: null,
      },
    ],
  });
  entra.graphRequests.length = 0;
  entra.tokenRequests.length = 0;
});

describe('client credentials', () => {
  test('with a client secret: the token request Entra expects, one token for several calls', async () => {
    const g = graph();
    await g.send({ method: 'GET', path: `/v1.0/servicePrincipals/${BILLING_SP}` });
    await g.send({ method: 'GET', path: `/v1.0/applications/${BILLING_APPLICATION}` });
    await g.apply({ kind: 'setAccountEnabled', servicePrincipalId: BILLING_SP, accountEnabled: true });
    assert.equal(entra.tokenRequests.length, 1);
    const request = entra.tokenRequests[0]!;
    assert.equal(request.path, `/${TENANT}/oauth2/v2.0/token`);
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(request.body, {
      client_id: VIGIL_APP,
      scope: `${entra.origin}/.default`,
      grant_type: 'client_credentials',
      client_secret: VIGIL_SECRET,
    });
    assert.equal(entra.graphRequests.length, 3);
    assert.ok(
      entra.graphRequests.every(
        (r) => r.headers.authorization === entra.graphRequests[0]!.headers.authorization,
      ),
    );
  });

  test('with a certificate: a PS256 client assertion naming the certificate by its SHA-256 thumbprint', async () => {
    const g = graph({
      tenantId: TENANT,
      clientId: VIGIL_CERT_APP,
      certificatePem: vigilCert.cert,
      privateKeyPem: vigilCert.key,
      authorityHost: entra.origin,
      graphBaseUrl: entra.origin,
    });
    const sp = (await g.send({ method: 'GET', path: `/v1.0/servicePrincipals/${BILLING_SP}` })) as {
      displayName: string;
    };
    assert.equal(sp.displayName, 'billing-sync');
    const form = entra.tokenRequests[0]!.body as Record<string, string>;
    assert.equal(form.client_secret, undefined);
    assert.equal(form.client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const header = decodeProtectedHeader(form.client_assertion!);
    assert.equal(header.alg, 'PS256');
    assert.equal(
      header['x5t#S256'],
      createHash('sha256').update(new X509Certificate(vigilCert.cert).raw).digest('base64url'),
    );
    const claims = decodeJwt(form.client_assertion!);
    assert.equal(claims.aud, `${entra.origin}/${TENANT}/oauth2/v2.0/token`);
    assert.equal(claims.iss, VIGIL_CERT_APP);
    assert.equal(claims.sub, VIGIL_CERT_APP);
    assert.equal(typeof claims.jti, 'string');
    assert.ok(claims.exp! - claims.nbf! <= 600);
  });

  test('a token is asked for again five minutes before it expires', async () => {
    let now = Date.now();
    const tokens = createTokenSource(secretConnection(), { now: () => now, sleep });
    const first = await tokens.token(`${entra.origin}/.default`);
    now += 3599_000 - 5 * 60_000 - 1000;
    assert.equal(await tokens.token(`${entra.origin}/.default`), first);
    now += 2000;
    assert.notEqual(await tokens.token(`${entra.origin}/.default`), first);
    await tokens.token('https://vault.azure.net/.default');
    assert.equal(entra.tokenRequests.length, 3, 'one per scope, and one renewal');
  });

  test('concurrent calls share one token request; a revoked token is replaced once', async () => {
    const g = graph();
    await Promise.all(
      [BILLING_SP, BILLING_SP, BILLING_SP].map((id) =>
        g.send({ method: 'GET', path: `/v1.0/servicePrincipals/${id}` }),
      ),
    );
    assert.equal(entra.tokenRequests.length, 1);
    entra.revokeTokens();
    await g.apply({ kind: 'setAccountEnabled', servicePrincipalId: BILLING_SP, accountEnabled: true });
    assert.equal(entra.tokenRequests.length, 2);
    assert.deepEqual(
      entra.graphRequests.slice(-2).map((r) => r.method),
      ['PATCH', 'PATCH'],
      'the refused request is sent again with the new token',
    );
  });

  test('an unreachable token endpoint is tried a bounded number of times', async () => {
    // A port that was free a moment ago: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const g = createGraphConnector(
      { ...secretConnection(), authorityHost: `http://127.0.0.1:${port}` },
      { sleep, maxAttempts: 3 },
    );
    await assert.rejects(g.send({ method: 'GET', path: `/v1.0/servicePrincipals/${BILLING_SP}` }), {
      name: 'TokenRequestError',
      status: 0,
      error: 'request_failed',
      description: 'ECONNREFUSED',
    });
    assert.deepEqual(waits, [1000, 2000]);
  });

  test('Entra’s refusals become TokenRequestError with the AADSTS code and description', async () => {
    const wrongSecret = graph({ ...secretConnection(), clientSecret: 'Xx1Q~FAKE-rotated-away-TEST' });
    await assert.rejects(
      wrongSecret.send({ method: 'GET', path: `/v1.0/servicePrincipals/${BILLING_SP}` }),
      (err: unknown) => {
        assert.ok(err instanceof TokenRequestError);
        assert.equal(err.status, 401);
        assert.equal(err.error, 'invalid_client');
        assert.deepEqual(err.errorCodes, [7000215]);
        assert.match(err.description, /^AADSTS7000215: Invalid client secret provided\./);
        assert.match(
          err.message,
          new RegExp(`app ${VIGIL_APP} in tenant ${TENANT} failed \\(HTTP 401 invalid_client\\)`),
        );
        assert.ok(!err.message.includes('Xx1Q~'));
        return true;
      },
    );
    const unknownApp = graph({ ...secretConnection(), clientId: UNKNOWN_SP });
    await assert.rejects(unknownApp.send({ method: 'GET', path: `/v1.0/servicePrincipals/${BILLING_SP}` }), {
      name: 'TokenRequestError',
      error: 'unauthorized_client',
      errorCodes: [700016],
    });
    assert.equal(entra.graphRequests.length, 0);
  });
});

describe('directory actions against Graph', () => {
  test('addPassword returns the new secret; removePassword removes the leaked one', async () => {
    const g = graph();
    const added = (await g.apply({
      kind: 'addPassword',
      objectType: 'servicePrincipal',
      objectId: BILLING_SP,
      passwordCredential: { displayName: 'rotated after leak', endDateTime: '2027-05-27T00:00:00Z' },
    })) as { keyId: string; secretText: string; hint: string; displayName: string; endDateTime: string };
    assert.equal(added.displayName, 'rotated after leak');
    assert.equal(added.endDateTime, '2027-05-27T00:00:00.000Z');
    assert.equal(added.hint, added.secretText.slice(0, 3));
    assert.equal(
      await g.apply({
        kind: 'removePassword',
        objectType: 'servicePrincipal',
        objectId: BILLING_SP,
        keyId: LEAKED_SECRET_KEY_ID,
      }),
      null,
    );
    assert.deepEqual(
      entra.graphRequests.map((r) => [r.method, r.path, r.body]),
      [
        [
          'POST',
          `/v1.0/servicePrincipals/${BILLING_SP}/addPassword`,
          { passwordCredential: { displayName: 'rotated after leak', endDateTime: '2027-05-27T00:00:00Z' } },
        ],
        ['POST', `/v1.0/servicePrincipals/${BILLING_SP}/removePassword`, { keyId: LEAKED_SECRET_KEY_ID }],
      ],
    );
    assert.equal(entra.graphRequests[0]!.headers['content-type'], 'application/json');
    assert.deepEqual(
      entra.servicePrincipal(TENANT, BILLING_SP)!.passwordCredentials.map((p) => p.keyId),
      [added.keyId],
    );
  });

  test('addKey and removeKey with a proof of possession use Graph’s actions', async () => {
    const g = graph();
    const keyCredential = {
      type: 'AsymmetricX509Cert' as const,
      usage: 'Verify' as const,
      key: der(billingNext.cert),
      displayName: 'CN=billing-sync 2027',
    };
    const proof = await proofFor(BILLING_APPLICATION, billingCurrent);
    const added = (await g.apply({
      kind: 'addKey',
      objectType: 'application',
      objectId: BILLING_APPLICATION,
      keyCredential,
      proof,
    })) as { keyId: string; key: null; customKeyIdentifier: string };
    assert.equal(added.key, null);
    assert.equal(
      added.customKeyIdentifier,
      createHash('sha1').update(new X509Certificate(billingNext.cert).raw).digest('hex').toUpperCase(),
    );
    const oldKeyId = 'c41e7a9b-3d25-4f68-8b01-9e2a5c7d3f14';
    await g.apply({
      kind: 'removeKey',
      objectType: 'application',
      objectId: BILLING_APPLICATION,
      keyId: oldKeyId,
      proof,
    });
    assert.deepEqual(
      entra.graphRequests.map((r) => [r.method, r.path, r.body]),
      [
        [
          'POST',
          `/v1.0/applications/${BILLING_APPLICATION}/addKey`,
          { keyCredential, passwordCredential: null, proof },
        ],
        ['POST', `/v1.0/applications/${BILLING_APPLICATION}/removeKey`, { keyId: oldKeyId, proof }],
      ],
    );
    assert.deepEqual(
      entra.application(TENANT, BILLING_APPLICATION)!.keyCredentials.map((k) => k.keyId),
      [added.keyId],
    );
  });

  test('without a proof, key changes read keyCredentials and patch the whole collection', async () => {
    const g = graph();
    const keyCredential = {
      type: 'AsymmetricX509Cert' as const,
      usage: 'Verify' as const,
      key: der(billingNext.cert),
    };
    assert.equal(
      await g.apply({
        kind: 'addKey',
        objectType: 'servicePrincipal',
        objectId: BILLING_SP,
        keyCredential,
        proof: null,
      }),
      null,
    );
    const [read, patch] = entra.graphRequests;
    assert.equal(read!.method, 'GET');
    assert.equal(read!.path, `/v1.0/servicePrincipals/${BILLING_SP}?$select=keyCredentials`);
    assert.equal(patch!.method, 'PATCH');
    assert.equal(patch!.path, `/v1.0/servicePrincipals/${BILLING_SP}`);
    const sent = (patch!.body as { keyCredentials: { keyId?: string; key: string }[] }).keyCredentials;
    assert.deepEqual(
      sent.map((k) => k.key),
      [der(billingCurrent.cert), der(billingNext.cert)],
      'the current key is kept, with its key',
    );
    const keys = entra.servicePrincipal(TENANT, BILLING_SP)!.keyCredentials;
    assert.equal(keys.length, 2);

    await g.apply({
      kind: 'removeKey',
      objectType: 'servicePrincipal',
      objectId: BILLING_SP,
      keyId: keys[0]!.keyId,
      proof: null,
    });
    assert.deepEqual(
      entra.servicePrincipal(TENANT, BILLING_SP)!.keyCredentials.map((k) => k.key),
      [der(billingNext.cert)],
    );
  });

  test('federated credentials are added (201) and removed (204); a principal is disabled (204)', async () => {
    const g = graph();
    const credential = {
      name: 'github-deploy-main',
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:contoso/billing:ref:refs/heads/main',
      audiences: ['api://AzureADTokenExchange'],
      description: 'Deploys billing from main',
    };
    const created = (await g.apply({
      kind: 'addFederatedIdentityCredential',
      applicationId: BILLING_APPLICATION,
      credential,
    })) as { id: string; name: string; audiences: string[] };
    assert.equal(created.name, 'github-deploy-main');
    assert.deepEqual(created.audiences, ['api://AzureADTokenExchange']);
    const rogue = '9d4c2b1a-8e7f-4a63-b5d2-0c1e3f4a5b6c';
    assert.equal(
      await g.apply({
        kind: 'removeFederatedIdentityCredential',
        applicationId: BILLING_APPLICATION,
        credentialId: rogue,
      }),
      null,
    );
    assert.equal(
      await g.apply({ kind: 'setAccountEnabled', servicePrincipalId: BILLING_SP, accountEnabled: false }),
      null,
    );
    assert.deepEqual(
      entra.graphRequests.map((r) => [r.method, r.path, r.body]),
      [
        ['POST', `/v1.0/applications/${BILLING_APPLICATION}/federatedIdentityCredentials`, credential],
        ['DELETE', `/v1.0/applications/${BILLING_APPLICATION}/federatedIdentityCredentials/${rogue}`, null],
        ['PATCH', `/v1.0/servicePrincipals/${BILLING_SP}`, { accountEnabled: false }],
      ],
    );
    assert.deepEqual(
      entra.application(TENANT, BILLING_APPLICATION)!.federatedIdentityCredentials.map((f) => f.id),
      [created.id],
    );
    assert.equal(entra.servicePrincipal(TENANT, BILLING_SP)!.accountEnabled, false);
  });
});

describe('Graph errors', () => {
  test('403 Authorization_RequestDenied names the permission the connection’s app lacks', async () => {
    entra.setRoles(VIGIL_APP, ['Application.Read.All']);
    await assert.rejects(
      graph().apply({ kind: 'setAccountEnabled', servicePrincipalId: BILLING_SP, accountEnabled: false }),
      (err: unknown) => {
        assert.ok(err instanceof DirectoryError);
        assert.equal(err.status, 403);
        assert.equal(err.code, 'Authorization_RequestDenied');
        assert.equal(err.graphMessage, 'Insufficient privileges to complete the operation.');
        assert.match(err.requestId ?? '', /^[0-9a-f-]{36}$/);
        assert.equal(err.method, 'PATCH');
        assert.equal(err.path, `/v1.0/servicePrincipals/${BILLING_SP}`);
        assert.match(
          err.message,
          /^Microsoft Graph: PATCH \/v1\.0\/servicePrincipals\/\S+ failed \(403 Authorization_RequestDenied\): Insufficient privileges to complete the operation \(.*Application\.ReadWrite\.All.*\)\. request-id /,
        );
        return true;
      },
    );
    assert.equal(entra.servicePrincipal(TENANT, BILLING_SP)!.accountEnabled, true);
  });

  test('404 Request_ResourceNotFound for an object the tenant does not have', async () => {
    await assert.rejects(
      graph().apply({
        kind: 'removePassword',
        objectType: 'servicePrincipal',
        objectId: UNKNOWN_SP,
        keyId: LEAKED_SECRET_KEY_ID,
      }),
      (err: unknown) => {
        assert.ok(err instanceof DirectoryError);
        assert.equal(err.status, 404);
        assert.equal(err.code, 'Request_ResourceNotFound');
        assert.match(err.graphMessage, new RegExp(`^Resource '${UNKNOWN_SP}' does not exist`));
        assert.match(err.message, /no such object in the tenant/);
        return true;
      },
    );
  });

  test('429 with Retry-After is waited out and the request succeeds', async () => {
    entra.throttleNext(2, '1');
    const added = (await graph().apply({
      kind: 'addPassword',
      objectType: 'application',
      objectId: BILLING_APPLICATION,
      passwordCredential: { displayName: 'after throttling' },
    })) as { displayName: string };
    assert.equal(added.displayName, 'after throttling');
    assert.deepEqual(waits, [1000, 1000]);
    assert.equal(entra.graphRequests.length, 3);
    assert.equal(entra.application(TENANT, BILLING_APPLICATION)!.passwordCredentials.length, 2, 'added once');
  });

  test('a Retry-After longer than the connector waits fails at once, saying how long', async () => {
    entra.throttleNext(1, '120');
    await assert.rejects(
      graph().apply({ kind: 'setAccountEnabled', servicePrincipalId: BILLING_SP, accountEnabled: false }),
      { name: 'DirectoryError', status: 429, code: 'TooManyRequests', retryAfterSeconds: 120 },
    );
    assert.deepEqual(waits, []);
  });
});

describe('Key Vault', () => {
  let vault: FakeKeyVault;

  before(async () => {
    vault = await startFakeKeyVault({ entra, tenantId: TENANT, pageSize: 2 });
    vault.seed('billing-sync-client-secret', 'm2L5Q~FAKE-leaked-secret-TEST-0001', 'text/plain');
    vault.seed('billing-db-password', 'FAKE-db-password-TEST');
    vault.seed('billing-storage-key', 'FAKE-storage-key-TEST');
    vault.seed('reports-api-key', 'FAKE-reports-key-TEST');
    vault.seed('reports-signing-secret', 'FAKE-signing-TEST');
  });

  after(() => vault.close());

  beforeEach(() => {
    vault.grant(VIGIL_APP, ['list', 'set']);
    vault.throttleNext(0);
    vault.requests.length = 0;
  });

  function keyVault() {
    return createKeyVaultConnector(secretConnection(), { sleep });
  }

  test('lists every secret across pages, without values', async () => {
    const secrets = await keyVault().listSecrets(`${vault.url}/`);
    assert.deepEqual(
      secrets.map((s) => s.name),
      [
        'billing-db-password',
        'billing-storage-key',
        'billing-sync-client-secret',
        'reports-api-key',
        'reports-signing-secret',
      ],
    );
    const first = secrets.find((s) => s.name === 'billing-sync-client-secret')!;
    assert.equal(first.id, `${vault.url}/secrets/billing-sync-client-secret`);
    assert.equal(first.enabled, true);
    assert.equal(first.contentType, 'text/plain');
    assert.match(first.updated ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    assert.equal(secrets.find((s) => s.name === 'billing-db-password')!.contentType, null);
    assert.deepEqual(
      vault.requests.map((r) => r.path),
      [
        '/secrets?api-version=7.4',
        '/secrets?api-version=7.4&$skiptoken=2&maxresults=2',
        '/secrets?api-version=7.4&$skiptoken=4&maxresults=2',
      ],
    );
    const form = entra.tokenRequests.at(-1)!.body as Record<string, string>;
    assert.equal(form.scope, 'https://vault.azure.net/.default');
  });

  test('rotating stores a new version and returns its id, never the value', async () => {
    const value = newSecretValue();
    const rotated = await keyVault().rotateSecret(
      vault.url,
      'billing-sync-client-secret',
      value,
      'text/plain',
    );
    const versions = vault.versions('billing-sync-client-secret');
    assert.equal(versions.length, 2);
    assert.equal(versions[1]!.value, value);
    assert.equal(versions[1]!.contentType, 'text/plain');
    assert.deepEqual(rotated, {
      id: `${vault.url}/secrets/billing-sync-client-secret/${versions[1]!.version}`,
      version: versions[1]!.version,
      name: 'billing-sync-client-secret',
    });
    assert.match(rotated.version, /^[0-9a-f]{32}$/);
    assert.ok(!JSON.stringify(rotated).includes(value));
    const put = vault.requests.at(-1)!;
    assert.equal(put.method, 'PUT');
    assert.equal(put.path, '/secrets/billing-sync-client-secret?api-version=7.4');
    assert.deepEqual(put.body, { value, contentType: 'text/plain' });
  });

  test('403 Forbidden says which role the app needs; nothing is stored', async () => {
    vault.grant(VIGIL_APP, ['list']);
    await assert.rejects(
      keyVault().rotateSecret(vault.url, 'billing-db-password', newSecretValue()),
      (err: unknown) => {
        assert.ok(err instanceof KeyVaultError);
        assert.equal(err.status, 403);
        assert.equal(err.code, 'Forbidden');
        assert.equal(err.vaultMessage, 'Caller is not authorized to perform action on resource.');
        assert.match(err.requestId ?? '', /^[0-9a-f-]{36}$/);
        assert.match(err.message, /could not set secret billing-db-password .*Key Vault Secrets Officer/);
        return true;
      },
    );
    assert.equal(vault.versions('billing-db-password').length, 1);
  });

  test('404 SecretNotFound for a secret the vault does not hold; it is not created', async () => {
    await assert.rejects(keyVault().rotateSecret(vault.url, 'billing-sync-secret', newSecretValue()), {
      name: 'KeyVaultError',
      status: 404,
      code: 'SecretNotFound',
    });
    assert.deepEqual(vault.versions('billing-sync-secret'), []);
    assert.ok(vault.requests.every((r) => r.method === 'GET'));
    const created = await keyVault().rotateSecret(
      vault.url,
      'billing-sync-secret',
      newSecretValue(),
      undefined,
      {
        allowCreate: true,
      },
    );
    assert.equal(created.name, 'billing-sync-secret');
  });

  test('429 with Retry-After is waited out', async () => {
    vault.throttleNext(1, '3');
    const secrets = await keyVault().listSecrets(vault.url);
    assert.ok(secrets.length >= 5);
    assert.deepEqual(waits, [3000]);
  });
});

describe('dry runs', () => {
  test('show the exact Graph requests an administrator would run', () => {
    const addPassword = directoryRequestFor({
      kind: 'addPassword',
      objectType: 'servicePrincipal',
      objectId: BILLING_SP,
      passwordCredential: { displayName: 'rotated after leak', endDateTime: '2027-05-27T00:00:00Z' },
    });
    assert.equal(
      renderDirectoryRequest(addPassword),
      `POST https://graph.microsoft.com/v1.0/servicePrincipals/${BILLING_SP}/addPassword
Content-Type: application/json

{
  "passwordCredential": {
    "displayName": "rotated after leak",
    "endDateTime": "2027-05-27T00:00:00Z"
  }
}`,
    );
    const removeKey = directoryRequestFor({
      kind: 'removeKey',
      objectType: 'application',
      objectId: BILLING_APPLICATION,
      keyId: 'c41e7a9b-3d25-4f68-8b01-9e2a5c7d3f14',
      proof: 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln',
    });
    assert.equal(
      renderDirectoryRequest(removeKey),
      `POST https://graph.microsoft.com/v1.0/applications/${BILLING_APPLICATION}/removeKey
Content-Type: application/json

{
  "keyId": "c41e7a9b-3d25-4f68-8b01-9e2a5c7d3f14",
  "proof": "<proof-of-possession JWT signed with a current certificate>"
}`,
    );
  });

  test('a Key Vault rotation is shown without its value', () => {
    assert.equal(
      renderKeyVaultRotation('https://contoso-billing.vault.azure.net/', 'billing-sync-client-secret'),
      `PUT https://contoso-billing.vault.azure.net/secrets/billing-sync-client-secret?api-version=7.4
Content-Type: application/json

{
  "value": "<new secret value>"
}`,
    );
    assert.throws(
      () => renderKeyVaultRotation('https://contoso-billing.vault.azure.net', 'a/../b'),
      /secret name/,
    );
  });

  test('new secret values are 40 URL-safe characters, each one different', () => {
    const values = new Set(Array.from({ length: 50 }, newSecretValue));
    assert.equal(values.size, 50);
    for (const v of values) assert.match(v, /^[A-Za-z0-9_-]{40}$/);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type CurrentKeyCredential,
  DirectoryActionError,
  directoryRequestFor,
  keyCredentialsRequest,
  renderDirectoryRequest,
} from './directory-requests.ts';

const SP = '7c2e9a41-5b3d-4f86-9e10-2d4c6b8a0f37';
const APP = '1f4b7d2a-9c3e-4a58-8b61-0e2d5c7f9a13';
const KEY_ID = 'b3d8f1a6-2c47-4e95-a0b1-6f9c3d2e8a45';
const OTHER_KEY_ID = 'e6a2c9d4-7f13-4b58-9d0e-1c5b8a3f7e62';
// Stands for base64 DER; the requests pass it through untouched.
const CERT_DER = 'MIIC/zCCAeegAwIBAgIUFAKEtestCERTIFICATEdataONLY';
const PROOF = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiIwMDAwMDAwMi0wMDAwLTAwMDAtYzAwMC0wMDAwMDAwMDAwMDAifQ.c2ln';

const CURRENT: CurrentKeyCredential[] = [
  {
    keyId: KEY_ID,
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
    key: 'MIICexisting1',
    displayName: 'CN=billing-sync 2025',
    endDateTime: '2026-12-31T00:00:00Z',
  },
  {
    keyId: OTHER_KEY_ID,
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
    key: 'MIICexisting2',
    displayName: null,
  },
];

describe('directoryRequestFor', () => {
  test('addPassword and removePassword on a service principal and an application', () => {
    assert.deepEqual(
      directoryRequestFor({
        kind: 'addPassword',
        objectType: 'servicePrincipal',
        objectId: SP,
        passwordCredential: { displayName: 'rotated by Vigil', endDateTime: '2027-05-27T00:00:00Z' },
      }),
      {
        method: 'POST',
        path: `/v1.0/servicePrincipals/${SP}/addPassword`,
        body: {
          passwordCredential: { displayName: 'rotated by Vigil', endDateTime: '2027-05-27T00:00:00Z' },
        },
      },
    );
    assert.deepEqual(
      directoryRequestFor({
        kind: 'removePassword',
        objectType: 'application',
        objectId: APP,
        keyId: KEY_ID,
      }),
      { method: 'POST', path: `/v1.0/applications/${APP}/removePassword`, body: { keyId: KEY_ID } },
    );
  });

  test('addKey and removeKey with a proof use the Graph actions', () => {
    const keyCredential = {
      type: 'AsymmetricX509Cert' as const,
      usage: 'Verify' as const,
      key: CERT_DER,
      displayName: 'CN=billing-sync 2026',
    };
    assert.deepEqual(
      directoryRequestFor({
        kind: 'addKey',
        objectType: 'application',
        objectId: APP,
        keyCredential,
        proof: PROOF,
      }),
      {
        method: 'POST',
        path: `/v1.0/applications/${APP}/addKey`,
        body: { keyCredential, passwordCredential: null, proof: PROOF },
      },
    );
    assert.deepEqual(
      directoryRequestFor({
        kind: 'removeKey',
        objectType: 'servicePrincipal',
        objectId: SP,
        keyId: KEY_ID,
        proof: PROOF,
      }),
      {
        method: 'POST',
        path: `/v1.0/servicePrincipals/${SP}/removeKey`,
        body: { keyId: KEY_ID, proof: PROOF },
      },
    );
  });

  test('without a proof, key changes rewrite keyCredentials from the current collection', () => {
    const keyCredential = { type: 'AsymmetricX509Cert' as const, usage: 'Verify' as const, key: CERT_DER };
    assert.deepEqual(
      directoryRequestFor({
        kind: 'addKey',
        objectType: 'servicePrincipal',
        objectId: SP,
        keyCredential,
        proof: null,
        currentKeyCredentials: CURRENT,
      }),
      {
        method: 'PATCH',
        path: `/v1.0/servicePrincipals/${SP}`,
        body: { keyCredentials: [...CURRENT, keyCredential] },
      },
    );
    assert.deepEqual(
      directoryRequestFor({
        kind: 'removeKey',
        objectType: 'application',
        objectId: APP,
        keyId: KEY_ID.toUpperCase(),
        proof: null,
        currentKeyCredentials: CURRENT,
      }),
      { method: 'PATCH', path: `/v1.0/applications/${APP}`, body: { keyCredentials: [CURRENT[1]] } },
    );
    assert.deepEqual(keyCredentialsRequest('application', APP), {
      method: 'GET',
      path: `/v1.0/applications/${APP}?$select=keyCredentials`,
    });
  });

  test('a proof-less key change without the current collection, or of a key not in it, is refused', () => {
    assert.throws(
      () =>
        directoryRequestFor({
          kind: 'addKey',
          objectType: 'servicePrincipal',
          objectId: SP,
          keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: CERT_DER },
          proof: null,
        }),
      (err: Error) => err instanceof DirectoryActionError && /currentKeyCredentials/.test(err.message),
    );
    assert.throws(
      () =>
        directoryRequestFor({
          kind: 'removeKey',
          objectType: 'servicePrincipal',
          objectId: SP,
          keyId: '00000000-0000-0000-0000-000000000001',
          proof: null,
          currentKeyCredentials: CURRENT,
        }),
      /has no key credential 00000000-0000-0000-0000-000000000001/,
    );
  });

  test('federated credentials live on the application; disabling patches the service principal', () => {
    const credential = {
      name: 'github-deploy-main',
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:contoso/billing:ref:refs/heads/main',
      audiences: ['api://AzureADTokenExchange'],
      description: 'Deploys billing from main',
    };
    assert.deepEqual(
      directoryRequestFor({ kind: 'addFederatedIdentityCredential', applicationId: APP, credential }),
      {
        method: 'POST',
        path: `/v1.0/applications/${APP}/federatedIdentityCredentials`,
        body: credential,
      },
    );
    assert.deepEqual(
      directoryRequestFor({
        kind: 'removeFederatedIdentityCredential',
        applicationId: APP,
        credentialId: KEY_ID,
      }),
      { method: 'DELETE', path: `/v1.0/applications/${APP}/federatedIdentityCredentials/${KEY_ID}` },
    );
    assert.deepEqual(
      directoryRequestFor({ kind: 'setAccountEnabled', servicePrincipalId: SP, accountEnabled: false }),
      { method: 'PATCH', path: `/v1.0/servicePrincipals/${SP}`, body: { accountEnabled: false } },
    );
  });

  test('ids cannot walk out of the path', () => {
    const request = directoryRequestFor({
      kind: 'removePassword',
      objectType: 'servicePrincipal',
      objectId: '../applications/x?$top=1',
      keyId: KEY_ID,
    });
    assert.equal(request.path, '/v1.0/servicePrincipals/..%2Fapplications%2Fx%3F%24top%3D1/removePassword');
  });
});

describe('renderDirectoryRequest', () => {
  test('shows method, absolute URL, content type and indented body', () => {
    const request = directoryRequestFor({
      kind: 'addPassword',
      objectType: 'servicePrincipal',
      objectId: SP,
      passwordCredential: { displayName: 'rotated by Vigil' },
    });
    assert.equal(
      renderDirectoryRequest(request),
      [
        `POST https://graph.microsoft.com/v1.0/servicePrincipals/${SP}/addPassword`,
        'Content-Type: application/json',
        '',
        '{',
        '  "passwordCredential": {',
        '    "displayName": "rotated by Vigil"',
        '  }',
        '}',
      ].join('\n'),
    );
  });

  test('a request without a body is one line, against the given Graph root', () => {
    const request = directoryRequestFor({
      kind: 'removeFederatedIdentityCredential',
      applicationId: APP,
      credentialId: KEY_ID,
    });
    assert.equal(
      renderDirectoryRequest(request, 'https://graph.microsoft.us/'),
      `DELETE https://graph.microsoft.us/v1.0/applications/${APP}/federatedIdentityCredentials/${KEY_ID}`,
    );
  });

  test('a proof is shown as a placeholder', () => {
    const text = renderDirectoryRequest(
      directoryRequestFor({
        kind: 'removeKey',
        objectType: 'servicePrincipal',
        objectId: SP,
        keyId: KEY_ID,
        proof: PROOF,
      }),
    );
    assert.ok(!text.includes(PROOF));
    assert.match(text, /"proof": "<proof-of-possession JWT signed with a current certificate>"/);
  });
});

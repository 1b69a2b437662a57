import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessConfigurationChanges } from './assess-configuration-changes.ts';
import type { ConfigurationChange } from './configuration-changes-from-audit.ts';

const APP_OBJECT = '2e6c9a41-8f3b-4d07-b5a2-6c1e9d4f7b38';
const FIC = '1f9d4b2c-8e3a-4c71-b6d5-0a2e7f9c3d16';

function change(
  fields: Partial<ConfigurationChange> & Pick<ConfigurationChange, 'kind' | 'auditId'>,
): ConfigurationChange {
  return {
    at: '2026-11-20T14:02:11.118Z',
    activity: 'Update application',
    actor: { kind: 'user', name: 'alice.wong@contoso.com', id: 'c9e2a7f4-5b1d-4e83-9a6c-0d3f8b2e7a15' },
    objectType: 'application',
    objectId: APP_OBJECT,
    objectDisplayName: 'contoso-billing-sync',
    property: 'AppAddress',
    added: ['https://billing.contoso.com/cb'],
    removed: [],
    ownerIsServicePrincipal: false,
    credentialIds: [],
    ...fields,
  };
}

test('changes by an administrator who works across the tenant are listed, nothing found', () => {
  const answer = assessConfigurationChanges(
    [change({ kind: 'redirectUrisChanged', auditId: 'Directory_a' })],
    new Map([['Directory_a', 1]]),
    new Map(),
  );
  assert.equal(answer.verdict, 'nothingFound');
  assert.equal(answer.evidenceCount, 1);
  assert.match(
    answer.evidence[0]!.description,
    /Redirect URIs changed .* by alice\.wong@contoso\.com: added https/,
  );
  assert.match(answer.summary, /all by actors that administer the tenant/);
});

test('an actor with no other change, or a service principal, makes a change suspicious', () => {
  const answer = assessConfigurationChanges(
    [
      change({ kind: 'ownerAdded', auditId: 'Directory_b', property: null, added: ['eve@contoso.com'] }),
      change({
        kind: 'identifierUrisChanged',
        auditId: 'Directory_c',
        property: 'IdentifierUris',
        actor: { kind: 'app', name: 'legacy-automation', id: '4b8e2f17-9a3c-4d61-8e05-7c2a9f1d3b84' },
      }),
    ],
    new Map([
      ['Directory_b', 0],
      ['Directory_c', 3],
    ]),
    new Map(),
  );
  assert.equal(answer.verdict, 'suspicious');
  assert.deepEqual(
    answer.evidence.map((e) => [e.kind, e.reasons]),
    [
      ['ownerAdded', ['actorWithNoOtherChanges']],
      ['identifierUrisChanged', ['servicePrincipalActor']],
    ],
  );
});

test('a federated credential added by a suspicious change and then used is confirmed', () => {
  const answer = assessConfigurationChanges(
    [
      change({
        kind: 'federatedCredentialAdded',
        auditId: 'Directory_d',
        property: 'FederatedIdentityCredentials',
        added: ['deploy-prod (issuer https://token.actions.githubusercontent.com)'],
        credentialIds: [FIC],
      }),
    ],
    new Map([['Directory_d', 0]]),
    new Map([[FIC, { firstAt: '2026-11-20T15:00:00.000Z', signIns: 2, signInIds: ['s-1', 's-2'] }]]),
  );
  assert.equal(answer.verdict, 'confirmed');
  assert.deepEqual(answer.evidence[0]!.signInIds, ['s-1', 's-2']);
  assert.deepEqual(answer.evidence[0]!.reasons, ['actorWithNoOtherChanges', 'federatedCredentialUsed']);
  assert.match(answer.summary, /then used to sign in/);
});

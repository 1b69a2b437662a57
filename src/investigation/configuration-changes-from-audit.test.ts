import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditActor, AuditTarget, DirectoryAudit } from '../domain/index.ts';
import { configurationChangesFromAudit } from './configuration-changes-from-audit.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const APP_OBJECT = '2e6c9a41-8f3b-4d07-b5a2-6c1e9d4f7b38';
const APP_ID = 'b4f1c8e3-6a2d-4d97-8e50-3c9a7f1d2b64';
const SP = 'e7d3a1c9-5b8f-4e26-a0c4-9d2f6b3e8a17';

const mallory: AuditActor = {
  kind: 'user',
  id: 'f3a9c1d7-2e4b-4c8a-9d6f-1b7e3a5c9d20',
  displayName: null,
  userPrincipalName: 'mallory.jones@contoso.com',
  appId: null,
  servicePrincipalId: null,
  ipAddress: '185.220.101.34',
};

function audit(
  activity: string,
  targets: AuditTarget[],
  result = 'success',
  actor = mallory,
): DirectoryAudit {
  return {
    tenantId: TENANT,
    id: `Directory_0a7c3e9f-5d2b-4f81-b6e4-2c8d1a9f7e35_8KJ3W_${activity.length}0482957`,
    activityDateTime: '2026-11-20T14:02:11.118Z',
    activityDisplayName: activity,
    activity,
    category: 'ApplicationManagement',
    operationType: 'Update',
    result,
    resultReason: '',
    loggedByService: 'Core Directory',
    correlationId: '0a7c3e9f-5d2b-4f81-b6e4-2c8d1a9f7e35',
    initiatedBy: actor,
    targets,
    additionalDetails: [{ key: 'AppId', value: APP_ID }],
  };
}

const application = (modifiedProperties: AuditTarget['modifiedProperties']): AuditTarget => ({
  id: APP_OBJECT,
  displayName: 'contoso-billing-sync',
  type: 'Application',
  modifiedProperties,
});

test('an owner added to an application names the owner and the application, not the user target', () => {
  const [change, ...rest] = configurationChangesFromAudit(
    audit('Add owner to application', [
      {
        id: '9d2b7e41-6c3a-4f85-b0e9-4a1c8d3f7b62',
        displayName: 'eve.attacker@contoso.com',
        type: 'User',
        modifiedProperties: [
          { displayName: 'Application.ObjectID', oldValue: null, newValue: JSON.stringify(APP_OBJECT) },
          { displayName: 'Application.AppId', oldValue: null, newValue: JSON.stringify(APP_ID) },
          { displayName: 'Application.DisplayName', oldValue: null, newValue: '"contoso-billing-sync"' },
        ],
      },
      application([]),
    ]),
  );
  assert.equal(rest.length, 0);
  assert.equal(change?.kind, 'ownerAdded');
  assert.equal(change?.objectId, APP_OBJECT);
  assert.equal(change?.objectType, 'application');
  assert.deepEqual(change?.added, ['eve.attacker@contoso.com']);
  assert.equal(change?.ownerIsServicePrincipal, false);
  assert.equal(change?.actor.name, 'mallory.jones@contoso.com');
});

test('a service principal made owner of another is flagged as such', () => {
  const [change] = configurationChangesFromAudit(
    audit('Add owner to service principal', [
      {
        id: '4b8e2f17-9a3c-4d61-8e05-7c2a9f1d3b84',
        displayName: 'legacy-automation',
        type: 'ServicePrincipal',
        modifiedProperties: [
          { displayName: 'ServicePrincipal.ObjectID', oldValue: null, newValue: JSON.stringify(SP) },
        ],
      },
      { id: SP, displayName: 'contoso-billing-sync', type: 'ServicePrincipal', modifiedProperties: [] },
    ]),
  );
  assert.equal(change?.objectId, SP);
  assert.equal(change?.objectType, 'servicePrincipal');
  assert.deepEqual(change?.added, ['legacy-automation']);
  assert.equal(change?.ownerIsServicePrincipal, true);
});

test('redirect URIs and the app id URI are diffed from AppAddress and IdentifierUris', () => {
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
  const changes = configurationChangesFromAudit(
    audit('Update application', [
      application([
        {
          displayName: 'AppAddress',
          oldValue: address(['https://billing.contoso.com/signin-oidc']),
          newValue: address([
            'https://billing.contoso.com/signin-oidc',
            'https://login-contoso.azurewebsites.net/cb',
          ]),
        },
        {
          displayName: 'IdentifierUris',
          oldValue: '["api://b4f1c8e3-6a2d-4d97-8e50-3c9a7f1d2b64"]',
          newValue: '["api://billing-contoso.net"]',
        },
        {
          displayName: 'Included Updated Properties',
          oldValue: null,
          newValue: '"AppAddress, IdentifierUris"',
        },
      ]),
    ]),
  );
  assert.deepEqual(
    changes.map((c) => [c.kind, c.property, c.added, c.removed]),
    [
      ['redirectUrisChanged', 'AppAddress', ['https://login-contoso.azurewebsites.net/cb'], []],
      [
        'identifierUrisChanged',
        'IdentifierUris',
        ['api://billing-contoso.net'],
        ['api://b4f1c8e3-6a2d-4d97-8e50-3c9a7f1d2b64'],
      ],
    ],
  );
});

test('federated credentials added and removed are read with their ids, issuer and subject', () => {
  const fic = (id: string, subject: string) => ({
    Id: id,
    Name: `deploy-${subject.split(':').at(-1)}`,
    Issuer: 'https://token.actions.githubusercontent.com',
    Subject: subject,
    Audiences: ['api://AzureADTokenExchange'],
  });
  const old = fic('7c1e3a9b-2d4f-4b86-a5e0-9f3c1d7b2e48', 'repo:contoso/billing:ref:refs/heads/main');
  const added = fic('1f9d4b2c-8e3a-4c71-b6d5-0a2e7f9c3d16', 'repo:evil-org/tools:environment:prod');
  const changes = configurationChangesFromAudit(
    audit('Update application', [
      application([
        {
          displayName: 'FederatedIdentityCredentials',
          oldValue: JSON.stringify([old]),
          newValue: JSON.stringify([added]),
        },
      ]),
    ]),
  );
  assert.deepEqual(
    changes.map((c) => [c.kind, c.credentialIds]),
    [
      ['federatedCredentialAdded', ['1f9d4b2c-8e3a-4c71-b6d5-0a2e7f9c3d16']],
      ['federatedCredentialRemoved', ['7c1e3a9b-2d4f-4b86-a5e0-9f3c1d7b2e48']],
    ],
  );
  assert.match(
    changes[0]!.added[0]!,
    /issuer https:\/\/token\.actions\.githubusercontent\.com, subject repo:evil-org/,
  );
});

test('failed events, credential key changes and unrelated properties yield nothing', () => {
  const redirect = application([
    { displayName: 'AppAddress', oldValue: '[]', newValue: '[{"Address":"https://x"}]' },
  ]);
  assert.deepEqual(configurationChangesFromAudit(audit('Update application', [redirect], 'failure')), []);
  assert.deepEqual(
    configurationChangesFromAudit(
      audit('Update application', [
        application([{ displayName: 'DisplayName', oldValue: '["a"]', newValue: '["b"]' }]),
      ]),
    ),
    [],
  );
  assert.deepEqual(
    configurationChangesFromAudit(
      audit('Update application - Certificates and secrets management', [
        application([{ displayName: 'KeyDescription', oldValue: '[]', newValue: '["[KeyIdentifier=x]"]' }]),
      ]),
    ),
    [],
  );
});

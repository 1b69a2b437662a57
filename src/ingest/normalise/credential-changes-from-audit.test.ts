import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditActor, AuditTarget, DirectoryAudit } from '../../domain/index.ts';
import { credentialChangesFromAudit } from './credential-changes-from-audit.ts';
import { normaliseActivityName } from './normalise-activity-name.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const SP = 'b82f5c17-6d4e-4a39-8c1b-0e7a3f9d2c58';
const APP = '2e6c9a41-8f3b-4d07-b5a2-6c1e9d4f7b38';
const OLD_CERT = '3e7b9d15-4a2c-4f86-b0d3-6c8e1f5a9b27';
const NEW_CERT = '9d2c6f48-1b5e-4a73-8f09-4e7a3c1d6b52';
const SECRET = 'c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48';

const alice: AuditActor = {
  kind: 'user',
  id: 'c9e2a7f4-5b1d-4e83-9a6c-0d3f8b2e7a15',
  displayName: null,
  userPrincipalName: 'alice.wong@contoso.com',
  appId: null,
  servicePrincipalId: null,
  ipAddress: '81.164.102.37',
};
const msi: AuditActor = {
  kind: 'app',
  id: 'f0b6c2d8-3a9e-4b17-8c54-1e7d9a3f6b20',
  displayName: 'Managed Service Identity',
  userPrincipalName: null,
  appId: null,
  servicePrincipalId: 'f0b6c2d8-3a9e-4b17-8c54-1e7d9a3f6b20',
  ipAddress: null,
};

function keys(...entries: [string, string, string][]): string {
  return JSON.stringify(
    entries.map(
      ([id, type, name]) => `[KeyIdentifier=${id},KeyType=${type},KeyUsage=Verify,DisplayName=${name}]`,
    ),
  );
}

function audit(name: string, actor: AuditActor, targets: AuditTarget[], result = 'success'): DirectoryAudit {
  return {
    tenantId: TENANT,
    id: 'Directory_7f3c9e2a-4b8d-4a61-9e05-2c6f1d8b3a74_V9QKM_48213771',
    activityDateTime: '2025-03-11T16:35:12.771Z',
    activityDisplayName: name,
    activity: normaliseActivityName(name),
    category: 'ApplicationManagement',
    operationType: 'Update',
    result,
    resultReason: null,
    loggedByService: 'Core Directory',
    correlationId: null,
    initiatedBy: actor,
    targets,
    additionalDetails: [],
  };
}

test('managed identity certificate rotation yields the added certificate, attributed to Managed Service Identity', () => {
  const changes = credentialChangesFromAudit(
    audit('Add service principal credentials', msi, [
      {
        id: SP,
        displayName: 'func-invoice-prod',
        type: 'ServicePrincipal',
        modifiedProperties: [
          {
            displayName: 'KeyDescription',
            oldValue: keys([OLD_CERT, 'AsymmetricX509Cert', `CN=${SP}`]),
            newValue: keys(
              [OLD_CERT, 'AsymmetricX509Cert', `CN=${SP}`],
              [NEW_CERT, 'AsymmetricX509Cert', `CN=${SP}`],
            ),
          },
          { displayName: 'Included Updated Properties', oldValue: null, newValue: '"KeyDescription"' },
        ],
      },
    ]),
  );
  assert.deepEqual(changes, [
    {
      tenantId: TENANT,
      ownerId: SP,
      ownerType: 'servicePrincipal',
      ownerDisplayName: 'func-invoice-prod',
      change: 'added',
      keyId: NEW_CERT,
      type: 'certificate',
      keyType: 'AsymmetricX509Cert',
      usage: 'Verify',
      displayName: `CN=${SP}`,
      at: '2025-03-11T16:35:12.771Z',
      by: 'Managed Service Identity',
      auditId: 'Directory_7f3c9e2a-4b8d-4a61-9e05-2c6f1d8b3a74_V9QKM_48213771',
    },
  ]);
});

test('the en-dash, trailing-space application activity yields additions and removals by key id', () => {
  const changes = credentialChangesFromAudit(
    audit('Update application – Certificates and secrets management ', alice, [
      {
        id: APP,
        displayName: 'contoso-billing-sync',
        type: 'Application',
        modifiedProperties: [
          {
            displayName: 'KeyDescription',
            oldValue: keys([OLD_CERT, 'AsymmetricX509Cert', 'CN=old'], [SECRET, 'Password', 'billing-2024']),
            newValue: keys([SECRET, 'Password', 'billing-2024'], [NEW_CERT, 'X509CertAndPassword', 'CN=new']),
          },
        ],
      },
    ]),
  );
  assert.deepEqual(
    changes.map((c) => [c.change, c.keyId, c.type, c.ownerType, c.by]),
    [
      ['added', NEW_CERT, 'certificate', 'application', 'alice.wong@contoso.com'],
      ['removed', OLD_CERT, 'certificate', 'application', 'alice.wong@contoso.com'],
    ],
  );
});

test('removing service principal credentials yields removals; a password key is a password', () => {
  const changes = credentialChangesFromAudit(
    audit('Remove service principal credentials', alice, [
      {
        id: SP,
        displayName: 'legacy-reporting-daemon',
        type: 'ServicePrincipal',
        modifiedProperties: [
          { displayName: 'KeyDescription', oldValue: keys([SECRET, 'Password', 'x']), newValue: '[]' },
        ],
      },
    ]),
  );
  assert.deepEqual(
    changes.map((c) => [c.change, c.keyId, c.type, c.keyType]),
    [['removed', SECRET, 'password', 'Password']],
  );
});

test('failed events and unrelated activities change nothing', () => {
  const target: AuditTarget = {
    id: SP,
    displayName: 'x',
    type: 'ServicePrincipal',
    modifiedProperties: [
      { displayName: 'KeyDescription', oldValue: '[]', newValue: keys([SECRET, 'Password', 'x']) },
    ],
  };
  assert.deepEqual(
    credentialChangesFromAudit(audit('Add service principal credentials', alice, [target], 'failure')),
    [],
  );
  assert.deepEqual(credentialChangesFromAudit(audit('Update service principal', alice, [target])), []);
  assert.deepEqual(
    credentialChangesFromAudit(
      audit('Add service principal credentials', alice, [{ ...target, type: 'User' }]),
    ),
    [],
  );
});

test('federated identity credentials added through Update application are recognised (best effort)', () => {
  const fic = (id: string, name: string) => ({
    Id: id,
    Name: name,
    Issuer: 'https://token.actions.githubusercontent.com',
    Subject: `repo:contoso/infra:${name}`,
    Audiences: ['api://AzureADTokenExchange'],
  });
  const changes = credentialChangesFromAudit(
    audit('Update application', alice, [
      {
        id: APP,
        displayName: 'gh-actions-deploy',
        type: 'Application',
        modifiedProperties: [
          {
            displayName: 'FederatedIdentityCredentials',
            oldValue: JSON.stringify([fic('f3a8c6e2-1b7d-4e95-a4c0-6d2f8b1e9a37', 'production')]),
            newValue: JSON.stringify([
              fic('f3a8c6e2-1b7d-4e95-a4c0-6d2f8b1e9a37', 'production'),
              fic('1a6d3f9c-8e2b-4c71-b5a4-9f0e7d2c6b38', 'pull-requests'),
            ]),
          },
        ],
      },
    ]),
  );
  assert.deepEqual(
    changes.map((c) => [c.change, c.keyId, c.type, c.displayName]),
    [['added', '1a6d3f9c-8e2b-4c71-b5a4-9f0e7d2c6b38', 'federated', 'pull-requests']],
  );
});

test('the actor is named by UPN, else display name, else app id', () => {
  const target: AuditTarget = {
    id: SP,
    displayName: 'x',
    type: 'ServicePrincipal',
    modifiedProperties: [
      { displayName: 'KeyDescription', oldValue: '[]', newValue: keys([SECRET, 'Password', 'x']) },
    ],
  };
  const byApp: AuditActor = { ...msi, displayName: null, appId: '14d82eec-204b-4c2f-b7e8-296a70dab67e' };
  const [change] = credentialChangesFromAudit(audit('Add service principal credentials', byApp, [target]));
  assert.equal(change?.by, '14d82eec-204b-4c2f-b7e8-296a70dab67e');
  const byName: AuditActor = { ...alice, userPrincipalName: null, displayName: 'Alice Wong' };
  assert.equal(
    credentialChangesFromAudit(audit('Add service principal credentials', byName, [target]))[0]?.by,
    'Alice Wong',
  );
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AUDIT_ACTIVITY_NAMES,
  type AuditScenario,
  adminInitiator,
  makeAuditRecord,
  makeCredentialChangeRecord,
  makeServicePrincipalAddedRecord,
  servicePrincipalOwner,
} from './audit-records.ts';
import { inventoryPages } from './inventory-records.ts';
import { createRandom } from './random.ts';
import { createTenantModel } from './tenant-model.ts';

type ModifiedProperty = { displayName: string; oldValue: string | null; newValue: string | null };
type Target = { id: string; displayName: string; type: string; modifiedProperties: ModifiedProperty[] };
type AuditRecord = {
  time: string;
  category: string;
  operationName: string;
  callerIpAddress: string;
  identity: string;
  properties: {
    id: string;
    activityDisplayName: string;
    activityDateTime: string;
    category: string;
    loggedByService: string;
    operationType: string;
    result: string;
    initiatedBy: {
      user?: { id: string; userPrincipalName: string; ipAddress: string };
      app?: { displayName: string; servicePrincipalId: string };
    };
    targetResources: Target[];
    additionalDetails: { key: string; value: string }[];
  };
};

const model = createTenantModel({ seed: 40 });
const at = new Date('2026-09-14T09:30:12.345Z');
const scenarios = Object.keys(AUDIT_ACTIVITY_NAMES) as AuditScenario[];

function audit(scenario: AuditScenario, seed = 1, principalIndex?: number): AuditRecord {
  const options = principalIndex === undefined ? { scenario } : { scenario, principalIndex };
  return makeAuditRecord(model, createRandom(seed), at, options) as unknown as AuditRecord;
}

const KEY_DESCRIPTION =
  /^\[KeyIdentifier=([0-9a-f-]{36}),KeyType=(Password|AsymmetricX509Cert),KeyUsage=Verify,DisplayName=[^\]]+\]$/;

function keyIds(value: string | null): string[] {
  const items = JSON.parse(value ?? '[]') as string[];
  return items.map((item) => {
    const m = KEY_DESCRIPTION.exec(item);
    assert.ok(m, `malformed KeyDescription element ${item}`);
    return m[1]!;
  });
}

describe('makeAuditRecord', () => {
  it('writes the AuditLogs export envelope for every scenario', () => {
    for (const scenario of scenarios) {
      const r = audit(scenario);
      assert.equal(r.category, 'AuditLogs');
      assert.equal(r.operationName, AUDIT_ACTIVITY_NAMES[scenario]);
      assert.equal(r.properties.activityDisplayName, AUDIT_ACTIVITY_NAMES[scenario]);
      assert.match(r.time, /^2026-09-14T09:30:12\.345\d{4}Z$/);
      assert.match(r.properties.activityDateTime, /^2026-09-14T09:30:12\.345\d{4}\+00:00$/);
      assert.match(r.properties.id, /^Directory_[0-9a-f-]{36}_[A-Z0-9]{5}_\d{8,9}$/);
      assert.equal(r.properties.category, 'ApplicationManagement');
      assert.equal(r.properties.loggedByService, 'Core Directory');
      assert.equal(r.properties.result, 'success');
      assert.ok(r.properties.targetResources.length >= 1);
      assert.equal(r.properties.additionalDetails[0]!.key, 'User-Agent');
    }
  });

  it('writes the credential activity with an en dash and a trailing space', () => {
    const r = audit('applicationCredentialAdded');
    assert.equal(r.operationName, 'Update application \u2013 Certificates and secrets management ');
    assert.equal(r.properties.targetResources[0]!.type, 'Application');
    const user = r.properties.initiatedBy.user!;
    assert.ok(user.userPrincipalName.endsWith(`@${model.domain}`));
    assert.match(user.ipAddress, /^\d+\.\d+\.\d+\.\d+$/);
  });

  it('adds exactly one model keyId in KeyDescription, one the inventory lists', () => {
    const inventory = inventoryPages(model);
    const listed = new Set(
      [...inventory.servicePrincipals, ...inventory.applications].flatMap((page) =>
        (
          page as {
            value: { keyCredentials: { keyId: string }[]; passwordCredentials: { keyId: string }[] }[];
          }
        ).value.flatMap((o) => [...o.keyCredentials, ...o.passwordCredentials].map((c) => c.keyId)),
      ),
    );
    for (const scenario of [
      'managedIdentityCertificateRotation',
      'applicationCredentialAdded',
      'servicePrincipalCredentialAdded',
    ] as const) {
      for (let seed = 1; seed <= 10; seed++) {
        const target = audit(scenario, seed).properties.targetResources[0]!;
        const description = target.modifiedProperties.find((m) => m.displayName === 'KeyDescription')!;
        const before = keyIds(description.oldValue);
        const after = keyIds(description.newValue);
        const added = after.filter((k) => !before.includes(k));
        assert.equal(added.length, 1, scenario);
        assert.equal(after.length, before.length + 1);
        for (const k of after) assert.ok(listed.has(k), `${scenario}: keyId ${k} not in the inventory`);
        assert.deepEqual(
          target.modifiedProperties.find((m) => m.displayName === 'Included Updated Properties')?.newValue,
          '"KeyDescription"',
        );
      }
    }
  });

  it('attributes managed identity certificate rotation to the Managed Service Identity app', () => {
    const r = audit('managedIdentityCertificateRotation', 3, 2);
    assert.equal(r.operationName, 'Add service principal credentials');
    assert.equal(r.identity, 'Managed Service Identity');
    assert.equal(r.properties.initiatedBy.app!.displayName, 'Managed Service Identity');
    assert.equal(r.properties.initiatedBy.user, undefined);
    const target = r.properties.targetResources[0]!;
    assert.equal(target.id, model.managedIdentities[2]!.objectId);
    assert.equal(target.type, 'ServicePrincipal');
    const description = target.modifiedProperties[0]!;
    assert.ok(
      JSON.parse(description.newValue!).every((k: string) => k.includes('KeyType=AsymmetricX509Cert')),
    );
  });

  it('names the permission and the client in app role assignments, and a vendor app in consents', () => {
    const assignment = audit('appRoleAssignment', 5, 0);
    const [resource, client] = assignment.properties.targetResources;
    assert.equal(resource!.displayName, 'Microsoft Graph');
    const values = new Map(resource!.modifiedProperties.map((m) => [m.displayName, m.newValue]));
    assert.match(values.get('AppRole.Value')!, /^"[A-Za-z.]+"$/);
    assert.equal(values.get('ServicePrincipal.ObjectID'), JSON.stringify(model.principals[0]!.objectId));
    assert.match(values.get('AppRoleAssignment.CreatedDateTime')!, /^"9\/14\/2026 9:30:12 AM"$/);
    assert.equal(client!.id, model.principals[0]!.objectId);
    const grant = audit('consent', 6);
    const consented = model.principals.find((p) => p.objectId === grant.properties.targetResources[0]!.id);
    assert.ok(consented?.multiTenant);
  });

  it('is deterministic for a seed and rejects impossible targets', () => {
    assert.deepEqual(audit('consent', 9), audit('consent', 9));
    const federated = model.principals.findIndex(
      (p) => p.clientCredentialType === 'federatedIdentityCredential',
    );
    assert.ok(federated >= 0);
    assert.throws(() => audit('applicationCredentialAdded', 1, federated), RangeError);
  });
});

describe('makeCredentialChangeRecord', () => {
  const p = model.principals.find((x) => x.credentials.some((c) => c.owner === 'servicePrincipal'))!;
  const keys = p.credentials.filter((c) => c.owner === 'servicePrincipal' && c.type !== 'federated');

  it('names additions and removals on a service principal apart, with the keys before and after', () => {
    const initiator = {
      kind: 'user' as const,
      id: '0b6f3c1e-2a4d-4e8f-9c7a-5d1e3f2a4b6c',
      displayName: 'Dana Whitfield',
      userPrincipalName: `dana.whitfield@${model.domain}`,
      ipAddress: '178.66.150.20',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    };
    const change = (before: typeof keys, after: typeof keys) =>
      makeCredentialChangeRecord(model, createRandom(2), at, {
        owner: servicePrincipalOwner(p),
        before,
        after,
        initiator,
      }) as unknown as AuditRecord;
    const removed = change(keys, keys.slice(1));
    assert.equal(removed.operationName, 'Remove service principal credentials');
    const description = removed.properties.targetResources[0]!.modifiedProperties[0]!;
    assert.deepEqual(
      keyIds(description.oldValue),
      keys.map((k) => k.keyId),
    );
    assert.deepEqual(
      keyIds(description.newValue),
      keys.slice(1).map((k) => k.keyId),
    );
    const added = change(keys.slice(1), keys);
    assert.equal(added.operationName, 'Add service principal credentials');
    assert.equal(added.properties.initiatedBy.user!.userPrincipalName, initiator.userPrincipalName);
    assert.equal(added.callerIpAddress, '178.66.150.20');
    assert.equal(added.identity, 'Dana Whitfield');
  });

  it('records a service principal being created by an administrator', () => {
    const r = makeServicePrincipalAddedRecord(
      model,
      createRandom(3),
      at,
      p,
      adminInitiator(createRandom(4), model.admins[0]!),
    ) as unknown as AuditRecord;
    assert.equal(r.operationName, 'Add service principal');
    assert.equal(r.properties.operationType, 'Add');
    assert.equal(r.properties.targetResources[0]!.id, p.objectId);
    assert.equal(r.properties.initiatedBy.user!.userPrincipalName, model.admins[0]!.userPrincipalName);
  });
});

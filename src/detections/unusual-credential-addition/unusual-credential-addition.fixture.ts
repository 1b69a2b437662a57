// Realistic credential additions of one tenant, each with what the store would know around it, and
// whether it should fire. The base case is the everyday one: an administrator who rotates secrets
// every few weeks adds a new client secret to an established app registration.
import type {
  AuditActor,
  CredentialAddition,
  CredentialAdditionReason,
  PermissionChange,
  RiskLevel,
} from '../../domain/index.ts';
import type { CredentialAdditionContext } from './assess-credential-addition.ts';

export const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
/** The billing sync workload: its service principal and app registration. */
export const BILLING_SP = 'b82f5c17-6d4e-4a39-8c1b-0e7a3f9d2c58';
export const BILLING_APP_OBJECT = '4d7a9e21-0c35-4f8b-a6e2-93b1c0d5f874';
export const BILLING_APP_ID = '3f8a1c27-5e4b-4d92-9c61-7b0e2a4d8f35';
/** A vendor's multi-tenant app: a service principal here, credentials in the vendor's tenant. */
export const VENDOR_SP = 'e1c94a7b-2d58-4f06-b3a9-7c5e0d1f8a62';
export const VENDOR_APP_ID = '9a2b7c4d-1e6f-4a80-b5c3-d2e9f0a1b7c6';
/** The deployment pipeline's service principal (Terraform). */
export const PIPELINE_SP = '7f3e1d9c-5b2a-4c86-9e0f-a4b8d6c2e1f7';
export const PIPELINE_APP_ID = '2c6e8a0f-4b1d-4e93-a7c5-f0d2b9e8c3a1';
export const MANAGED_IDENTITY_SP = 'c5a8e2f1-9d3b-4c7e-8f06-b1d4a9e7c2f3';

const AT = '2026-09-14T09:30:12.345Z';
const ADDED_KEY = '9d9fea30-d8e3-481b-b57c-0ef569a989e5';

export const ALICE: AuditActor = {
  kind: 'user',
  id: '1a5e9c3d-7b2f-4e8a-9c0d-6f3b8e1a4d72',
  displayName: null,
  userPrincipalName: 'alice.admin@contoso.onmicrosoft.com',
  appId: null,
  servicePrincipalId: null,
  ipAddress: '73.162.10.44',
};

export const MALLORY: AuditActor = {
  kind: 'user',
  id: '8e2c4a6f-1d3b-4f5e-a7c9-0b2d4f6a8c1e',
  displayName: null,
  userPrincipalName: 'mallory.dev@contoso.onmicrosoft.com',
  appId: null,
  servicePrincipalId: null,
  ipAddress: '185.220.101.34',
};

export const PIPELINE: AuditActor = {
  kind: 'app',
  id: PIPELINE_SP,
  displayName: 'contoso-terraform-deploy',
  userPrincipalName: null,
  appId: PIPELINE_APP_ID,
  servicePrincipalId: PIPELINE_SP,
  ipAddress: null,
};

export const MANAGED_SERVICE_IDENTITY: AuditActor = {
  kind: 'app',
  id: '0e4d7b2a-8c1f-4a3e-9b6d-5f2c8a1e7d40',
  displayName: 'Managed Service Identity',
  userPrincipalName: null,
  appId: null,
  servicePrincipalId: '0e4d7b2a-8c1f-4a3e-9b6d-5f2c8a1e7d40',
  ipAddress: null,
};

/** Alice adds a new client secret to the billing app registration. */
export function addition(overrides: Partial<CredentialAddition> = {}): CredentialAddition {
  return {
    tenantId: TENANT,
    objectId: BILLING_APP_OBJECT,
    objectType: 'application',
    objectDisplayName: 'contoso-billing-sync',
    principalId: BILLING_SP,
    appId: BILLING_APP_ID,
    keyId: ADDED_KEY,
    credentialType: 'password',
    keyType: 'Password',
    keyDisplayName: 'billing-sync-2026-09',
    at: AT,
    actor: ALICE,
    actorName: ALICE.userPrincipalName,
    auditId: 'Directory_5c1d8e2a-3f7b-4a9c-8e0d-1b6f4a2c9e73_7QZ3K_118437262',
    activity: 'Update application \u2013 Certificates and secrets management ',
    ...overrides,
  };
}

/** What the store knows around the everyday case: long audit history, an actor who rotates often. */
export function context(overrides: Partial<CredentialAdditionContext> = {}): CredentialAdditionContext {
  return {
    principalKind: 'application',
    actorCredentialChanges: 14,
    auditHistorySince: '2026-03-01T00:00:00.000Z',
    objectCredentialsBefore: 2,
    pairCredentialsBefore: 0,
    lastCredentialSignInAt: '2026-09-14T09:12:40.118Z',
    creations: [],
    createdAt: '2024-02-11T15:20:00.000Z',
    grants: [],
    lastSignInAt: '2026-09-14T09:12:40.118Z',
    signInHistorySince: '2026-03-01T00:00:00.000Z',
    privilege: { privileged: false, permissions: [], roles: [] },
    ...overrides,
  };
}

/** A grant of an application permission to the billing principal. */
export function grant(
  at: string,
  value: string,
  kind: PermissionChange['kind'] = 'appRoleAdded',
): PermissionChange {
  return {
    tenantId: TENANT,
    principalId: BILLING_SP,
    kind,
    value,
    valueId: null,
    resourceId: kind === 'appRoleAdded' ? '0b7c4d1e-2f3a-4b5c-8d6e-7f8091a2b3c4' : null,
    at,
    auditId: `Directory_a3e1c7f9-0b2d-4e6a-8c4f-${at.slice(11, 13)}d2b9e8c3a1_PQ2X9_100200300`,
    actorName: ALICE.userPrincipalName,
  };
}

/** One fixture: an addition, what the store knows, and the expected outcome. */
export interface CredentialAdditionFixture {
  name: string;
  addition: CredentialAddition;
  context: CredentialAdditionContext;
  /** Null when it must not fire. */
  expected: { level: Exclude<RiskLevel, 'none'>; reasons: CredentialAdditionReason[] } | null;
}

const SP_TARGET = { objectType: 'servicePrincipal' as const, activity: 'Add service principal credentials' };
const privileged = { privileged: true, permissions: ['Application.ReadWrite.All'], roles: [] };

/** Additions that must fire, with the level and reasons expected. */
export const positiveFixtures: readonly CredentialAdditionFixture[] = [
  {
    name: 'a developer who never managed credentials adds a secret to a production app',
    addition: addition({ actor: MALLORY, actorName: MALLORY.userPrincipalName }),
    context: context({ actorCredentialChanges: 0 }),
    expected: { level: 'medium', reasons: ['unusualActor'] },
  },
  {
    name: 'the same developer, on an app holding Application.ReadWrite.All',
    addition: addition({ actor: MALLORY, actorName: MALLORY.userPrincipalName }),
    context: context({ actorCredentialChanges: 0, privilege: privileged }),
    expected: { level: 'high', reasons: ['unusualActor', 'privilegedObject'] },
  },
  {
    name: 'a service principal that never managed credentials adds one to another principal',
    addition: addition({ actor: PIPELINE, actorName: PIPELINE.displayName }),
    context: context({ actorCredentialChanges: 0 }),
    expected: { level: 'medium', reasons: ['unusualActor', 'servicePrincipalActor'] },
  },
  {
    name: "a service principal adds the first credential to a vendor's multi-tenant app in this tenant",
    addition: addition({
      ...SP_TARGET,
      objectId: VENDOR_SP,
      principalId: VENDOR_SP,
      appId: VENDOR_APP_ID,
      objectDisplayName: 'Proseware Mail Connector',
      actor: PIPELINE,
      actorName: PIPELINE.displayName,
    }),
    context: context({
      actorCredentialChanges: 0,
      objectCredentialsBefore: 0,
      pairCredentialsBefore: 0,
      lastCredentialSignInAt: null,
    }),
    expected: { level: 'high', reasons: ['firstCredential', 'unusualActor', 'servicePrincipalActor'] },
  },
  {
    name: 'a routine administrator adds the first credential to a single sign-on app that never had one',
    addition: addition({ ...SP_TARGET, objectId: VENDOR_SP, principalId: VENDOR_SP, appId: VENDOR_APP_ID }),
    context: context({ objectCredentialsBefore: 0, lastCredentialSignInAt: null }),
    expected: { level: 'medium', reasons: ['firstCredential'] },
  },
  {
    name: 'the same, on a single sign-on app that has existed for years and never signed in as a workload',
    addition: addition({ ...SP_TARGET, objectId: VENDOR_SP, principalId: VENDOR_SP, appId: VENDOR_APP_ID }),
    context: context({ objectCredentialsBefore: 0, lastCredentialSignInAt: null, lastSignInAt: null }),
    expected: { level: 'medium', reasons: ['firstCredential', 'dormantObject'] },
  },
  {
    name: "a routine administrator rotates a privileged app's secret",
    addition: addition(),
    context: context({
      privilege: { privileged: true, permissions: [], roles: ['Cloud Application Administrator'] },
    }),
    expected: { level: 'low', reasons: ['privilegedObject'] },
  },
  {
    name: 'Application.ReadWrite.All granted, and a day later a secret added',
    addition: addition(),
    context: context({
      privilege: privileged,
      grants: [grant('2026-09-13T11:02:51.000Z', 'Application.ReadWrite.All')],
    }),
    expected: { level: 'medium', reasons: ['privilegedObject', 'afterConsent'] },
  },
  {
    name: 'a secret added to an app unused for four months',
    addition: addition(),
    context: context({ lastSignInAt: '2026-05-10T04:00:00.000Z', lastCredentialSignInAt: null }),
    expected: { level: 'low', reasons: ['dormantObject'] },
  },
  {
    name: 'a service principal acting on another while the audit history is still young',
    addition: addition({ actor: PIPELINE, actorName: PIPELINE.displayName }),
    context: context({ actorCredentialChanges: 0, auditHistorySince: '2026-09-11T00:00:00.000Z' }),
    expected: { level: 'medium', reasons: ['servicePrincipalActor'] },
  },
];

/** Additions that must not fire. */
export const negativeFixtures: readonly CredentialAdditionFixture[] = [
  {
    name: "a routine administrator rotates an ordinary app's secret",
    addition: addition(),
    context: context(),
    expected: null,
  },
  {
    name: "the platform renews a managed identity's certificate",
    addition: addition({
      ...SP_TARGET,
      objectId: MANAGED_IDENTITY_SP,
      principalId: MANAGED_IDENTITY_SP,
      appId: '5e0b3c8d-6a1f-4d92-b7e4-c3f8a0d2e915',
      credentialType: 'certificate',
      keyType: 'AsymmetricX509Cert',
      actor: MANAGED_SERVICE_IDENTITY,
      actorName: 'Managed Service Identity',
    }),
    context: context({
      principalKind: 'managedIdentity',
      actorCredentialChanges: 0,
      objectCredentialsBefore: 1,
    }),
    expected: null,
  },
  {
    name: 'a managed identity certificate added by an event that names no initiator',
    addition: addition({
      ...SP_TARGET,
      objectId: MANAGED_IDENTITY_SP,
      principalId: MANAGED_IDENTITY_SP,
      actor: {
        ...MANAGED_SERVICE_IDENTITY,
        kind: 'unknown',
        id: null,
        displayName: null,
        servicePrincipalId: null,
      },
      actorName: null,
    }),
    context: context({ principalKind: 'managedIdentity', actorCredentialChanges: 0 }),
    expected: null,
  },
  {
    name: 'a developer registers an app and gives it its first secret minutes later',
    addition: addition({ actor: MALLORY, actorName: MALLORY.userPrincipalName }),
    context: context({
      actorCredentialChanges: 0,
      objectCredentialsBefore: 0,
      lastCredentialSignInAt: null,
      lastSignInAt: null,
      createdAt: '2026-09-14T09:24:03.000Z',
      creations: [
        {
          objectId: BILLING_APP_OBJECT,
          at: '2026-09-14T09:24:03.000Z',
          actor: MALLORY,
          auditId: 'Directory_0d6a2f8c-4e1b-4c3a-9f7d-2b8e5a1c6d94_M4R7T_118437001',
        },
      ],
    }),
    expected: null,
  },
  {
    name: 'the deployment pipeline creates a service principal and its credential',
    addition: addition({ ...SP_TARGET, actor: PIPELINE, actorName: PIPELINE.displayName }),
    context: context({
      actorCredentialChanges: 0,
      objectCredentialsBefore: 0,
      lastCredentialSignInAt: null,
      createdAt: '2026-09-14T09:29:58.000Z',
      creations: [
        {
          objectId: BILLING_SP,
          at: '2026-09-14T09:29:58.000Z',
          actor: PIPELINE,
          auditId: 'Directory_6b3f9d1e-2a7c-4e5b-8d0f-c1a4e7b2d953_X8L2N_118437250',
        },
      ],
    }),
    expected: null,
  },
  {
    name: 'an administrator new to credentials while the audit history is too young to tell',
    addition: addition({ actor: MALLORY, actorName: MALLORY.userPrincipalName }),
    context: context({ actorCredentialChanges: 0, auditHistorySince: '2026-09-11T00:00:00.000Z' }),
    expected: null,
  },
  {
    name: 'the deployment pipeline rotating secrets as it does every week',
    addition: addition({ actor: PIPELINE, actorName: PIPELINE.displayName }),
    context: context({ actorCredentialChanges: 41 }),
    expected: null,
  },
  {
    name: 'an application renewing its own certificate',
    addition: addition({
      ...SP_TARGET,
      objectId: PIPELINE_SP,
      principalId: PIPELINE_SP,
      appId: PIPELINE_APP_ID,
      credentialType: 'certificate',
      keyType: 'AsymmetricX509Cert',
      actor: PIPELINE,
      actorName: PIPELINE.displayName,
    }),
    context: context({ actorCredentialChanges: 1 }),
    expected: null,
  },
  {
    name: 'consent three days before is not shortly before',
    addition: addition(),
    context: context({ grants: [grant('2026-09-11T08:00:00.000Z', 'User.Read.All', 'consent')] }),
    expected: null,
  },
  {
    name: 'no sign-in yet, but sign-ins have only been collected for a month',
    addition: addition(),
    context: context({
      lastSignInAt: null,
      lastCredentialSignInAt: null,
      signInHistorySince: '2026-08-15T00:00:00.000Z',
    }),
    expected: null,
  },
  {
    name: 'the inventory lists no credential, but the principal signed in with one yesterday',
    addition: addition({ ...SP_TARGET, objectId: BILLING_SP }),
    context: context({
      objectCredentialsBefore: 0,
      pairCredentialsBefore: 0,
      lastCredentialSignInAt: '2026-09-13T22:05:00.000Z',
    }),
    expected: null,
  },
];

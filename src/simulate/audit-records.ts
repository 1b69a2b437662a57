// Directory audit events about workload identities in the diagnostic-settings export form
// (category AuditLogs). Credential additions list the model's own keyIds in KeyDescription, so an
// audit event, the inventory and later sign-ins name the same credential.
import type { Random } from './random.ts';
import {
  addressIn,
  type ManagedIdentityPrincipal,
  type ModelCredential,
  type TenantAdmin,
  type TenantModel,
  type WorkloadPrincipal,
} from './tenant-model.ts';

const REMOVE_SERVICE_PRINCIPAL_CREDENTIALS = 'Remove service principal credentials';
const ADD_SERVICE_PRINCIPAL = 'Add service principal';

/** Audit scenarios makeAuditRecord can write. */
export type AuditScenario =
  /** The 'Managed Service Identity' app adds a managed identity's renewed certificate. */
  | 'managedIdentityCertificateRotation'
  /** An administrator adds a secret or certificate to an app registration. */
  | 'applicationCredentialAdded'
  /** An administrator adds a credential directly to a service principal. */
  | 'servicePrincipalCredentialAdded'
  /** An administrator grants a Microsoft Graph application permission to a workload. */
  | 'appRoleAssignment'
  /** An administrator consents to a (usually multi-tenant) application for the whole tenant. */
  | 'consent';

/** Activity names exactly as Entra writes them, including the en dash and trailing space (spec §5.2, §11). */
export const AUDIT_ACTIVITY_NAMES: Readonly<Record<AuditScenario, string>> = {
  managedIdentityCertificateRotation: 'Add service principal credentials',
  applicationCredentialAdded: 'Update application \u2013 Certificates and secrets management ',
  servicePrincipalCredentialAdded: 'Add service principal credentials',
  appRoleAssignment: 'Add app role assignment to service principal',
  consent: 'Consent to application',
};

/** Options of makeAuditRecord. */
export interface AuditRecordOptions {
  scenario: AuditScenario;
  /**
   * Index into `model.managedIdentities` for a certificate rotation, else into `model.principals`.
   * Without it, the first eligible principal after a random start is used.
   */
  principalIndex?: number;
  /** Index into `model.admins` for administrator-initiated scenarios; random without it. */
  adminIndex?: number;
}

// Microsoft Graph application permissions: the id, value and display name the audit log records.
const GRAPH_APP_ROLES: readonly (readonly [string, string, string])[] = [
  ['df021288-bdef-4463-88db-98f22de89214', 'User.Read.All', "Read all users' full profiles"],
  ['7ab1d382-f21e-4acd-a863-ba3e13f7da61', 'Directory.Read.All', 'Read directory data'],
  ['9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30', 'Application.Read.All', 'Read all applications'],
  ['5b567255-7703-4780-807c-7be8301ae99b', 'Group.Read.All', 'Read all groups'],
  ['810c84a8-4a9e-49e6-bf7d-12d183f40d01', 'Mail.Read', 'Read mail in all mailboxes'],
  ['332a536c-c7ef-4017-ab91-336970924f0d', 'Sites.Read.All', 'Read items in all site collections'],
  ['b0afded3-3588-46d8-8b3d-9842eff778da', 'AuditLog.Read.All', 'Read all audit log data'],
];

const ADMIN_USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
  'python/3.11.9 (Linux-6.5.0-1025-azure-x86_64-with-glibc2.35) AZURECLI/2.65.0 (DEB)',
];
const MSI_USER_AGENT = 'Microsoft Azure Graph Client Library 2.1.17-internal';
const SHARD_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function entraTime(at: Date, rnd: Random): { time: string; activity: string } {
  const base = `${at.toISOString().slice(0, 23)}${String(rnd.int(0, 9999)).padStart(4, '0')}`;
  // The envelope's `time` ends in Z; the Graph object inside uses +00:00.
  return { time: `${base}Z`, activity: `${base}+00:00` };
}

/** `Directory_<correlation guid>_<shard>_<sequence>`, the id form seen in real exports. */
function auditId(rnd: Random, correlationId: string): string {
  let shard = '';
  for (let i = 0; i < 5; i++) shard += SHARD_CHARS[rnd.int(0, SHARD_CHARS.length - 1)];
  return `Directory_${correlationId}_${shard}_${rnd.int(10_000_000, 199_999_999)}`;
}

/** The US-locale timestamp Entra writes inside some modified property values. */
function usTime(at: Date): string {
  const h = at.getUTCHours();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${at.getUTCMonth() + 1}/${at.getUTCDate()}/${at.getUTCFullYear()} ${h % 12 || 12}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** One KeyDescription element: `[KeyIdentifier=…,KeyType=…,KeyUsage=Verify,DisplayName=…]`. */
function keyDescription(c: ModelCredential): string {
  const keyType = c.type === 'certificate' ? 'AsymmetricX509Cert' : 'Password';
  return `[KeyIdentifier=${c.keyId},KeyType=${keyType},KeyUsage=Verify,DisplayName=${c.displayName}]`;
}

const INCLUDED_KEY_DESCRIPTION = {
  displayName: 'Included Updated Properties',
  oldValue: null,
  newValue: '"KeyDescription"',
};

/** The credential an addition event adds (the newest) and the ones the object already had. */
function splitNewest(credentials: readonly ModelCredential[]): {
  before: ModelCredential[];
  added: ModelCredential;
} {
  const sorted = [...credentials].sort((a, b) => a.startDateTime.localeCompare(b.startDateTime));
  return { before: sorted.slice(0, -1), added: sorted[sorted.length - 1]! };
}

/** Who made a change, as `initiatedBy` names it, with the address and client the request came from. */
export type AuditInitiator =
  | {
      kind: 'user';
      id: string;
      displayName: string;
      userPrincipalName: string;
      ipAddress: string;
      userAgent: string;
    }
  | {
      kind: 'app';
      appId: string | null;
      displayName: string;
      servicePrincipalId: string;
      servicePrincipalName: string | null;
      ipAddress: string;
      userAgent: string;
    };

/** An administrator working from their office address, in a browser or the Azure CLI. */
export function adminInitiator(rnd: Random, admin: TenantAdmin): AuditInitiator {
  return {
    kind: 'user',
    id: admin.id,
    displayName: admin.displayName,
    userPrincipalName: admin.userPrincipalName,
    ipAddress: admin.ipAddress,
    userAgent: rnd.pick(ADMIN_USER_AGENTS),
  };
}

/** The first-party 'Managed Service Identity' app, which renews managed identity certificates from Azure. */
export function managedServiceIdentityInitiator(
  model: TenantModel,
  rnd: Random,
  mi: ManagedIdentityPrincipal,
): AuditInitiator {
  return {
    kind: 'app',
    appId: null,
    displayName: 'Managed Service Identity',
    servicePrincipalId: model.managedServiceIdentityServicePrincipalId,
    servicePrincipalName: null,
    ipAddress: addressIn(rnd, mi.network.prefixes),
    userAgent: MSI_USER_AGENT,
  };
}

function initiatedBy(initiator: AuditInitiator): Record<string, unknown> {
  if (initiator.kind === 'user') {
    // Entra leaves a user initiator's displayName empty in audit records.
    return {
      user: {
        id: initiator.id,
        displayName: null,
        userPrincipalName: initiator.userPrincipalName,
        ipAddress: initiator.ipAddress,
        roles: [],
      },
    };
  }
  return {
    app: {
      appId: initiator.appId,
      displayName: initiator.displayName,
      servicePrincipalId: initiator.servicePrincipalId,
      servicePrincipalName: initiator.servicePrincipalName,
    },
  };
}

/** The object whose credentials changed, as an audit target names it. */
export interface CredentialOwner {
  id: string;
  displayName: string;
  type: 'Application' | 'ServicePrincipal';
  appId: string;
  /** `TargetId.ServicePrincipalNames` of a service principal; null for an app registration. */
  servicePrincipalNames: string | null;
}

/** The app registration of a workload (which a multi-tenant app of another tenant does not have here). */
export function applicationOwner(p: WorkloadPrincipal): CredentialOwner {
  if (p.applicationObjectId === null) throw new RangeError(`${p.displayName} has no app registration here`);
  return {
    id: p.applicationObjectId,
    displayName: p.displayName,
    type: 'Application',
    appId: p.appId,
    servicePrincipalNames: null,
  };
}

/** A workload's service principal. */
export function servicePrincipalOwner(p: WorkloadPrincipal): CredentialOwner {
  return {
    id: p.objectId,
    displayName: p.displayName,
    type: 'ServicePrincipal',
    appId: p.appId,
    servicePrincipalNames: p.appId,
  };
}

/** A managed identity's service principal, whose names include its `https://identity.azure.net/…` name. */
export function managedIdentityOwner(mi: ManagedIdentityPrincipal): CredentialOwner {
  return {
    id: mi.objectId,
    displayName: mi.displayName,
    type: 'ServicePrincipal',
    appId: mi.appId,
    servicePrincipalNames: `${mi.appId};${mi.identityName}`,
  };
}

/** A change of an object's secrets and certificates: its keys before and after, and who changed them. */
export interface CredentialChange {
  owner: CredentialOwner;
  before: readonly ModelCredential[];
  after: readonly ModelCredential[];
  initiator: AuditInitiator;
}

interface Activity {
  name: string;
  operationType: string;
  initiator: AuditInitiator;
  targetResources: Record<string, unknown>[];
  appId: string;
}

function credentialActivity(change: CredentialChange): Activity {
  const { owner, initiator } = change;
  // Federated identity credentials are not keys: KeyDescription never lists them.
  const keys = (list: readonly ModelCredential[]) =>
    JSON.stringify(list.filter((c) => c.type !== 'federated').map(keyDescription));
  const onApplication = owner.type === 'Application';
  const adds = change.after.length >= change.before.length;
  const modifiedProperties: Record<string, unknown>[] = [
    { displayName: 'KeyDescription', oldValue: keys(change.before), newValue: keys(change.after) },
    INCLUDED_KEY_DESCRIPTION,
  ];
  if (!onApplication) {
    modifiedProperties.push({
      displayName: 'TargetId.ServicePrincipalNames',
      oldValue: null,
      newValue: JSON.stringify(owner.servicePrincipalNames ?? owner.appId),
    });
  }
  return {
    // An app registration's keys change through one activity either way; a service principal's through two.
    name: onApplication
      ? AUDIT_ACTIVITY_NAMES.applicationCredentialAdded
      : adds
        ? AUDIT_ACTIVITY_NAMES.servicePrincipalCredentialAdded
        : REMOVE_SERVICE_PRINCIPAL_CREDENTIALS,
    operationType: 'Update',
    initiator,
    targetResources: [
      {
        id: owner.id,
        displayName: owner.displayName,
        type: owner.type,
        modifiedProperties,
        administrativeUnits: [],
      },
    ],
    appId: owner.appId,
  };
}

function appRoleAssignment(
  model: TenantModel,
  rnd: Random,
  at: Date,
  p: WorkloadPrincipal,
  initiator: AuditInitiator,
): Activity {
  const graph = model.resources[0]!;
  const [roleId, value, displayName] = rnd.pick(GRAPH_APP_ROLES);
  const when = JSON.stringify(usTime(at));
  const text = (v: string) => ({ oldValue: null, newValue: JSON.stringify(v) });
  return {
    name: AUDIT_ACTIVITY_NAMES.appRoleAssignment,
    operationType: 'Assign',
    initiator,
    targetResources: [
      {
        id: graph.servicePrincipalId,
        displayName: graph.displayName,
        type: 'ServicePrincipal',
        modifiedProperties: [
          { displayName: 'AppRole.Id', ...text(roleId) },
          { displayName: 'AppRole.Value', ...text(value) },
          { displayName: 'AppRole.DisplayName', ...text(displayName) },
          { displayName: 'AppRoleAssignment.CreatedDateTime', oldValue: null, newValue: when },
          { displayName: 'AppRoleAssignment.LastModifiedDateTime', oldValue: null, newValue: when },
          { displayName: 'ServicePrincipal.ObjectID', ...text(p.objectId) },
          { displayName: 'ServicePrincipal.DisplayName', ...text(p.displayName) },
          { displayName: 'ServicePrincipal.AppId', ...text(p.appId) },
          { displayName: 'ServicePrincipal.Name', ...text(p.appId) },
          {
            displayName: 'TargetId.ServicePrincipalNames',
            ...text(`https://graph.microsoft.com;${graph.appId}`),
          },
        ],
        administrativeUnits: [],
      },
      {
        id: p.objectId,
        displayName: p.displayName,
        type: 'ServicePrincipal',
        modifiedProperties: [],
        administrativeUnits: [],
      },
    ],
    appId: p.appId,
  };
}

/** A delegated permission grant id: 43 characters of base64url, as Graph issues them. */
function grantId(rnd: Random): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let out = '';
  for (let i = 0; i < 43; i++) out += alphabet[rnd.int(0, 63)];
  return out;
}

function consent(model: TenantModel, rnd: Random, p: WorkloadPrincipal, initiator: AuditInitiator): Activity {
  const graph = model.resources[0]!;
  const scopes = [rnd.pick(GRAPH_APP_ROLES)[1], rnd.pick(GRAPH_APP_ROLES)[1]];
  const scope = [...new Set(scopes)].join(' ');
  // Entra serialises the grant as a bracketed text list inside a JSON string, not as JSON.
  const permissions =
    `[] => [[Id: ${grantId(rnd)}, ClientId: ${p.objectId}, PrincipalId: , ResourceId: ${graph.servicePrincipalId}, ` +
    `ConsentType: AllPrincipals, Scope:  ${scope}, CreatedDateTime: , LastModifiedDateTime ]]; `;
  const text = (v: string) => ({ oldValue: null, newValue: JSON.stringify(v) });
  return {
    name: AUDIT_ACTIVITY_NAMES.consent,
    operationType: 'Assign',
    initiator,
    targetResources: [
      {
        id: p.objectId,
        displayName: p.displayName,
        type: 'ServicePrincipal',
        modifiedProperties: [
          { displayName: 'ConsentContext.IsAdminConsent', ...text('True') },
          { displayName: 'ConsentContext.IsAppOnly', ...text('False') },
          { displayName: 'ConsentContext.OnBehalfOfAll', ...text('True') },
          { displayName: 'ConsentContext.Tags', ...text('WindowsAzureActiveDirectoryIntegratedApp') },
          { displayName: 'ConsentAction.Permissions', ...text(permissions) },
          { displayName: 'TargetId.ServicePrincipalNames', ...text(p.appId) },
        ],
        administrativeUnits: [],
      },
    ],
    appId: p.appId,
  };
}

function servicePrincipalAdded(p: WorkloadPrincipal, initiator: AuditInitiator): Activity {
  // Entra writes each property as JSON text of a one-element array.
  const list = (v: unknown) => ({ oldValue: '[]', newValue: JSON.stringify([v]) });
  return {
    name: ADD_SERVICE_PRINCIPAL,
    operationType: 'Add',
    initiator,
    targetResources: [
      {
        id: p.objectId,
        displayName: p.displayName,
        type: 'ServicePrincipal',
        modifiedProperties: [
          { displayName: 'AccountEnabled', ...list(true) },
          { displayName: 'AppPrincipalId', ...list(p.appId) },
          { displayName: 'DisplayName', ...list(p.displayName) },
          { displayName: 'ServicePrincipalName', ...list(p.appId) },
          {
            displayName: 'Included Updated Properties',
            oldValue: null,
            newValue: '"AccountEnabled, AppPrincipalId, DisplayName, ServicePrincipalName"',
          },
          {
            displayName: 'TargetId.ServicePrincipalNames',
            oldValue: null,
            newValue: JSON.stringify(p.appId),
          },
        ],
        administrativeUnits: [],
      },
    ],
    appId: p.appId,
  };
}

/** The AuditLogs export envelope (storage-account PT1H.json line form) around one activity. */
function exportRecord(
  model: TenantModel,
  rnd: Random,
  at: Date,
  activity: Activity,
): Record<string, unknown> {
  const { time, activity: activityDateTime } = entraTime(at, rnd);
  const correlationId = rnd.guid();
  const { initiator } = activity;
  return {
    time,
    resourceId: `/tenants/${model.tenantId}/providers/Microsoft.aadiam`,
    operationName: activity.name,
    operationVersion: '1.0',
    category: 'AuditLogs',
    tenantId: model.tenantId,
    resultSignature: 'None',
    durationMs: 0,
    callerIpAddress: initiator.ipAddress,
    correlationId,
    identity: initiator.displayName,
    Level: 4,
    properties: {
      id: auditId(rnd, correlationId),
      category: 'ApplicationManagement',
      correlationId,
      result: 'success',
      resultReason: '',
      activityDisplayName: activity.name,
      activityDateTime,
      loggedByService: 'Core Directory',
      operationType: activity.operationType,
      userAgent: null,
      initiatedBy: initiatedBy(initiator),
      targetResources: activity.targetResources,
      additionalDetails: [
        { key: 'User-Agent', value: initiator.userAgent },
        { key: 'AppId', value: activity.appId },
      ],
    },
  };
}

/**
 * One AuditLogs export record of a change to an object's secrets and certificates: the en-dash
 * application activity for an app registration, `Add`/`Remove service principal credentials` for a
 * service principal, with KeyDescription listing the keys before and after.
 */
export function makeCredentialChangeRecord(
  model: TenantModel,
  rnd: Random,
  at: Date,
  change: CredentialChange,
): Record<string, unknown> {
  return exportRecord(model, rnd, at, credentialActivity(change));
}

/** One AuditLogs export record of a workload's service principal being created. */
export function makeServicePrincipalAddedRecord(
  model: TenantModel,
  rnd: Random,
  at: Date,
  p: WorkloadPrincipal,
  initiator: AuditInitiator,
): Record<string, unknown> {
  return exportRecord(model, rnd, at, servicePrincipalAdded(p, initiator));
}

function pickIndex<T>(
  rnd: Random,
  items: readonly T[],
  index: number | undefined,
  eligible: (item: T) => boolean,
  what: string,
): T {
  if (index !== undefined) {
    const item = items[index];
    if (item === undefined || !eligible(item)) throw new RangeError(`no ${what} at index ${index}`);
    return item;
  }
  const start = items.length > 0 ? rnd.int(0, items.length - 1) : 0;
  for (let k = 0; k < items.length; k++) {
    const item = items[(start + k) % items.length]!;
    if (eligible(item)) return item;
  }
  throw new RangeError(`the model has no ${what}`);
}

/**
 * One AuditLogs export record (storage-account PT1H.json line form) for `options.scenario` at `at`.
 * Credential scenarios add the target's newest model credential, listing the others as already there.
 */
export function makeAuditRecord(
  model: TenantModel,
  rnd: Random,
  at: Date,
  options: AuditRecordOptions,
): Record<string, unknown> {
  const { scenario } = options;
  const admin = (): AuditInitiator => {
    const index = options.adminIndex ?? rnd.int(0, model.admins.length - 1);
    const a = model.admins[index];
    if (!a) throw new RangeError(`no admin at index ${index}`);
    return adminInitiator(rnd, a);
  };
  const principal = (eligible: (p: WorkloadPrincipal) => boolean, what: string) =>
    pickIndex(rnd, model.principals, options.principalIndex, eligible, what);
  const own = (p: WorkloadPrincipal, owner: ModelCredential['owner']) =>
    p.credentials.filter((c) => c.owner === owner && c.type !== 'federated');
  const added = (
    p: WorkloadPrincipal,
    owner: ModelCredential['owner'],
    initiator: AuditInitiator,
  ): CredentialChange => {
    const { before, added: newest } = splitNewest(own(p, owner));
    return {
      owner: owner === 'application' ? applicationOwner(p) : servicePrincipalOwner(p),
      before,
      after: [...before, newest],
      initiator,
    };
  };

  let activity: Activity;
  switch (scenario) {
    case 'managedIdentityCertificateRotation': {
      const mi = pickIndex(
        rnd,
        model.managedIdentities,
        options.principalIndex,
        (m) => m.credentials.length > 0,
        'managed identity',
      );
      const { before, added: newest } = splitNewest(mi.credentials);
      activity = credentialActivity({
        owner: managedIdentityOwner(mi),
        before,
        after: [...before, newest],
        initiator: managedServiceIdentityInitiator(model, rnd, mi),
      });
      break;
    }
    case 'applicationCredentialAdded': {
      const p = principal(
        (x) => own(x, 'application').length > 0,
        'app registration with a secret or certificate',
      );
      activity = credentialActivity(added(p, 'application', admin()));
      break;
    }
    case 'servicePrincipalCredentialAdded': {
      const p = principal(
        (x) => own(x, 'servicePrincipal').length > 0,
        'service principal with its own credential',
      );
      activity = credentialActivity(added(p, 'servicePrincipal', admin()));
      break;
    }
    case 'appRoleAssignment':
      activity = appRoleAssignment(
        model,
        rnd,
        at,
        principal(() => true, 'service principal'),
        admin(),
      );
      break;
    case 'consent':
      // Tenant-wide consent is what brings a vendor's multi-tenant app in.
      activity = consent(
        model,
        rnd,
        principal((p) => p.multiTenant, 'multi-tenant application'),
        admin(),
      );
      break;
  }
  return exportRecord(model, rnd, at, activity);
}

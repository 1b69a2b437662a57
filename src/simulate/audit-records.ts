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

/** KeyDescription old and new values (JSON text of string arrays) for adding `added` to `before`. */
function keyDescriptionProperty(before: readonly ModelCredential[], added: ModelCredential) {
  return {
    displayName: 'KeyDescription',
    oldValue: JSON.stringify(before.map(keyDescription)),
    newValue: JSON.stringify([...before, added].map(keyDescription)),
  };
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

function userInitiator(admin: TenantAdmin) {
  return {
    user: {
      id: admin.id,
      displayName: null,
      userPrincipalName: admin.userPrincipalName,
      ipAddress: admin.ipAddress,
      roles: [],
    },
  };
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

interface Activity {
  operationType: string;
  initiatedBy: Record<string, unknown>;
  identity: string;
  callerIpAddress: string;
  targetResources: Record<string, unknown>[];
  userAgent: string;
  appId: string;
}

function managedIdentityRotation(model: TenantModel, rnd: Random, mi: ManagedIdentityPrincipal): Activity {
  const { before, added } = splitNewest(mi.credentials);
  return {
    operationType: 'Update',
    initiatedBy: {
      app: {
        appId: null,
        displayName: 'Managed Service Identity',
        servicePrincipalId: model.managedServiceIdentityServicePrincipalId,
        servicePrincipalName: null,
      },
    },
    identity: 'Managed Service Identity',
    callerIpAddress: addressIn(rnd, mi.network.prefixes),
    targetResources: [
      {
        id: mi.objectId,
        displayName: mi.displayName,
        type: 'ServicePrincipal',
        modifiedProperties: [
          keyDescriptionProperty(before, added),
          INCLUDED_KEY_DESCRIPTION,
          {
            displayName: 'TargetId.ServicePrincipalNames',
            oldValue: null,
            newValue: JSON.stringify(`${mi.appId};${mi.identityName}`),
          },
        ],
        administrativeUnits: [],
      },
    ],
    userAgent: MSI_USER_AGENT,
    appId: mi.appId,
  };
}

function credentialAdded(
  rnd: Random,
  p: WorkloadPrincipal,
  admin: TenantAdmin,
  owner: ModelCredential['owner'],
): Activity {
  const own = p.credentials.filter((c) => c.owner === owner && c.type !== 'federated');
  const { before, added } = splitNewest(own);
  const onApplication = owner === 'application';
  const modifiedProperties: Record<string, unknown>[] = [
    keyDescriptionProperty(before, added),
    INCLUDED_KEY_DESCRIPTION,
  ];
  if (!onApplication) {
    modifiedProperties.push({
      displayName: 'TargetId.ServicePrincipalNames',
      oldValue: null,
      newValue: JSON.stringify(p.appId),
    });
  }
  return {
    operationType: 'Update',
    initiatedBy: userInitiator(admin),
    identity: admin.displayName,
    callerIpAddress: admin.ipAddress,
    targetResources: [
      {
        id: onApplication ? p.applicationObjectId : p.objectId,
        displayName: p.displayName,
        type: onApplication ? 'Application' : 'ServicePrincipal',
        modifiedProperties,
        administrativeUnits: [],
      },
    ],
    userAgent: rnd.pick(ADMIN_USER_AGENTS),
    appId: p.appId,
  };
}

function appRoleAssignment(
  model: TenantModel,
  rnd: Random,
  at: Date,
  p: WorkloadPrincipal,
  admin: TenantAdmin,
): Activity {
  const graph = model.resources[0]!;
  const [roleId, value, displayName] = rnd.pick(GRAPH_APP_ROLES);
  const when = JSON.stringify(usTime(at));
  const text = (v: string) => ({ oldValue: null, newValue: JSON.stringify(v) });
  return {
    operationType: 'Assign',
    initiatedBy: userInitiator(admin),
    identity: admin.displayName,
    callerIpAddress: admin.ipAddress,
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
    userAgent: rnd.pick(ADMIN_USER_AGENTS),
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

function consent(model: TenantModel, rnd: Random, p: WorkloadPrincipal, admin: TenantAdmin): Activity {
  const graph = model.resources[0]!;
  const scopes = [rnd.pick(GRAPH_APP_ROLES)[1], rnd.pick(GRAPH_APP_ROLES)[1]];
  const scope = [...new Set(scopes)].join(' ');
  // Entra serialises the grant as a bracketed text list inside a JSON string, not as JSON.
  const permissions =
    `[] => [[Id: ${grantId(rnd)}, ClientId: ${p.objectId}, PrincipalId: , ResourceId: ${graph.servicePrincipalId}, ` +
    `ConsentType: AllPrincipals, Scope:  ${scope}, CreatedDateTime: , LastModifiedDateTime ]]; `;
  const text = (v: string) => ({ oldValue: null, newValue: JSON.stringify(v) });
  return {
    operationType: 'Assign',
    initiatedBy: userInitiator(admin),
    identity: admin.displayName,
    callerIpAddress: admin.ipAddress,
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
    userAgent: rnd.pick(ADMIN_USER_AGENTS),
    appId: p.appId,
  };
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
  const admin = (): TenantAdmin => {
    const index = options.adminIndex ?? rnd.int(0, model.admins.length - 1);
    const a = model.admins[index];
    if (!a) throw new RangeError(`no admin at index ${index}`);
    return a;
  };
  const principal = (eligible: (p: WorkloadPrincipal) => boolean, what: string) =>
    pickIndex(rnd, model.principals, options.principalIndex, eligible, what);
  const hasOwn = (owner: ModelCredential['owner']) => (p: WorkloadPrincipal) =>
    p.credentials.some((c) => c.owner === owner && c.type !== 'federated');

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
      activity = managedIdentityRotation(model, rnd, mi);
      break;
    }
    case 'applicationCredentialAdded':
      activity = credentialAdded(
        rnd,
        principal(hasOwn('application'), 'app registration with a secret or certificate'),
        admin(),
        'application',
      );
      break;
    case 'servicePrincipalCredentialAdded':
      activity = credentialAdded(
        rnd,
        principal(hasOwn('servicePrincipal'), 'service principal with its own credential'),
        admin(),
        'servicePrincipal',
      );
      break;
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

  const name = AUDIT_ACTIVITY_NAMES[scenario];
  const { time, activity: activityDateTime } = entraTime(at, rnd);
  const correlationId = rnd.guid();
  return {
    time,
    resourceId: `/tenants/${model.tenantId}/providers/Microsoft.aadiam`,
    operationName: name,
    operationVersion: '1.0',
    category: 'AuditLogs',
    tenantId: model.tenantId,
    resultSignature: 'None',
    durationMs: 0,
    callerIpAddress: activity.callerIpAddress,
    correlationId,
    identity: activity.identity,
    Level: 4,
    properties: {
      id: auditId(rnd, correlationId),
      category: 'ApplicationManagement',
      correlationId,
      result: 'success',
      resultReason: '',
      activityDisplayName: name,
      activityDateTime,
      loggedByService: 'Core Directory',
      operationType: activity.operationType,
      userAgent: null,
      initiatedBy: activity.initiatedBy,
      targetResources: activity.targetResources,
      additionalDetails: [
        { key: 'User-Agent', value: activity.userAgent },
        { key: 'AppId', value: activity.appId },
      ],
    },
  };
}

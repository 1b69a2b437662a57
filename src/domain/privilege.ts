/** What kind of permission change an audit event records for a service principal. */
export type PermissionChangeKind =
  /** An application permission (app role of a resource, such as Microsoft Graph) was granted. */
  | 'appRoleAdded'
  /** An application permission was taken away. */
  | 'appRoleRemoved'
  /** The principal became a member of a directory role. */
  | 'directoryRoleAdded'
  /** The principal left a directory role. */
  | 'directoryRoleRemoved'
  /** Consent to the application (admin or user). */
  | 'consent'
  /** A delegated permission grant (OAuth2 scopes) to the application. */
  | 'delegatedGrantAdded';

/** A change of what a service principal may do, read from one directory audit event. */
export interface PermissionChange {
  tenantId: string;
  /** The service principal that received or lost the permission (not the resource it is for). */
  principalId: string;
  kind: PermissionChangeKind;
  /** Permission value (`Application.ReadWrite.All`), directory role name, or consented scopes. */
  value: string | null;
  /** App role id or directory role template id, when the event names it. */
  valueId: string | null;
  /** The resource service principal whose app role it is (app roles only). */
  resourceId: string | null;
  at: string;
  auditId: string;
  /** Who made the change (UPN, display name or id). */
  actorName: string | null;
}

/** What a principal holds at one instant, as far as the audit log tells. */
export interface Privilege {
  /** Holds a sensitive application permission or any directory role. */
  privileged: boolean;
  /** Sensitive application permissions held, sorted. */
  permissions: string[];
  /** Directory roles held, sorted. */
  roles: string[];
}

/** Who performed an audited directory operation. */
export interface AuditActor {
  kind: 'user' | 'app' | 'unknown';
  /** User object id or the acting service principal's id. */
  id: string | null;
  displayName: string | null;
  userPrincipalName: string | null;
  appId: string | null;
  servicePrincipalId: string | null;
  ipAddress: string | null;
}

/** One changed property of a target, as Graph reports it: old and new values are JSON text. */
export interface ModifiedProperty {
  displayName: string;
  oldValue: string | null;
  newValue: string | null;
}

/** An object an audited operation acted on. */
export interface AuditTarget {
  id: string | null;
  displayName: string | null;
  /** `Application`, `ServicePrincipal`, `User`, `Policy`, … */
  type: string | null;
  modifiedProperties: ModifiedProperty[];
}

/** One directory audit event, normalised from an export envelope, Log Analytics row or Graph directoryAudit. */
export interface DirectoryAudit {
  tenantId: string;
  /** Source id (`Directory_<guid>_<shard>_<seq>` in the wild); the dedupe key within a tenant. */
  id: string;
  activityDateTime: string;
  /** The activity name exactly as the source wrote it. */
  activityDisplayName: string;
  /** The activity name with dashes and white space normalised, for matching (see `normaliseActivityName`). */
  activity: string;
  category: string | null;
  operationType: string | null;
  /** `success`, `failure`, `timeout`, … */
  result: string | null;
  resultReason: string | null;
  loggedByService: string | null;
  correlationId: string | null;
  initiatedBy: AuditActor;
  targets: AuditTarget[];
  additionalDetails: { key: string; value: string | null }[];
}

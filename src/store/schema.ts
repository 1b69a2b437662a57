// Table types for Kysely. Times are UTC ISO text (sortable on both dialects); booleans are 0/1
// integers because SQLite has no boolean; JSON is text.

/** The batch counter: one row per named sequence, incremented inside committing transactions. */
export interface CounterTable {
  name: string;
  value: number;
}

/** Workload sign-ins (service principals and managed identities). */
export interface SignInTable {
  tenant_id: string;
  id: string;
  ingest_batch: number;
  kind: string;
  created_at: string;
  service_principal_id: string;
  service_principal_name: string | null;
  app_id: string | null;
  ip_address: string | null;
  asn: number | null;
  as_org: string | null;
  country: string | null;
  state: string | null;
  city: string | null;
  hosting: number | null;
  hosting_provider: string | null;
  resource_id: string | null;
  resource_name: string | null;
  resource_service_principal_id: string | null;
  user_agent: string | null;
  credential_type: string | null;
  credential_key_id: string | null;
  credential_thumbprint: string | null;
  federated_credential_id: string | null;
  status_code: number;
  failure_reason: string | null;
  conditional_access_status: string | null;
  applied_policies: string | null;
  request_id: string | null;
  correlation_id: string | null;
  msi_type: string | null;
  associated_resource_id: string | null;
}

/** Per batch and principal: how many sign-ins arrived and their event-time span. */
export interface SignInArrivalTable {
  ingest_batch: number;
  tenant_id: string;
  service_principal_id: string;
  first_created_at: string;
  last_created_at: string;
  count: number;
}

/** Per tenant, the earliest event time of any sign-in stored: where its sign-in history begins. */
export interface SignInHistoryTable {
  tenant_id: string;
  first_created_at: string;
}

/** A text value that sign_in_scan rows hold as a number (tenant, principal, network owner, client…). */
export interface SignInValueTable {
  code: number;
  value: string;
}

/**
 * What detection passes read of a sign-in, in a narrow row: the text columns that repeat are codes
 * into sign_in_values (see migration 0014). Written by ingest with the sign-in.
 */
export interface SignInScanTable {
  created_at: string;
  ingest_batch: number;
  tenant: number;
  principal: number;
  id: string;
  /** 1 for a managed identity's sign-in. */
  managed_identity: number;
  status_code: number;
  ip_address: string | null;
  asn: number | null;
  as_org: number | null;
  country: number | null;
  hosting: number | null;
  hosting_provider: number | null;
  resource_id: number | null;
  user_agent: number | null;
  credential_type: number | null;
  credential_key_id: number | null;
  federated_credential_id: number | null;
  credential_thumbprint: number | null;
}

/** Directory audit events. */
export interface DirectoryAuditTable {
  tenant_id: string;
  id: string;
  ingest_batch: number;
  activity_date_time: string;
  activity_display_name: string;
  activity: string;
  category: string | null;
  operation_type: string | null;
  result: string | null;
  result_reason: string | null;
  logged_by_service: string | null;
  correlation_id: string | null;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  initiated_by: string;
  targets: string;
  additional_details: string;
}

/** Service principals, from inventory imports or first seen in logs. */
export interface ServicePrincipalTable {
  tenant_id: string;
  id: string;
  app_id: string | null;
  display_name: string | null;
  kind: string;
  service_principal_type: string | null;
  app_owner_organization_id: string | null;
  account_enabled: number | null;
  created_at: string | null;
  source: string;
  updated_at: string;
}

/** App registrations. */
export interface ApplicationTable {
  tenant_id: string;
  id: string;
  app_id: string | null;
  display_name: string | null;
  sign_in_audience: string | null;
  created_at: string | null;
  source: string;
  updated_at: string;
}

/** Credentials of service principals and applications, with their lifecycle. */
export interface CredentialTable {
  tenant_id: string;
  owner_id: string;
  owner_type: string;
  key_id: string;
  type: string;
  key_type: string | null;
  usage: string | null;
  display_name: string | null;
  hint: string | null;
  thumbprint: string | null;
  start_date_time: string | null;
  end_date_time: string | null;
  issuer: string | null;
  subject: string | null;
  audiences: string | null;
  added_at: string | null;
  added_by: string | null;
  removed_at: string | null;
  removed_by: string | null;
  updated_at: string;
  /** A client secret Vigil issued: its salted scrypt hash (base64), never the secret. */
  secret_salt: string | null;
  secret_hash: string | null;
  /** The certificate (PEM, public) when Vigil registered it: checks proofs, matches leaked keys. */
  certificate: string | null;
  /** `vigil` when added through Vigil's own actions. */
  added_via: string | null;
}

/** Records that could not be ingested, with where they came from and why. */
export interface QuarantineTable {
  /** Hash of tenant, source, position and text: re-importing the same bad input quarantines it once. */
  fingerprint: string;
  tenant_id: string;
  source: string;
  line: number | null;
  path: string | null;
  format: string | null;
  reason: string;
  text: string;
  created_at: string;
}

/** API keys: the secret is stored only as a SHA-256 hash. */
export interface ApiKeyTable {
  id: string;
  tenant_id: string;
  name: string;
  role: string;
  secret_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Risk detections (Graph servicePrincipalRiskDetection); JSON parts as text. */
export interface RiskDetectionTable {
  tenant_id: string;
  id: string;
  principal_id: string;
  risk_event_type: string;
  risk_level: string;
  risk_state: string;
  risk_detail: string;
  activity: string;
  activity_date_time: string;
  detected_date_time: string;
  last_updated_date_time: string;
  ip_address: string | null;
  location: string | null;
  key_ids: string;
  request_id: string | null;
  correlation_id: string | null;
  additional_info: string;
}

/** Each principal's current risk (Graph riskyServicePrincipal, less what the inventory holds). */
export interface RiskyPrincipalTable {
  tenant_id: string;
  principal_id: string;
  risk_level: string;
  risk_state: string;
  risk_detail: string;
  risk_last_updated_date_time: string | null;
}

/** Every change of a principal's risk, with who made it. */
export interface RiskHistoryTable {
  tenant_id: string;
  id: string;
  principal_id: string;
  risk_level: string;
  risk_state: string;
  risk_detail: string;
  risk_last_updated_date_time: string;
  initiated_by: string | null;
  activity_detail: string;
  activity_risk_event_types: string;
}

/** Threat-intelligence IP indicators, keyed by source and block. */
export interface ThreatIndicatorTable {
  key: string;
  cidr: string;
  source: string;
  confidence: number;
  labels: string;
  valid_from: string | null;
  valid_until: string | null;
  source_id: string | null;
  description: string | null;
  imported_at: string;
}

/** One value of one property of a principal's sign-in baseline. */
export interface BaselineValueTable {
  tenant_id: string;
  principal_id: string;
  property: string;
  value: string;
  first_seen: string;
  last_seen: string;
  count: number;
}

/** A principal's baseline totals. */
export interface BaselineMetaTable {
  tenant_id: string;
  principal_id: string;
  first_sign_in_at: string | null;
  last_sign_in_at: string | null;
  successful_sign_ins: number;
}

/** Where polling of a configured TAXII collection resumes, and how its last attempt went. */
export interface TaxiiPollTable {
  name: string;
  api_root: string;
  collection_id: string;
  /** The server's X-TAXII-Date-Added-Last of the last successful poll: ask for objects added after it. */
  added_after: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  /** Indicators the last successful poll imported. */
  indicators: number;
}

/** Who runs a scheduled job until when. */
export interface LeaseTable {
  name: string;
  holder: string;
  expires_at: string;
}

/** Credential additions with their verdict (routine or not, and why), as detection assessed them. */
export interface CredentialAdditionTable {
  tenant_id: string;
  audit_id: string;
  key_id: string;
  principal_id: string;
  at: string;
  routine: number;
  /** The assessed addition as JSON (domain AssessedAddition). */
  addition: string;
}

/** Audit events adding a credential whose service principal was not known yet: tried again each run. */
export interface UnplacedCredentialAuditTable {
  tenant_id: string;
  audit_id: string;
  activity_date_time: string;
}

/** A Conditional Access policy or a named location: its Graph JSON and the columns lists use. */
export interface ConditionalAccessObjectTable {
  tenant_id: string;
  id: string;
  display_name: string;
  /** A policy's state; a named location's kind (`ip` or `country`). */
  kind: string;
  created_date_time: string;
  modified_date_time: string;
  /** The Graph object as JSON. */
  body: string;
}

/** One change to export: what changed (`ref`), in which category, numbered in commit order. */
export interface ExportOutboxTable {
  batch: number;
  position: number;
  tenant_id: string;
  category: string;
  /** The id of the changed row: a history item, a detection, a sign-in or an audit event. */
  ref: string;
  created_at: string;
}

/** A diagnostic setting: which categories go to which destinations. */
export interface DiagnosticSettingTable {
  /** `*` for the configuration file's settings, which apply to every tenant. */
  tenant_id: string;
  name: string;
  /** `,Category,Category,` */
  categories: string;
  /** The setting as JSON, secrets included (never shown by the API). */
  body: string;
  /** `api` or `config`. */
  source: string;
  updated_at: string;
}

/** Where one destination of a setting stands in one category, and how delivery goes. */
export interface ExportCursorTable {
  setting_tenant: string;
  setting_name: string;
  /** A stable key of the destination within the setting. */
  destination: string;
  category: string;
  /** The last delivered outbox row. */
  batch: number;
  position: number;
  delivered: number;
  label: string;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  /** Consecutive failed attempts (0 after a success). */
  failures: number;
}

/** A principal's remediation plan; its steps, their state and evidence are the JSON body. */
export interface RemediationPlanTable {
  tenant_id: string;
  id: string;
  principal_id: string;
  /** `inProgress`, `completed` (every step done, waiting to see no removed credential used), `remediated`, `cancelled`. */
  state: string;
  created_at: string;
  created_by: string;
  completed_at: string | null;
  updated_at: string;
  body: string;
}

/** The whole database, as Kysely sees it. */
export interface Database {
  counters: CounterTable;
  sign_ins: SignInTable;
  sign_in_arrivals: SignInArrivalTable;
  sign_in_history: SignInHistoryTable;
  sign_in_values: SignInValueTable;
  sign_in_scan: SignInScanTable;
  directory_audits: DirectoryAuditTable;
  service_principals: ServicePrincipalTable;
  applications: ApplicationTable;
  credentials: CredentialTable;
  quarantine: QuarantineTable;
  api_keys: ApiKeyTable;
  risk_detections: RiskDetectionTable;
  risky_principals: RiskyPrincipalTable;
  risk_history: RiskHistoryTable;
  threat_indicators: ThreatIndicatorTable;
  baseline_values: BaselineValueTable;
  baseline_meta: BaselineMetaTable;
  leases: LeaseTable;
  taxii_polls: TaxiiPollTable;
  credential_additions: CredentialAdditionTable;
  unplaced_credential_audits: UnplacedCredentialAuditTable;
  ca_policies: ConditionalAccessObjectTable;
  named_locations: ConditionalAccessObjectTable;
  export_outbox: ExportOutboxTable;
  diagnostic_settings: DiagnosticSettingTable;
  export_cursors: ExportCursorTable;
  remediation_plans: RemediationPlanTable;
}

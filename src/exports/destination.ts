/**
 * The contract every export destination implements. The delivery engine (src/exports/deliver.ts)
 * reads records from the outbox in order per category, hands a destination a batch, and advances
 * its cursor only when `send` resolves: a destination that throws is retried with backoff, and
 * must therefore tolerate receiving a batch again (delivery is at least once; `record.id` is
 * stable so consumers can de-duplicate).
 */

/** The categories a diagnostic setting can export, as Entra names them. */
export const exportCategories = [
  'RiskyServicePrincipals',
  'ServicePrincipalRiskEvents',
  'ServicePrincipalSignInLogs',
  'ManagedIdentitySignInLogs',
  'AuditLogs',
] as const;

/** An export category. */
export type ExportCategory = (typeof exportCategories)[number];

/**
 * Azure Monitor's export envelope of one record, as Entra writes it to a storage account or an
 * Event Hub: `properties` is the Graph object (riskyServicePrincipal, servicePrincipalRiskDetection,
 * signIn, directoryAudit). `recordId` is Vigil's addition: the stable id to de-duplicate by.
 */
export interface ExportEnvelope {
  time: string;
  resourceId: string;
  operationName: string;
  operationVersion: string;
  category: ExportCategory;
  tenantId: string;
  resultType?: string;
  resultSignature?: string;
  durationMs?: number;
  callerIpAddress?: string;
  correlationId?: string;
  level?: string;
  location?: string;
  recordId: string;
  properties: Record<string, unknown>;
}

/** One record to deliver. */
export interface ExportRecord {
  /** Stable across retries and restarts: consumers de-duplicate by it. */
  id: string;
  category: ExportCategory;
  tenantId: string;
  /** When the change happened (UTC ISO); storage files records by this hour. */
  time: string;
  envelope: ExportEnvelope;
}

/** A destination: one plugin instance per destination of a setting. */
export interface Destination {
  /** e.g. `storage:/var/lib/vigil/export`, for status and logs; never holds a secret. */
  readonly label: string;
  /** Largest batch the engine should hand over at once. */
  readonly maxBatch: number;
  /** Delivers the batch (all or nothing from the engine's point of view); throws to be retried. */
  send(records: readonly ExportRecord[]): Promise<void>;
  /** Releases connections and files. */
  close(): Promise<void>;
}

/** A problem with a setting, naming the field (`destinations[1].url`). */
export interface SettingError {
  field: string;
  message: string;
}

/** What the engine and the settings API know of each destination type. */
export interface DestinationPlugin<S = unknown> {
  /** The `type` a setting's destination names: `storage`, `eventHub`, `syslog`, … */
  readonly type: string;
  /**
   * Checks one destination's settings (the object without `type`); `field` is its path in the
   * setting, for messages. Refuses unknown properties.
   */
  parse(raw: Record<string, unknown>, field: string): { settings: S } | { error: SettingError };
  /** The settings as the API shows them: every secret replaced by `"***"`. */
  redact(settings: S): Record<string, unknown>;
  /** A live destination for a setting named `settingName`. */
  create(settings: S, context: { settingName: string }): Destination;
}

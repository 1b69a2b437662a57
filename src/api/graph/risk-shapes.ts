import type { RiskDetectionTable, RiskHistoryTable, RiskyPrincipalTable } from '../../store/schema.ts';

/** Which Graph version's names to use (`isEnabled` in v1.0, `accountEnabled` in beta; beta adds `mitreTechniqueId`). */
export type GraphVersion = 'v1.0' | 'beta';

/** How to render: the Graph version, and whether post-`unknownFutureValue` enum members may be named. */
export interface ShapeOptions {
  version: GraphVersion;
  /** Graph names evolvable enum members added after `unknownFutureValue` only when the client asks
   *  (`Prefer: include-unknown-enum-members`); otherwise they read `unknownFutureValue`. */
  includeUnknownEnumMembers: boolean;
}

// riskDetail members declared after unknownFutureValue (CSDL order) that workload identities use.
const LATE_RISK_DETAILS = new Set([
  'adminConfirmedServicePrincipalCompromised',
  'adminDismissedAllRiskForServicePrincipal',
]);
const LATE_ACTIVITIES = new Set(['servicePrincipal']);

function evolvable(value: string, late: Set<string>, o: ShapeOptions): string {
  return !o.includeUnknownEnumMembers && late.has(value) ? 'unknownFutureValue' : value;
}

/** The inventory columns a risk entity shows, as a joined query selects them. */
export const principalColumns = [
  'sp.app_id',
  'sp.display_name',
  'sp.kind',
  'sp.service_principal_type',
  'sp.account_enabled',
] as const;

/** The inventory columns a risk entity shows; all null when the principal is not in the inventory. */
export interface PrincipalColumns {
  app_id: string | null;
  display_name: string | null;
  kind: string | null;
  service_principal_type: string | null;
  account_enabled: number | null;
}

/** Graph's servicePrincipalType of an inventory row; null when the principal is not in the inventory. */
export function servicePrincipalTypeOf(sp: PrincipalColumns | undefined): string | null {
  if (!sp || sp.kind === null || sp.kind === undefined) return null;
  return sp.service_principal_type ?? (sp.kind === 'managedIdentity' ? 'ManagedIdentity' : 'Application');
}

function enabled(sp: PrincipalColumns | undefined): boolean | null {
  return sp?.account_enabled === null || sp?.account_enabled === undefined
    ? null
    : Number(sp.account_enabled) === 1;
}

/** A Graph riskyServicePrincipal. */
export function riskyServicePrincipalJson(
  r: RiskyPrincipalTable,
  sp: PrincipalColumns | undefined,
  o: ShapeOptions,
): Record<string, unknown> {
  return {
    id: r.principal_id,
    appId: sp?.app_id ?? null,
    displayName: sp?.display_name ?? null,
    isEnabled: enabled(sp),
    // Beta names it accountEnabled (its metadata carries both); v1.0 knows only isEnabled.
    ...(o.version === 'beta' ? { accountEnabled: enabled(sp) } : {}),
    isProcessing: false,
    riskLastUpdatedDateTime: r.risk_last_updated_date_time,
    riskLevel: r.risk_level,
    riskState: r.risk_state,
    riskDetail: evolvable(r.risk_detail, LATE_RISK_DETAILS, o),
    servicePrincipalType: servicePrincipalTypeOf(sp),
  };
}

/** A Graph riskyServicePrincipalHistoryItem: the risk after the change, who made it, and why. */
export function historyItemJson(
  h: RiskHistoryTable,
  sp: PrincipalColumns | undefined,
  o: ShapeOptions,
): Record<string, unknown> {
  const base = riskyServicePrincipalJson(
    {
      tenant_id: h.tenant_id,
      principal_id: h.principal_id,
      risk_level: h.risk_level,
      risk_state: h.risk_state,
      risk_detail: h.risk_detail,
      risk_last_updated_date_time: h.risk_last_updated_date_time,
    },
    sp,
    o,
  );
  return {
    ...base,
    id: h.id,
    servicePrincipalId: h.principal_id,
    initiatedBy: h.initiated_by,
    activity: {
      riskEventTypes: JSON.parse(h.activity_risk_event_types),
      detail: evolvable(h.activity_detail, LATE_RISK_DETAILS, o),
    },
  };
}

/** A Graph servicePrincipalRiskDetection. */
export function riskDetectionJson(
  d: RiskDetectionTable,
  sp: PrincipalColumns | undefined,
  o: ShapeOptions,
): Record<string, unknown> {
  return {
    id: d.id,
    requestId: d.request_id,
    correlationId: d.correlation_id,
    riskEventType: d.risk_event_type,
    riskState: d.risk_state,
    riskLevel: d.risk_level,
    riskDetail: evolvable(d.risk_detail, LATE_RISK_DETAILS, o),
    source: 'vigil',
    detectionTimingType: 'offline',
    activity: evolvable(d.activity, LATE_ACTIVITIES, o),
    tokenIssuerType: 'AzureAD',
    ipAddress: d.ip_address,
    location: d.location === null ? null : JSON.parse(d.location),
    activityDateTime: d.activity_date_time,
    detectedDateTime: d.detected_date_time,
    lastUpdatedDateTime: d.last_updated_date_time,
    servicePrincipalId: d.principal_id,
    servicePrincipalDisplayName: sp?.display_name ?? null,
    appId: sp?.app_id ?? null,
    keyIds: JSON.parse(d.key_ids),
    additionalInfo: d.additional_info,
    ...(o.version === 'beta' ? { mitreTechniqueId: null } : {}),
  };
}

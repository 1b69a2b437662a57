/** Risk levels Vigil assigns (Graph's `hidden` and `unknownFutureValue` are never produced). */
export type RiskLevel = 'none' | 'low' | 'medium' | 'high';

/** Graph `riskState` members that apply to workload identities. */
export type RiskState = 'none' | 'atRisk' | 'confirmedCompromised' | 'dismissed' | 'remediated';

/** Graph `riskDetail` members that apply to workload identities. */
export type RiskDetail =
  | 'none'
  | 'adminConfirmedServicePrincipalCompromised'
  | 'adminDismissedAllRiskForServicePrincipal';

/** A principal's risk as Graph's riskyServicePrincipal carries it. */
export interface PrincipalRisk {
  riskLevel: RiskLevel;
  riskState: RiskState;
  riskDetail: RiskDetail;
  /** Null until the first change. */
  riskLastUpdatedDateTime: string | null;
}

/** What the risk of a principal is computed from: its detections, as far as risk is concerned. */
export interface DetectionRisk {
  id: string;
  riskEventType: string;
  riskLevel: Exclude<RiskLevel, 'none'>;
  riskState: 'atRisk' | 'confirmedCompromised' | 'dismissed' | 'remediated';
}

/** A Graph riskyServicePrincipalHistoryItem's own part: the risk after the change, who, and why. */
export interface RiskHistoryEntry {
  risk: PrincipalRisk;
  initiatedBy: string | null;
  activity: { riskEventTypes: string[]; detail: RiskDetail };
}

/** A stored detection of a principal, as an investigation reads it. */
export interface DetectionRecord {
  id: string;
  riskEventType: string;
  riskLevel: string;
  riskState: string;
  /** `signin` or `servicePrincipal`. */
  activity: string;
  activityDateTime: string;
  ipAddress: string | null;
  keyIds: string[];
  /** Graph's `additionalInfo`: JSON text of `[{Key, Value}]`. */
  additionalInfo: string;
}

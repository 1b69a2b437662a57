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

/** A principal that never had a detection. */
export const NO_RISK: PrincipalRisk = Object.freeze({
  riskLevel: 'none',
  riskState: 'none',
  riskDetail: 'none',
  riskLastUpdatedDateTime: null,
});

const ORDER: readonly RiskLevel[] = ['none', 'low', 'medium', 'high'];

/** The higher of two levels. */
export function maxLevel(a: RiskLevel, b: RiskLevel): RiskLevel {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

/** One level up, never above high (privileged principals: the same evidence weighs more). */
export function raiseLevel(level: RiskLevel): RiskLevel {
  if (level === 'none') return 'none';
  return ORDER[Math.min(ORDER.length - 1, ORDER.indexOf(level) + 1)]!;
}

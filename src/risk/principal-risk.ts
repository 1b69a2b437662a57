import type { DetectionRisk, PrincipalRisk, RiskDetail, RiskLevel, RiskState } from '../domain/risk.ts';

export type { DetectionRisk, PrincipalRisk, RiskDetail, RiskLevel, RiskState };

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

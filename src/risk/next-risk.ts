import type { RiskHistoryEntry } from '../domain/risk.ts';
import {
  type DetectionRisk,
  maxLevel,
  NO_RISK,
  type PrincipalRisk,
  type RiskDetail,
  type RiskLevel,
  raiseLevel,
} from './principal-risk.ts';

export type { RiskHistoryEntry };

/** Detection types whose level already counts the principal's privilege. */
const WEIGHS_PRIVILEGE_ITSELF: ReadonlySet<string> = new Set(['unusualCredentialAddition']);

/** What happened to a principal's risk. */
export type RiskChange =
  /** Detections were raised or updated (the list is all of the principal's detections, after the change). */
  | { kind: 'detected'; detections: readonly DetectionRisk[]; newEventTypes: readonly string[] }
  /** An administrator confirmed the principal compromised. */
  | { kind: 'confirmCompromised' }
  /** An administrator dismissed all of the principal's risk. */
  | { kind: 'dismiss'; detections: readonly DetectionRisk[] }
  /** The principal's credentials were rotated after the detections (remediation completed). */
  | { kind: 'remediate'; detections: readonly DetectionRisk[] };

/** Who and when, for the history. */
export interface RiskContext {
  at: string;
  /** Id of the actor (user, key or Vigil itself); null for Vigil's own detection runs. */
  initiatedBy: string | null;
  /** The principal holds sensitive permissions or a directory role: its risk is raised one level. */
  privileged: boolean;
}

/** The outcome of a change: the new risk, the history entry (null when nothing changed), and
 *  the state every active detection moves to (for dismiss and remediate). */
export interface RiskTransition {
  risk: PrincipalRisk;
  history: RiskHistoryEntry | null;
  detectionsBecome: 'dismissed' | 'remediated' | null;
}

/**
 * The risk state machine of a principal (spec: "Risk of a principal"), pure:
 * - detections: the level is the highest among detections still at risk (for a privileged principal,
 *   medium and high evidence is raised one level), the state `atRisk` while any is; a confirmed compromise stays confirmed;
 *   a new detection after a dismissal or remediation makes the principal at risk again;
 * - confirm compromised: `confirmedCompromised`, level high;
 * - dismiss: `dismissed`, level none, every active detection dismissed;
 * - remediate: `remediated`, level none, every active detection remediated.
 * Every change appends a history entry; a change that changes nothing appends none.
 */
export function nextRisk(
  current: PrincipalRisk | null,
  change: RiskChange,
  ctx: RiskContext,
): RiskTransition {
  const before = current ?? NO_RISK;
  switch (change.kind) {
    case 'detected': {
      if (before.riskState === 'confirmedCompromised') {
        // Confirmed by an administrator: more evidence changes nothing until they dismiss it.
        return { risk: before, history: null, detectionsBecome: null };
      }
      let level: RiskLevel = 'none';
      for (const d of change.detections) {
        if (d.riskState !== 'atRisk') continue;
        // Privilege raises evidence that already matters (medium and up) one level. Weak evidence
        // stays low: raising every new-resource sign-in of a privileged app would bury the queue.
        // Credential additions weigh the object's privilege themselves, so it is not counted twice.
        const raised =
          ctx.privileged && d.riskLevel !== 'low' && !WEIGHS_PRIVILEGE_ITSELF.has(d.riskEventType)
            ? raiseLevel(d.riskLevel)
            : d.riskLevel;
        level = maxLevel(level, raised);
      }
      if (level === 'none') return { risk: before, history: null, detectionsBecome: null };
      const risk: PrincipalRisk = {
        riskLevel: level,
        riskState: 'atRisk',
        riskDetail: 'none',
        riskLastUpdatedDateTime: ctx.at,
      };
      if (sameRisk(before, risk) && change.newEventTypes.length === 0) {
        return { risk: before, history: null, detectionsBecome: null };
      }
      return { risk, history: entry(risk, ctx, [...change.newEventTypes], 'none'), detectionsBecome: null };
    }
    case 'confirmCompromised': {
      const risk: PrincipalRisk = {
        riskLevel: 'high',
        riskState: 'confirmedCompromised',
        riskDetail: 'adminConfirmedServicePrincipalCompromised',
        riskLastUpdatedDateTime: ctx.at,
      };
      return {
        risk,
        history: entry(risk, ctx, ['adminConfirmedServicePrincipalCompromised'], risk.riskDetail),
        detectionsBecome: null,
      };
    }
    case 'dismiss': {
      const risk: PrincipalRisk = {
        riskLevel: 'none',
        riskState: 'dismissed',
        riskDetail: 'adminDismissedAllRiskForServicePrincipal',
        riskLastUpdatedDateTime: ctx.at,
      };
      return {
        risk,
        history: entry(risk, ctx, activeTypes(change.detections), risk.riskDetail),
        detectionsBecome: 'dismissed',
      };
    }
    case 'remediate': {
      const risk: PrincipalRisk = {
        riskLevel: 'none',
        riskState: 'remediated',
        riskDetail: 'none',
        riskLastUpdatedDateTime: ctx.at,
      };
      return {
        risk,
        history: entry(risk, ctx, activeTypes(change.detections), 'none'),
        detectionsBecome: 'remediated',
      };
    }
  }
}

function sameRisk(a: PrincipalRisk, b: PrincipalRisk): boolean {
  return a.riskLevel === b.riskLevel && a.riskState === b.riskState && a.riskDetail === b.riskDetail;
}

function activeTypes(detections: readonly DetectionRisk[]): string[] {
  const types = new Set<string>();
  for (const d of detections)
    if (d.riskState === 'atRisk' || d.riskState === 'confirmedCompromised') types.add(d.riskEventType);
  return [...types].sort();
}

function entry(
  risk: PrincipalRisk,
  ctx: RiskContext,
  riskEventTypes: string[],
  detail: RiskDetail,
): RiskHistoryEntry {
  return { risk, initiatedBy: ctx.initiatedBy, activity: { riskEventTypes, detail } };
}

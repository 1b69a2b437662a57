// Scores what detection found in a simulated tenant against the simulation's labels, at principal
// level: a principal is flagged when its risk is medium or high (what an analyst's queue shows by
// default), and the labels say which principals were attacked, which were only tried (a password
// spray that failed) and which attacks must raise nothing (a leak of a credential already dead).

import type { SimulationLabels } from './labels.ts';

/** A principal's risk as the store holds it. */
export interface ScoredPrincipal {
  principalId: string;
  riskLevel: string;
}

/** A detection as the store holds it. */
export interface ScoredDetection {
  principalId: string;
  riskLevel: string;
  riskEventType: string;
  activityDateTime: string;
}

/** How well detection did. */
export interface DetectionScore {
  /** Attacked principals that should be found, and how many were flagged. */
  attacked: number;
  found: number;
  /** Principals flagged, not counting the neutral ones (spray targets that were only tried). */
  flagged: number;
  falsePositives: number;
  /** Medium and high detections on principals no attack explains: what an analyst would triage for nothing. */
  falsePositiveDetections: number;
  recall: number;
  precision: number;
  falsePositivesPer1000PrincipalDays: number;
  /** Median event-time minutes from an attack's first record to its first medium or high detection. */
  medianTimeToDetectMinutes: number | null;
  /** Attacks missed, by kind, for reading the result. */
  missed: { principalId: string; kind: string }[];
  /** Principals flagged that no label explains. */
  falsePositivePrincipals: string[];
}

const FLAGGED = new Set(['medium', 'high']);

/**
 * Scores principals' risk against the labels. Spray targets that were only tried are neutral (a low
 * detection is what they should get, a higher one is not counted against precision); an attack that
 * must raise nothing counts as a false positive when its principal is flagged.
 */
export function scoreDetections(
  labels: SimulationLabels,
  principals: readonly ScoredPrincipal[],
  detections: readonly ScoredDetection[],
): DetectionScore {
  const flagged = new Set(principals.filter((p) => FLAGGED.has(p.riskLevel)).map((p) => p.principalId));
  const expected = new Map<string, { kind: string; from: string }>();
  for (const a of labels.attacks) {
    if (!a.expectDetection) continue;
    const known = expected.get(a.principalId);
    if (!known || a.from < known.from) expected.set(a.principalId, { kind: a.kind, from: a.from });
  }
  const neutral = new Set(labels.targeted.map((t) => t.principalId).filter((id) => !expected.has(id)));

  const firstFlagAt = new Map<string, string>();
  let falsePositiveDetections = 0;
  for (const d of detections) {
    if (!FLAGGED.has(d.riskLevel)) continue;
    if (!expected.has(d.principalId) && !neutral.has(d.principalId)) falsePositiveDetections++;
    const attack = expected.get(d.principalId);
    // Detections of earlier, unrelated activity do not count as finding the attack.
    if (!attack || d.activityDateTime < attack.from) continue;
    const known = firstFlagAt.get(d.principalId);
    if (!known || d.activityDateTime < known) firstFlagAt.set(d.principalId, d.activityDateTime);
  }

  let found = 0;
  const missed: DetectionScore['missed'] = [];
  const latencies: number[] = [];
  for (const [principalId, attack] of expected) {
    if (flagged.has(principalId)) {
      found++;
      const at = firstFlagAt.get(principalId);
      if (at !== undefined) latencies.push((Date.parse(at) - Date.parse(attack.from)) / 60_000);
    } else {
      missed.push({ principalId, kind: attack.kind });
    }
  }
  const falsePositivePrincipals = [...flagged].filter((id) => !expected.has(id) && !neutral.has(id)).sort();
  const counted = found + falsePositivePrincipals.length;
  latencies.sort((a, b) => a - b);
  const principalDays = labels.principals * labels.days;
  return {
    attacked: expected.size,
    found,
    flagged: counted,
    falsePositives: falsePositivePrincipals.length,
    falsePositiveDetections,
    recall: expected.size === 0 ? 1 : found / expected.size,
    precision: counted === 0 ? 1 : found / counted,
    falsePositivesPer1000PrincipalDays:
      principalDays === 0 ? 0 : (falsePositiveDetections / principalDays) * 1000,
    medianTimeToDetectMinutes: latencies.length === 0 ? null : median(latencies),
    missed,
    falsePositivePrincipals,
  };
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

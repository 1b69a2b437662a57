import type { SignIn } from '../domain/index.ts';
import type { RiskLevel } from '../risk/principal-risk.ts';

/** One `{Key, Value}` entry of a detection's `additionalInfo`, as Graph writes it. */
export interface InfoEntry {
  Key: string;
  Value: unknown;
}

/** What a detection found, before the store gives it an id and a state. */
export interface DetectionCandidate {
  /** Same finding, same key: the detection's id is derived from it. */
  dedupeKey: string;
  riskEventType: string;
  riskLevel: Exclude<RiskLevel, 'none'>;
  activity: 'signin' | 'servicePrincipal';
  /** When the risky activity happened (the first contributing record). */
  activityDateTime: string;
  ipAddress: string | null;
  location: { city: string | null; state: string | null; countryOrRegion: string | null } | null;
  keyIds: string[];
  requestId: string | null;
  correlationId: string | null;
  /** The explanation: what was unusual, against what, from which records. */
  additionalInfo: InfoEntry[];
}

/** What a sign-in detection is given: one principal's new sign-ins in event-time order. */
export interface SignInBatch {
  tenantId: string;
  principalId: string;
  signIns: readonly SignIn[];
}

/** A detection over sign-ins: metadata, parameters with defaults, and a pure evaluate(). */
export interface SignInDetection<P, C> {
  id: string;
  riskEventType: string;
  title: string;
  description: string;
  defaultParameters: P;
  evaluate(batch: SignInBatch, context: C, parameters: P): DetectionCandidate[];
}

/**
 * A candidate for sign-ins that were one finding: its activity is the first of them, its address
 * and location those of the first, and the request and correlation ids only when it is a single one.
 */
export function signInCandidate(
  dedupeKey: string,
  riskEventType: string,
  riskLevel: Exclude<RiskLevel, 'none'>,
  signIns: readonly SignIn[],
  keyIds: Iterable<string>,
  additionalInfo: InfoEntry[],
): DetectionCandidate {
  const first = signIns[0]!;
  const single = signIns.length === 1;
  return {
    dedupeKey,
    riskEventType,
    riskLevel,
    activity: 'signin',
    activityDateTime: first.createdAt,
    ipAddress: first.ipAddress,
    location: { city: first.city, state: first.state, countryOrRegion: first.country },
    keyIds: [...keyIds].sort(),
    requestId: single ? first.requestId : null,
    correlationId: single ? first.correlationId : null,
    additionalInfo,
  };
}

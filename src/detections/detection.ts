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

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
  /**
   * For findings about sign-ins: the first one, whose place and request ids the detection shows, and
   * whether it was the only one. A caller that evaluated sign-ins read without those details fills
   * them in from here.
   */
  firstSignIn?: { id: string; single: boolean };
}

/** The principal a sign-in evaluation is about. */
export interface PrincipalRef {
  tenantId: string;
  principalId: string;
}

/** One principal's sign-ins in event-time order, for evaluating in one go (tests, replays). */
export interface SignInBatch extends PrincipalRef {
  signIns: readonly SignIn[];
}

/**
 * One principal's evaluation in progress. A detection pass streams millions of sign-ins across
 * principals in event-time order and feeds each to its principal's open evaluations, so no
 * principal's history has to be held in memory; `finish` returns what was found.
 */
export interface SignInEvaluation {
  add(signIn: SignIn): void;
  finish(): DetectionCandidate[];
}

/** A detection over sign-ins: metadata, parameters with defaults, and a pure evaluation. */
export interface SignInDetection<P, C> {
  id: string;
  riskEventType: string;
  title: string;
  description: string;
  defaultParameters: P;
  /** Starts evaluating one principal's sign-ins; `context` is what the caller knows of it. */
  open(principal: PrincipalRef, context: C, parameters: P): SignInEvaluation;
  /** Evaluates a whole batch at once: open, add each sign-in, finish. */
  evaluate(batch: SignInBatch, context: C, parameters: P): DetectionCandidate[];
}

/** Defines a sign-in detection from its streaming evaluation; `evaluate` comes with it. */
export function defineSignInDetection<P, C>(
  definition: Omit<SignInDetection<P, C>, 'evaluate'>,
): SignInDetection<P, C> {
  return {
    ...definition,
    evaluate(batch, context, parameters) {
      const evaluation = definition.open(batch, context, parameters);
      for (const s of batch.signIns) evaluation.add(s);
      return evaluation.finish();
    },
  };
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
    firstSignIn: { id: first.id, single },
  };
}

/** The network a sign-in came from, as every explanation shows it. */
export function networkOf(s: SignIn): InfoEntry['Value'] {
  return {
    ipAddress: s.ipAddress,
    asn: s.asn,
    asOrg: s.asOrg,
    country: s.country,
    hosting: s.hosting,
    provider: s.hostingProvider,
  };
}

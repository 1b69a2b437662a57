import {
  DEFAULT_SIGN_IN_RISK_WEIGHTS,
  levelFromSignals,
  type SignInRiskWeights,
  type SignInSignal,
} from '../../baselines/risk-weights.ts';
import {
  ageOutBaseline,
  compareSignIn,
  isBaselineLearning,
  learnSignIn,
  type SignInBaseline,
  type SignInNovelty,
  signInTeachesBaseline,
} from '../../baselines/sign-in-baseline.ts';
import { extractSignInFeatures } from '../../baselines/sign-in-features.ts';
import type { SignIn } from '../../domain/index.ts';
import { type DetectionCandidate, type SignInDetection, signInCandidate } from '../detection.ts';

/** Tunables of suspicious sign-ins (spec A1). */
export interface SuspiciousSignInParameters {
  /** Days of history before a principal is scored. */
  learningDays: number;
  /** Values not seen for this many days are forgotten. */
  maxAgeDays: number;
  /** Unusual sign-ins in one window of this many minutes (aligned to the clock) are one detection. */
  windowMinutes: number;
  /** Contributing sign-in ids kept in the explanation. */
  maxEvidence: number;
  weights: SignInRiskWeights;
}

/** The principal's baseline, learned so far; evaluate() updates it in place. */
export interface SuspiciousSignInContext {
  baseline: SignInBaseline;
}

interface Group {
  first: SignIn;
  signIns: SignIn[];
  /** The new addresses and networks of the unusual sign-ins: later sign-ins of the window from them
   *  are part of the same activity, though the baseline has learned them by then. */
  ips: Set<string>;
  asns: Set<number>;
  signals: Set<SignInSignal>;
  novelties: Map<string, SignInNovelty>;
  keyIds: Set<string>;
  /** The baseline as it stood at the first unusual sign-in (it keeps learning afterwards). */
  baselineSince: string | null;
  baselineSignIns: number;
}

function sharesActivity(g: Group, s: SignIn): boolean {
  return (s.ipAddress !== null && g.ips.has(s.ipAddress)) || (s.asn !== null && g.asns.has(s.asn));
}

const WHAT: Record<SignInSignal, string> = {
  hostingFlip: 'a hosting/non-hosting change',
  newAsnOtherOwner: 'a network (ASN) of another owner',
  newAsnFamiliarProvider: 'a new ASN of a familiar provider',
  newCountryWithNewAsn: 'a new country with a new ASN',
  newCountry: 'a new country',
  newIpPrefix: 'a new IP prefix',
  newIpAddress: 'a new IP address',
  newCredentialType: 'a new credential type',
  newUserAgentProduct: 'a new user agent product',
  newUserAgentVersion: 'a new user agent version',
  newResource: 'a new target resource',
};

/**
 * `suspiciousSignins` (spec A1): a successful sign-in whose properties (address and ASN, country,
 * hosting, resource, user agent, credential type) are unfamiliar for the principal, weighed by the
 * risk table. The baseline learns from successful sign-ins in event-time order, needs two days of
 * history before it scores, and forgets values unseen for 60 days (aged at the start of each day, so
 * one run over a month and a run a day give the same result). Unusual sign-ins in one clock-aligned
 * window are one detection whose activity time is the first of them.
 */
export const suspiciousSignInsDetection: SignInDetection<
  SuspiciousSignInParameters,
  SuspiciousSignInContext
> = {
  id: 'suspicious-sign-ins',
  riskEventType: 'suspiciousSignins',
  title: 'Sign-in with unfamiliar properties',
  description:
    'The principal signed in with properties it has not used before: another network, country, hosting change, credential type, client or resource.',
  defaultParameters: {
    learningDays: 2,
    maxAgeDays: 60,
    windowMinutes: 60,
    maxEvidence: 50,
    weights: DEFAULT_SIGN_IN_RISK_WEIGHTS,
  },
  evaluate(batch, { baseline }, p) {
    const groups = new Map<string, Group>();
    const windowMs = p.windowMinutes * 60_000;
    let agedDay = '';
    for (const s of batch.signIns) {
      if (!signInTeachesBaseline(s)) continue;
      const day = s.createdAt.slice(0, 10);
      if (day !== agedDay) {
        ageOutBaseline(baseline, `${day}T00:00:00.000Z`, p.maxAgeDays);
        agedDay = day;
      }
      const features = extractSignInFeatures(s);
      if (!isBaselineLearning(baseline, s.createdAt, p.learningDays)) {
        const novelties = compareSignIn(baseline, features).filter((n) => p.weights[n.signal] !== 'none');
        const start = new Date(Math.floor(Date.parse(s.createdAt) / windowMs) * windowMs).toISOString();
        const key = `${batch.tenantId}|${batch.principalId}|suspiciousSignins|${start}`;
        let g = groups.get(key);
        if (novelties.length > 0) {
          if (!g) {
            g = {
              first: s,
              signIns: [],
              ips: new Set(),
              asns: new Set(),
              signals: new Set(),
              novelties: new Map(),
              keyIds: new Set(),
              baselineSince: baseline.firstSignInAt,
              baselineSignIns: baseline.successfulSignIns,
            };
            groups.set(key, g);
          }
          for (const n of novelties) {
            g.signals.add(n.signal);
            if (!g.novelties.has(`${n.signal}|${n.value}`)) g.novelties.set(`${n.signal}|${n.value}`, n);
            if ((n.property === 'ip' || n.property === 'ipPrefix') && s.ipAddress) g.ips.add(s.ipAddress);
            if (n.property === 'asn' && s.asn !== null) g.asns.add(s.asn);
          }
        } else if (!g || !sharesActivity(g, s)) {
          g = undefined;
        }
        if (g) {
          g.signIns.push(s);
          if (s.credentialKeyId) g.keyIds.add(s.credentialKeyId);
        }
      }
      learnSignIn(baseline, features, s.createdAt);
    }

    const out: DetectionCandidate[] = [];
    for (const [dedupeKey, g] of groups) {
      const level = levelFromSignals(g.signals, p.weights);
      if (level === 'none') continue;
      const unusual = [...g.novelties.values()];
      out.push(
        signInCandidate(dedupeKey, 'suspiciousSignins', level, g.signIns, g.keyIds, [
          {
            Key: 'reason',
            Value: `Sign-in${g.signIns.length === 1 ? '' : 's'} with ${[...g.signals].map((x) => WHAT[x]).join(', ')}.`,
          },
          {
            Key: 'unusual',
            Value: unusual.map((n) => ({
              property: n.property,
              signal: n.signal,
              weight: p.weights[n.signal],
              value: n.value,
              familiarOwner: n.familiarOwner,
              baseline: n.familiar.map((f) => ({ value: f.value, count: f.count, lastSeen: f.lastSeen })),
              valuesInBaseline: n.familiarCount,
            })),
          },
          {
            Key: 'baseline',
            Value: {
              since: g.baselineSince,
              successfulSignIns: g.baselineSignIns,
              learningDays: p.learningDays,
              maxAgeDays: p.maxAgeDays,
            },
          },
          {
            Key: 'network',
            Value: {
              asn: g.first.asn,
              asOrg: g.first.asOrg,
              country: g.first.country,
              hosting: g.first.hosting,
              provider: g.first.hostingProvider,
            },
          },
          { Key: 'signIns', Value: g.signIns.length },
          { Key: 'contributingSignInIds', Value: g.signIns.slice(0, p.maxEvidence).map((s) => s.id) },
        ]),
      );
    }
    return out;
  },
};

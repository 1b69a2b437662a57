import {
  createFamiliarSignIns,
  forgetFamiliar,
  learnIfFamiliar,
  rememberFamiliar,
  settleFamiliar,
} from '../../baselines/familiar-sign-ins.ts';
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
import {
  type DetectionCandidate,
  defineSignInDetection,
  type InfoEntry,
  networkOf,
  signInCandidate,
} from '../detection.ts';

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
  /** An authorised change at most this many hours before the first unusual sign-in lowers it a level. */
  changeAwarenessHours: number;
  weights: SignInRiskWeights;
}

/**
 * A change recorded in the audit log that may explain unusual sign-ins: a credential added, a
 * permission granted, the configuration changed. Suspicious sign-ins that follow an authorised one
 * still fire, say so, and are lowered one level.
 */
export interface RelatedChange {
  /** Event time of the audit record. */
  at: string;
  kind: 'credentialAdded' | 'permissionGranted' | 'configurationChanged';
  /** The credential added, for `credentialAdded`. */
  keyId: string | null;
  /** Who made it (UPN, application name or id). */
  actor: string | null;
  auditId: string;
  /** The audit activity as Entra named it. */
  activity: string;
  /** Whether it was routine: made by an actor that manages credentials, with nothing unusual about it. */
  authorised: boolean;
}

/** The principal's baseline, learned so far (updated in place), and what the caller knows around it. */
export interface SuspiciousSignInContext {
  /** Learns every successful sign-in added; its value counts are complete once `finish` returned. */
  baseline: SignInBaseline;
  /** Audit-log changes of the principal and its application, any order. */
  changes?: readonly RelatedChange[];
  /** Told of every scored sign-in that showed something new, with the weighted signals. */
  onUnusual?: (signIn: SignIn, signals: readonly SignInSignal[]) => void;
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

const LOWER: Readonly<Record<'high' | 'medium' | 'low', 'medium' | 'low'>> = {
  high: 'medium',
  medium: 'low',
  low: 'low',
};

/**
 * The changes that came shortly before a group's first sign-in and bear on it: the credential it
 * used being added, or any other recorded change of the principal.
 */
function relatedChangesOf(g: Group, changes: readonly RelatedChange[], withinMs: number): RelatedChange[] {
  const firstMs = Date.parse(g.first.createdAt);
  return changes
    .filter((c) => {
      const before = firstMs - Date.parse(c.at);
      if (before < 0 || before > withinMs) return false;
      return c.kind !== 'credentialAdded' || (c.keyId !== null && g.keyIds.has(c.keyId));
    })
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.auditId < b.auditId ? -1 : 1));
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
 * window are one detection whose activity time is the first of them. When an authorised change came
 * shortly before (the credential used was added, a permission granted), the detection says so and is
 * lowered one level; an unauthorised one is named without lowering anything.
 */
export const suspiciousSignInsDetection = defineSignInDetection<
  SuspiciousSignInParameters,
  SuspiciousSignInContext
>({
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
    changeAwarenessHours: 48,
    weights: DEFAULT_SIGN_IN_RISK_WEIGHTS,
  },
  open(principal, { baseline, changes = [], onUnusual }, p) {
    const groups = new Map<string, Group>();
    const windowMs = p.windowMinutes * 60_000;
    const keyPrefix = `${principal.tenantId}|${principal.principalId}|suspiciousSignins|`;
    // The day being evaluated: the baseline is aged once at the start of each.
    let today = '';
    let nextDay = '';
    const familiar = createFamiliarSignIns();
    // Sign-ins come in time order, so the window key is recomputed only when a sign-in leaves it.
    let windowStart = '';
    let windowEnd = '';
    let windowKey = '';
    // Sign-ins come in time order, so only the group of the latest window can still grow.
    let openGroup: Group | null = null;
    let openGroupEnd = '';
    // The window key is worked out only when a group is opened.
    function keyOf(at: string): string {
      if (at >= windowEnd || at < windowStart) {
        const startMs = Math.floor(Date.parse(at) / windowMs) * windowMs;
        windowStart = new Date(startMs).toISOString();
        windowKey = `${keyPrefix}${windowStart}`;
        windowEnd = new Date(startMs + windowMs).toISOString();
      }
      return windowKey;
    }
    return {
      add(s) {
        if (!signInTeachesBaseline(s)) return;
        const at = s.createdAt;
        if (at >= nextDay || at < today) {
          today = `${at.slice(0, 10)}T00:00:00.000Z`;
          nextDay = new Date(Date.parse(today) + 86_400_000).toISOString();
          settleFamiliar(familiar, baseline);
          if (ageOutBaseline(baseline, today, p.maxAgeDays) > 0) forgetFamiliar(familiar);
        }
        // A sign-in from an address and client seen just so before: nothing in it is new, and
        // learning it only counts a sighting of the values it touches.
        if (learnIfFamiliar(familiar, baseline, s, at)) {
          const g = openGroup !== null && at < openGroupEnd ? openGroup : null;
          if (g !== null && !isBaselineLearning(baseline, at, p.learningDays) && sharesActivity(g, s)) {
            g.signIns.push(s);
            if (s.credentialKeyId) g.keyIds.add(s.credentialKeyId);
          }
          return;
        }
        const scored = !isBaselineLearning(baseline, at, p.learningDays);
        const features = extractSignInFeatures(s);
        if (scored) {
          let found = compareSignIn(baseline, features, p.weights);
          if (found.length > 0 && familiar.unsettled.length > 0) {
            // What is new depends only on which values the baseline holds; the profiles that explain
            // it show counts, which the familiar sign-ins counted since must reach first.
            settleFamiliar(familiar, baseline);
            found = compareSignIn(baseline, features, p.weights);
          }
          const novelties = found.length === 0 ? found : found.filter((n) => p.weights[n.signal] !== 'none');
          let g = openGroup !== null && at < openGroupEnd ? openGroup : undefined;
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
              groups.set(keyOf(at), g);
              openGroup = g;
              openGroupEnd = windowEnd;
            }
            for (const n of novelties) {
              g.signals.add(n.signal);
              if (!g.novelties.has(`${n.signal}|${n.value}`)) g.novelties.set(`${n.signal}|${n.value}`, n);
              if ((n.property === 'ip' || n.property === 'ipPrefix') && s.ipAddress) g.ips.add(s.ipAddress);
              if (n.property === 'asn' && s.asn !== null) g.asns.add(s.asn);
            }
            onUnusual?.(
              s,
              novelties.map((n) => n.signal),
            );
          } else if (g && !sharesActivity(g, s)) {
            g = undefined;
          }
          if (g) {
            g.signIns.push(s);
            if (s.credentialKeyId) g.keyIds.add(s.credentialKeyId);
          }
        }
        learnSignIn(baseline, features, at);
        rememberFamiliar(familiar, baseline, s, features);
      },
      finish() {
        settleFamiliar(familiar, baseline);
        const out: DetectionCandidate[] = [];
        for (const [dedupeKey, g] of groups) {
          const weighed = levelFromSignals(g.signals, p.weights);
          if (weighed === 'none') continue;
          const related = relatedChangesOf(g, changes, p.changeAwarenessHours * 3_600_000);
          const authorised = related.filter((c) => c.authorised);
          const level = authorised.length > 0 ? LOWER[weighed] : weighed;
          out.push(candidateOf(dedupeKey, g, level, weighed, related, p));
        }
        return out;
      },
    };
  },
});

function describeChange(c: RelatedChange): string {
  const what =
    c.kind === 'credentialAdded'
      ? `credential ${c.keyId} added`
      : c.kind === 'permissionGranted'
        ? 'permission granted'
        : `configuration changed (${c.activity.trim()})`;
  return `${what} at ${c.at} by ${c.actor ?? 'an unknown actor'}${c.authorised ? '' : ' (not a routine change)'}`;
}

function candidateOf(
  dedupeKey: string,
  g: Group,
  level: 'high' | 'medium' | 'low',
  weighed: 'high' | 'medium' | 'low',
  related: readonly RelatedChange[],
  p: SuspiciousSignInParameters,
): DetectionCandidate {
  const unusual = [...g.novelties.values()];
  const lowered = level !== weighed;
  const info: InfoEntry[] = [
    {
      Key: 'reason',
      Value:
        `Sign-in${g.signIns.length === 1 ? '' : 's'} with ${[...g.signals].map((x) => WHAT[x]).join(', ')}.` +
        (related.length > 0 ? ` Shortly after: ${related.map(describeChange).join('; ')}.` : '') +
        (lowered
          ? ` Risk lowered from ${weighed} to ${level}: an authorised change explains it in part.`
          : ''),
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
    { Key: 'network', Value: networkOf(g.first) },
    { Key: 'signIns', Value: g.signIns.length },
    { Key: 'contributingSignInIds', Value: g.signIns.slice(0, p.maxEvidence).map((s) => s.id) },
  ];
  if (related.length > 0) {
    info.push({
      Key: 'relatedChanges',
      Value: related.map((c) => ({
        kind: c.kind,
        at: c.at,
        keyId: c.keyId,
        actor: c.actor,
        activity: c.activity,
        auditId: c.auditId,
        authorised: c.authorised,
      })),
    });
  }
  if (lowered) info.push({ Key: 'riskLoweredFrom', Value: weighed });
  return signInCandidate(dedupeKey, 'suspiciousSignins', level, g.signIns, g.keyIds, info);
}

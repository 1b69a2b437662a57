import type { DetectionRecord } from '../domain/index.ts';
import {
  answerOf,
  type EvidenceItem,
  evidenceItem,
  plural,
  type QuestionAnswer,
  type UnusualProperty,
  type Verdict,
} from './investigation.ts';

// Verdict rules for "were there suspicious sign-ins?":
// - confirmed: an administrator confirmed the principal compromised; a sign-in from an address
//   threat intelligence lists, a password spray or an offensive tool *succeeded*; or a credential
//   found leaked signed in successfully after the leak from a network (ASN) it had never used
//   before the leak.
// - suspicious: any other detection about sign-ins (unfamiliar properties, a listed address or a
//   spray that only failed, a new credential used from a new network); or a leaked credential still
//   signing in after the leak, but only from its usual networks (the workload itself, most likely).
// - nothingFound otherwise. A detection an administrator dismissed is listed but weighs nothing:
//   someone looked at it and decided.

/** Successful sign-ins with a credential that a leaked-credential detection named, after the leak. */
export interface LeakedCredentialUse {
  keyId: string;
  /** The leakedCredentials detection. */
  leakDetectionId: string;
  /** When the credential was exposed (the leak detection's activity time). */
  leakedAt: string;
  /** The first successful sign-in with it after that (from a new network, when one was). */
  firstAt: string;
  ipAddress: string | null;
  signIns: number;
  /**
   * How many of them came from a network (ASN, or address when the ASN is unknown) the credential
   * never signed in from before the leak: the workload's own use stays on its networks.
   */
  fromNewNetwork: number;
  /** The first few of them, those from new networks first. */
  signInIds: string[];
}

/** The `{Key, Value}` entries of an explanation as a map; an explanation Vigil did not write reads as empty. */
export function explanationOf(additionalInfo: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  try {
    const parsed: unknown = JSON.parse(additionalInfo);
    if (!Array.isArray(parsed)) return out;
    for (const entry of parsed) {
      if (
        entry !== null &&
        typeof entry === 'object' &&
        typeof (entry as { Key?: unknown }).Key === 'string'
      ) {
        out.set((entry as { Key: string }).Key, (entry as { Value?: unknown }).Value);
      }
    }
  } catch {
    // Not JSON: nothing to read.
  }
  return out;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function unusualOf(value: unknown): UnusualProperty[] {
  if (!Array.isArray(value)) return [];
  const out: UnusualProperty[] = [];
  for (const u of value) {
    if (u === null || typeof u !== 'object') continue;
    const { property, value: v, weight } = u as Record<string, unknown>;
    if (typeof property !== 'string') continue;
    out.push({
      property,
      value: typeof v === 'string' ? v : JSON.stringify(v ?? null),
      weight: typeof weight === 'string' ? weight : null,
    });
  }
  return out;
}

function signalsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out = new Set<string>();
  for (const u of value) {
    const signal = u !== null && typeof u === 'object' ? (u as { signal?: unknown }).signal : undefined;
    if (typeof signal === 'string') out.add(signal);
  }
  return [...out];
}

/** Risk event types about sign-ins that the sign-in question answers from. */
const SIGN_IN_TYPES = new Set([
  'suspiciousSignins',
  'investigationsThreatIntelligence',
  'unusualCredentialAddition',
]);

function detectionEvidence(d: DetectionRecord): EvidenceItem | null {
  const info = explanationOf(d.additionalInfo);
  const dismissed = d.riskState === 'dismissed';
  const common = {
    id: d.id,
    kind: d.riskEventType,
    dateTime: d.activityDateTime,
    detectionId: d.id,
    riskEventType: d.riskEventType,
    riskLevel: d.riskLevel,
    riskState: d.riskState,
    ipAddress: d.ipAddress,
  };
  const reason = typeof info.get('reason') === 'string' ? (info.get('reason') as string) : null;
  if (d.riskEventType === 'adminConfirmedServicePrincipalCompromised') {
    const by = info.get('initiatedBy');
    const name = typeof by === 'string' ? by : null;
    return evidenceItem({
      ...common,
      kind: 'adminConfirmedCompromised',
      verdict: dismissed ? 'nothingFound' : 'confirmed',
      reasons: dismissed ? [] : ['adminConfirmedCompromised'],
      description: `${reason ?? `Confirmed compromised by ${name ?? 'an administrator'}.`}${dismissed ? ' Later dismissed.' : ''}`,
      actor: { kind: 'user', name, id: null },
    });
  }
  if (d.activity !== 'signin' || !SIGN_IN_TYPES.has(d.riskEventType)) return null;
  const signInIds = [
    ...new Set([
      ...strings(info.get('contributingSignInIds')),
      ...strings(info.get('principalFailedSignInIds')),
    ]),
  ];
  const successful = info.get('successfulSignIns');
  let verdict: Verdict = 'suspicious';
  const reasons: string[] = [d.riskEventType, ...signalsOf(info.get('unusual'))];
  if (
    d.riskEventType === 'investigationsThreatIntelligence' &&
    typeof successful === 'number' &&
    successful > 0
  ) {
    verdict = 'confirmed';
    reasons.push('threatIntelligenceSignInSucceeded');
  }
  if (dismissed) verdict = 'nothingFound';
  return evidenceItem({
    ...common,
    verdict,
    reasons: dismissed ? [] : reasons,
    description: `${reason ?? `${d.riskEventType} (${d.riskLevel}).`}${dismissed ? ' Dismissed by an administrator.' : ''}`,
    signInIds,
    unusual: unusualOf(info.get('unusual')),
    keyId: d.keyIds[0] ?? null,
  });
}

function leakEvidence(u: LeakedCredentialUse): EvidenceItem {
  const stranger = u.fromNewNetwork > 0;
  return evidenceItem({
    id: `${u.leakDetectionId}|${u.keyId}|used`,
    kind: 'leakedCredentialUsed',
    dateTime: u.firstAt,
    verdict: stranger ? 'confirmed' : 'suspicious',
    reasons: [stranger ? 'leakedCredentialUsed' : 'leakedCredentialStillInUse'],
    description:
      `Credential ${u.keyId}, found leaked at ${u.leakedAt}, signed in successfully ` +
      `${u.signIns === 1 ? 'once' : `${u.signIns} times`} afterwards, ` +
      (stranger
        ? `${u.fromNewNetwork} of them from networks it never used before${u.ipAddress ? `, first from ${u.ipAddress}` : ''}.`
        : 'only from networks it used before the leak: still live, to be rotated.'),
    detectionId: u.leakDetectionId,
    riskEventType: 'leakedCredentials',
    ipAddress: u.ipAddress,
    signInIds: u.signInIds,
    keyId: u.keyId,
  });
}

function summarise(verdict: Verdict, evidence: readonly EvidenceItem[]): string {
  if (evidence.length === 0) return 'No sign-in of this principal was found unusual in the window.';
  const counted = evidence.filter((e) => e.verdict !== 'nothingFound');
  if (verdict === 'nothingFound') {
    return `${plural(evidence.length, 'sign-in detection')} in the window, all dismissed by an administrator.`;
  }
  const confirmed = counted.filter((e) => e.verdict === 'confirmed');
  const signIns = new Set(counted.flatMap((e) => e.signInIds)).size;
  const head =
    verdict === 'confirmed'
      ? `Compromise confirmed: ${[...new Set(confirmed.map((e) => CONFIRMED_WORD[e.reasons.at(-1) ?? ''] ?? e.kind))].join('; ')}`
      : [
          plural(counted.filter((e) => e.kind !== 'leakedCredentialUsed').length, 'detection') +
            ' of unusual sign-ins',
          plural(counted.filter((e) => e.kind === 'leakedCredentialUsed').length, 'leaked credential') +
            ' still signing in',
        ]
          .filter((part) => !part.startsWith('0 '))
          .join(', ');
  return `${head}${signIns > 0 ? ` (${plural(signIns, 'sign-in')} named as evidence)` : ''}.`;
}

const CONFIRMED_WORD: Readonly<Record<string, string>> = {
  adminConfirmedCompromised: 'an administrator confirmed the principal compromised',
  threatIntelligenceSignInSucceeded: 'a sign-in matching threat intelligence succeeded',
  leakedCredentialUsed: 'a leaked credential signed in from a new network',
};

/** Answers "were there suspicious sign-ins?" from the window's detections and leaked credentials' use. */
export function assessSignIns(
  detections: readonly DetectionRecord[],
  leakedUses: readonly LeakedCredentialUse[],
): QuestionAnswer {
  const evidence: EvidenceItem[] = [];
  for (const d of detections) {
    const e = detectionEvidence(d);
    if (e !== null) evidence.push(e);
  }
  for (const u of leakedUses) evidence.push(leakEvidence(u));
  return answerOf('suspiciousSignIns', 'Were there suspicious sign-ins?', evidence, summarise);
}

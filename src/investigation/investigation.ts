// The investigation of a risky service principal answers four questions an analyst asks before
// remediating it, each with a verdict and the records behind it. Everything here is plain data:
// the assessments are pure functions of what the store read for one principal and one window.

import type { AuditActor } from '../domain/index.ts';

/** The four questions, in the order an analyst asks them. */
export const INVESTIGATION_QUESTIONS = [
  'suspiciousSignIns',
  'credentialChanges',
  'configurationChanges',
  'permissionChanges',
] as const;

/** One of the four questions. */
export type InvestigationQuestion = (typeof INVESTIGATION_QUESTIONS)[number];

/** How bad the answer is; a question's verdict is the worst of its evidence items'. */
export type Verdict = 'nothingFound' | 'suspicious' | 'confirmed';

/** Who made a recorded change. */
export interface EvidenceActor {
  kind: 'user' | 'app' | 'unknown';
  /** UPN, display name, app id or object id, whichever the audit event names first. */
  name: string | null;
  id: string | null;
}

/** One property of a sign-in that the principal's baseline had not seen. */
export interface UnusualProperty {
  property: string;
  value: string;
  weight: string | null;
}

/**
 * One record, or one finding over records, that answers a question. Every item has the same
 * fields so clients read them alike; a field that does not apply to the item's kind is null or empty.
 */
export interface EvidenceItem {
  /** Unique within its question; with `dateTime` it orders the evidence and resumes paging. */
  id: string;
  /** What the item is (`suspiciousSignins`, `credentialAdded`, `ownerAdded`, `appRoleAdded`, …). */
  kind: string;
  /** When it happened (event time). */
  dateTime: string;
  /** This item's own verdict: `nothingFound` for routine changes that are listed for completeness. */
  verdict: Verdict;
  /** One line for a person. */
  description: string;
  /** Why the item is suspicious or confirmed (machine-readable words); empty when it is not. */
  reasons: string[];
  actor: EvidenceActor | null;
  auditId: string | null;
  activity: string | null;
  detectionId: string | null;
  riskEventType: string | null;
  riskLevel: string | null;
  riskState: string | null;
  ipAddress: string | null;
  /** Sign-ins the item stands on (a detection's contributing sign-ins, a credential's uses). */
  signInIds: string[];
  /** What was unusual about the sign-ins, from the detection's explanation. */
  unusual: UnusualProperty[];
  keyId: string | null;
  credentialType: string | null;
  /** For credential additions: whether detection judged the addition routine (null when never judged). */
  routine: boolean | null;
  /** The directory object the change was made to. */
  objectType: string | null;
  objectId: string | null;
  /** The changed property as the audit event names it (`AppAddress`, `IdentifierUris`, …). */
  property: string | null;
  /** Values the change added and removed (owners, redirect URIs, identifier URIs, credential names). */
  added: string[];
  removed: string[];
  /** Permission value, consented scopes or directory role name. */
  permission: string | null;
  /** The sensitive permissions (or the directory role) among what was granted. */
  sensitivePermissions: string[];
}

/** A question's answer. */
export interface QuestionAnswer {
  question: InvestigationQuestion;
  title: string;
  verdict: Verdict;
  /** One sentence a person reads. */
  summary: string;
  /** How many evidence items the window holds, over every page. */
  evidenceCount: number;
  evidence: EvidenceItem[];
}

/** The evidence item every assessment starts from: nothing found, nothing named. */
export function evidenceItem(
  fields: Pick<EvidenceItem, 'id' | 'kind' | 'dateTime' | 'description'> & Partial<EvidenceItem>,
): EvidenceItem {
  return {
    verdict: 'nothingFound',
    reasons: [],
    actor: null,
    auditId: null,
    activity: null,
    detectionId: null,
    riskEventType: null,
    riskLevel: null,
    riskState: null,
    ipAddress: null,
    signInIds: [],
    unusual: [],
    keyId: null,
    credentialType: null,
    routine: null,
    objectType: null,
    objectId: null,
    property: null,
    added: [],
    removed: [],
    permission: null,
    sensitivePermissions: [],
    ...fields,
  };
}

const RANK: Readonly<Record<Verdict, number>> = { nothingFound: 0, suspicious: 1, confirmed: 2 };

/** The worse of two verdicts. */
export function worseVerdict(a: Verdict, b: Verdict): Verdict {
  return RANK[b] > RANK[a] ? b : a;
}

/** Evidence order: time, then id, so pages resume exactly where they ended. */
export function inEvidenceOrder(a: EvidenceItem, b: EvidenceItem): number {
  if (a.dateTime !== b.dateTime) return a.dateTime < b.dateTime ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * A question's answer from all of its evidence in the window: the verdict is the worst item's,
 * the evidence sorted in evidence order (the caller cuts it into pages).
 */
export function answerOf(
  question: InvestigationQuestion,
  title: string,
  evidence: readonly EvidenceItem[],
  summarise: (verdict: Verdict, evidence: readonly EvidenceItem[]) => string,
): QuestionAnswer {
  const sorted = [...evidence].sort(inEvidenceOrder);
  const verdict = sorted.reduce<Verdict>((v, e) => worseVerdict(v, e.verdict), 'nothingFound');
  return {
    question,
    title,
    verdict,
    summary: summarise(verdict, sorted),
    evidenceCount: sorted.length,
    evidence: sorted,
  };
}

/** `n thing` or `n things`. */
export function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}

/** Who made the change, for a sentence. */
export function actorText(actor: EvidenceActor | null): string {
  if (actor === null || actor.name === null) return 'an unknown actor';
  return actor.kind === 'app' ? `the application ${actor.name}` : actor.name;
}

/** The actor of an audit event as evidence names it. */
export function evidenceActorOf(actor: AuditActor): EvidenceActor {
  return {
    kind: actor.kind,
    name: actor.userPrincipalName ?? actor.displayName ?? actor.appId ?? actor.servicePrincipalId ?? actor.id,
    id: actor.id ?? actor.servicePrincipalId,
  };
}

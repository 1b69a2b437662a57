import type { AssessedAddition, CredentialChange, DetectionRecord } from '../domain/index.ts';
import { explanationOf } from './assess-sign-ins.ts';
import {
  actorText,
  answerOf,
  type EvidenceActor,
  type EvidenceItem,
  evidenceItem,
  plural,
  type QuestionAnswer,
  type Verdict,
} from './investigation.ts';

// Verdict rules for "were credentials added or removed?" (secrets and certificates; federated
// credentials are configuration, answered by the configuration question):
// - confirmed: an addition detection judged not routine was then used to sign in from a network new
//   to the principal (another owner's ASN, a hosting flip, a new country with a new ASN) — the
//   pattern of an attacker adding their own credential and using it.
// - suspicious: an addition detection judged not routine (its reasons named: first credential,
//   unusual actor, a service principal acting on another object, dormant object, after consent,
//   privileged object); a routine addition whose credential then signed in from a new network
//   (`usedFromNewNetwork`: the change looked routine, its use does not); or a removal by a service principal (other than `Managed Service Identity`
//   renewing a managed identity's certificate) or by an actor that added or removed no credential in
//   the 90 days before — an attacker removing the owner's credentials to lock them out.
// - nothingFound: routine additions and removals, listed with their actors.

/** A credential change read from an audit event, with who made it. */
export interface CredentialChangeRecord extends CredentialChange {
  actor: EvidenceActor;
}

/** How many credentials the actor of a removal added or removed, on any object, in the 90 days before it. */
export type ActorCredentialHistory = ReadonlyMap<string, number>;

/** The managed identity platform renews certificates under this name: routine by definition. */
const MANAGED_SERVICE_IDENTITY = 'managed service identity';

/** Days of history a removal's actor is judged against. */
export const REMOVAL_ACTOR_LOOKBACK_DAYS = 90;

const TYPE_WORD: Readonly<Record<string, string>> = {
  password: 'Secret',
  certificate: 'Certificate',
  federated: 'Federated credential',
};

function changeKey(auditId: string, keyId: string): string {
  return `${auditId}|${keyId.toLowerCase()}`;
}

/** The "used from a new network" detections of additions, by addition (audit id and key id). */
function usesByAddition(detections: readonly DetectionRecord[]): Map<string, DetectionRecord> {
  const out = new Map<string, DetectionRecord>();
  for (const d of detections) {
    if (d.riskEventType !== 'unusualCredentialAddition' || d.activity !== 'signin') continue;
    if (d.riskState === 'dismissed') continue;
    const addition = explanationOf(d.additionalInfo).get('addition') as
      | { keyId?: unknown; auditId?: unknown }
      | undefined;
    if (typeof addition?.keyId !== 'string' || typeof addition.auditId !== 'string') continue;
    out.set(changeKey(addition.auditId, addition.keyId), d);
  }
  return out;
}

function additionEvidence(
  c: CredentialChangeRecord,
  assessed: AssessedAddition | undefined,
  used: DetectionRecord | undefined,
): EvidenceItem {
  const what = `${TYPE_WORD[c.type] ?? 'Credential'} ${c.keyId}${c.displayName ? ` (${c.displayName})` : ''}`;
  const where = `${c.ownerType === 'application' ? 'the application' : 'the service principal'} ${c.ownerDisplayName ?? c.ownerId}`;
  let verdict: Verdict = 'nothingFound';
  const reasons: string[] = [];
  let judged: string;
  if (assessed === undefined) {
    judged = 'not judged by detection yet';
  } else if (assessed.routine) {
    judged = 'a routine change';
  } else {
    verdict = 'suspicious';
    reasons.push(...assessed.reasons);
    judged = `not routine: ${assessed.reasons.join(', ')}`;
  }
  let signInIds: string[] = [];
  if (used !== undefined) {
    // The new credential at work where the principal never ran: whoever added it, that is worth a
    // look; added outside routine as well, it is the attack.
    verdict = verdict === 'suspicious' ? 'confirmed' : 'suspicious';
    reasons.push('usedFromNewNetwork');
    signInIds =
      (explanationOf(used.additionalInfo).get('contributingSignInIds') as string[] | undefined) ?? [];
    judged += `; then used to sign in from a new network (${used.ipAddress ?? 'address unknown'})`;
  }
  return evidenceItem({
    id: `${changeKey(c.auditId, c.keyId)}|added`,
    kind: 'credentialAdded',
    dateTime: c.at,
    verdict,
    reasons,
    description: `${what} added to ${where} by ${actorText(c.actor)} — ${judged}.`,
    actor: c.actor,
    auditId: c.auditId,
    detectionId: used?.id ?? null,
    ipAddress: used?.ipAddress ?? null,
    signInIds,
    keyId: c.keyId,
    credentialType: c.type,
    routine: assessed === undefined ? null : assessed.routine,
    objectType: c.ownerType,
    objectId: c.ownerId,
  });
}

function removalEvidence(c: CredentialChangeRecord, history: ActorCredentialHistory): EvidenceItem {
  const what = `${TYPE_WORD[c.type] ?? 'Credential'} ${c.keyId}${c.displayName ? ` (${c.displayName})` : ''}`;
  const where = `${c.ownerType === 'application' ? 'the application' : 'the service principal'} ${c.ownerDisplayName ?? c.ownerId}`;
  const reasons: string[] = [];
  const platform = (c.actor.name ?? '').toLowerCase() === MANAGED_SERVICE_IDENTITY;
  if (c.actor.kind === 'app' && !platform) reasons.push('servicePrincipalActor');
  if (!platform && (history.get(c.auditId) ?? 0) === 0) reasons.push('unusualActor');
  const judged =
    reasons.length === 0
      ? 'by an actor that manages credentials'
      : reasons.includes('unusualActor')
        ? `by an actor that changed no credential in the ${REMOVAL_ACTOR_LOOKBACK_DAYS} days before`
        : 'by a service principal';
  return evidenceItem({
    id: `${changeKey(c.auditId, c.keyId)}|removed`,
    kind: 'credentialRemoved',
    dateTime: c.at,
    verdict: reasons.length === 0 ? 'nothingFound' : 'suspicious',
    reasons,
    description: `${what} removed from ${where} by ${actorText(c.actor)} — ${judged}.`,
    actor: c.actor,
    auditId: c.auditId,
    keyId: c.keyId,
    credentialType: c.type,
    objectType: c.ownerType,
    objectId: c.ownerId,
  });
}

function summarise(verdict: Verdict, evidence: readonly EvidenceItem[]): string {
  if (evidence.length === 0) return 'No secret or certificate was added or removed in the window.';
  const added = evidence.filter((e) => e.kind === 'credentialAdded');
  const removed = evidence.filter((e) => e.kind === 'credentialRemoved');
  const counts = `${plural(added.length, 'credential')} added, ${removed.length} removed`;
  if (verdict === 'nothingFound') return `${counts}; every change was routine.`;
  const unusual = evidence.filter((e) => e.verdict !== 'nothingFound');
  const actors = [...new Set(unusual.map((e) => actorText(e.actor)))].join(', ');
  if (verdict === 'confirmed') {
    return `${counts}; a credential added by ${actors} outside routine was then used from a new network.`;
  }
  if (unusual.every((e) => e.reasons.length === 1 && e.reasons[0] === 'usedFromNewNetwork')) {
    return `${counts}; a credential added by ${actors} was then used from a new network.`;
  }
  return `${counts}; ${plural(unusual.length, 'change')} not routine, by ${actors}.`;
}

/**
 * Answers "were credentials added or removed?": each addition with the verdict detection gave it
 * (routine or the reasons it is not) and whether it was then used from a new network; each removal
 * with its actor judged against the actor's credential history.
 */
export function assessCredentialChanges(
  changes: readonly CredentialChangeRecord[],
  assessedAdditions: readonly AssessedAddition[],
  detections: readonly DetectionRecord[],
  removalActorHistory: ActorCredentialHistory,
): QuestionAnswer {
  const assessed = new Map(assessedAdditions.map((a) => [changeKey(a.auditId, a.keyId), a]));
  const uses = usesByAddition(detections);
  const evidence: EvidenceItem[] = [];
  const seen = new Set<string>();
  for (const c of changes) {
    if (c.type === 'federated') continue;
    const key = `${changeKey(c.auditId, c.keyId)}|${c.change}`;
    // One event can list a key on an application and its principal alike: one item per key.
    if (seen.has(key)) continue;
    seen.add(key);
    const k = changeKey(c.auditId, c.keyId);
    evidence.push(
      c.change === 'added'
        ? additionEvidence(c, assessed.get(k), uses.get(k))
        : removalEvidence(c, removalActorHistory),
    );
  }
  return answerOf('credentialChanges', 'Were credentials added or removed?', evidence, summarise);
}

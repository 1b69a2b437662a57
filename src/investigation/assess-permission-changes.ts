import { isSensitivePermission } from '../detections/privilege/sensitive-permissions.ts';
import type { PermissionChange, PermissionChangeKind } from '../domain/index.ts';
import {
  answerOf,
  type EvidenceActor,
  type EvidenceItem,
  evidenceItem,
  plural,
  type QuestionAnswer,
  type Verdict,
} from './investigation.ts';

// Verdict rules for "did its permissions change?" (application permissions, directory roles,
// consents and delegated grants of the principal):
// - confirmed: after gaining a sensitive permission or a directory role in the window, the principal
//   itself made a directory change (it is the actor of an audit event) — the escalation used.
// - suspicious: a sensitive application permission (see sensitive-permissions.ts:
//   `RoleManagement.ReadWrite.Directory`, `AppRoleAssignment.ReadWrite.All`, `Mail.*`, …), a
//   sensitive consented or delegated scope, or any directory role gained in the window.
// - nothingFound: other grants and every removal, listed with their actors.

/** A permission change read from an audit event, with who made it. */
export interface PermissionChangeRecord extends PermissionChange {
  actor: EvidenceActor;
  /** The activity name as the source wrote it. */
  activity: string;
}

/** A directory change the principal itself made (it was the audit event's actor). */
export interface ActionByPrincipal {
  auditId: string;
  at: string;
  activity: string;
}

const KIND_WORD: Readonly<Record<PermissionChangeKind, string>> = {
  appRoleAdded: 'Application permission granted',
  appRoleRemoved: 'Application permission removed',
  directoryRoleAdded: 'Directory role assigned',
  directoryRoleRemoved: 'Directory role removed',
  consent: 'Consent granted',
  delegatedGrantAdded: 'Delegated permissions granted',
};

/** The sensitive permissions among what a change grants (a directory role counts as one). */
function sensitiveOf(c: PermissionChange): string[] {
  if (c.value === null) return c.kind === 'directoryRoleAdded' ? [c.valueId ?? 'directory role'] : [];
  switch (c.kind) {
    case 'appRoleAdded':
      return isSensitivePermission(c.value) ? [c.value] : [];
    case 'directoryRoleAdded':
      return [c.value];
    case 'consent':
    case 'delegatedGrantAdded':
      return [...new Set(c.value.split(/[\s,]+/).filter((s) => s !== '' && isSensitivePermission(s)))];
    default:
      return [];
  }
}

function evidenceOf(c: PermissionChangeRecord, actions: readonly ActionByPrincipal[]): EvidenceItem {
  const sensitive = sensitiveOf(c);
  const reasons: string[] = [];
  if (sensitive.length > 0) {
    reasons.push(c.kind === 'directoryRoleAdded' ? 'directoryRoleGranted' : 'sensitivePermissionGranted');
  }
  let verdict: Verdict = reasons.length > 0 ? 'suspicious' : 'nothingFound';
  const used = verdict === 'suspicious' ? actions.filter((a) => a.at > c.at) : [];
  if (used.length > 0) {
    verdict = 'confirmed';
    reasons.push('usedByPrincipal');
  }
  const who = c.actor.name ?? 'an unknown actor';
  const what = c.value ?? c.valueId ?? 'unnamed';
  const sensitiveText =
    sensitive.length > 0 && c.kind !== 'directoryRoleAdded' ? ` — sensitive: ${sensitive.join(', ')}` : '';
  const usedText =
    used.length > 0
      ? `; then the principal itself made ${plural(used.length, 'directory change')}, first ${used[0]!.activity.trim()} at ${used[0]!.at} (audit ${used[0]!.auditId})`
      : '';
  return evidenceItem({
    id: `${c.auditId}|${c.kind}|${c.valueId ?? c.value ?? ''}`,
    kind: c.kind,
    dateTime: c.at,
    verdict,
    reasons,
    description: `${KIND_WORD[c.kind]}: ${what} by ${who}${sensitiveText}${usedText}.`,
    actor: c.actor,
    auditId: c.auditId,
    activity: c.activity,
    objectType: 'servicePrincipal',
    objectId: c.principalId,
    permission: c.value ?? c.valueId,
    sensitivePermissions: sensitive,
  });
}

function summarise(verdict: Verdict, evidence: readonly EvidenceItem[]): string {
  if (evidence.length === 0) return 'No permission, directory role or consent changed in the window.';
  if (verdict === 'nothingFound') {
    return `${plural(evidence.length, 'permission change')}, none granting a sensitive permission or directory role.`;
  }
  const gained = [
    ...new Set(evidence.flatMap((e) => (e.verdict === 'nothingFound' ? [] : e.sensitivePermissions))),
  ];
  const head = `Gained ${gained.join(', ')}`;
  return verdict === 'confirmed'
    ? `${head}, and the principal then made directory changes itself.`
    : `${head} in the window (${plural(evidence.length, 'permission change')} in all).`;
}

/**
 * Answers "did its permissions change?": each grant and removal with its actor and the sensitive
 * permissions it named, and whether the principal went on to act with them.
 */
export function assessPermissionChanges(
  changes: readonly PermissionChangeRecord[],
  actionsByPrincipal: readonly ActionByPrincipal[],
): QuestionAnswer {
  const evidence = new Map<string, EvidenceItem>();
  for (const c of changes) {
    const e = evidenceOf(c, actionsByPrincipal);
    evidence.set(e.id, e);
  }
  return answerOf('permissionChanges', 'Did its permissions change?', [...evidence.values()], summarise);
}

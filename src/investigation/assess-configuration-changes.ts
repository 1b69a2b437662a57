import type { ConfigurationChange, ConfigurationChangeKind } from './configuration-changes-from-audit.ts';
import {
  actorText,
  answerOf,
  type EvidenceItem,
  evidenceItem,
  plural,
  type QuestionAnswer,
  type Verdict,
} from './investigation.ts';

// Verdict rules for "was the configuration changed?" (owners, redirect URIs, the app id URI,
// federated identity credentials of the principal and its application):
// - confirmed: a federated credential added by a suspicious change (below) then signed in — someone
//   outside the usual administration gave themselves a way in and used it.
// - suspicious: a change made by a service principal (`servicePrincipalActor`), or by an actor that
//   made no other change anywhere in the tenant during the window (`actorWithNoOtherChanges`: an
//   administrator who looks after things makes changes elsewhere too), or a service principal made
//   an owner (`servicePrincipalOwner`: an owner can add credentials at will).
// - nothingFound: changes by actors that administer the tenant, listed with what they changed.

/** Successful sign-ins with a federated credential, by credential id (or name). */
export type FederatedCredentialUse = ReadonlyMap<
  string,
  { firstAt: string; signIns: number; signInIds: string[] }
>;

/** Per audit event: how many other events its actor initiated in the tenant during the window. */
export type ActorOtherChanges = ReadonlyMap<string, number>;

const KIND_WORD: Readonly<Record<ConfigurationChangeKind, string>> = {
  ownerAdded: 'Owner added',
  ownerRemoved: 'Owner removed',
  redirectUrisChanged: 'Redirect URIs changed',
  identifierUrisChanged: 'App ID URI changed',
  federatedCredentialAdded: 'Federated credential added',
  federatedCredentialRemoved: 'Federated credential removed',
};

function changeText(c: ConfigurationChange): string {
  const parts = [
    c.added.length > 0 ? `added ${c.added.join(', ')}` : '',
    c.removed.length > 0 ? `removed ${c.removed.join(', ')}` : '',
  ].filter(Boolean);
  const where = `${c.objectType === 'application' ? 'the application' : 'the service principal'} ${c.objectDisplayName ?? c.objectId}`;
  return `${KIND_WORD[c.kind]} on ${where} by ${actorText(c.actor)}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`;
}

function evidenceOf(
  c: ConfigurationChange,
  others: ActorOtherChanges,
  uses: FederatedCredentialUse,
): EvidenceItem {
  const reasons: string[] = [];
  const platform = (c.actor.name ?? '').toLowerCase() === 'managed service identity';
  if (c.actor.kind === 'app' && !platform) reasons.push('servicePrincipalActor');
  if (!platform && (others.get(c.auditId) ?? 0) === 0) reasons.push('actorWithNoOtherChanges');
  if (c.kind === 'ownerAdded' && c.ownerIsServicePrincipal) reasons.push('servicePrincipalOwner');
  let verdict: Verdict = reasons.length > 0 ? 'suspicious' : 'nothingFound';
  let signInIds: string[] = [];
  let used = '';
  if (verdict === 'suspicious' && c.kind === 'federatedCredentialAdded') {
    const found = c.credentialIds.map((id) => uses.get(id)).filter((u) => u !== undefined);
    if (found.length > 0) {
      verdict = 'confirmed';
      reasons.push('federatedCredentialUsed');
      signInIds = found.flatMap((u) => u.signInIds);
      const n = found.reduce((sum, u) => sum + u.signIns, 0);
      used = `; then signed in with it ${n === 1 ? 'once' : `${n} times`}`;
    }
  }
  const why =
    reasons.length === 0
      ? ''
      : ` — ${reasons
          .filter((r) => r !== 'federatedCredentialUsed')
          .map((r) => REASON_WORD[r] ?? r)
          .join(', ')}`;
  return evidenceItem({
    id: `${c.auditId}|${c.kind}|${c.objectId}|${c.property ?? ''}`,
    kind: c.kind,
    dateTime: c.at,
    verdict,
    reasons,
    description: `${changeText(c)}${why}${used}.`,
    actor: c.actor,
    auditId: c.auditId,
    activity: c.activity,
    signInIds,
    keyId: c.credentialIds[0] ?? null,
    credentialType: c.kind.startsWith('federated') ? 'federated' : null,
    objectType: c.objectType,
    objectId: c.objectId,
    property: c.property,
    added: c.added,
    removed: c.removed,
  });
}

const REASON_WORD: Readonly<Record<string, string>> = {
  servicePrincipalActor: 'made by a service principal',
  actorWithNoOtherChanges: 'its actor made no other change in the window',
  servicePrincipalOwner: 'a service principal became an owner',
};

function summarise(verdict: Verdict, evidence: readonly EvidenceItem[]): string {
  if (evidence.length === 0) {
    return 'No owner, redirect URI, app ID URI or federated credential was changed in the window.';
  }
  const kinds = [...new Set(evidence.map((e) => KIND_WORD[e.kind as ConfigurationChangeKind].toLowerCase()))];
  const counts = `${plural(evidence.length, 'change')} (${kinds.join(', ')})`;
  if (verdict === 'nothingFound') return `${counts}, all by actors that administer the tenant.`;
  const unusual = evidence.filter((e) => e.verdict !== 'nothingFound');
  const actors = [...new Set(unusual.map((e) => actorText(e.actor)))].join(', ');
  if (verdict === 'confirmed') {
    return `${counts}; a federated credential added by ${actors} was then used to sign in.`;
  }
  return `${counts}; ${plural(unusual.length, 'change')} by ${actors} out of the ordinary.`;
}

/** Answers "was the configuration changed?" from the window's configuration changes of the principal and its application. */
export function assessConfigurationChanges(
  changes: readonly ConfigurationChange[],
  actorOtherChanges: ActorOtherChanges,
  federatedUses: FederatedCredentialUse,
): QuestionAnswer {
  const evidence = changes.map((c) => evidenceOf(c, actorOtherChanges, federatedUses));
  const unique = new Map(evidence.map((e) => [e.id, e]));
  return answerOf('configurationChanges', 'Was the configuration changed?', [...unique.values()], summarise);
}

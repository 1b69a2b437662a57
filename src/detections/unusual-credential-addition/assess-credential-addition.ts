import type {
  AssessedAddition,
  AuditActor,
  CredentialAddition,
  CredentialAdditionReason,
  PermissionChange,
  PrincipalKind,
  Privilege,
  RiskLevel,
} from '../../domain/index.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Reasons that add evidence points; privilege raises the level instead (see credentialAdditionLevel). */
export type PointedReason = Exclude<CredentialAdditionReason, 'privilegedObject'>;

/** Tunables of unusual credential additions (spec A3). */
export interface UnusualCredentialAdditionParameters {
  /** Days of the actor's credential management looked at: none in them makes it new to credential management. */
  actorLookbackDays: number;
  /**
   * Changes this recent do not count as the actor's history: a new actor adding secrets to five apps
   * in an hour is one unusual activity, not its own precedent for the next four.
   */
  actorRecentHours: number;
  /** Days of tenant audit history needed before actor novelty is trusted (the learning period). */
  actorLearningDays: number;
  /**
   * Credential changes in the lookback that make a service principal a routine credential manager
   * (an automation that rotates secrets), whose changes to other objects are not unusual.
   */
  routineServicePrincipalChanges: number;
  /** Hours before an addition in which consent or a permission grant to the application counts. */
  consentWindowHours: number;
  /** Days without a successful sign-in that make an object dormant (when it is at least that old). */
  dormantDays: number;
  /** An object the same actor created this many hours before is being provisioned, not changed. */
  provisioningHours: number;
  /** Initiators (app display names, any case) that are the platform rotating managed identity certificates. */
  platformActors: readonly string[];
  /** Evidence points of each reason; privilege raises the level by one instead. */
  points: Readonly<Record<PointedReason, number>>;
  /** Points needed for each level. */
  levels: Readonly<{ low: number; medium: number; high: number }>;
  /** Grants listed in an explanation. */
  maxEvidence: number;
}

/**
 * The defaults. The risk table they implement:
 *
 * | Reason                 | Points | Why |
 * |------------------------|--------|-----|
 * | firstCredential        | 2      | an object that never had a credential gains one (an SSO app or a vendor's multi-tenant app) |
 * | unusualActor           | 2      | nobody expected this actor to manage credentials |
 * | servicePrincipalActor  | 2      | an application acting on another application's credentials |
 * | dormantObject          | 1      | reviving an unused principal; often legitimate |
 * | afterConsent           | 1      | permissions then a credential is also how integrations are set up |
 *
 * 1 point → low, 2–4 → medium, 5 or more → high; then a privileged principal is raised one level
 * (never above high), and privilege alone is low. So: an unusual user → medium, or high on a
 * privileged app; a service principal that never managed credentials acting on another → medium
 * (4), high when the target had no credential (6: the pattern of adding a credential to a vendor's
 * app); a routine administrator rotating a privileged app's secret → low.
 *
 * Routine, never raised: managed identity certificate rotation by the platform; an object's first
 * credential added by the actor that created it within 24 hours (provisioning an app is creating
 * it and giving it a secret); changes by actors with credential history on objects that are not
 * privileged when nothing else applies. Actor novelty is trusted once the tenant's audit history
 * reaches back 7 days: before that every administrator would look new.
 */
export const DEFAULT_UNUSUAL_CREDENTIAL_ADDITION_PARAMETERS: UnusualCredentialAdditionParameters =
  Object.freeze({
    actorLookbackDays: 90,
    actorRecentHours: 24,
    actorLearningDays: 7,
    routineServicePrincipalChanges: 3,
    consentWindowHours: 48,
    dormantDays: 90,
    provisioningHours: 24,
    platformActors: Object.freeze(['Managed Service Identity']),
    points: Object.freeze({
      firstCredential: 2,
      unusualActor: 2,
      servicePrincipalActor: 2,
      dormantObject: 1,
      afterConsent: 1,
    }),
    levels: Object.freeze({ low: 1, medium: 2, high: 5 }),
    maxEvidence: 20,
  });

/** The creation of an object, as the audit log records it (`Add application`, `Add service principal`). */
export interface ObjectCreation {
  objectId: string;
  at: string;
  actor: AuditActor;
  auditId: string;
}

/** What the store knows around one addition; every fact is as of the addition's time. */
export interface CredentialAdditionContext {
  /** The principal's kind, when the inventory or its sign-ins tell. */
  principalKind: PrincipalKind | null;
  /**
   * Credential-management audit events by the same actor, on any object, from `actorLookbackDays`
   * before the addition up to `actorRecentHours` before it.
   */
  actorCredentialChanges: number;
  /** The tenant's earliest audit event held: actor history is trusted once it reaches back far enough. */
  auditHistorySince: string | null;
  /** Credentials the object held just before the addition. */
  objectCredentialsBefore: number;
  /** Credentials the other object of the application/service principal pair held (0 without one). */
  pairCredentialsBefore: number;
  /**
   * The principal's last successful sign-in with a key or federated credential before the addition
   * (within `dormantDays`): it held a credential then, whatever the inventory knows.
   */
  lastCredentialSignInAt: string | null;
  /** Creations of the object or its pair recorded before the addition. */
  creations: readonly ObjectCreation[];
  /** When the object or its pair was created, as far as the inventory or audit log tell. */
  createdAt: string | null;
  /** Consent and permission grants to the principal before the addition (at least the consent window). */
  grants: readonly PermissionChange[];
  /** The principal's last successful sign-in before the addition. */
  lastSignInAt: string | null;
  /** The tenant's earliest sign-in held: dormancy needs sign-in history reaching back `dormantDays`. */
  signInHistorySince: string | null;
  /** What the principal held at the addition. */
  privilege: Privilege;
  /**
   * The credential was added through Vigil's own actions (an administrator remediating, say): the
   * directory's record of it, whoever it names as actor, is an authorised change. Absent: false.
   */
  addedThroughVigil?: boolean;
}

/** An addition's verdict: routine, or the reasons it does not fit. */
export interface CredentialAdditionVerdict {
  routine: boolean;
  reasons: CredentialAdditionReason[];
}

/** Reasons in the order explanations list them. */
export const REASON_ORDER: readonly CredentialAdditionReason[] = Object.freeze([
  'firstCredential',
  'unusualActor',
  'servicePrincipalActor',
  'privilegedObject',
  'afterConsent',
  'dormantObject',
]);

const GRANT_KINDS: ReadonlySet<PermissionChange['kind']> = new Set([
  'consent',
  'delegatedGrantAdded',
  'appRoleAdded',
]);

/** The actor as a person reads it: UPN, display name, app id or object id. */
export function actorNameOf(actor: AuditActor): string | null {
  return actor.userPrincipalName ?? actor.displayName ?? actor.appId ?? actor.servicePrincipalId ?? actor.id;
}

/** Whether two audit initiators are the same: by object id when both have one, else by name. */
export function sameActor(a: AuditActor, b: AuditActor): boolean {
  const idA = a.id ?? a.servicePrincipalId;
  const idB = b.id ?? b.servicePrincipalId;
  if (idA !== null && idB !== null) return idA.toLowerCase() === idB.toLowerCase();
  const nameA = actorNameOf(a);
  const nameB = actorNameOf(b);
  return nameA !== null && nameB !== null && nameA.toLowerCase() === nameB.toLowerCase();
}

function isPlatformActor(actor: AuditActor, p: UnusualCredentialAdditionParameters): boolean {
  if (actor.kind !== 'app' || actor.displayName === null) return false;
  const name = actor.displayName.toLowerCase();
  return p.platformActors.some((a) => a.toLowerCase() === name);
}

/**
 * Managed identity certificates are renewed by the platform: the `Managed Service Identity`
 * initiator, or (for a managed identity) an event that names no initiator at all.
 */
function isPlatformRotation(
  addition: CredentialAddition,
  context: CredentialAdditionContext,
  p: UnusualCredentialAdditionParameters,
): boolean {
  if (isPlatformActor(addition.actor, p)) return true;
  return context.principalKind === 'managedIdentity' && addition.actor.kind === 'unknown';
}

/** The consent and permission grants to the principal within the window before the addition. */
export function grantsBefore(
  addition: CredentialAddition,
  context: CredentialAdditionContext,
  p: UnusualCredentialAdditionParameters,
): PermissionChange[] {
  const from = new Date(Date.parse(addition.at) - p.consentWindowHours * HOUR_MS).toISOString();
  return context.grants
    .filter((g) => GRANT_KINDS.has(g.kind) && g.at >= from && g.at <= addition.at)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.auditId < b.auditId ? -1 : 1));
}

/** Whether actor novelty can be trusted: the tenant's audit history reaches back the learning period. */
export function actorHistoryTrusted(
  addition: CredentialAddition,
  context: CredentialAdditionContext,
  p: UnusualCredentialAdditionParameters,
): boolean {
  if (context.auditHistorySince === null) return false;
  return Date.parse(addition.at) - Date.parse(context.auditHistorySince) >= p.actorLearningDays * DAY_MS;
}

/** Whether the principal is dormant: no successful sign-in for `dormantDays`, while older than that. */
function isDormant(
  addition: CredentialAddition,
  context: CredentialAdditionContext,
  p: UnusualCredentialAdditionParameters,
): boolean {
  const cutoff = Date.parse(addition.at) - p.dormantDays * DAY_MS;
  // A sign-in that old also shows the object is that old.
  if (context.lastSignInAt !== null) return Date.parse(context.lastSignInAt) < cutoff;
  // Never seen signing in: dormant only if it existed, and sign-ins were collected, all that time.
  return (
    context.createdAt !== null &&
    Date.parse(context.createdAt) <= cutoff &&
    context.signInHistorySince !== null &&
    Date.parse(context.signInHistorySince) <= cutoff
  );
}

/** The actor created the object (or its pair) shortly before: this is provisioning a new application. */
function isProvisioning(
  addition: CredentialAddition,
  context: CredentialAdditionContext,
  p: UnusualCredentialAdditionParameters,
): boolean {
  const at = Date.parse(addition.at);
  return context.creations.some((c) => {
    const created = Date.parse(c.at);
    return (
      created <= at && at - created <= p.provisioningHours * HOUR_MS && sameActor(c.actor, addition.actor)
    );
  });
}

/**
 * Whether a credential addition is routine, and if not why (spec A3). One logic for the detection
 * and for the change awareness of suspicious sign-ins, which lowers sign-ins that follow a routine
 * addition of the credential they use.
 */
export function assessCredentialAddition(
  addition: CredentialAddition,
  context: CredentialAdditionContext,
  parameters: UnusualCredentialAdditionParameters = DEFAULT_UNUSUAL_CREDENTIAL_ADDITION_PARAMETERS,
): CredentialAdditionVerdict {
  const p = parameters;
  if (isPlatformRotation(addition, context, p) || context.addedThroughVigil === true) {
    return { routine: true, reasons: [] };
  }
  const reasons = new Set<CredentialAdditionReason>();
  const provisioning = isProvisioning(addition, context, p);
  const actor = addition.actor;

  if (
    !provisioning &&
    context.objectCredentialsBefore === 0 &&
    context.pairCredentialsBefore === 0 &&
    context.lastCredentialSignInAt === null
  ) {
    reasons.add('firstCredential');
  }

  const trusted = actorHistoryTrusted(addition, context, p);
  const identified = actor.kind !== 'unknown' && actorNameOf(actor) !== null;
  if (!provisioning && identified && trusted && context.actorCredentialChanges === 0)
    reasons.add('unusualActor');

  // An application renewing its own credential is not acting on another.
  const self =
    (actor.servicePrincipalId !== null && actor.servicePrincipalId === addition.principalId) ||
    (actor.appId !== null &&
      addition.appId !== null &&
      actor.appId.toLowerCase() === addition.appId.toLowerCase());
  const routineAutomation = trusted && context.actorCredentialChanges >= p.routineServicePrincipalChanges;
  if (!provisioning && actor.kind === 'app' && !self && !routineAutomation)
    reasons.add('servicePrincipalActor');

  if (context.privilege.privileged) reasons.add('privilegedObject');
  if (grantsBefore(addition, context, p).length > 0) reasons.add('afterConsent');
  if (isDormant(addition, context, p)) reasons.add('dormantObject');

  const ordered = REASON_ORDER.filter((r) => reasons.has(r));
  return { routine: ordered.length === 0, reasons: ordered };
}

const LEVELS: readonly RiskLevel[] = ['none', 'low', 'medium', 'high'];

/** The level reasons add up to (see the table on DEFAULT_UNUSUAL_CREDENTIAL_ADDITION_PARAMETERS). */
export function credentialAdditionLevel(
  reasons: readonly CredentialAdditionReason[],
  parameters: UnusualCredentialAdditionParameters = DEFAULT_UNUSUAL_CREDENTIAL_ADDITION_PARAMETERS,
): RiskLevel {
  const { points, levels } = parameters;
  let total = 0;
  for (const r of reasons) if (r !== 'privilegedObject') total += points[r];
  let index = total >= levels.high ? 3 : total >= levels.medium ? 2 : total >= levels.low ? 1 : 0;
  if (reasons.includes('privilegedObject')) index = Math.min(3, index + 1);
  return LEVELS[index]!;
}

/** An addition with its verdict and level, as change awareness and the console list them. */
export function assessAddition(
  addition: CredentialAddition,
  context: CredentialAdditionContext,
  parameters: UnusualCredentialAdditionParameters = DEFAULT_UNUSUAL_CREDENTIAL_ADDITION_PARAMETERS,
): AssessedAddition {
  const verdict = assessCredentialAddition(addition, context, parameters);
  return {
    ...addition,
    routine: verdict.routine,
    reasons: verdict.reasons,
    riskLevel: verdict.routine ? 'none' : credentialAdditionLevel(verdict.reasons, parameters),
  };
}

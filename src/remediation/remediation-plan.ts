// The remediation plan of a compromised principal, as Entra's guidance lays it out: review the
// credential inventory, add a new credential (a certificate preferred), remove the old ones (all
// present when the first active detection was raised, and whatever else it held when the plan
// started), rotate the Key Vault secrets it could reach, and optionally disable it. Pure: the plan's
// record and the live facts go in, the steps and whether the plan is complete come out.

/** The steps, in the order an administrator takes them. */
export const STEP_NAMES = [
  'reviewInventory',
  'addCredential',
  'removeOldCredentials',
  'rotateKeyVaultSecrets',
  'disable',
] as const;

/** A step's name. */
export type StepName = (typeof STEP_NAMES)[number];

/** Where a step stands. `failed`: a removed credential was used to sign in after its removal. */
export type StepState = 'pending' | 'done' | 'skipped' | 'notNeeded' | 'failed';

/** Who did something, and when. */
export interface Marker {
  at: string;
  by: string;
  note: string | null;
}

/** Which credential, on which object, as a person recognises it. */
export interface CredentialIdentity {
  objectType: 'servicePrincipal' | 'application';
  objectId: string;
  keyId: string;
  type: 'password' | 'certificate' | 'federated';
  displayName: string | null;
  hint: string | null;
  thumbprint: string | null;
}

/** A credential the plan removes: held when the first active detection was raised or when the plan started. */
export interface PlannedCredential extends CredentialIdentity {
  addedDateTime: string | null;
  /** Held when the first active detection was raised (the rest were added later, before the plan). */
  presentAtFirstDetection: boolean;
}

/** A Key Vault secret rotated through the plan. */
export interface Rotation {
  vaultUrl: string;
  secretName: string;
  /** The new version's id (`https://{vault}/secrets/{name}/{version}`). */
  versionId: string;
  at: string;
  by: string;
}

/** What a plan records; stored as its JSON body. */
export interface PlanRecord {
  firstDetectionDateTime: string | null;
  credentialsToRemove: PlannedCredential[];
  review: Marker | null;
  keyVault: { rotations: Rotation[]; done: Marker | null; skipped: Marker | null };
  disableSkipped: Marker | null;
  /** Who completed the last step: the risk history names them when the plan remediates. */
  lastActor: string | null;
}

/** One credential of the principal or its application, as it stands now. */
export interface CredentialNow extends CredentialIdentity {
  addedAt: string | null;
  startDateTime: string | null;
  addedBy: string | null;
  removedAt: string | null;
  removedBy: string | null;
  addedThroughVigil: boolean;
}

/** A successful sign-in with a planned credential after its removal. */
export interface UseAfterRemoval {
  keyId: string;
  signInId: string;
  at: string;
  ipAddress: string | null;
}

/** The live facts a plan is evaluated against. */
export interface PlanFacts {
  now: string;
  credentials: readonly CredentialNow[];
  accountEnabled: boolean | null;
  usedAfterRemoval: readonly UseAfterRemoval[];
  /** Sign-ins of the principal to Azure Key Vault: the vaults it could reach. */
  keyVaultSignIns: { signIns: number; lastSignInDateTime: string | null };
  /** Requests an administrator would run in Entra for what Vigil changed alone (no connection). */
  pendingDirectoryRequests?: (step: StepName) => string[];
}

/** A planned credential and what became of it. */
export interface PlannedCredentialState extends PlannedCredential {
  removedDateTime: string | null;
  removedBy: string | null;
  usedAfterRemoval: UseAfterRemoval[];
}

/** One step as the API shows it. */
export interface PlanStep {
  name: StepName;
  title: string;
  state: StepState;
  optional: boolean;
  /** What the step needs or what was done, for a person. */
  detail: string;
  completedDateTime: string | null;
  completedBy: string | null;
  credentials?: PlannedCredentialState[];
  newCredentials?: {
    keyId: string;
    type: string;
    objectType: string;
    addedDateTime: string | null;
    addedBy: string | null;
  }[];
  keyVault?: { signIns: number; lastSignInDateTime: string | null; rotations: Rotation[] };
  directoryRequests?: string[];
}

/** The steps and whether every required one is through. */
export interface PlanEvaluation {
  steps: PlanStep[];
  complete: boolean;
}

const TITLES: Record<StepName, string> = {
  reviewInventory: 'Review the credential inventory',
  addCredential: 'Add a new credential (a certificate preferred)',
  removeOldCredentials: 'Remove the old credentials',
  rotateKeyVaultSecrets: 'Rotate the Key Vault secrets it could reach',
  disable: 'Disable the service principal (optional)',
};

/** Whether a credential was held at an instant: added (or valid from) before it and not removed by then. */
function heldAt(c: CredentialNow, at: string): boolean {
  const added = c.addedAt ?? c.startDateTime;
  return (added === null || added <= at) && (c.removedAt === null || c.removedAt > at);
}

/**
 * The credentials a new plan removes: every password, certificate and federated credential held
 * when the first active detection was raised, and every one held now — except those added through
 * Vigil after that detection (an administrator's replacements).
 */
export function credentialsToRemove(
  credentials: readonly CredentialNow[],
  firstDetectionDateTime: string | null,
  now: string,
): PlannedCredential[] {
  const out: PlannedCredential[] = [];
  for (const c of credentials) {
    const atDetection = firstDetectionDateTime !== null && heldAt(c, firstDetectionDateTime);
    const replacement =
      c.addedThroughVigil && firstDetectionDateTime !== null && (c.addedAt ?? '') > firstDetectionDateTime;
    if (!atDetection && (replacement || c.removedAt !== null || !heldAt(c, now))) continue;
    out.push({
      objectType: c.objectType,
      objectId: c.objectId,
      keyId: c.keyId,
      type: c.type,
      displayName: c.displayName,
      hint: c.hint,
      thumbprint: c.thumbprint,
      addedDateTime: c.addedAt,
      presentAtFirstDetection: atDetection,
    });
  }
  return out.sort(
    (a, b) => (a.addedDateTime ?? '').localeCompare(b.addedDateTime ?? '') || a.keyId.localeCompare(b.keyId),
  );
}

/** A new plan's record. */
export function newPlanRecord(
  credentials: readonly CredentialNow[],
  firstDetectionDateTime: string | null,
  now: string,
): PlanRecord {
  return {
    firstDetectionDateTime,
    credentialsToRemove: credentialsToRemove(credentials, firstDetectionDateTime, now),
    review: null,
    keyVault: { rotations: [], done: null, skipped: null },
    disableSkipped: null,
    lastActor: null,
  };
}

function marked(
  state: StepState,
  m: Marker | null,
  detail: string,
): Pick<PlanStep, 'state' | 'detail' | 'completedDateTime' | 'completedBy'> {
  return {
    state,
    detail: m?.note ? `${detail} Note: ${m.note}` : detail,
    completedDateTime: m?.at ?? null,
    completedBy: m?.by ?? null,
  };
}

/**
 * Evaluates a plan: each step's state from the record and the facts. The plan is complete when the
 * inventory was reviewed, a new credential is held, every planned credential is removed and none was
 * used to sign in after its removal, and the Key Vault step is through (rotated, marked done,
 * skipped, or not needed because the principal never signed in to Key Vault). Disabling is optional.
 */
export function evaluatePlan(createdAt: string, record: PlanRecord, facts: PlanFacts): PlanEvaluation {
  const requests = (step: StepName) => facts.pendingDirectoryRequests?.(step) ?? [];
  const withRequests = (step: StepName) => {
    const r = requests(step);
    return r.length > 0 ? { directoryRequests: r } : {};
  };
  const steps: PlanStep[] = [];

  steps.push({
    name: 'reviewInventory',
    title: TITLES.reviewInventory,
    optional: false,
    ...(record.review
      ? marked('done', record.review, 'Reviewed.')
      : marked(
          'pending',
          null,
          'Check every credential of the principal and its application: who added it, when it was last used (GET /vigil/servicePrincipals/{id}/credentials).',
        )),
  });

  const planned = new Set(record.credentialsToRemove.map((c) => c.keyId));
  const fresh = facts.credentials.filter(
    (c) =>
      !planned.has(c.keyId) &&
      c.removedAt === null &&
      c.type !== 'federated' &&
      (c.addedThroughVigil || (c.addedAt ?? '') >= createdAt),
  );
  const certificate = fresh.find((c) => c.type === 'certificate');
  const added = certificate ?? fresh[0];
  steps.push({
    name: 'addCredential',
    title: TITLES.addCredential,
    optional: false,
    state: added ? 'done' : 'pending',
    detail: certificate
      ? `A certificate was added (keyId ${certificate.keyId}).`
      : added
        ? `A client secret was added (keyId ${added.keyId}); a certificate is preferred (vigil credentials new-cert).`
        : 'Add a certificate (vigil credentials new-cert, or addKey) or a client secret (addPassword) for the workload to switch to.',
    completedDateTime: added?.addedAt ?? null,
    completedBy: added?.addedBy ?? null,
    newCredentials: fresh.map((c) => ({
      keyId: c.keyId,
      type: c.type,
      objectType: c.objectType,
      addedDateTime: c.addedAt,
      addedBy: c.addedBy,
    })),
    ...withRequests('addCredential'),
  });

  const now = new Map(facts.credentials.map((c) => [`${c.objectId}|${c.keyId}`, c]));
  const states: PlannedCredentialState[] = record.credentialsToRemove.map((p) => {
    const c = now.get(`${p.objectId}|${p.keyId}`);
    return {
      ...p,
      removedDateTime: c?.removedAt ?? null,
      removedBy: c?.removedBy ?? null,
      usedAfterRemoval: facts.usedAfterRemoval.filter((u) => u.keyId === p.keyId),
    };
  });
  const left = states.filter((s) => s.removedDateTime === null);
  const used = states.filter((s) => s.usedAfterRemoval.length > 0);
  const lastRemoval = states.reduce<string | null>(
    (m, s) => (s.removedDateTime !== null && (m === null || s.removedDateTime > m) ? s.removedDateTime : m),
    null,
  );
  steps.push({
    name: 'removeOldCredentials',
    title: TITLES.removeOldCredentials,
    optional: false,
    state: used.length > 0 ? 'failed' : left.length > 0 ? 'pending' : 'done',
    detail:
      used.length > 0
        ? `Signed in successfully after removal with ${used.map((u) => u.keyId).join(', ')}: the credential still works where the workload signs in — remove it in Entra.`
        : left.length > 0
          ? `${left.length} of ${states.length} to remove: ${left.map((s) => `${s.type} ${s.keyId}`).join(', ')}.`
          : states.length === 0
            ? 'The principal held no credential to remove.'
            : `All ${states.length} removed.`,
    completedDateTime: left.length === 0 && used.length === 0 ? (lastRemoval ?? createdAt) : null,
    completedBy: null,
    credentials: states,
    ...withRequests('removeOldCredentials'),
  });

  const kv = record.keyVault;
  const vaultFacts = { ...facts.keyVaultSignIns, rotations: kv.rotations };
  const lastRotation = kv.rotations.at(-1);
  const vaultState: Pick<PlanStep, 'state' | 'detail' | 'completedDateTime' | 'completedBy'> =
    kv.done !== null
      ? marked(
          'done',
          kv.done,
          `Marked rotated${kv.rotations.length > 0 ? ` (${kv.rotations.length} rotated through Vigil)` : ''}.`,
        )
      : kv.skipped !== null
        ? marked('skipped', kv.skipped, 'Skipped.')
        : kv.rotations.length > 0
          ? {
              state: 'done',
              detail: `${kv.rotations.length} secret${kv.rotations.length === 1 ? '' : 's'} rotated: ${kv.rotations.map((r) => `${r.secretName} in ${r.vaultUrl}`).join(', ')}.`,
              completedDateTime: lastRotation?.at ?? null,
              completedBy: lastRotation?.by ?? null,
            }
          : facts.keyVaultSignIns.signIns === 0
            ? {
                state: 'notNeeded',
                detail: 'The principal never signed in to Azure Key Vault.',
                completedDateTime: null,
                completedBy: null,
              }
            : {
                state: 'pending',
                detail: `The principal signed in to Azure Key Vault ${facts.keyVaultSignIns.signIns} times (last ${facts.keyVaultSignIns.lastSignInDateTime}): rotate the secrets of the vaults it can reach, or mark the step done.`,
                completedDateTime: null,
                completedBy: null,
              };
  steps.push({
    name: 'rotateKeyVaultSecrets',
    title: TITLES.rotateKeyVaultSecrets,
    optional: false,
    ...vaultState,
    keyVault: vaultFacts,
  });

  const disabled = facts.accountEnabled === false;
  steps.push({
    name: 'disable',
    title: TITLES.disable,
    optional: true,
    ...(disabled
      ? {
          state: 'done' as const,
          detail: 'The service principal is disabled.',
          completedDateTime: null,
          completedBy: null,
        }
      : record.disableSkipped
        ? marked('skipped', record.disableSkipped, 'Left enabled.')
        : marked(
            'pending',
            null,
            'Disable it (PATCH accountEnabled false) if the workload can stop until it uses the new credential.',
          )),
    ...withRequests('disable'),
  });

  const through = (s: PlanStep) =>
    s.optional || s.state === 'done' || s.state === 'skipped' || s.state === 'notNeeded';
  return { steps, complete: steps.every(through) };
}

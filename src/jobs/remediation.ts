import { randomUUID } from 'node:crypto';
import {
  type DirectoryAction,
  directoryRequestFor,
  renderDirectoryRequest,
} from '../connectors/directory-requests.ts';
import type { GraphConnection } from '../connectors/graph-connection.ts';
import { createKeyVaultConnector, renderKeyVaultRotation } from '../connectors/key-vault-connector.ts';
import { KeyVaultError } from '../connectors/key-vault-error.ts';
import { newSecretValue } from '../connectors/new-secret-value.ts';
import type { AuditActor, AuditTarget } from '../domain/index.ts';
import { ApiError, assertThat } from '../errors/api-error.ts';
import {
  type CredentialNow,
  evaluatePlan,
  newPlanRecord,
  type PlanEvaluation,
  type PlanRecord,
  type PlanStep,
  STEP_NAMES,
  type StepName,
  type UseAfterRemoval,
} from '../remediation/remediation-plan.ts';
import { nextRisk } from '../risk/next-risk.ts';
import type { Store } from '../store/open-store.ts';
import { createCredentialActionQueries } from '../store/queries/credential-action-queries.ts';
import { createInvestigationQueries } from '../store/queries/investigation-queries.ts';
import { createRemediationQueries } from '../store/queries/remediation-queries.ts';
import { createRiskQueries } from '../store/queries/risk-queries.ts';
import type { CredentialTable, RemediationPlanTable } from '../store/schema.ts';
import { type ActionActor, createAdminAudit, namedUser } from './admin-audit.ts';

/** A plan as the API and the CLI show it. */
export interface RemediationPlanView {
  id: string;
  servicePrincipalId: string;
  state: 'inProgress' | 'remediated';
  createdDateTime: string;
  createdBy: string;
  completedDateTime: string | null;
  firstDetectionDateTime: string | null;
  /** Changes reach Entra through the tenant's Graph connection; otherwise steps list the requests to run. */
  directoryConnected: boolean;
  steps: PlanStep[];
}

/** What remediation is built from. */
export interface RemediationDeps {
  store: Store;
  now?: () => Date;
  /** The tenant's Graph connection (Key Vault rotation uses it too); null without one. */
  connectionFor?: (tenantId: string) => GraphConnection | null;
  graphBaseUrl?: string;
}

/** What rotating Key Vault secrets did: the new versions, or the requests to run without a connection. */
export interface RotationOutcome {
  rotated: { vaultUrl: string; secretName: string; versionId: string }[];
  directoryRequests: string[];
  plan: RemediationPlanView;
}

const SECRET_NAME = /^[0-9A-Za-z-]{1,127}$/;
const MAX_SECRETS_PER_CALL = 25;

function credentialNow(r: CredentialTable): CredentialNow {
  return {
    objectType: r.owner_type as CredentialNow['objectType'],
    objectId: r.owner_id,
    keyId: r.key_id,
    type: r.type as CredentialNow['type'],
    displayName: r.display_name,
    hint: r.hint,
    thumbprint: r.thumbprint,
    addedAt: r.added_at,
    startDateTime: r.start_date_time,
    addedBy: r.added_by,
    removedAt: r.removed_at,
    removedBy: r.removed_by,
    addedThroughVigil: r.added_via === 'vigil',
  };
}

/**
 * Guided remediation of a principal (see `remediation/remediation-plan.ts` for the steps). A plan is
 * evaluated whenever it is read or acted on; when every required step is through and no removed
 * credential signed in after its removal, the principal's risk becomes `remediated` (every active
 * detection with it) with a history item naming who completed the plan, and the plan is closed.
 */
export function createRemediation(deps: RemediationDeps) {
  const { store } = deps;
  const q = createRemediationQueries(store);
  const credentials = createCredentialActionQueries(store);
  const investigation = createInvestigationQueries(store);
  const risk = createRiskQueries(store);
  const clock = deps.now ?? (() => new Date());
  const audit = createAdminAudit(store, () => clock().toISOString());

  const principalOf = async (tenantId: string, principalId: string) => {
    const owner = await credentials.owner(tenantId, 'servicePrincipal', { id: principalId.toLowerCase() });
    if (owner === undefined) {
      throw new ApiError(
        'Request_ResourceNotFound',
        `Resource '${principalId}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    return owner;
  };

  const render = (action: DirectoryAction) =>
    renderDirectoryRequest(directoryRequestFor(action), deps.graphBaseUrl);

  /** Without a connection: what an administrator runs in Entra for what was done in Vigil alone. */
  const pendingRequests = (
    principalId: string,
    record: PlanRecord,
    rows: readonly CredentialTable[],
    accountEnabled: boolean | null,
  ) => {
    return (step: StepName): string[] => {
      if (step === 'removeOldCredentials') {
        return record.credentialsToRemove.map((c) =>
          render(
            c.type === 'password'
              ? { kind: 'removePassword', objectType: c.objectType, objectId: c.objectId, keyId: c.keyId }
              : c.type === 'certificate'
                ? {
                    kind: 'removeKey',
                    objectType: c.objectType,
                    objectId: c.objectId,
                    keyId: c.keyId,
                    proof: 'signed by the administrator',
                  }
                : {
                    kind: 'removeFederatedIdentityCredential',
                    applicationId: c.objectId,
                    credentialId: c.keyId,
                  },
          ),
        );
      }
      if (step === 'addCredential') {
        const planned = new Set(record.credentialsToRemove.map((c) => `${c.objectId}|${c.keyId}`));
        return rows
          .filter(
            (r) =>
              r.added_via === 'vigil' && r.removed_at === null && !planned.has(`${r.owner_id}|${r.key_id}`),
          )
          .flatMap((r) => {
            const objectType = r.owner_type as 'servicePrincipal' | 'application';
            if (r.type === 'certificate' && r.certificate !== null) {
              // Stored as PEM when it was added (already read then): its body is Graph's base64 DER.
              const key = r.certificate.replace(/-----[^-]+-----|\s+/g, '');
              const others = rows.some(
                (o) =>
                  o.owner_id === r.owner_id &&
                  o.type === 'certificate' &&
                  o.removed_at === null &&
                  o.key_id !== r.key_id,
              );
              return [
                render({
                  kind: 'addKey',
                  objectType,
                  objectId: r.owner_id,
                  keyCredential: {
                    type: 'AsymmetricX509Cert',
                    usage: 'Verify',
                    key,
                    ...(r.display_name ? { displayName: r.display_name } : {}),
                  },
                  ...(others
                    ? { proof: 'signed by the administrator' }
                    : { proof: null, currentKeyCredentials: [] }),
                }),
              ];
            }
            if (r.type === 'password') {
              return [
                render({
                  kind: 'addPassword',
                  objectType,
                  objectId: r.owner_id,
                  passwordCredential: {
                    ...(r.display_name ? { displayName: r.display_name } : {}),
                    ...(r.end_date_time ? { endDateTime: r.end_date_time } : {}),
                  },
                }),
              ];
            }
            return [];
          });
      }
      if (step === 'disable' && accountEnabled === false) {
        return [
          render({ kind: 'setAccountEnabled', servicePrincipalId: principalId, accountEnabled: false }),
        ];
      }
      return [];
    };
  };

  /** Evaluates a plan against the store's facts now. */
  const evaluate = async (
    row: RemediationPlanTable,
    record: PlanRecord,
  ): Promise<{ evaluation: PlanEvaluation; connected: boolean }> => {
    const owner = await principalOf(row.tenant_id, row.principal_id);
    const rows = await q.credentialsOf(row.tenant_id, row.principal_id, owner.appId);
    const now = clock().toISOString();
    const removedPlanned = record.credentialsToRemove.flatMap((p) => {
      const r = rows.find((x) => x.owner_id === p.objectId && x.key_id === p.keyId);
      return r?.removed_at ? [{ planned: p, removedAt: r.removed_at }] : [];
    });
    const usedAfterRemoval: UseAfterRemoval[] = [];
    if (removedPlanned.length > 0) {
      // ISO times sort as text: the earliest removal bounds the read.
      const since = removedPlanned.map((x) => x.removedAt).sort()[0]!;
      const signIns = await q.signInsWith(
        row.tenant_id,
        row.principal_id,
        removedPlanned.map((x) => x.planned.keyId),
        removedPlanned.flatMap((x) => (x.planned.thumbprint ? [x.planned.thumbprint] : [])),
        since,
      );
      for (const s of signIns) {
        const hit = removedPlanned.find(
          (x) =>
            (s.keyId?.toLowerCase() === x.planned.keyId ||
              (s.thumbprint !== null && s.thumbprint.toUpperCase() === x.planned.thumbprint)) &&
            s.createdAt > x.removedAt,
        );
        if (hit)
          usedAfterRemoval.push({
            keyId: hit.planned.keyId,
            signInId: s.id,
            at: s.createdAt,
            ipAddress: s.ipAddress,
          });
      }
    }
    const connected = (deps.connectionFor?.(row.tenant_id) ?? null) !== null;
    const evaluation = evaluatePlan(row.created_at, record, {
      now,
      credentials: rows.map(credentialNow),
      accountEnabled: owner.accountEnabled,
      usedAfterRemoval,
      keyVaultSignIns: await q.keyVaultSignIns(row.tenant_id, row.principal_id),
      ...(connected
        ? {}
        : {
            pendingDirectoryRequests: pendingRequests(row.principal_id, record, rows, owner.accountEnabled),
          }),
    });
    return { evaluation, connected };
  };

  /** Evaluates the plan and, once it is complete, remediates the principal; returns the view. */
  const settle = async (row: RemediationPlanTable): Promise<RemediationPlanView> => {
    const record = JSON.parse(row.body) as PlanRecord;
    const { evaluation, connected } = await evaluate(row, record);
    if (row.state === 'inProgress' && evaluation.complete) {
      const at = clock().toISOString();
      const who = record.lastActor ?? row.created_by;
      row.state = 'remediated';
      row.completed_at = at;
      row.updated_at = at;
      await risk.transaction(async (trx) => {
        const current = await risk.getRisk(trx, row.tenant_id, row.principal_id);
        const detections = await risk.detectionsOf(trx, row.tenant_id, row.principal_id);
        const t = nextRisk(
          current,
          { kind: 'remediate', detections },
          { at, initiatedBy: who, privileged: false },
        );
        if (t.detectionsBecome) {
          await risk.settleDetections(
            trx,
            row.tenant_id,
            row.principal_id,
            t.detectionsBecome,
            t.risk.riskDetail,
            at,
          );
        }
        await risk.putRisk(trx, row.tenant_id, row.principal_id, t.risk);
        if (t.history)
          await risk.appendHistory(trx, row.tenant_id, row.principal_id, randomUUID(), t.history);
        await q.update(row, trx);
      });
      await recordOnPrincipal(
        row.tenant_id,
        row.principal_id,
        'Remediate service principal',
        'Update',
        namedUser(who),
        [],
      );
    }
    return {
      id: row.id,
      servicePrincipalId: row.principal_id,
      state: row.state as RemediationPlanView['state'],
      createdDateTime: row.created_at,
      createdBy: row.created_by,
      completedDateTime: row.completed_at,
      firstDetectionDateTime: record.firstDetectionDateTime,
      directoryConnected: connected,
      steps: evaluation.steps,
    };
  };

  const openPlan = async (tenantId: string, principalId: string): Promise<RemediationPlanTable> => {
    const row = await q.latest(tenantId, principalId.toLowerCase());
    if (row === undefined || row.state !== 'inProgress') {
      throw new ApiError(
        'Request_ResourceNotFound',
        `Service principal ${principalId} has no remediation in progress: start one with POST …/remediation.`,
      );
    }
    return row;
  };

  const change = async (row: RemediationPlanTable, record: PlanRecord, actor: ActionActor) => {
    record.lastActor = actor.initiatedBy;
    row.body = JSON.stringify(record);
    row.updated_at = clock().toISOString();
    await q.update(row);
  };

  // Every plan action is written to the audit log, against the principal it remediates.
  const recordOnPrincipal = (
    tenantId: string,
    principalId: string,
    activity: string,
    operationType: 'Add' | 'Update',
    actor: AuditActor,
    modifiedProperties: AuditTarget['modifiedProperties'],
  ) =>
    audit.record(tenantId, {
      activity,
      category: 'IdentityProtection',
      operationType,
      targets: [{ id: principalId, displayName: null, type: 'ServicePrincipal', modifiedProperties }],
      actor,
    });

  const nameOf = (actor: ActionActor) =>
    actor.audit.userPrincipalName ?? actor.audit.displayName ?? actor.initiatedBy;

  return {
    /** Starts a plan, or returns the one in progress; `created` says which. */
    async start(
      tenantId: string,
      principalId: string,
      actor: ActionActor,
    ): Promise<{ plan: RemediationPlanView; created: boolean }> {
      const owner = await principalOf(tenantId, principalId);
      const existing = await q.latest(tenantId, owner.id);
      if (existing?.state === 'inProgress') return { plan: await settle(existing), created: false };
      const now = clock().toISOString();
      const rows = await q.credentialsOf(tenantId, owner.id, owner.appId);
      const first = await investigation.firstActiveDetectionAt(tenantId, owner.id);
      const record = newPlanRecord(rows.map(credentialNow), first, now);
      record.lastActor = actor.initiatedBy;
      const row: RemediationPlanTable = {
        tenant_id: tenantId,
        id: randomUUID(),
        principal_id: owner.id,
        state: 'inProgress',
        created_at: now,
        created_by: nameOf(actor),
        completed_at: null,
        updated_at: now,
        body: JSON.stringify(record),
      };
      await q.insert(row);
      await recordOnPrincipal(
        tenantId,
        owner.id,
        'Start service principal remediation',
        'Add',
        actor.audit,
        [],
      );
      return { plan: await settle(row), created: true };
    },

    /** The principal's latest plan, evaluated now; null when it never had one. */
    async get(tenantId: string, principalId: string): Promise<RemediationPlanView | null> {
      await principalOf(tenantId, principalId);
      const row = await q.latest(tenantId, principalId.toLowerCase());
      return row === undefined ? null : settle(row);
    },

    /**
     * Marks a step done by hand (the inventory reviewed; Key Vault secrets rotated outside Vigil)
     * or skips one that may be skipped (Key Vault rotation, disabling). Steps that Vigil sees done
     * by themselves (a new credential, old ones removed) cannot be marked.
     */
    async mark(
      tenantId: string,
      principalId: string,
      step: string,
      how: 'complete' | 'skip',
      actor: ActionActor,
      note: string | null,
    ): Promise<RemediationPlanView> {
      assertThat(
        (STEP_NAMES as readonly string[]).includes(step),
        'BadRequest',
        `Unknown step '${step}'; the steps are ${STEP_NAMES.join(', ')}.`,
      );
      assertThat(
        note === null || note.length <= 1000,
        'BadRequest',
        'note may have at most 1000 characters.',
      );
      const row = await openPlan(tenantId, principalId);
      const record = JSON.parse(row.body) as PlanRecord;
      const marker = { at: clock().toISOString(), by: nameOf(actor), note };
      const name = step as StepName;
      if (how === 'complete') {
        if (name === 'reviewInventory') record.review = marker;
        else if (name === 'rotateKeyVaultSecrets') record.keyVault.done = marker;
        else {
          throw new ApiError(
            'BadRequest',
            name === 'disable'
              ? 'The disable step is done when the service principal is disabled (PATCH accountEnabled false).'
              : `The ${name} step is done when Vigil sees it done: ${name === 'addCredential' ? 'add a credential' : 'remove the credentials'} through the credential actions.`,
          );
        }
      } else {
        if (name === 'rotateKeyVaultSecrets') record.keyVault.skipped = marker;
        else if (name === 'disable') record.disableSkipped = marker;
        else throw new ApiError('BadRequest', `The ${name} step cannot be skipped.`);
      }
      await change(row, record, actor);
      await recordOnPrincipal(
        tenantId,
        row.principal_id,
        how === 'complete' ? 'Complete remediation step' : 'Skip remediation step',
        'Update',
        actor.audit,
        [{ displayName: 'RemediationStep', oldValue: null, newValue: JSON.stringify(name) }],
      );
      return settle(row);
    },

    /**
     * Rotates named Key Vault secrets (a new version each, with a fresh random value) through the
     * tenant's connection; without one, returns the requests to run and changes nothing.
     */
    async rotateSecrets(
      tenantId: string,
      principalId: string,
      input: { vaultUrl?: unknown; secretNames?: unknown },
      actor: ActionActor,
    ): Promise<RotationOutcome> {
      const vaultUrl = typeof input.vaultUrl === 'string' ? input.vaultUrl : '';
      let url: URL;
      try {
        url = new URL(vaultUrl);
      } catch {
        throw new ApiError(
          'BadRequest',
          'vaultUrl must be the vault URL, e.g. https://billing-kv.vault.azure.net.',
        );
      }
      assertThat(
        url.protocol === 'https:' || url.hostname === '127.0.0.1' || url.hostname === 'localhost',
        'BadRequest',
        'vaultUrl must be an https URL.',
      );
      const names = input.secretNames;
      assertThat(
        Array.isArray(names) && names.length > 0 && names.length <= MAX_SECRETS_PER_CALL,
        'BadRequest',
        `secretNames must list 1 to ${MAX_SECRETS_PER_CALL} secret names.`,
      );
      for (const n of names) {
        assertThat(
          typeof n === 'string' && SECRET_NAME.test(n),
          'BadRequest',
          `Not a Key Vault secret name: '${String(n)}'.`,
        );
      }
      const secretNames = names as string[];
      const row = await openPlan(tenantId, principalId);
      const record = JSON.parse(row.body) as PlanRecord;
      const connection = deps.connectionFor?.(tenantId) ?? null;
      if (connection === null) {
        return {
          rotated: [],
          directoryRequests: secretNames.map((n) => renderKeyVaultRotation(vaultUrl, n)),
          plan: await settle(row),
        };
      }
      const vault = createKeyVaultConnector(connection);
      const rotated: RotationOutcome['rotated'] = [];
      try {
        for (const secretName of secretNames) {
          const r = await vault.rotateSecret(vaultUrl, secretName, newSecretValue());
          rotated.push({ vaultUrl: url.origin, secretName, versionId: r.id });
          record.keyVault.rotations.push({
            vaultUrl: url.origin,
            secretName,
            versionId: r.id,
            at: clock().toISOString(),
            by: nameOf(actor),
          });
        }
      } catch (err) {
        // What was rotated before the failure stays recorded.
        await change(row, record, actor);
        if (err instanceof KeyVaultError) throw new ApiError('BadGateway', err.message);
        throw err;
      }
      await change(row, record, actor);
      await recordOnPrincipal(tenantId, row.principal_id, 'Rotate Key Vault secrets', 'Update', actor.audit, [
        { displayName: 'Secrets', oldValue: null, newValue: JSON.stringify(rotated.map((r) => r.versionId)) },
      ]);
      return { rotated, directoryRequests: [], plan: await settle(row) };
    },
  };
}

/** Remediation, as built by `createRemediation`. */
export type Remediation = ReturnType<typeof createRemediation>;

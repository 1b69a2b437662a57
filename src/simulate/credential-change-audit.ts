import { type AuditInitiator, type CredentialOwner, makeCredentialChangeRecord } from './audit-records.ts';
import type { CredentialLedger } from './credential-ledger.ts';
import type { Random } from './random.ts';
import type { ModelCredential, TenantModel } from './tenant-model.ts';
import type { PlannedAudit } from './workload-life.ts';

/**
 * The audit event of a credential added to or removed from an object at `at`, its KeyDescription
 * read from the ledger: the keys held just before and at `at`.
 */
export function credentialChangeAudit(
  model: TenantModel,
  ledger: CredentialLedger,
  principalId: string,
  owner: CredentialOwner,
  at: number,
  initiator: (rnd: Random) => AuditInitiator,
): PlannedAudit {
  const side: ModelCredential['owner'] = owner.type === 'Application' ? 'application' : 'servicePrincipal';
  return {
    at,
    make: (rnd) =>
      makeCredentialChangeRecord(model, rnd, new Date(at), {
        owner,
        before: ledger.heldAt(principalId, side, at - 1),
        after: ledger.heldAt(principalId, side, at),
        initiator: initiator(rnd),
      }),
  };
}

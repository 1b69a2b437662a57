import type { Kysely } from 'kysely';
import type { Store } from '../open-store.ts';
import type { CredentialTable, Database, RemediationPlanTable } from '../schema.ts';
import { createInventoryQueries } from './inventory-queries.ts';

/** App id of Azure Key Vault, the resource of a workload's sign-ins to its vaults. */
export const KEY_VAULT_APP_ID = 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093';

/** A successful sign-in that named one of the given credentials. */
export interface CredentialSignIn {
  id: string;
  createdAt: string;
  keyId: string | null;
  thumbprint: string | null;
  ipAddress: string | null;
}

/** Reads and writes of remediation plans, and the facts plans are evaluated against. */
export function createRemediationQueries(store: Store) {
  const db = store.db;
  const inventory = createInventoryQueries(store);
  return {
    /** The principal's most recent plan. */
    async latest(tenantId: string, principalId: string): Promise<RemediationPlanTable | undefined> {
      return db
        .selectFrom('remediation_plans')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
    },
    async insert(row: RemediationPlanTable): Promise<void> {
      await db.insertInto('remediation_plans').values(row).execute();
    },
    /** Writes a plan's state and body (in the caller's transaction when given). */
    async update(row: RemediationPlanTable, trx: Kysely<Database> = db): Promise<void> {
      await trx
        .updateTable('remediation_plans')
        .set({ state: row.state, completed_at: row.completed_at, updated_at: row.updated_at, body: row.body })
        .where('tenant_id', '=', row.tenant_id)
        .where('id', '=', row.id)
        .execute();
    },
    /** Every credential row of the principal and of its application (by app id), removed ones included. */
    async credentialsOf(
      tenantId: string,
      principalId: string,
      appId: string | null,
    ): Promise<CredentialTable[]> {
      const owners = [principalId];
      const app = appId === null ? undefined : await inventory.applicationOfAppId(tenantId, appId);
      if (app) owners.push(app.id);
      return db
        .selectFrom('credentials')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('owner_id', 'in', owners)
        .orderBy('key_id')
        .execute();
    },
    /** Successful sign-ins of the principal after `since` naming any of the credentials. */
    async signInsWith(
      tenantId: string,
      principalId: string,
      keyIds: readonly string[],
      thumbprints: readonly string[],
      since: string,
    ): Promise<CredentialSignIn[]> {
      if (keyIds.length === 0 && thumbprints.length === 0) return [];
      const rows = await db
        .selectFrom('sign_ins')
        .select([
          'id',
          'created_at',
          'credential_key_id',
          'federated_credential_id',
          'credential_thumbprint',
          'ip_address',
        ])
        .where('tenant_id', '=', tenantId)
        .where('service_principal_id', '=', principalId)
        .where('status_code', '=', 0)
        .where('created_at', '>', since)
        .where((eb) => {
          const terms = [];
          if (keyIds.length > 0) {
            terms.push(
              eb('credential_key_id', 'in', [...keyIds]),
              eb('federated_credential_id', 'in', [...keyIds]),
            );
          }
          if (thumbprints.length > 0) terms.push(eb('credential_thumbprint', 'in', [...thumbprints]));
          return eb.or(terms);
        })
        .orderBy('created_at')
        .limit(1000)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        createdAt: r.created_at,
        keyId: r.credential_key_id ?? r.federated_credential_id,
        thumbprint: r.credential_thumbprint,
        ipAddress: r.ip_address,
      }));
    },
    /** The principal's successful sign-ins to Azure Key Vault: how many, and the last. */
    async keyVaultSignIns(
      tenantId: string,
      principalId: string,
    ): Promise<{ signIns: number; lastSignInDateTime: string | null }> {
      const r = await db
        .selectFrom('sign_ins')
        .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('created_at').as('last')])
        .where('tenant_id', '=', tenantId)
        .where('service_principal_id', '=', principalId)
        .where('resource_id', '=', KEY_VAULT_APP_ID)
        .where('status_code', '=', 0)
        .executeTakeFirst();
      return { signIns: Number(r?.n ?? 0), lastSignInDateTime: r?.last == null ? null : String(r.last) };
    },
  };
}

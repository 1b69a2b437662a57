import type { Kysely } from 'kysely';
import type { SecretHash } from '../../leaks/client-secret-hash.ts';
import type { Store } from '../open-store.ts';
import type { CredentialTable, Database } from '../schema.ts';
import { bumpCounter } from './bump-counter.ts';

/** A service principal or application as the credential actions address it. */
export interface CredentialOwner {
  objectType: 'servicePrincipal' | 'application';
  id: string;
  appId: string | null;
  displayName: string | null;
  /** Service principals only: whether it may sign in (null when unknown). */
  accountEnabled: boolean | null;
}

/**
 * Reads and writes of the credential actions (add and remove credentials, enable or disable). Every
 * write bumps `directory_version` in the caller's transaction: cached Graph reads show these objects.
 */
export function createCredentialActionQueries(store: Store) {
  const db = store.db;
  return {
    /** The object by its object id or its app id; undefined when the tenant has none. */
    async owner(
      tenantId: string,
      objectType: CredentialOwner['objectType'],
      by: { id: string } | { appId: string },
    ): Promise<CredentialOwner | undefined> {
      const [column, value] = 'id' in by ? (['id', by.id] as const) : (['app_id', by.appId] as const);
      if (objectType === 'servicePrincipal') {
        const r = await db
          .selectFrom('service_principals')
          .select(['id', 'app_id', 'display_name', 'account_enabled'])
          .where('tenant_id', '=', tenantId)
          .where(column, '=', value)
          .executeTakeFirst();
        return r === undefined
          ? undefined
          : {
              objectType,
              id: r.id,
              appId: r.app_id,
              displayName: r.display_name,
              accountEnabled: r.account_enabled === null ? null : Number(r.account_enabled) === 1,
            };
      }
      const r = await db
        .selectFrom('applications')
        .select(['id', 'app_id', 'display_name'])
        .where('tenant_id', '=', tenantId)
        .where(column, '=', value)
        .executeTakeFirst();
      return r === undefined
        ? undefined
        : { objectType, id: r.id, appId: r.app_id, displayName: r.display_name, accountEnabled: null };
    },

    /** The object's credentials not removed, of one type. */
    async current(
      tenantId: string,
      ownerId: string,
      type: CredentialTable['type'],
    ): Promise<CredentialTable[]> {
      return db
        .selectFrom('credentials')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('owner_id', '=', ownerId)
        .where('type', '=', type)
        .where('removed_at', 'is', null)
        .orderBy('key_id')
        .execute();
    },

    /** Stores a credential Vigil added (or learnt from the directory's answer to adding it). */
    async insert(trx: Kysely<Database>, row: CredentialTable): Promise<void> {
      await trx
        .insertInto('credentials')
        .values(row)
        .onConflict((oc) => oc.columns(['tenant_id', 'owner_id', 'key_id']).doUpdateSet({ ...row }))
        .execute();
      await bumpCounter(trx, 'directory_version');
    },

    /** Marks a current credential removed; false when the object holds no such current credential. */
    async markRemoved(
      trx: Kysely<Database>,
      tenantId: string,
      ownerId: string,
      keyId: string,
      at: string,
      by: string,
    ): Promise<boolean> {
      const r = await trx
        .updateTable('credentials')
        .set({ removed_at: at, removed_by: by, updated_at: at })
        .where('tenant_id', '=', tenantId)
        .where('owner_id', '=', ownerId)
        .where('key_id', '=', keyId)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      const removed = Number(r.numUpdatedRows) > 0;
      if (removed) await bumpCounter(trx, 'directory_version');
      return removed;
    },

    /** Enables or disables a service principal. */
    async setAccountEnabled(
      trx: Kysely<Database>,
      tenantId: string,
      principalId: string,
      enabled: boolean,
      at: string,
    ): Promise<void> {
      await trx
        .updateTable('service_principals')
        .set({ account_enabled: enabled ? 1 : 0, updated_at: at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', principalId)
        .execute();
      await bumpCounter(trx, 'directory_version');
    },

    /** keyId → salted hash of every client secret Vigil issued in the tenant, to match leaks exactly. */
    async secretHashes(tenantId: string): Promise<Map<string, SecretHash>> {
      const rows = await db
        .selectFrom('credentials')
        .select(['key_id', 'secret_salt', 'secret_hash'])
        .where('tenant_id', '=', tenantId)
        .where('secret_hash', 'is not', null)
        .execute();
      const out = new Map<string, SecretHash>();
      for (const r of rows) {
        if (r.secret_salt !== null && r.secret_hash !== null) {
          out.set(r.key_id, { salt: r.secret_salt, hash: r.secret_hash });
        }
      }
      return out;
    },

    /** keyId → certificate (PEM) of every certificate Vigil registered in the tenant. */
    async certificates(tenantId: string): Promise<Map<string, string>> {
      const rows = await db
        .selectFrom('credentials')
        .select(['key_id', 'certificate'])
        .where('tenant_id', '=', tenantId)
        .where('certificate', 'is not', null)
        .execute();
      return new Map(rows.flatMap((r) => (r.certificate === null ? [] : [[r.key_id, r.certificate]])));
    },
  };
}

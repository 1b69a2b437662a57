import type { Credential, RemovedCredential, ServicePrincipal } from '../../domain/index.ts';
import type { Store } from '../open-store.ts';
import { rowToCredential, rowToPrincipal } from '../rows/inventory-rows.ts';
import type { ServicePrincipalTable } from '../schema.ts';

/** Reads service principals, applications and credentials. */
export function createInventoryQueries(store: Store) {
  return {
    async getPrincipal(tenantId: string, id: string): Promise<ServicePrincipal | undefined> {
      const r = await store.db
        .selectFrom('service_principals')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? rowToPrincipal(r) : undefined;
    },
    async listPrincipals(tenantId: string): Promise<ServicePrincipal[]> {
      const rows = await store.db
        .selectFrom('service_principals')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('id')
        .execute();
      return rows.map(rowToPrincipal);
    },
    /** Credentials held by a principal or application, current and removed. */
    async credentialsOf(tenantId: string, ownerId: string): Promise<Credential[]> {
      const rows = await store.db
        .selectFrom('credentials')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('owner_id', '=', ownerId)
        .orderBy('key_id')
        .execute();
      return rows.map(rowToCredential);
    },
    /** The application registration of an app id, if the inventory has it. */
    async applicationOfAppId(
      tenantId: string,
      appId: string,
    ): Promise<{ id: string; displayName: string | null } | undefined> {
      const r = await store.db
        .selectFrom('applications')
        .select(['id', 'display_name'])
        .where('tenant_id', '=', tenantId)
        .where('app_id', '=', appId)
        .executeTakeFirst();
      return r ? { id: r.id, displayName: r.display_name } : undefined;
    },
    /**
     * When each credential a principal signed in with was last used, by key id and by certificate
     * thumbprint: successful sign-ins only, with how many there were.
     */
    async credentialUse(
      tenantId: string,
      principalId: string,
    ): Promise<{ keyId: string | null; thumbprint: string | null; lastUsedAt: string; signIns: number }[]> {
      const rows = await store.db
        .selectFrom('sign_ins')
        .select((eb) => [
          'credential_key_id',
          'credential_thumbprint',
          eb.fn.max('created_at').as('last'),
          eb.fn.countAll().as('n'),
        ])
        .where('tenant_id', '=', tenantId)
        .where('service_principal_id', '=', principalId)
        .where('status_code', '=', 0)
        .where((eb) =>
          eb.or([eb('credential_key_id', 'is not', null), eb('credential_thumbprint', 'is not', null)]),
        )
        .groupBy(['credential_key_id', 'credential_thumbprint'])
        .execute();
      return rows.map((r) => ({
        keyId: r.credential_key_id,
        thumbprint: r.credential_thumbprint,
        lastUsedAt: String(r.last),
        signIns: Number(r.n),
      }));
    },
    /** Stored rows of the named principals, by id (for joining names and types into other views). */
    async principalRows(
      tenantId: string,
      ids: readonly string[],
    ): Promise<Map<string, ServicePrincipalTable>> {
      if (ids.length === 0) return new Map();
      const rows = await store.db
        .selectFrom('service_principals')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', [...new Set(ids)])
        .execute();
      return new Map(rows.map((r) => [r.id, r]));
    },
    /**
     * Credentials removed from the tenant's service principals and their applications, keyed by the
     * service principal that signs in with them (an application's go to the principal of its app id).
     */
    async removedCredentialsByPrincipal(tenantId: string): Promise<Map<string, RemovedCredential[]>> {
      const columns = [
        'c.key_id',
        'c.thumbprint',
        'c.type',
        'c.owner_type',
        'c.removed_at',
        'c.removed_by',
      ] as const;
      const own = await store.db
        .selectFrom('credentials as c')
        .select([...columns, 'c.owner_id as principal_id'])
        .where('c.tenant_id', '=', tenantId)
        .where('c.owner_type', '=', 'servicePrincipal')
        .where('c.removed_at', 'is not', null)
        .execute();
      const ofApplications = await store.db
        .selectFrom('credentials as c')
        .innerJoin('applications as a', (j) =>
          j.onRef('a.tenant_id', '=', 'c.tenant_id').onRef('a.id', '=', 'c.owner_id'),
        )
        .innerJoin('service_principals as sp', (j) =>
          j.onRef('sp.tenant_id', '=', 'a.tenant_id').onRef('sp.app_id', '=', 'a.app_id'),
        )
        .select([...columns, 'sp.id as principal_id'])
        .where('c.tenant_id', '=', tenantId)
        .where('c.owner_type', '=', 'application')
        .where('c.removed_at', 'is not', null)
        .execute();
      const out = new Map<string, RemovedCredential[]>();
      for (const r of [...own, ...ofApplications]) {
        const row: RemovedCredential = {
          keyId: r.key_id,
          thumbprint: r.thumbprint,
          type: r.type as RemovedCredential['type'],
          ownerType: r.owner_type as RemovedCredential['ownerType'],
          removedAt: r.removed_at!,
          removedBy: r.removed_by,
        };
        const list = out.get(r.principal_id);
        if (list) list.push(row);
        else out.set(r.principal_id, [row]);
      }
      return out;
    },
  };
}

import type { Credential, ServicePrincipal } from '../../domain/index.ts';
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
  };
}

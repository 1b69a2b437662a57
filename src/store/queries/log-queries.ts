import type { DirectoryAudit, SignIn } from '../../domain/index.ts';
import type { Store } from '../open-store.ts';
import { rowToAudit } from '../rows/audit-row.ts';
import { rowToSignIn } from '../rows/sign-in-row.ts';

/** Reads stored sign-ins and audit events. */
export function createLogQueries(store: Store) {
  return {
    async countSignIns(tenantId?: string): Promise<number> {
      let q = store.db.selectFrom('sign_ins').select((eb) => eb.fn.countAll().as('n'));
      if (tenantId) q = q.where('tenant_id', '=', tenantId);
      return Number((await q.executeTakeFirstOrThrow()).n);
    },
    async countAudits(tenantId?: string): Promise<number> {
      let q = store.db.selectFrom('directory_audits').select((eb) => eb.fn.countAll().as('n'));
      if (tenantId) q = q.where('tenant_id', '=', tenantId);
      return Number((await q.executeTakeFirstOrThrow()).n);
    },
    async getSignIn(tenantId: string, id: string): Promise<SignIn | undefined> {
      const r = await store.db
        .selectFrom('sign_ins')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? rowToSignIn(r) : undefined;
    },
    /** A principal's sign-ins in event-time order. */
    async signInsOf(tenantId: string, principalId: string): Promise<SignIn[]> {
      const rows = await store.db
        .selectFrom('sign_ins')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('service_principal_id', '=', principalId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(rowToSignIn);
    },
    async getAudit(tenantId: string, id: string): Promise<DirectoryAudit | undefined> {
      const r = await store.db
        .selectFrom('directory_audits')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r ? rowToAudit(r) : undefined;
    },
    /** The highest ingest batch committed so far (0 when empty). */
    async lastBatch(): Promise<number> {
      const r = await store.db
        .selectFrom('counters')
        .select('value')
        .where('name', '=', 'ingest_batch')
        .executeTakeFirst();
      return r ? Number(r.value) : 0;
    },
  };
}

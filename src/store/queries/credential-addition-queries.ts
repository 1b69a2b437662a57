import type { Kysely } from 'kysely';
import type { AssessedAddition } from '../../domain/index.ts';
import type { Store } from '../open-store.ts';
import type { Database } from '../schema.ts';

// Principals per `in (…)` list.
const CHUNK_PRINCIPALS = 500;

/** Assessed credential additions: written once their audit event is assessed, read back by later runs. */
export function createCredentialAdditionQueries(store: Store) {
  return {
    /** Stores additions with their verdicts; an addition already stored keeps its row. */
    async save(db: Kysely<Database>, additions: readonly AssessedAddition[]): Promise<void> {
      const values: unknown[] = [];
      for (const a of additions) {
        values.push(
          a.tenantId,
          a.auditId,
          a.keyId,
          a.principalId,
          a.at,
          a.routine ? 1 : 0,
          JSON.stringify(a),
        );
      }
      await store.capabilities.insertIgnore(
        db,
        'credential_additions',
        ['tenant_id', 'audit_id', 'key_id', 'principal_id', 'at', 'routine', 'addition'],
        ['tenant_id', 'audit_id', 'key_id'],
        values,
      );
    },
    /**
     * The additions of the principals (all of the tenant's when `principalIds` is null) made in
     * [from, to], by principal, in event order.
     */
    async of(
      tenantId: string,
      principalIds: readonly string[] | null,
      from: string,
      to: string,
    ): Promise<Map<string, AssessedAddition[]>> {
      const out = new Map<string, AssessedAddition[]>();
      const lists = principalIds === null ? [null] : chunks(principalIds);
      for (const ids of lists) {
        let q = store.db
          .selectFrom('credential_additions')
          .select(['principal_id', 'addition'])
          .where('tenant_id', '=', tenantId)
          .where('at', '>=', from)
          .where('at', '<=', to);
        if (ids !== null) q = q.where('principal_id', 'in', ids);
        for (const r of await q.orderBy('at').orderBy('audit_id').orderBy('key_id').execute()) {
          const list = out.get(r.principal_id);
          const a = JSON.parse(r.addition) as AssessedAddition;
          if (list) list.push(a);
          else out.set(r.principal_id, [a]);
        }
      }
      return out;
    },
  };
}

function chunks(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK_PRINCIPALS) out.push(ids.slice(i, i + CHUNK_PRINCIPALS));
  return out;
}

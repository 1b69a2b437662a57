import type { Store } from '../open-store.ts';

const CHUNK = 500;

/** Where polling of one configured TAXII collection resumes, and how its last attempt went. */
export interface TaxiiPollState {
  name: string;
  /** The API root and collection the state was recorded for. */
  apiRoot: string;
  collectionId: string;
  /** Ask for objects the server added after this; null reads the whole collection. */
  addedAfter: string | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  /** Why the last attempt failed; null when it succeeded. */
  lastError: string | null;
  /** Indicators the last successful poll imported. */
  indicators: number;
}

/** What a poll attempt was about. */
export interface TaxiiPollTarget {
  name: string;
  apiRoot: string;
  collectionId: string;
}

/** Poll state of TAXII collections, and the removal of indicators a collection withdrew. */
export function createTaxiiPollQueries(store: Store) {
  async function put(row: {
    name: string;
    api_root: string;
    collection_id: string;
    added_after: string | null;
    last_attempt_at: string;
    last_success_at: string | null;
    last_error: string | null;
    indicators: number;
  }) {
    await store.db
      .insertInto('taxii_polls')
      .values(row)
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({
          api_root: row.api_root,
          collection_id: row.collection_id,
          added_after: row.added_after,
          last_attempt_at: row.last_attempt_at,
          last_success_at: row.last_success_at,
          last_error: row.last_error,
          indicators: row.indicators,
        }),
      )
      .execute();
  }

  return {
    async get(name: string): Promise<TaxiiPollState | null> {
      const r = await store.db
        .selectFrom('taxii_polls')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      if (!r) return null;
      return {
        name: r.name,
        apiRoot: r.api_root,
        collectionId: r.collection_id,
        addedAfter: r.added_after,
        lastAttemptAt: r.last_attempt_at,
        lastSuccessAt: r.last_success_at,
        lastError: r.last_error,
        indicators: Number(r.indicators),
      };
    },

    /** Records a successful poll and where the next one resumes. */
    async recordSuccess(target: TaxiiPollTarget, at: string, addedAfter: string | null, indicators: number) {
      await put({
        name: target.name,
        api_root: target.apiRoot,
        collection_id: target.collectionId,
        added_after: addedAfter,
        last_attempt_at: at,
        last_success_at: at,
        last_error: null,
        indicators,
      });
    },

    /** Records a failed poll; where the next one resumes stays as it was. */
    async recordFailure(target: TaxiiPollTarget, at: string, error: string) {
      const known = await this.get(target.name);
      const same = known && known.apiRoot === target.apiRoot && known.collectionId === target.collectionId;
      await put({
        name: target.name,
        api_root: target.apiRoot,
        collection_id: target.collectionId,
        added_after: same ? known.addedAfter : null,
        last_attempt_at: at,
        last_success_at: same ? known.lastSuccessAt : null,
        last_error: error,
        indicators: same ? known.indicators : 0,
      });
    },

    /**
     * Removes the source's stored indicators among the given STIX ids, except the (id, address)
     * pairs in `keep`: what a newer version of an indicator no longer lists, or a revocation
     * withdrew. Returns how many were removed.
     */
    async withdraw(source: string, ids: readonly string[], keep: ReadonlySet<string>): Promise<number> {
      let removed = 0;
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = await store.db
          .selectFrom('threat_indicators')
          .select(['key', 'source_id', 'cidr'])
          .where('source', '=', source)
          .where('source_id', 'in', ids.slice(i, i + CHUNK))
          .execute();
        const gone = rows.filter((r) => !keep.has(`${r.source_id}|${r.cidr}`)).map((r) => r.key);
        for (let j = 0; j < gone.length; j += CHUNK) {
          const r = await store.db
            .deleteFrom('threat_indicators')
            .where('key', 'in', gone.slice(j, j + CHUNK))
            .executeTakeFirst();
          removed += Number(r.numDeletedRows);
        }
      }
      return removed;
    },

    /** Removes the source's indicators that stopped holding before `before`; returns how many. */
    async purgeExpired(source: string, before: string): Promise<number> {
      const r = await store.db
        .deleteFrom('threat_indicators')
        .where('source', '=', source)
        .where('valid_until', '<', before)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

import { sql } from 'kysely';
import type { SignIn } from '../../domain/index.ts';
import type { Store } from '../open-store.ts';
import { rowToSignIn } from '../rows/sign-in-row.ts';

/** Ingest batches after `fromBatch`, up to and including `toBatch`. */
export interface BatchRange {
  fromBatch: number;
  toBatch: number;
}

/** Event times, both ends included unless a method says otherwise. */
export interface TimeSpan {
  from: string;
  to: string;
}

/** One source address of a tenant, and the event-time span of the records in question. */
export interface AddressSpan {
  tenantId: string;
  ipAddress: string;
  first: string;
  last: string;
}

/** One source address of a tenant. */
export interface TenantAddress {
  tenantId: string;
  ipAddress: string;
}

// The partial index over failures (migration 0007) is used only when a query states its condition
// in the same words: a bound parameter in its place would hide it from SQLite's planner.
const FAILED = sql<boolean>`status_code <> 0`;

// The tenant as an expression, not a bare column: SQLite plans without statistics and would rather
// walk the primary key's tenant prefix (every row of the tenant) than the event-time range.
function ofTenant(tenantId: string) {
  return sql<boolean>`(tenant_id || '') = ${tenantId}`;
}

// Addresses per read of new successes: four bound values each, far below either dialect's cap.
const CHUNK_ADDRESSES = 1_000;

/**
 * The items' time spans merged where they overlap or lie `gapMs` apart or closer, in time order, each
 * with the items it holds. Items whose span is empty (ends before it begins) are left out.
 */
function mergeSpansOf<T>(
  items: readonly T[],
  spanOf: (item: T) => TimeSpan,
  gapMs: number,
): (TimeSpan & { items: T[] })[] {
  const spans = items
    .map((item) => ({ ...spanOf(item), items: [item] }))
    .filter((s) => s.from <= s.to)
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const merged: (TimeSpan & { items: T[] })[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && Date.parse(s.from) - Date.parse(last.to) <= gapMs) {
      if (s.to > last.to) last.to = s.to;
      last.items.push(...s.items);
    } else merged.push(s);
  }
  return merged;
}

/** Time spans in order, merged where they lie `gapMs` apart or closer. */
export function mergeTimeSpans(spans: readonly TimeSpan[], gapMs: number): TimeSpan[] {
  return mergeSpansOf(spans, (s) => s, gapMs).map(({ from, to }) => ({ from, to }));
}

/**
 * Reads for password spray detection. Failures are found through the partial index over failed
 * sign-ins; successful ones only for one address at a time, once its failures showed a spray.
 */
export function createSprayQueries(store: Store) {
  /** Per tenant and address (once grouped), the first and last event time of the rows in the span. */
  const addressSpansIn = (span: TimeSpan) =>
    store.db
      .selectFrom('sign_ins')
      .select((eb) => [
        'tenant_id',
        'ip_address',
        eb.fn.min('created_at').as('first'),
        eb.fn.max('created_at').as('last'),
      ])
      .where('created_at', '>=', span.from)
      .where('created_at', '<=', span.to);

  return {
    /**
     * The event-time spans the batches brought, one per batch, merged where they lie closer than
     * `mergeGapMs`: the ranges a run must look around.
     */
    async arrivalSpans(range: BatchRange, mergeGapMs: number): Promise<TimeSpan[]> {
      const rows = await store.db
        .selectFrom('sign_in_arrivals')
        .select((eb) => [eb.fn.min('first_created_at').as('first'), eb.fn.max('last_created_at').as('last')])
        .where('ingest_batch', '>', range.fromBatch)
        .where('ingest_batch', '<=', range.toBatch)
        .groupBy('ingest_batch')
        .execute();
      return mergeTimeSpans(
        rows.map((r) => ({ from: String(r.first), to: String(r.last) })),
        mergeGapMs,
      );
    },

    /**
     * Addresses from which at least `minTargets` distinct principals failed with one of `codes` in
     * the span, with the event-time span of those failures. Distinct targets are told apart by
     * principal and app id, so probes of app ids the tenant does not know (no principal object)
     * count one each.
     */
    async busyAddresses(
      span: TimeSpan,
      codes: readonly number[],
      minTargets: number,
    ): Promise<AddressSpan[]> {
      const rows = await addressSpansIn(span)
        .where(FAILED)
        .where('status_code', 'in', [...codes])
        .where('ip_address', 'is not', null)
        .groupBy(['tenant_id', 'ip_address'])
        .having(sql`count(distinct service_principal_id || '|' || coalesce(app_id, ''))`, '>=', minTargets)
        .orderBy('tenant_id')
        .orderBy('ip_address')
        .execute();
      return rows.map((r) => ({
        tenantId: r.tenant_id,
        ipAddress: String(r.ip_address),
        first: String(r.first),
        last: String(r.last),
      }));
    },

    /** Addresses with failures (one of `codes`) new in the batches, within the span, and their event-time span. */
    async newFailureAddresses(
      range: BatchRange,
      span: TimeSpan,
      codes: readonly number[],
    ): Promise<AddressSpan[]> {
      const rows = await addressSpansIn(span)
        .where(FAILED)
        .where('ingest_batch', '>', range.fromBatch)
        .where('ingest_batch', '<=', range.toBatch)
        .where('status_code', 'in', [...codes])
        .where('ip_address', 'is not', null)
        .groupBy(['tenant_id', 'ip_address'])
        .execute();
      return rows.map((r) => ({
        tenantId: r.tenant_id,
        ipAddress: String(r.ip_address),
        first: String(r.first),
        last: String(r.last),
      }));
    },

    /**
     * Per address (`tenant|address`, each given once), the event-time span of its successful sign-ins
     * new in the batches, looking only between the address's `first` and `last`; addresses with none are left
     * out. Successful sign-ins have no index by address, so a read walks every sign-in of its time
     * span: the addresses' spans are merged where they overlap and each merged span is read once for
     * all its addresses, each address still only within its own.
     */
    async newSuccessSpans(
      addresses: readonly AddressSpan[],
      range: BatchRange,
    ): Promise<Map<string, { first: string; last: string }>> {
      const out = new Map<string, { first: string; last: string }>();
      const spanOf = (a: AddressSpan) => ({ from: a.first, to: a.last });
      for (const merged of mergeSpansOf(addresses, spanOf, 0)) {
        for (let i = 0; i < merged.items.length; i += CHUNK_ADDRESSES) {
          const rows = await addressSpansIn(merged)
            .where('ingest_batch', '>', range.fromBatch)
            .where('ingest_batch', '<=', range.toBatch)
            .where('status_code', '=', 0)
            .where((eb) =>
              eb.or(
                merged.items
                  .slice(i, i + CHUNK_ADDRESSES)
                  .map((a) =>
                    eb.and([
                      ofTenant(a.tenantId),
                      eb('ip_address', '=', a.ipAddress),
                      eb('created_at', '>=', a.first),
                      eb('created_at', '<=', a.last),
                    ]),
                  ),
              ),
            )
            .groupBy(['tenant_id', 'ip_address'])
            .execute();
          for (const r of rows) {
            // An address stands in one merged span and one chunk only, so each key is found once.
            out.set(`${r.tenant_id}|${r.ip_address}`, { first: String(r.first), last: String(r.last) });
          }
        }
      }
      return out;
    },

    /** The address's failures with one of `codes` in [from, to), across principals, in event-time order. */
    async failuresFrom(
      address: TenantAddress,
      window: TimeSpan,
      codes: readonly number[],
    ): Promise<SignIn[]> {
      const rows = await store.db
        .selectFrom('sign_ins')
        .selectAll()
        .where('created_at', '>=', window.from)
        .where('created_at', '<', window.to)
        .where(FAILED)
        .where('ip_address', '=', address.ipAddress)
        .where(ofTenant(address.tenantId))
        .where('status_code', 'in', [...codes])
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(rowToSignIn);
    },

    /** The address's successful sign-ins in [from, to), across principals, in event-time order. */
    async successesFrom(address: TenantAddress, window: TimeSpan): Promise<SignIn[]> {
      const rows = await store.db
        .selectFrom('sign_ins')
        .selectAll()
        .where('created_at', '>=', window.from)
        .where('created_at', '<', window.to)
        .where('ip_address', '=', address.ipAddress)
        .where(ofTenant(address.tenantId))
        .where('status_code', '=', 0)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(rowToSignIn);
    },
  };
}

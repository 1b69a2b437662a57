import { sql } from 'kysely';
import type { SignIn } from '../../domain/index.ts';
import type { Store } from '../open-store.ts';
import { COMPARED_COLUMNS, SCAN_COLUMNS } from '../rows/scan-rows.ts';
import { loadSignInValues } from './sign-in-value-codes.ts';

// A replay reads the compared columns from sign_ins; the others are left null in the sign-ins a scan
// hands out (names, policies, city and state, request ids, managed identity details): the few
// sign-ins that become detections get their details from `details` afterwards.
const COLUMNS = COMPARED_COLUMNS;
const MANAGED_IDENTITY = sql<number>`case when kind = 'managedIdentity' then 1 else 0 end`.as('mi');

// Sign-ins per `in (…)` list when reading details.
const CHUNK_IDS = 500;
// Principals per `in (…)` list of a scan: far below the bound-value limits of both dialects (SQLite
// 32,766, PostgreSQL 65,535). A longer list is scanned in several passes, each in event-time order.
const CHUNK_PRINCIPALS = 30_000;

// A pass reads the narrow rows ingest writes for it (see migration 0014), in the same places as
// COLUMNS so that one signInOf reads both, without the tenant unless the scan is not of one tenant's.
const SCAN_SELECT = SCAN_COLUMNS.filter((c) => c !== 'tenant');

/** A text column's value as it is: sign_ins rows hold the text itself. */
const asText = (v: unknown): string | null => v as string | null;

/** Reads sign_in_scan codes as the text they stand for. */
function codedText(values: readonly string[]): (code: unknown) => string | null {
  return (code) => {
    if (code === null) return null;
    const v = values[code as number];
    if (v === undefined) throw new Error(`sign-in value code ${String(code)} is not in sign_in_values`);
    return v;
  };
}

/**
 * The sign-in a scanned row stands for (COLUMNS or SCAN_SELECT, the same places); `text` reads its
 * text columns. `tenantId` when the scan was of one tenant, else read.
 */
function signInOf(
  r: readonly unknown[],
  tenantId: string | null,
  text: (v: unknown) => string | null,
): SignIn {
  return {
    tenantId: tenantId ?? (text(r[17]) as string),
    id: r[0] as string,
    kind: r[16] === 1 ? 'managedIdentity' : 'servicePrincipal',
    createdAt: r[1] as string,
    servicePrincipalId: text(r[2]) as string,
    servicePrincipalName: null,
    appId: null,
    ipAddress: r[3] as string | null,
    asn: r[4] === null ? null : Number(r[4]),
    asOrg: text(r[5]),
    country: text(r[6]),
    state: null,
    city: null,
    hosting: r[7] === null ? null : Number(r[7]) === 1,
    hostingProvider: text(r[8]),
    resourceId: text(r[9]),
    resourceName: null,
    resourceServicePrincipalId: null,
    userAgent: text(r[10]),
    credentialType: text(r[11]) as SignIn['credentialType'],
    credentialKeyId: text(r[12]),
    credentialThumbprint: text(r[15]),
    federatedCredentialId: text(r[13]),
    statusCode: Number(r[14]),
    failureReason: null,
    conditionalAccessStatus: null,
    appliedPolicies: null,
    requestId: null,
    correlationId: null,
    msiType: null,
    associatedResourceId: null,
  };
}

/** The new sign-ins a scan reads: see newInRange. */
export interface ScanRange {
  fromBatch: number;
  toBatch: number;
  from: string;
  to: string;
  /** Only this tenant's. */
  tenantId?: string;
}

/** What a detection shows of its first sign-in beyond what detections compare. */
export interface SignInDetails {
  city: string | null;
  state: string | null;
  country: string | null;
  requestId: string | null;
  correlationId: string | null;
}

/** Reads sign-ins for detection passes, in event-time order, without holding them all in memory. */
export function createSignInScanQueries(store: Store) {
  const db = store.db;

  async function scanNew(
    range: ScanRange,
    tenantCode: number | null,
    principals: readonly number[] | null,
    values: readonly string[],
    onSignIn: (s: SignIn) => void,
  ): Promise<number> {
    if (principals !== null && principals.length === 0) return 0;
    const tenantId = range.tenantId ?? null;
    let query = db
      .selectFrom('sign_in_scan')
      .select(SCAN_SELECT)
      .$if(tenantCode === null, (q) => q.select('tenant'))
      .$if(tenantCode !== null, (q) => q.where('tenant', '=', tenantCode!))
      .where('created_at', '>=', range.from)
      .where('created_at', '<=', range.to)
      .where('ingest_batch', '>', range.fromBatch)
      .where('ingest_batch', '<=', range.toBatch);
    if (principals !== null) query = query.where('principal', 'in', principals);
    // Ordered by time alone, which the index gives without a sort; rows of the same instant are put
    // in id order here, so the order is total and the same on every run.
    const compiled = query.orderBy('created_at').compile();
    const tied: SignIn[] = [];
    const flush = () => {
      if (tied.length > 1) tied.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const s of tied) onSignIn(s);
      tied.length = 0;
    };
    const text = codedText(values);
    const n = await store.capabilities.scanRows(compiled, (rows) => {
      for (const r of rows) {
        const s = signInOf(r, tenantId, text);
        if (tied.length > 0 && tied[0]!.createdAt !== s.createdAt) flush();
        tied.push(s);
      }
    });
    flush();
    return n;
  }

  return {
    /**
     * Every sign-in stored by ingest batches after `fromBatch` up to `toBatch` with an event time in
     * [from, to], of the given principals or all, and of one tenant or all, in event-time order per
     * principal (ties by id). Returns the number read.
     */
    async newInRange(
      range: ScanRange & { principals?: readonly string[] },
      onSignIn: (s: SignIn) => void,
    ): Promise<number> {
      // The values the rows' codes stand for: those of every batch up to toBatch are stored by now.
      const values = await loadSignInValues(db);
      const codeOf = new Map<string, number>();
      for (const [code, v] of values.entries()) if (v !== undefined) codeOf.set(v, code);
      // A tenant or principal without a code has no sign-in stored.
      let tenantCode: number | null = null;
      if (range.tenantId !== undefined) {
        const c = codeOf.get(range.tenantId);
        if (c === undefined) return 0;
        tenantCode = c;
      }
      if (range.principals === undefined) return scanNew(range, tenantCode, null, values, onSignIn);
      const codes: number[] = [];
      for (const p of range.principals) {
        const c = codeOf.get(p);
        if (c !== undefined) codes.push(c);
      }
      let n = 0;
      for (let i = 0; i < codes.length; i += CHUNK_PRINCIPALS) {
        n += await scanNew(range, tenantCode, codes.slice(i, i + CHUNK_PRINCIPALS), values, onSignIn);
      }
      return n;
    },
    /** Place and request ids of the given sign-ins of a tenant, by id. */
    async details(tenantId: string, ids: readonly string[]): Promise<Map<string, SignInDetails>> {
      const out = new Map<string, SignInDetails>();
      for (let i = 0; i < ids.length; i += CHUNK_IDS) {
        const rows = await db
          .selectFrom('sign_ins')
          .select(['id', 'city', 'state', 'country', 'request_id', 'correlation_id'])
          .where('tenant_id', '=', tenantId)
          .where('id', 'in', ids.slice(i, i + CHUNK_IDS))
          .execute();
        for (const r of rows) {
          out.set(r.id, {
            city: r.city,
            state: r.state,
            country: r.country,
            requestId: r.request_id,
            correlationId: r.correlation_id,
          });
        }
      }
      return out;
    },
    /** One principal's whole history up to `toBatch`, in event-time order: for replays. */
    async historyOf(
      tenantId: string,
      principalId: string,
      toBatch: number,
      onSignIn: (s: SignIn) => void,
    ): Promise<number> {
      const query = db
        .selectFrom('sign_ins')
        .select(COLUMNS)
        .select(MANAGED_IDENTITY)
        .where('service_principal_id', '=', principalId)
        .where('tenant_id', '=', tenantId)
        .where('ingest_batch', '<=', toBatch)
        .orderBy('created_at')
        .orderBy('id')
        .compile();
      return store.capabilities.scanRows(query, (rows) => {
        for (const r of rows) onSignIn(signInOf(r, tenantId, asText));
      });
    },
  };
}

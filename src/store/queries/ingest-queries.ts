import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type {
  Application,
  Credential,
  CredentialChange,
  DirectoryAudit,
  QuarantinedRecord,
  ServicePrincipal,
} from '../../domain/index.ts';
import type { Store } from '../open-store.ts';
import { auditToRow } from '../rows/audit-row.ts';
import { applicationToRow, credentialToRow, principalToRow } from '../rows/inventory-rows.ts';
import {
  emptyPackedSignIns,
  type PackedSignIns,
  packedValue,
  SIGN_IN_AT,
  SIGN_IN_COLUMNS,
} from '../rows/packed-sign-ins.ts';
import { appendScanRows, SCAN_COLUMNS } from '../rows/scan-rows.ts';
import type { Database, DirectoryAuditTable, ServicePrincipalTable, SignInArrivalTable } from '../schema.ts';
import { bumpCounter } from './bump-counter.ts';
import { enqueueExports, type OutboxCategory } from './export-outbox-queries.ts';
import { createSignInValueCodes } from './sign-in-value-codes.ts';

/** Everything one ingest transaction writes. */
export interface IngestBatch {
  signIns: PackedSignIns;
  audits: { audit: DirectoryAudit; credentialChanges: CredentialChange[] }[];
  principals: ServicePrincipal[];
  applications: Application[];
  credentials: Credential[];
  quarantine: QuarantinedRecord[];
}

/** What one batch changed. `stored` counts new records (and new or changed inventory objects). */
export interface IngestWriteResult {
  batch: number;
  stored: number;
  duplicates: number;
}

/** An empty batch, to fill. */
export function emptyBatch(): IngestBatch {
  return {
    signIns: emptyPackedSignIns(),
    audits: [],
    principals: [],
    applications: [],
    credentials: [],
    quarantine: [],
  };
}

/** How many records a batch holds (quarantined ones included). */
export function batchSize(b: IngestBatch): number {
  return (
    b.signIns.count + b.audits.length + b.principals.length + b.applications.length + b.quarantine.length
  );
}

/** Everything but the sign-ins of several batches, in one (these are few; sign-ins stay packed). */
function mergeOthers(batches: readonly IngestBatch[]): IngestBatch {
  if (batches.length === 1) return batches[0]!;
  const out = emptyBatch();
  for (const b of batches) {
    out.audits.push(...b.audits);
    out.principals.push(...b.principals);
    out.applications.push(...b.applications);
    out.credentials.push(...b.credentials);
    out.quarantine.push(...b.quarantine);
  }
  return out;
}

/** Per principal, how many sign-ins a write brought and their event-time span. */
function arrivals(packs: readonly PackedSignIns[], batch: number): SignInArrivalTable[] {
  const byPrincipal = new Map<string, SignInArrivalTable>();
  for (const pack of packs) {
    for (let row = 0; row < pack.count; row++) {
      const tenantId = packedValue(pack, row, SIGN_IN_AT.tenantId) as string;
      const principalId = packedValue(pack, row, SIGN_IN_AT.principalId) as string;
      const at = packedValue(pack, row, SIGN_IN_AT.createdAt) as string;
      const key = `${tenantId}|${principalId}`;
      const a = byPrincipal.get(key);
      if (a === undefined) {
        byPrincipal.set(key, {
          ingest_batch: batch,
          tenant_id: tenantId,
          service_principal_id: principalId,
          first_created_at: at,
          last_created_at: at,
          count: 1,
        });
      } else {
        a.count++;
        if (at < a.first_created_at) a.first_created_at = at;
        if (at > a.last_created_at) a.last_created_at = at;
      }
    }
  }
  return [...byPrincipal.values()];
}

/** Moves each tenant's start of sign-in history back to the earliest sign-in the batch brought. */
async function extendHistory(trx: Kysely<Database>, arrived: readonly SignInArrivalTable[]): Promise<void> {
  const earliest = new Map<string, string>();
  for (const a of arrived) {
    const known = earliest.get(a.tenant_id);
    if (known === undefined || a.first_created_at < known) earliest.set(a.tenant_id, a.first_created_at);
  }
  for (const [tenantId, at] of earliest) {
    await trx
      .insertInto('sign_in_history')
      .values({ tenant_id: tenantId, first_created_at: at })
      .onConflict((oc) =>
        oc
          .column('tenant_id')
          .doUpdateSet({ first_created_at: at })
          .where('sign_in_history.first_created_at', '>', at),
      )
      .execute();
  }
}

/** Inventory sync marks credentials missing from a fresh inventory object as removed, by this actor. */
export const INVENTORY_SYNC_ACTOR = 'inventory sync';

const KNOWN_PRINCIPALS_LIMIT = 200_000;

/** Quarantine rows are keyed by what they are, so re-importing bad input quarantines it once. */
export function quarantineFingerprint(q: QuarantinedRecord): string {
  return createHash('sha256')
    .update(`${q.tenantId}\n${q.source}\n${q.line ?? ''}\n${q.path ?? ''}\n${q.text}`)
    .digest('base64url');
}

/** Writes ingest batches: one transaction each, numbered in commit order (the incremental watermark). */
export function createIngestQueries(store: Store) {
  const { insertIgnore } = store.capabilities;
  const valueCodes = createSignInValueCodes(store);
  // Principals known to exist, so the common case (a principal signing in again) costs no query.
  // Filled only after commit, so a rolled-back batch cannot leave a stale entry.
  const knownPrincipals = new Set<string>();

  /** Inserts row objects (the low-volume tables), skipping existing keys. */
  function insertRows<T extends keyof Database & string>(
    trx: Kysely<Database>,
    table: T,
    conflictColumns: readonly (keyof Database[T] & string)[],
    rows: readonly Database[T][],
  ): Promise<number> {
    const first = rows[0];
    if (first === undefined) return Promise.resolve(0);
    const columns = Object.keys(first) as (keyof Database[T] & string)[];
    const values: unknown[] = [];
    for (const r of rows) for (const c of columns) values.push(r[c]);
    return insertIgnore(trx, table, columns, conflictColumns, values);
  }

  /**
   * Writes the scan rows of the sign-ins just stored (see migration 0014); returns what to call once
   * the transaction committed.
   */
  async function writeScanRows(
    trx: Kysely<Database>,
    packs: readonly PackedSignIns[],
    storedRows: readonly number[][],
    batch: number,
  ): Promise<() => void> {
    const rows: unknown[] = [];
    const unresolved: number[] = [];
    for (const [i, pack] of packs.entries()) {
      appendScanRows(pack, storedRows[i]!, valueCodes.known, rows, unresolved);
    }
    let remember = () => {};
    if (unresolved.length > 0) {
      const looked = await valueCodes.lookUp(trx, new Set(unresolved.map((at) => rows[at] as string)));
      for (const at of unresolved) rows[at] = looked.codes.get(rows[at] as string);
      remember = looked.remember;
    }
    // Only sign-ins this batch stored get here, so the key never conflicts.
    await insertIgnore(trx, 'sign_in_scan', SCAN_COLUMNS, ['created_at', 'tenant', 'id'], rows, {
      ingest_batch: batch,
    });
    return remember;
  }

  async function nextBatch(trx: Kysely<Database>): Promise<number> {
    // The counter row is locked by this update until commit, so concurrent writers take numbers
    // in commit order and a watermark reader never skips a batch committed late.
    const row = await trx
      .insertInto('counters')
      .values({ name: 'ingest_batch', value: 1 })
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('counters.value', '+', 1) })))
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(row.value);
  }

  function logPrincipals(
    packs: readonly PackedSignIns[],
    batch: IngestBatch,
    now: string,
  ): ServicePrincipalTable[] {
    const seen = new Map<string, ServicePrincipalTable>();
    const add = (p: ServicePrincipal) => {
      const key = `${p.tenantId}|${p.id}`;
      if (!knownPrincipals.has(key) && !seen.has(key)) seen.set(key, principalToRow(p, now));
    };
    for (const pack of packs) {
      for (let row = 0; row < pack.count; row++) {
        const tenantId = packedValue(pack, row, SIGN_IN_AT.tenantId) as string;
        const id = packedValue(pack, row, SIGN_IN_AT.principalId) as string;
        const key = `${tenantId}|${id}`;
        // Most sign-ins are of principals already known: decide that before building anything.
        if (knownPrincipals.has(key) || seen.has(key)) continue;
        const managed = packedValue(pack, row, SIGN_IN_AT.kind) === 'managedIdentity';
        add({
          tenantId,
          id,
          appId: packedValue(pack, row, SIGN_IN_AT.appId) as string | null,
          displayName: packedValue(pack, row, SIGN_IN_AT.principalName) as string | null,
          kind: managed ? 'managedIdentity' : 'application',
          servicePrincipalType: managed ? 'ManagedIdentity' : 'Application',
          appOwnerOrganizationId: null,
          accountEnabled: null,
          createdAt: null,
          source: 'log',
        });
      }
    }
    for (const { credentialChanges } of batch.audits) {
      for (const c of credentialChanges) {
        if (c.ownerType !== 'servicePrincipal') continue;
        add({
          tenantId: c.tenantId,
          id: c.ownerId,
          appId: null,
          displayName: c.ownerDisplayName,
          kind: 'application',
          servicePrincipalType: null,
          appOwnerOrganizationId: null,
          accountEnabled: null,
          createdAt: null,
          source: 'log',
        });
      }
    }
    return [...seen.values()];
  }

  async function applyCredentialChange(trx: Kysely<Database>, c: CredentialChange, now: string) {
    const base = {
      tenant_id: c.tenantId,
      owner_id: c.ownerId,
      owner_type: c.ownerType,
      key_id: c.keyId,
      type: c.type,
      key_type: c.keyType,
      usage: c.usage,
      display_name: c.displayName,
      updated_at: now,
    };
    if (c.change === 'added') {
      await trx
        .insertInto('credentials')
        .values({ ...base, added_at: c.at, added_by: c.by })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'owner_id', 'key_id']).doUpdateSet((eb) => ({
            added_at: eb.fn.coalesce('credentials.added_at', 'excluded.added_at'),
            added_by: eb.fn.coalesce('credentials.added_by', 'excluded.added_by'),
            key_type: eb.fn.coalesce('credentials.key_type', 'excluded.key_type'),
            usage: eb.fn.coalesce('credentials.usage', 'excluded.usage'),
            display_name: eb.fn.coalesce('credentials.display_name', 'excluded.display_name'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    } else {
      await trx
        .insertInto('credentials')
        .values({ ...base, removed_at: c.at, removed_by: c.by })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'owner_id', 'key_id']).doUpdateSet((eb) => ({
            removed_at: eb.fn.coalesce('credentials.removed_at', 'excluded.removed_at'),
            removed_by: eb.fn.coalesce('credentials.removed_by', 'excluded.removed_by'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }

  /** Upserts inventory objects; returns how many were new or changed. */
  async function upsertInventory(trx: Kysely<Database>, batch: IngestBatch, now: string): Promise<number> {
    let changed = 0;
    for (const p of batch.principals) {
      const row = principalToRow(p, now);
      const existing = await trx
        .selectFrom('service_principals')
        .selectAll()
        .where('tenant_id', '=', p.tenantId)
        .where('id', '=', p.id)
        .executeTakeFirst();
      if (existing && sameExcept(existing, row, 'updated_at')) continue;
      changed++;
      await trx
        .insertInto('service_principals')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'id']).doUpdateSet(withoutKeys(row, ['tenant_id', 'id'])),
        )
        .execute();
    }
    for (const a of batch.applications) {
      const row = applicationToRow(a, now);
      const existing = await trx
        .selectFrom('applications')
        .selectAll()
        .where('tenant_id', '=', a.tenantId)
        .where('id', '=', a.id)
        .executeTakeFirst();
      if (existing && sameExcept(existing, row, 'updated_at')) continue;
      changed++;
      await trx
        .insertInto('applications')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'id']).doUpdateSet(withoutKeys(row, ['tenant_id', 'id'])),
        )
        .execute();
    }
    // An inventory object lists its current credentials: whatever else we hold for it was removed.
    const owners = new Map<string, { tenantId: string; ownerId: string; keyIds: string[] }>();
    for (const o of [...batch.principals, ...batch.applications]) {
      owners.set(`${o.tenantId}|${o.id}`, { tenantId: o.tenantId, ownerId: o.id, keyIds: [] });
    }
    for (const c of batch.credentials) {
      owners.get(`${c.tenantId}|${c.ownerId}`)?.keyIds.push(c.keyId);
      const row = credentialToRow(c, now);
      await trx
        .insertInto('credentials')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'owner_id', 'key_id']).doUpdateSet((eb) => ({
            owner_type: eb.ref('excluded.owner_type'),
            type: eb.ref('excluded.type'),
            key_type: eb.fn.coalesce('excluded.key_type', 'credentials.key_type'),
            usage: eb.fn.coalesce('excluded.usage', 'credentials.usage'),
            display_name: eb.fn.coalesce('excluded.display_name', 'credentials.display_name'),
            hint: eb.fn.coalesce('excluded.hint', 'credentials.hint'),
            thumbprint: eb.fn.coalesce('excluded.thumbprint', 'credentials.thumbprint'),
            start_date_time: eb.fn.coalesce('excluded.start_date_time', 'credentials.start_date_time'),
            end_date_time: eb.fn.coalesce('excluded.end_date_time', 'credentials.end_date_time'),
            issuer: eb.fn.coalesce('excluded.issuer', 'credentials.issuer'),
            subject: eb.fn.coalesce('excluded.subject', 'credentials.subject'),
            audiences: eb.fn.coalesce('excluded.audiences', 'credentials.audiences'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    for (const o of owners.values()) {
      let q = trx
        .updateTable('credentials')
        .set({ removed_at: now, removed_by: INVENTORY_SYNC_ACTOR, updated_at: now })
        .where('tenant_id', '=', o.tenantId)
        .where('owner_id', '=', o.ownerId)
        .where('removed_at', 'is', null)
        // Service principal objects carry no federated credentials; applications list them only on request.
        .where('type', 'in', ['password', 'certificate']);
      if (o.keyIds.length > 0) q = q.where('key_id', 'not in', o.keyIds);
      await q.execute();
    }
    return changed;
  }

  /**
   * Queues the batch's sign-ins and Vigil's own audit events for export, when some diagnostic
   * setting exports their categories. A record imported twice is queued twice: delivery is at
   * least once, and consumers de-duplicate by its id.
   */
  async function queueExports(
    trx: Kysely<Database>,
    packs: readonly PackedSignIns[],
    audits: readonly DirectoryAuditTable[],
  ): Promise<void> {
    const vigilAudits = audits.filter((a) => a.logged_by_service === 'Vigil');
    const signIns = packs.some((p) => p.count > 0);
    if (!signIns && vigilAudits.length === 0) return;
    const wanted = await trx
      .selectFrom('diagnostic_settings')
      .select('categories')
      .where((eb) =>
        eb.or([eb('categories', 'like', '%SignInLogs,%'), eb('categories', 'like', '%,AuditLogs,%')]),
      )
      .limit(1)
      .executeTakeFirst();
    if (!wanted) return;
    const groups = new Map<string, { tenantId: string; category: OutboxCategory; refs: string[] }>();
    const add = (tenantId: string, category: OutboxCategory, ref: string) => {
      const key = `${tenantId}|${category}`;
      let g = groups.get(key);
      if (!g) {
        g = { tenantId, category, refs: [] };
        groups.set(key, g);
      }
      g.refs.push(ref);
    };
    for (const pack of packs) {
      for (let row = 0; row < pack.count; row++) {
        add(
          packedValue(pack, row, SIGN_IN_AT.tenantId) as string,
          packedValue(pack, row, SIGN_IN_AT.kind) === 'managedIdentity'
            ? 'ManagedIdentitySignInLogs'
            : 'ServicePrincipalSignInLogs',
          packedValue(pack, row, SIGN_IN_AT.id) as string,
        );
      }
    }
    for (const a of vigilAudits) add(a.tenant_id, 'AuditLogs', a.id);
    for (const g of groups.values()) await enqueueExports(trx, g.tenantId, g.category, g.refs);
  }

  return {
    /**
     * Writes one batch, or several together, in one transaction; records already stored (same
     * tenant and source id) are skipped and counted as duplicates.
     */
    async writeBatch(batches: IngestBatch | readonly IngestBatch[], now: string): Promise<IngestWriteResult> {
      const parts: readonly IngestBatch[] = Array.isArray(batches) ? batches : [batches as IngestBatch];
      const batch = mergeOthers(parts);
      const packs = parts.map((p) => p.signIns);
      const signInCount = packs.reduce((n, p) => n + p.count, 0);
      const principalRows = logPrincipals(packs, batch, now);
      let rememberCodes = () => {};
      const result = await store.db.transaction().execute(async (trx) => {
        const seq = await nextBatch(trx);
        let storedSignIns = 0;
        const storedRows = packs.map(() => [] as number[]);
        for (const [i, pack] of packs.entries()) {
          const stored = storedRows[i]!;
          storedSignIns += await insertIgnore(
            trx,
            'sign_ins',
            SIGN_IN_COLUMNS,
            ['tenant_id', 'id'],
            pack.values,
            { ingest_batch: seq },
            (row) => stored.push(row),
          );
        }
        // A batch of nothing but duplicates brought nothing new to process.
        if (storedSignIns > 0) {
          rememberCodes = await writeScanRows(trx, packs, storedRows, seq);
          const arrived = arrivals(packs, seq);
          await insertRows(
            trx,
            'sign_in_arrivals',
            ['ingest_batch', 'tenant_id', 'service_principal_id'],
            arrived,
          );
          await extendHistory(trx, arrived);
        }
        const audits = batch.audits.map((a) => auditToRow(a.audit, seq));
        const storedAudits = await insertRows(trx, 'directory_audits', ['tenant_id', 'id'], audits);
        await queueExports(trx, packs, audits);
        await insertRows(trx, 'service_principals', ['tenant_id', 'id'], principalRows);
        for (const { credentialChanges } of batch.audits) {
          for (const c of credentialChanges) await applyCredentialChange(trx, c, now);
        }
        const inventoryChanged = await upsertInventory(trx, batch, now);
        // The batch number announces sign-ins and audits; inventory has a counter of its own so
        // that the steady stream of sign-ins of known principals leaves cached directory reads be.
        if (touchesDirectory(batch, principalRows)) await bumpCounter(trx, 'directory_version');
        const quarantineRows = batch.quarantine.map((q) => ({
          fingerprint: quarantineFingerprint(q),
          tenant_id: q.tenantId,
          source: q.source,
          line: q.line,
          path: q.path,
          format: q.format,
          reason: q.reason,
          text: q.text,
          created_at: now,
        }));
        await insertRows(trx, 'quarantine', ['fingerprint'], quarantineRows);
        const inventoryCount = batch.principals.length + batch.applications.length;
        return {
          batch: seq,
          stored: storedSignIns + storedAudits + inventoryChanged,
          duplicates:
            signInCount -
            storedSignIns +
            (audits.length - storedAudits) +
            (inventoryCount - inventoryChanged),
        };
      });
      rememberCodes();
      if (knownPrincipals.size > KNOWN_PRINCIPALS_LIMIT) knownPrincipals.clear();
      for (const p of principalRows) knownPrincipals.add(`${p.tenant_id}|${p.id}`);
      for (const p of batch.principals) knownPrincipals.add(`${p.tenantId}|${p.id}`);
      return result;
    },
  };
}

/** Whether a batch writes inventory: new principals seen in logs, credential changes, inventory objects. */
function touchesDirectory(batch: IngestBatch, principalRows: readonly ServicePrincipalTable[]): boolean {
  return (
    principalRows.length > 0 ||
    batch.principals.length > 0 ||
    batch.applications.length > 0 ||
    batch.credentials.length > 0 ||
    batch.audits.some((a) => a.credentialChanges.length > 0)
  );
}

/** Whether two rows are equal on every column but the named one (values compared loosely for pg/SQLite number types). */
function sameExcept<T extends object>(a: T, b: T, ignore: keyof T): boolean {
  for (const k of Object.keys(b) as (keyof T)[]) {
    if (k === ignore) continue;
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (x !== null && y !== null && String(x) === String(y)) continue;
    return false;
  }
  return true;
}

function withoutKeys<T extends object, K extends keyof T>(row: T, keys: K[]): Omit<T, K> {
  const out = { ...row };
  for (const k of keys) delete out[k];
  return out;
}

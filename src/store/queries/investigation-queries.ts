import { type Expression, type SqlBool, sql } from 'kysely';
import type { AssessedAddition, DetectionRecord, DirectoryAudit } from '../../domain/index.ts';
import type { Store } from '../open-store.ts';
import { rowToAudit } from '../rows/audit-row.ts';
import { createInventoryQueries } from './inventory-queries.ts';

// Bounded reads about one principal for its investigation: every read names the tenant, the
// principal (or the ids its events carry), an event-time window, and resumes after a (time, id)
// cursor with a limit, so a caller reads a busy principal a page at a time and never more than it asks.

/** An event-time window, both ends included (ISO text, as stored). */
export interface TimeWindow {
  start: string;
  end: string;
}

/** Where a page ended: the last row's event time and id. */
export interface RowCursor {
  at: string;
  id: string;
}

/** The principal as the investigation names it, with its application and current risk. */
export interface InvestigatedPrincipal {
  id: string;
  appId: string | null;
  displayName: string | null;
  /** The app registration of its app id, when the inventory holds it. */
  applicationId: string | null;
  riskLevel: string;
  riskState: string;
}

/** A successful sign-in that used one of the credentials asked about. */
export interface CredentialSignIn {
  id: string;
  createdAt: string;
  ipAddress: string | null;
  asn: number | null;
  keyId: string | null;
  federatedCredentialId: string | null;
}

/** One audit event by an actor, as counting needs it. */
export interface ActorEventRow {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  activity: string;
}

/** Rows past a keyset cursor, in (time column, id) order: later, or at the same time with a greater id. */
function after(column: string, cursor: RowCursor): Expression<SqlBool> {
  return sql<SqlBool>`(${sql.ref(column)} > ${cursor.at} or (${sql.ref(column)} = ${cursor.at} and ${sql.ref('id')} > ${cursor.id}))`;
}

/** Reads one principal's detections, audit events, credential additions and credential sign-ins. */
export function createInvestigationQueries(store: Store) {
  const { db } = store;
  const inventory = createInventoryQueries(store);

  return {
    /** The principal (known to the inventory or to risk), its application and risk; null when neither knows it. */
    async principal(tenantId: string, id: string): Promise<InvestigatedPrincipal | null> {
      const [sp, risk] = await Promise.all([
        db
          .selectFrom('service_principals')
          .select(['id', 'app_id', 'display_name'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst(),
        db
          .selectFrom('risky_principals')
          .select(['risk_level', 'risk_state'])
          .where('tenant_id', '=', tenantId)
          .where('principal_id', '=', id)
          .executeTakeFirst(),
      ]);
      if (!sp && !risk) return null;
      const appId = sp?.app_id ?? null;
      const application = appId === null ? undefined : await inventory.applicationOfAppId(tenantId, appId);
      return {
        id,
        appId,
        displayName: sp?.display_name ?? null,
        applicationId: application?.id ?? null,
        riskLevel: risk?.risk_level ?? 'none',
        riskState: risk?.risk_state ?? 'none',
      };
    },

    /** When the principal's first detection still at risk (or confirmed) happened; null when it has none. */
    async firstActiveDetectionAt(tenantId: string, principalId: string): Promise<string | null> {
      const r = await db
        .selectFrom('risk_detections')
        .select((eb) => eb.fn.min('activity_date_time').as('first'))
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('risk_state', 'in', ['atRisk', 'confirmedCompromised'])
        .executeTakeFirst();
      return r?.first == null ? null : String(r.first);
    },

    /** The principal's detections whose activity falls in the window, in (activity time, id) order. */
    async detections(
      tenantId: string,
      principalId: string,
      window: TimeWindow,
      cursor: RowCursor | null,
      limit: number,
    ): Promise<DetectionRecord[]> {
      let q = db
        .selectFrom('risk_detections')
        .select([
          'id',
          'risk_event_type',
          'risk_level',
          'risk_state',
          'activity',
          'activity_date_time',
          'ip_address',
          'key_ids',
          'additional_info',
        ])
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('activity_date_time', '>=', window.start)
        .where('activity_date_time', '<=', window.end);
      if (cursor) q = q.where(after('activity_date_time', cursor));
      const rows = await q.orderBy('activity_date_time').orderBy('id').limit(limit).execute();
      return rows.map((r) => ({
        id: r.id,
        riskEventType: r.risk_event_type,
        riskLevel: r.risk_level,
        riskState: r.risk_state,
        activity: r.activity,
        activityDateTime: r.activity_date_time,
        ipAddress: r.ip_address,
        keyIds: JSON.parse(r.key_ids) as string[],
        additionalInfo: r.additional_info,
      }));
    },

    /** Leaked-credential detections of the principal not dismissed, exposed up to `before`, oldest first. */
    async leaks(
      tenantId: string,
      principalId: string,
      before: string,
      limit: number,
    ): Promise<{ id: string; activityDateTime: string; keyIds: string[] }[]> {
      const rows = await db
        .selectFrom('risk_detections')
        .select(['id', 'activity_date_time', 'key_ids'])
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('risk_event_type', '=', 'leakedCredentials')
        .where('risk_state', '!=', 'dismissed')
        .where('activity_date_time', '<=', before)
        .orderBy('activity_date_time')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        activityDateTime: r.activity_date_time,
        keyIds: JSON.parse(r.key_ids) as string[],
      }));
    },

    /**
     * The principal's successful sign-ins in the window that used one of the key ids or federated
     * credential ids, in (time, id) order.
     */
    async signInsUsing(
      tenantId: string,
      principalId: string,
      credentials: { keyIds: readonly string[]; federatedIds: readonly string[] },
      window: TimeWindow,
      cursor: RowCursor | null,
      limit: number,
    ): Promise<CredentialSignIn[]> {
      const keyIds = [...new Set(credentials.keyIds.map((k) => k.toLowerCase()))];
      const federatedIds = [...new Set(credentials.federatedIds.map((k) => k.toLowerCase()))];
      if (keyIds.length === 0 && federatedIds.length === 0) return [];
      let q = db
        .selectFrom('sign_ins')
        .select(['id', 'created_at', 'ip_address', 'asn', 'credential_key_id', 'federated_credential_id'])
        .where('service_principal_id', '=', principalId)
        .where('tenant_id', '=', tenantId)
        .where('created_at', '>=', window.start)
        .where('created_at', '<=', window.end)
        .where('status_code', '=', 0)
        .where((eb) => {
          const terms = [];
          if (keyIds.length > 0) terms.push(eb(eb.fn<string>('lower', ['credential_key_id']), 'in', keyIds));
          if (federatedIds.length > 0) {
            terms.push(eb(eb.fn<string>('lower', ['federated_credential_id']), 'in', federatedIds));
          }
          return eb.or(terms);
        });
      if (cursor) q = q.where(after('created_at', cursor));
      const rows = await q.orderBy('created_at').orderBy('id').limit(limit).execute();
      return rows.map((r) => ({
        id: r.id,
        createdAt: r.created_at,
        ipAddress: r.ip_address,
        asn: r.asn === null ? null : Number(r.asn),
        keyId: r.credential_key_id,
        federatedCredentialId: r.federated_credential_id,
      }));
    },

    /**
     * Audit events in the window whose targets or additional details name one of the ids (the
     * principal's object id, its application's object id, its app id), in (time, id) order. Failed
     * events are read too; the assessments skip what did not happen.
     */
    async auditsMentioning(
      tenantId: string,
      ids: readonly string[],
      window: TimeWindow,
      cursor: RowCursor | null,
      limit: number,
    ): Promise<DirectoryAudit[]> {
      // Object and app ids are GUIDs: no LIKE wildcard can hide in them.
      const patterns = [...new Set(ids.map((id) => `%${id.toLowerCase()}%`))];
      if (patterns.length === 0) return [];
      let q = db
        .selectFrom('directory_audits')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('activity_date_time', '>=', window.start)
        .where('activity_date_time', '<=', window.end)
        .where((eb) =>
          eb.or(
            patterns.flatMap((p) => [
              eb(eb.fn<string>('lower', ['targets']), 'like', p),
              eb(eb.fn<string>('lower', ['additional_details']), 'like', p),
            ]),
          ),
        );
      if (cursor) q = q.where(after('activity_date_time', cursor));
      const rows = await q.orderBy('activity_date_time').orderBy('id').limit(limit).execute();
      return rows.map(rowToAudit);
    },

    /**
     * Successful audit events with event time in [from, to] by any of the actors (object ids, or
     * names for actors without one), optionally of the given activities (normalised, lower-case),
     * in (time, id) order.
     */
    async actorEvents(
      tenantId: string,
      actors: { ids: readonly string[]; names: readonly string[] },
      window: TimeWindow,
      activities: readonly string[] | null,
      cursor: RowCursor | null,
      limit: number,
    ): Promise<ActorEventRow[]> {
      const ids = [...new Set(actors.ids)];
      const names = [...new Set(actors.names)];
      if (ids.length === 0 && names.length === 0) return [];
      let q = db
        .selectFrom('directory_audits')
        .select(['id', 'activity_date_time', 'actor_id', 'actor_name', 'activity_display_name'])
        .where('tenant_id', '=', tenantId)
        .where('activity_date_time', '>=', window.start)
        .where('activity_date_time', '<=', window.end)
        .where((eb) => eb(eb.fn<string>('lower', ['result']), '=', 'success'))
        .where((eb) => {
          const terms = [];
          if (ids.length > 0) terms.push(eb('actor_id', 'in', ids));
          if (names.length > 0) terms.push(eb('actor_name', 'in', names));
          return eb.or(terms);
        });
      if (activities !== null) {
        if (activities.length === 0) return [];
        q = q.where((eb) => eb(eb.fn<string>('lower', ['activity']), 'in', [...activities]));
      }
      if (cursor) q = q.where(after('activity_date_time', cursor));
      const rows = await q.orderBy('activity_date_time').orderBy('id').limit(limit).execute();
      return rows.map((r) => ({
        id: r.id,
        at: r.activity_date_time,
        actorId: r.actor_id,
        actorName: r.actor_name,
        activity: r.activity_display_name,
      }));
    },

    /** Credential additions placed on the principal with their verdicts, in the window, in (time, audit id) order. */
    async additions(
      tenantId: string,
      principalId: string,
      window: TimeWindow,
      cursor: RowCursor | null,
      limit: number,
    ): Promise<AssessedAddition[]> {
      let q = db
        .selectFrom('credential_additions')
        .select(['addition'])
        .where('tenant_id', '=', tenantId)
        .where('principal_id', '=', principalId)
        .where('at', '>=', window.start)
        .where('at', '<=', window.end);
      // Several keys of one event share its audit id; the cursor's id holds `auditId|keyId`.
      if (cursor) {
        const [auditId = '', keyId = ''] = cursor.id.split('|');
        q = q.where((eb) =>
          eb.or([
            eb('at', '>', cursor.at),
            eb.and([
              eb('at', '=', cursor.at),
              eb.or([
                eb('audit_id', '>', auditId),
                eb.and([eb('audit_id', '=', auditId), eb('key_id', '>', keyId)]),
              ]),
            ]),
          ]),
        );
      }
      const rows = await q.orderBy('at').orderBy('audit_id').orderBy('key_id').limit(limit).execute();
      return rows.map((r) => JSON.parse(r.addition) as AssessedAddition);
    },
  };
}

import { permissionChangesFromAudit } from '../detections/privilege/permission-changes-from-audit.ts';
import { CREDENTIAL_ACTIVITIES } from '../detections/unusual-credential-addition/credential-activities.ts';
import type { DirectoryAudit } from '../domain/index.ts';
import { ApiError } from '../errors/api-error.ts';
import { credentialChangesFromAudit } from '../ingest/normalise/credential-changes-from-audit.ts';
import { assessConfigurationChanges } from '../investigation/assess-configuration-changes.ts';
import {
  assessCredentialChanges,
  type CredentialChangeRecord,
  REMOVAL_ACTOR_LOOKBACK_DAYS,
} from '../investigation/assess-credential-changes.ts';
import {
  type ActionByPrincipal,
  assessPermissionChanges,
  type PermissionChangeRecord,
} from '../investigation/assess-permission-changes.ts';
import { assessSignIns, type LeakedCredentialUse } from '../investigation/assess-sign-ins.ts';
import { configurationChangesFromAudit } from '../investigation/configuration-changes-from-audit.ts';
import {
  type EvidenceActor,
  evidenceActorOf,
  INVESTIGATION_QUESTIONS,
  type InvestigationQuestion,
  type QuestionAnswer,
} from '../investigation/investigation.ts';
import type { Store } from '../store/open-store.ts';
import {
  type CredentialSignIn,
  createInvestigationQueries,
  type RowCursor,
  type TimeWindow,
} from '../store/queries/investigation-queries.ts';

/** The widest window an investigation reads, in days. */
export const MAX_WINDOW_DAYS = 90;
/** How far before the first active detection (or now) the default window starts, in days. */
export const DEFAULT_LOOKBACK_DAYS = 30;
/** Evidence items per question on a page, by default. */
export const DEFAULT_EVIDENCE_TOP = 50;
/** Evidence items per question on a page, at most (`$top`). */
export const MAX_EVIDENCE_TOP = 200;
/** Records read per source for one investigation: the window bounds them, this bounds a pathological principal. */
export const MAX_RECORDS_PER_SOURCE = 5000;

type InvestigationQueries = ReturnType<typeof createInvestigationQueries>;

const DAY_MS = 86_400_000;
const READ_PAGE = 500;
/** Removals whose actor's credential history is read (a query each); later ones count as routine. */
const MAX_JUDGED_REMOVALS = 200;
/** Sign-in ids named per credential use. */
const SIGN_IN_IDS_PER_USE = 20;

/** A question's answer with one page of its evidence and where the next page starts. */
export interface QuestionPage extends QuestionAnswer {
  /** The last item of this page when more follow; null on the last page. */
  next: RowCursor | null;
}

/** The investigation of one principal over one window. */
export interface Investigation {
  servicePrincipalId: string;
  displayName: string | null;
  appId: string | null;
  window: TimeWindow;
  generatedDateTime: string;
  riskLevel: string;
  riskState: string;
  questions: QuestionPage[];
}

/** What to investigate: the window as asked (null for the default), the clock, and the page. */
export interface InvestigationRequest {
  start: string | null;
  end: string | null;
  now: string;
  /** Evidence items per question (1 to MAX_EVIDENCE_TOP). */
  top: number;
  /** Only this question (a page of its evidence), or all four. */
  question: InvestigationQuestion | null;
  /** Resume the question's evidence after this item. */
  after: RowCursor | null;
}

function isoOf(parameter: string, value: string): string {
  const ms = Date.parse(value);
  // A bare date or a time without a zone would read in the server's zone: ask for the instant.
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    Number.isNaN(ms)
  ) {
    throw new ApiError(
      'BadRequest',
      `Invalid ${parameter} '${value}': expected an ISO 8601 date-time with a zone.`,
    );
  }
  return new Date(ms).toISOString();
}

/**
 * The window to read: as asked, or by default from DEFAULT_LOOKBACK_DAYS before the principal's
 * first active detection (before the end when it has none) to now. A default start is pulled in to
 * keep the window within MAX_WINDOW_DAYS; an asked one that is not is refused, naming it.
 */
export function investigationWindow(
  asked: { start: string | null; end: string | null },
  firstActiveDetectionAt: string | null,
  now: string,
): TimeWindow {
  const end = asked.end === null ? now : isoOf('end', asked.end);
  const endMs = Date.parse(end);
  if (asked.start !== null) {
    const start = isoOf('start', asked.start);
    const startMs = Date.parse(start);
    if (startMs >= endMs)
      throw new ApiError('BadRequest', `Invalid start '${asked.start}': it must be before end.`);
    if (endMs - startMs > MAX_WINDOW_DAYS * DAY_MS) {
      throw new ApiError(
        'BadRequest',
        `Invalid start '${asked.start}': the window from start to end may be at most ${MAX_WINDOW_DAYS} days.`,
      );
    }
    return { start, end };
  }
  const anchor =
    firstActiveDetectionAt !== null && firstActiveDetectionAt < end ? firstActiveDetectionAt : end;
  const startMs = Math.max(
    Date.parse(anchor) - DEFAULT_LOOKBACK_DAYS * DAY_MS,
    endMs - MAX_WINDOW_DAYS * DAY_MS,
  );
  return { start: new Date(startMs).toISOString(), end };
}

/** Reads a keyset-paged source to its end, at most MAX_RECORDS_PER_SOURCE rows. */
async function drain<T>(
  read: (cursor: RowCursor | null, limit: number) => Promise<T[]>,
  cursorOf: (row: T) => RowCursor,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: RowCursor | null = null;
  while (out.length < MAX_RECORDS_PER_SOURCE) {
    const limit = Math.min(READ_PAGE, MAX_RECORDS_PER_SOURCE - out.length);
    const page = await read(cursor, limit);
    out.push(...page);
    if (page.length < limit) break;
    cursor = cursorOf(page[page.length - 1]!);
  }
  return out;
}

const auditCursor = (a: DirectoryAudit): RowCursor => ({ at: a.activityDateTime, id: a.id });

function minusDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) - days * DAY_MS).toISOString();
}

function actorLookup(actor: EvidenceActor): { ids: string[]; names: string[] } {
  if (actor.id !== null) return { ids: [actor.id], names: [] };
  return { ids: [], names: actor.name === null ? [] : [actor.name] };
}

/** Cuts a question's evidence to the page after `after`. */
function pageOf(answer: QuestionAnswer, after: RowCursor | null, top: number): QuestionPage {
  const from =
    after === null
      ? answer.evidence
      : answer.evidence.filter((e) => e.dateTime > after.at || (e.dateTime === after.at && e.id > after.id));
  const evidence = from.slice(0, top);
  const last = evidence[evidence.length - 1];
  const next = from.length > top && last !== undefined ? { at: last.dateTime, id: last.id } : null;
  return { ...answer, evidence, next };
}

/**
 * Investigates one principal: reads its detections, the audit events naming it or its application,
 * its credential additions and the sign-ins of credentials that matter, within the window; answers
 * the four questions (or the one asked); and returns each with a page of evidence. Null when
 * neither the inventory nor risk knows the principal.
 */
export async function investigate(
  store: Store,
  tenantId: string,
  principalId: string,
  request: InvestigationRequest,
): Promise<Investigation | null> {
  const q = createInvestigationQueries(store);
  const principal = await q.principal(tenantId, principalId);
  if (principal === null) return null;
  const window = investigationWindow(
    request,
    await q.firstActiveDetectionAt(tenantId, principalId),
    request.now,
  );
  const wanted = (x: InvestigationQuestion) => request.question === null || request.question === x;
  const objectIds = new Set([
    principalId,
    ...(principal.applicationId ? [principal.applicationId.toLowerCase()] : []),
  ]);

  const detections =
    wanted('suspiciousSignIns') || wanted('credentialChanges')
      ? await drain(
          (c, n) => q.detections(tenantId, principalId, window, c, n),
          (d) => ({ at: d.activityDateTime, id: d.id }),
        )
      : [];
  const audits =
    request.question === 'suspiciousSignIns'
      ? []
      : await drain(
          (c, n) =>
            q.auditsMentioning(
              tenantId,
              [...objectIds, ...(principal.appId ? [principal.appId] : [])],
              window,
              c,
              n,
            ),
          auditCursor,
        );
  const principalAuditIds = new Set(audits.map((a) => a.id));

  const answers = new Map<InvestigationQuestion, QuestionAnswer>();
  if (wanted('suspiciousSignIns')) {
    answers.set(
      'suspiciousSignIns',
      assessSignIns(detections, await leakedUses(q, tenantId, principalId, window)),
    );
  }
  if (wanted('credentialChanges')) {
    const changes: CredentialChangeRecord[] = audits.flatMap((a) =>
      credentialChangesFromAudit(a)
        .filter((c) => objectIds.has(c.ownerId.toLowerCase()))
        .map((c) => ({ ...c, actor: evidenceActorOf(a.initiatedBy) })),
    );
    const additions = await drain(
      (c, n) => q.additions(tenantId, principalId, window, c, n),
      (a) => ({ at: a.at, id: `${a.auditId}|${a.keyId}` }),
    );
    const history = new Map<string, number>();
    for (const r of changes
      .filter((c) => c.change === 'removed' && c.type !== 'federated')
      .slice(0, MAX_JUDGED_REMOVALS)) {
      const earlier = await q.actorEvents(
        tenantId,
        actorLookup(r.actor),
        { start: minusDays(r.at, REMOVAL_ACTOR_LOOKBACK_DAYS), end: r.at },
        CREDENTIAL_ACTIVITIES,
        null,
        2,
      );
      history.set(r.auditId, earlier.filter((e) => e.id !== r.auditId).length);
    }
    answers.set('credentialChanges', assessCredentialChanges(changes, additions, detections, history));
  }
  if (wanted('configurationChanges')) {
    const changes = audits
      .flatMap(configurationChangesFromAudit)
      .filter((c) => objectIds.has(c.objectId.toLowerCase()));
    const others = new Map<string, number>();
    const byActor = new Map<string, number>();
    for (const c of changes) {
      const key = `${c.actor.id ?? ''}|${c.actor.name ?? ''}`;
      let n = byActor.get(key);
      if (n === undefined) {
        n = await otherEvents(q, tenantId, c.actor, window, principalAuditIds);
        byActor.set(key, n);
      }
      others.set(c.auditId, n);
    }
    const added = changes.filter((c) => c.kind === 'federatedCredentialAdded');
    const uses = new Map<string, { firstAt: string; signIns: number; signInIds: string[] }>();
    if (added.length > 0) {
      const since = new Map<string, string>();
      for (const c of added)
        for (const id of c.credentialIds) if (!since.has(id) || since.get(id)! > c.at) since.set(id, c.at);
      const signIns = await drain(
        (cur, n) =>
          q.signInsUsing(
            tenantId,
            principalId,
            { keyIds: [], federatedIds: [...since.keys()] },
            window,
            cur,
            n,
          ),
        (s) => ({ at: s.createdAt, id: s.id }),
      );
      for (const s of signIns) {
        const id = s.federatedCredentialId?.toLowerCase();
        if (id === undefined || s.createdAt < (since.get(id) ?? '')) continue;
        const u = uses.get(id) ?? { firstAt: s.createdAt, signIns: 0, signInIds: [] };
        u.signIns += 1;
        if (u.signInIds.length < SIGN_IN_IDS_PER_USE) u.signInIds.push(s.id);
        uses.set(id, u);
      }
    }
    answers.set('configurationChanges', assessConfigurationChanges(changes, others, uses));
  }
  if (wanted('permissionChanges')) {
    const changes: PermissionChangeRecord[] = audits.flatMap((a) =>
      permissionChangesFromAudit(a)
        .filter((c) => c.principalId.toLowerCase() === principalId)
        .map((c) => ({ ...c, actor: evidenceActorOf(a.initiatedBy), activity: a.activityDisplayName })),
    );
    const actions: ActionByPrincipal[] =
      changes.length === 0
        ? []
        : (
            await drain(
              (c, n) => q.actorEvents(tenantId, { ids: [principalId], names: [] }, window, null, c, n),
              (e) => ({ at: e.at, id: e.id }),
            )
          ).map((e) => ({ auditId: e.id, at: e.at, activity: e.activity }));
    answers.set('permissionChanges', assessPermissionChanges(changes, actions));
  }

  const questions: QuestionPage[] = [];
  for (const question of INVESTIGATION_QUESTIONS) {
    const answer = answers.get(question);
    if (answer !== undefined)
      questions.push(pageOf(answer, request.question === question ? request.after : null, request.top));
  }
  return {
    servicePrincipalId: principalId,
    displayName: principal.displayName,
    appId: principal.appId,
    window,
    generatedDateTime: request.now,
    riskLevel: principal.riskLevel,
    riskState: principal.riskState,
    questions,
  };
}

/** Days before a leak whose sign-ins tell which networks the leaked credential normally signs in from. */
const LEAK_FAMILIAR_DAYS = 30;

/**
 * Successful sign-ins in the window with a credential a leak detection named, after the leak, with
 * how many came from networks the credential had not used in the LEAK_FAMILIAR_DAYS before it.
 */
async function leakedUses(
  q: InvestigationQueries,
  tenantId: string,
  principalId: string,
  window: TimeWindow,
): Promise<LeakedCredentialUse[]> {
  const leaks = await q.leaks(tenantId, principalId, window.end, 100);
  if (leaks.length === 0) return [];
  // ISO times compare as text.
  const earliest = [window.start, ...leaks.map((l) => l.activityDateTime)].sort()[0]!;
  const read = { start: minusDays(earliest, LEAK_FAMILIAR_DAYS), end: window.end };
  const signIns = await drain(
    (c, n) =>
      q.signInsUsing(
        tenantId,
        principalId,
        { keyIds: leaks.flatMap((l) => l.keyIds), federatedIds: [] },
        read,
        c,
        n,
      ),
    (s) => ({ at: s.createdAt, id: s.id }),
  );
  const networkOf = (s: CredentialSignIn) => (s.asn !== null ? `AS${s.asn}` : (s.ipAddress ?? 'unknown'));
  const byKey = new Map<string, CredentialSignIn[]>();
  for (const s of signIns) {
    const key = s.keyId?.toLowerCase();
    if (key === undefined) continue;
    const list = byKey.get(key);
    if (list) list.push(s);
    else byKey.set(key, [s]);
  }
  const out: LeakedCredentialUse[] = [];
  for (const leak of leaks) {
    const from = [leak.activityDateTime, window.start].sort()[1]!;
    const familiarSince = minusDays(leak.activityDateTime, LEAK_FAMILIAR_DAYS);
    for (const keyId of leak.keyIds) {
      const withKey = byKey.get(keyId.toLowerCase()) ?? [];
      const familiar = new Set(
        withKey
          .filter((s) => s.createdAt >= familiarSince && s.createdAt < leak.activityDateTime)
          .map(networkOf),
      );
      const uses = withKey.filter((s) => s.createdAt >= from);
      const strangers = uses.filter((s) => !familiar.has(networkOf(s)));
      const first = strangers[0] ?? uses[0];
      if (first === undefined) continue;
      out.push({
        keyId,
        leakDetectionId: leak.id,
        leakedAt: leak.activityDateTime,
        firstAt: first.createdAt,
        ipAddress: first.ipAddress,
        signIns: uses.length,
        fromNewNetwork: strangers.length,
        signInIds: [...new Set([...strangers, ...uses].map((s) => s.id))].slice(0, SIGN_IN_IDS_PER_USE),
      });
    }
  }
  return out;
}

/** How many audit events (up to a few) the actor initiated in the window that are not about the principal. */
async function otherEvents(
  q: InvestigationQueries,
  tenantId: string,
  actor: EvidenceActor,
  window: TimeWindow,
  principalAuditIds: ReadonlySet<string>,
): Promise<number> {
  const lookup = actorLookup(actor);
  let cursor: RowCursor | null = null;
  // Stops at the first event about something else: one is enough to say the actor works elsewhere.
  for (let read = 0; read < MAX_RECORDS_PER_SOURCE; read += READ_PAGE) {
    const page = await q.actorEvents(tenantId, lookup, window, null, cursor, READ_PAGE);
    if (page.some((e) => !principalAuditIds.has(e.id))) return 1;
    if (page.length < READ_PAGE) return 0;
    const last = page[page.length - 1]!;
    cursor = { at: last.at, id: last.id };
  }
  return 0;
}

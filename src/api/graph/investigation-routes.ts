import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from '../../errors/api-error.ts';
import { INVESTIGATION_QUESTIONS, type InvestigationQuestion } from '../../investigation/investigation.ts';
import {
  DEFAULT_EVIDENCE_TOP,
  type Investigation,
  investigate,
  MAX_EVIDENCE_TOP,
  type QuestionPage,
} from '../../jobs/investigation.ts';
import type { RowCursor, TimeWindow } from '../../store/queries/investigation-queries.ts';
import { nextLink } from '../odata/apply-query-options.ts';
import { orNull } from './entity-schemas.ts';
import { serviceRootOf } from './graph-request.ts';
import { callerOf, type GraphRouteOptions, resourceNotFound } from './graph-route-options.ts';

// The investigation is Vigil's own (Graph has none): it sits beside the risky service principal it
// investigates, in Graph's envelope (`@odata.context`, `value`, `@odata.nextLink`, error shape), so
// a Graph client pages it as it pages anything else.

const str = Type.String();
const nstr = orNull(Type.String());
const strings = Type.Array(Type.String());

const evidenceSchema = Type.Object(
  {
    id: str,
    kind: str,
    dateTime: str,
    verdict: str,
    description: str,
    reasons: strings,
    actor: orNull(Type.Object({ kind: str, name: nstr, id: nstr })),
    auditId: nstr,
    activity: nstr,
    detectionId: nstr,
    riskEventType: nstr,
    riskLevel: nstr,
    riskState: nstr,
    ipAddress: nstr,
    signInIds: strings,
    unusual: Type.Array(Type.Object({ property: str, value: str, weight: nstr })),
    keyId: nstr,
    credentialType: nstr,
    routine: orNull(Type.Boolean()),
    objectType: nstr,
    objectId: nstr,
    property: nstr,
    added: strings,
    removed: strings,
    permission: nstr,
    sensitivePermissions: strings,
  },
  { title: 'investigationEvidence' },
);

const questionSchema = Type.Object({
  question: str,
  title: str,
  verdict: str,
  summary: str,
  evidenceCount: Type.Integer(),
  evidence: Type.Array(evidenceSchema),
  '@odata.nextLink': Type.Optional(str),
});

const investigationSchema = Type.Object(
  {
    '@odata.context': str,
    servicePrincipalId: str,
    displayName: nstr,
    appId: nstr,
    window: Type.Object({ start: str, end: str }),
    generatedDateTime: str,
    riskLevel: str,
    riskState: str,
    questions: Type.Array(questionSchema),
  },
  { title: 'servicePrincipalInvestigation' },
);

const evidencePageSchema = Type.Object({
  '@odata.context': str,
  '@odata.nextLink': Type.Optional(str),
  value: Type.Array(evidenceSchema),
});

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const TOP = /^\d{1,9}$/;
const TOKEN_VERSION = 1;

/** The query as the investigation reads it. */
interface InvestigationQuery {
  start: string | null;
  end: string | null;
  top: number;
  skipToken: string | null;
}

function single(query: Record<string, unknown>, name: string): string | null {
  const value = query[name];
  if (value === undefined) return null;
  if (typeof value !== 'string')
    throw new ApiError('BadRequest', `The query option '${name}' is given more than once.`);
  return value;
}

function readQuery(request: FastifyRequest, paged: boolean): InvestigationQuery {
  const query = request.query as Record<string, unknown>;
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!key.startsWith('$')) continue;
    const name = key.toLowerCase();
    if (name !== '$top' && !(paged && name === '$skiptoken')) {
      throw new ApiError('BadRequest', `The query option '${key.slice(0, 64)}' is not supported.`);
    }
    if (options[name] !== undefined)
      throw new ApiError('BadRequest', `The query option '${name}' is given more than once.`);
    options[name] = value;
  }
  const topText = single(options, '$top');
  const top = topText === null ? DEFAULT_EVIDENCE_TOP : TOP.test(topText) ? Number(topText) : 0;
  if (top < 1 || top > MAX_EVIDENCE_TOP) {
    throw new ApiError('BadRequest', `$top must be a whole number from 1 to ${MAX_EVIDENCE_TOP}.`);
  }
  return {
    start: single(query, 'start'),
    end: single(query, 'end'),
    top,
    skipToken: single(options, '$skiptoken'),
  };
}

/** Where a page ended, for one question and one window: a token replayed elsewhere is refused. */
function encodeToken(question: InvestigationQuestion, window: TimeWindow, cursor: RowCursor): string {
  return Buffer.from(
    JSON.stringify({
      v: TOKEN_VERSION,
      q: question,
      s: window.start,
      e: window.end,
      t: cursor.at,
      i: cursor.id,
    }),
  ).toString('base64url');
}

function decodeToken(token: string, question: InvestigationQuestion, query: InvestigationQuery): RowCursor {
  const invalid = () => new ApiError('BadRequest', 'The $skiptoken is not valid.');
  if (token.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  let decoded: Record<string, unknown>;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalid();
  }
  const { v, q, s, e, t, i } = decoded ?? {};
  // The window must be the one the token was made for, or the page would resume in another list.
  const sameWindow =
    query.start !== null &&
    query.end !== null &&
    Date.parse(query.start) === Date.parse(String(s)) &&
    Date.parse(query.end) === Date.parse(String(e));
  if (
    v !== TOKEN_VERSION ||
    q !== question ||
    !sameWindow ||
    typeof t !== 'string' ||
    typeof i !== 'string'
  ) {
    throw invalid();
  }
  return { at: t, id: i };
}

function questionOf(name: string): InvestigationQuestion {
  const found = INVESTIGATION_QUESTIONS.find((q) => q === name);
  if (found === undefined) {
    throw new ApiError(
      'BadRequest',
      `Unknown investigation question '${name.slice(0, 64)}'. Questions: ${INVESTIGATION_QUESTIONS.join(', ')}.`,
    );
  }
  return found;
}

/** `GET /identityProtection/riskyServicePrincipals/{id}/investigation[/{question}]`. */
export async function investigationRoutes(app: FastifyInstance, options: GraphRouteOptions): Promise<void> {
  const { deps } = options;
  const read = options.requirePermission('IdentityRiskyServicePrincipal.Read.All');
  const base = '/identityProtection/riskyServicePrincipals/:id/investigation';
  const tags = ['identityProtection'];

  async function run(
    request: FastifyRequest<{ Params: { id: string } }>,
    query: InvestigationQuery,
    question: InvestigationQuestion | null,
  ): Promise<{ id: string; root: string; found: Investigation }> {
    const id = request.params.id.toLowerCase();
    if (!GUID.test(id)) throw resourceNotFound(request.params.id);
    const found = await investigate(deps.store, callerOf(request).tenantId, id, {
      start: query.start,
      end: query.end,
      now: new Date().toISOString(),
      top: query.top,
      question,
      after:
        question !== null && query.skipToken !== null ? decodeToken(query.skipToken, question, query) : null,
    });
    if (found === null) throw resourceNotFound(request.params.id);
    return { id, root: serviceRootOf(request, deps.config), found };
  }

  function linkOf(
    root: string,
    id: string,
    found: Investigation,
    page: QuestionPage,
    top: number,
  ): string | null {
    if (page.next === null) return null;
    const query: Record<string, string> = { start: found.window.start, end: found.window.end };
    if (top !== DEFAULT_EVIDENCE_TOP) query.$top = String(top);
    return nextLink(
      root,
      `identityProtection/riskyServicePrincipals/${id}/investigation/${page.question}`,
      query,
      encodeToken(page.question, found.window, page.next),
    );
  }

  app.get<{ Params: { id: string } }>(
    base,
    { preHandler: read, schema: { tags, response: { 200: investigationSchema } } },
    async (request) => {
      const query = readQuery(request, false);
      const { id, root, found } = await run(request, query, null);
      return {
        '@odata.context': `${root}/$metadata#identityProtection/riskyServicePrincipals('${id}')/investigation/$entity`,
        ...found,
        questions: found.questions.map((page) => {
          const { next: _cursor, ...answer } = page;
          const link = linkOf(root, id, found, page, query.top);
          return link === null ? answer : { ...answer, '@odata.nextLink': link };
        }),
      };
    },
  );

  app.get<{ Params: { id: string; question: string } }>(
    `${base}/:question`,
    { preHandler: read, schema: { tags, response: { 200: evidencePageSchema } } },
    async (request) => {
      const question = questionOf(request.params.question);
      const query = readQuery(request, true);
      const { id, root, found } = await run(request, query, question);
      const page = found.questions[0]!;
      const link = linkOf(root, id, found, page, query.top);
      return {
        '@odata.context': `${root}/$metadata#identityProtection/riskyServicePrincipals('${id}')/investigation/${question}`,
        value: page.evidence,
        ...(link === null ? {} : { '@odata.nextLink': link }),
      };
    },
  );
}

import type { SignIn } from '../../domain/index.ts';
import { type DetectionCandidate, defineSignInDetection, networkOf, signInCandidate } from '../detection.ts';
import { createOffensiveToolMatcher, type OffensiveToolMatch } from './match-offensive-tool.ts';
import { OFFENSIVE_TOOL_AGENTS, type OffensiveToolAgent } from './offensive-tool-agents.ts';

export { OFFENSIVE_TOOL_AGENTS, type OffensiveToolAgent } from './offensive-tool-agents.ts';

const RISK_EVENT_TYPE = 'investigationsThreatIntelligence';
const MAX_REMEMBERED_AGENTS = 1000;

/** Tunables of the offensive tool detection. */
export interface OffensiveToolParameters {
  /** The tools to look for (default: `OFFENSIVE_TOOL_AGENTS`). */
  tools: readonly OffensiveToolAgent[];
  /** Failed sign-ins with a tool's agent are raised too (medium). */
  includeFailures: boolean;
  /** Contributing sign-in ids and distinct user agents kept in the explanation. */
  maxEvidence: number;
}

interface Group {
  match: OffensiveToolMatch;
  successful: boolean;
  signIns: SignIn[];
  userAgents: Set<string>;
}

// One matcher per tool list, built once: evaluations open per principal.
const matchers = new WeakMap<readonly OffensiveToolAgent[], ReturnType<typeof createOffensiveToolMatcher>>();

function matcherFor(tools: readonly OffensiveToolAgent[]) {
  let m = matchers.get(tools);
  if (m === undefined) {
    m = createOffensiveToolMatcher(tools);
    matchers.set(tools, m);
  }
  return m;
}

/**
 * `investigationsThreatIntelligence` (spec A2), offensive tooling: a sign-in whose user agent names
 * an offensive tool for Entra ID or Azure (ROADtools, AADInternals, AzureHound, TeamFiltration…).
 *
 * A **successful** sign-in is **high**: someone holds a working credential of the principal and
 * uses it with attack tooling (a red team at best). A **failed** one is **medium**: the tool is
 * pointed at this principal, with a credential that did not work (yet). Sign-ins of one principal
 * with one tool on one UTC day are one detection per outcome, so a success after failures raises its
 * own high detection instead of refreshing the medium one.
 */
export const offensiveToolsDetection = defineSignInDetection<OffensiveToolParameters, undefined>({
  id: 'offensive-tools',
  riskEventType: RISK_EVENT_TYPE,
  title: 'Sign-in with an offensive tool',
  description:
    'The principal signed in, or tried to, with a user agent that names an offensive tool for Entra ID or Azure.',
  defaultParameters: { tools: OFFENSIVE_TOOL_AGENTS, includeFailures: true, maxEvidence: 50 },
  open(principal, _context, parameters) {
    const match = matcherFor(parameters.tools);
    // Workloads send few distinct agents: each is matched once per evaluation.
    const seen = new Map<string, OffensiveToolMatch | null>();
    let lastAgent: string | null = null;
    let lastMatch: OffensiveToolMatch | null = null;
    const groups = new Map<string, Group>();
    return {
      add(s) {
        if (s.userAgent === null || s.userAgent === '') return;
        const successful = s.statusCode === 0;
        if (!successful && !parameters.includeFailures) return;
        // The agent of the previous sign-in, compared as text, spares hashing it for the memo. It is
        // kept only when it changes: pointing at every sign-in's fresh string from this long-lived
        // closure would make each young-generation collection copy it.
        let m: OffensiveToolMatch | null;
        if (s.userAgent === lastAgent) m = lastMatch;
        else {
          const known = seen.get(s.userAgent);
          if (known === undefined) {
            m = match(s.userAgent);
            // Agents are attacker-controlled: random ones must not grow the memo without bound.
            if (seen.size >= MAX_REMEMBERED_AGENTS) seen.clear();
            seen.set(s.userAgent, m);
          } else m = known;
          lastAgent = s.userAgent;
          lastMatch = m;
        }
        if (m === null) return;
        const outcome = successful ? 'success' : 'failure';
        const key = `${principal.tenantId}|${principal.principalId}|${RISK_EVENT_TYPE}|offensiveTool|${m.tool.id}|${outcome}|${s.createdAt.slice(0, 10)}`;
        let g = groups.get(key);
        if (!g) {
          g = { match: m, successful, signIns: [], userAgents: new Set() };
          groups.set(key, g);
        }
        g.signIns.push(s);
        g.userAgents.add(s.userAgent);
      },
      finish: () => [...groups].map(([key, g]) => candidateOf(key, g, parameters)),
    };
  },
});

function candidateOf(dedupeKey: string, g: Group, p: OffensiveToolParameters): DetectionCandidate {
  const { tool, matched } = g.match;
  const first = g.signIns[0]!;
  const n = g.signIns.length;
  const userAgents = [...g.userAgents].slice(0, p.maxEvidence);
  const keyIds = new Set<string>();
  for (const s of g.signIns) if (s.credentialKeyId) keyIds.add(s.credentialKeyId);
  const what = g.successful
    ? `Signed in successfully ${n === 1 ? 'once' : `${n} times`}`
    : `Failed to sign in ${n === 1 ? 'once' : `${n} times`}`;
  const meaning = g.successful
    ? 'Whoever holds a working credential of this principal is using attack tooling with it; unless it is an authorised test, treat the credential as compromised.'
    : 'The tool is pointed at this principal; the credential it tried did not work.';
  return signInCandidate(dedupeKey, RISK_EVENT_TYPE, g.successful ? 'high' : 'medium', g.signIns, keyIds, [
    {
      Key: 'reason',
      Value: `${what} with ${tool.name} (${tool.purpose}), named in the user agent "${truncate(first.userAgent ?? '', 200)}". ${meaning}`,
    },
    {
      Key: 'tool',
      Value: { id: tool.id, name: tool.name, purpose: tool.purpose, reference: tool.reference, matched },
    },
    { Key: 'userAgents', Value: userAgents },
    { Key: 'network', Value: networkOf(first) },
    { Key: 'signIns', Value: n },
    { Key: 'successfulSignIns', Value: g.successful ? n : 0 },
    { Key: 'contributingSignInIds', Value: g.signIns.slice(0, p.maxEvidence).map((s) => s.id) },
  ]);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

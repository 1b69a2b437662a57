import type { Command } from 'commander';
import { ApiError } from '../errors/api-error.ts';
import type { EvidenceItem, Verdict } from '../investigation/investigation.ts';
import { type Investigation, investigate, MAX_EVIDENCE_TOP } from '../jobs/investigation.ts';
import { withStore } from './context.ts';
import { parseLimit } from './parse-limit.ts';

const VERDICT_WORD: Readonly<Record<Verdict, string>> = {
  nothingFound: 'nothing found',
  suspicious: 'SUSPICIOUS',
  confirmed: 'CONFIRMED',
};

const RANK: Readonly<Record<Verdict, number>> = { confirmed: 0, suspicious: 1, nothingFound: 2 };

/** The items a person should read first: the worst, then the earliest. */
function topEvidence(evidence: readonly EvidenceItem[], n: number): EvidenceItem[] {
  return [...evidence]
    .sort((a, b) => RANK[a.verdict] - RANK[b.verdict] || (a.dateTime < b.dateTime ? -1 : 1))
    .slice(0, n);
}

function evidenceLine(e: EvidenceItem): string {
  const mark = e.verdict === 'confirmed' ? '!!' : e.verdict === 'suspicious' ? ' !' : '  ';
  const records = [
    e.auditId ? `audit ${e.auditId}` : '',
    e.detectionId ? `detection ${e.detectionId}` : '',
    e.signInIds.length > 0
      ? `sign-ins ${e.signInIds.slice(0, 3).join(', ')}${e.signInIds.length > 3 ? ` +${e.signInIds.length - 3}` : ''}`
      : '',
  ].filter(Boolean);
  const lines = [`  ${mark} ${e.dateTime}  ${e.description}`];
  if (e.unusual.length > 0) {
    lines.push(`       unusual: ${e.unusual.map((u) => `${u.property} ${u.value}`).join('; ')}`);
  }
  if (records.length > 0) lines.push(`       ${records.join(' · ')}`);
  return lines.join('\n');
}

/** The investigation for a person: each question's verdict, summary and its most telling evidence. */
function render(found: Investigation, shown: number): string {
  const out = [
    `Investigation of ${found.displayName ?? found.servicePrincipalId} (${found.servicePrincipalId}), app ${found.appId ?? '–'}`,
    `risk ${found.riskLevel}, ${found.riskState}; window ${found.window.start} – ${found.window.end}`,
  ];
  found.questions.forEach((q, i) => {
    out.push('', `${i + 1}. ${q.title}  ${VERDICT_WORD[q.verdict]}`, `   ${q.summary}`);
    for (const e of topEvidence(q.evidence, shown)) out.push(evidenceLine(e));
    const more = q.evidenceCount - Math.min(shown, q.evidence.length);
    if (more > 0) out.push(`   … ${more} more (--json, or the API, lists them all)`);
  });
  return `${out.join('\n')}\n`;
}

/** `vigil investigate <principal>`: the four questions about a principal, answered with evidence. */
export function registerInvestigateCommand(program: Command): void {
  program
    .command('investigate')
    .description(
      'investigate a service principal: suspicious sign-ins, credential, configuration and permission changes',
    )
    .argument('<principal>', 'service principal object id')
    .option('--tenant <id>', 'tenant (default: VIGIL_TENANT_ID)')
    .option('--start <date-time>', 'window start (default: 30 days before its first active detection)')
    .option('--end <date-time>', 'window end (default: now); at most 90 days after start')
    .option('--top <n>', 'evidence lines per question (default 5)')
    .option('--json', 'print JSON, with up to 200 evidence items per question')
    .action(
      async (
        principal: string,
        opts: { tenant?: string; start?: string; end?: string; top?: string; json?: boolean },
        cmd: Command,
      ) => {
        await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
          const tenantId = opts.tenant?.toLowerCase() ?? config.defaultTenantId;
          let found: Investigation | null;
          try {
            found = await investigate(store, tenantId, principal.toLowerCase(), {
              start: opts.start ?? null,
              end: opts.end ?? null,
              now: new Date().toISOString(),
              top: MAX_EVIDENCE_TOP,
              question: null,
              after: null,
            });
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            process.stderr.write(`error: ${err.message}\n`);
            process.exitCode = 2;
            return;
          }
          if (found === null) {
            process.stderr.write(`error: no service principal ${principal}\n`);
            process.exitCode = 1;
            return;
          }
          if (opts.json) {
            const questions = found.questions.map(({ next: _next, ...q }) => q);
            process.stdout.write(`${JSON.stringify({ ...found, questions })}\n`);
            return;
          }
          process.stdout.write(render(found, parseLimit(opts.top, 5)));
        });
      },
    );
}

import { join } from 'node:path';
import type { Command } from 'commander';
import { MIN_PRINCIPALS } from '../simulate/plan-tenant.ts';
import { type SimulationSummary, simulateTenant } from '../simulate/simulate-tenant.ts';
import { MAX_DAYS } from '../simulate/simulation-period.ts';
import { OutputNotEmptyError } from '../simulate/write-tenant.ts';

interface SimulateOptions {
  out: string;
  principals: string;
  days: string;
  seed: string;
  end?: string;
  replace?: boolean;
  json?: boolean;
}

/** A whole number from `min` to `max`, or null. */
function wholeNumber(text: string, min: number, max = Number.MAX_SAFE_INTEGER): number | null {
  if (!/^-?\d+$/.test(text.trim())) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

/** `--end`: `now`, or an ISO time; null when it is neither. */
function endOf(text: string | undefined): Date | undefined | null {
  if (text === undefined) return undefined;
  if (text.toLowerCase() === 'now') return new Date();
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function gigabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

function printSummary(s: SimulationSummary): void {
  const l = s.labels;
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `Simulated tenant ${s.organization} (${l.tenantId}), seed ${l.seed}: ${l.days} days, ${l.start} to ${l.end}`,
    `  principals    ${n(l.principals)} (${n(l.managedIdentities)} managed identities)`,
    `  sign-ins      ${n(l.signIns)}`,
    `  audit events  ${n(l.auditEvents)}`,
    `  indicators    ${n(l.indicators)}`,
    `  files         ${n(s.files)} (${gigabytes(s.bytes)}) in ${s.out}, written in ${s.seconds} s`,
    `Attacks on ${l.attacks.length} principals` +
      (l.targeted.length > 0
        ? ` (${l.targeted.length} more tried by password sprays, without success)`
        : '') +
      ':',
  ];
  for (const a of l.attacks) {
    const expect = a.expectDetection ? a.riskEventTypes.join(', ') : 'nothing expected';
    lines.push(`  ${a.from}  ${a.kind.padEnd(19)} ${a.displayName}  → ${expect}`);
  }
  const normal = Object.entries(countBy(l.normalEvents, (e) => e.kind))
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');
  lines.push(`Normal changes (not attacks): ${normal}`);
  lines.push(`Labels: ${join(s.out, 'labels.json')}`);
  const logs = [
    'inventory',
    'insights-logs-serviceprincipalsigninlogs',
    'insights-logs-managedidentitysigninlogs',
    'insights-logs-auditlogs',
  ]
    .map((d) => join(s.out, d))
    .join(' ');
  lines.push(
    'Import it with:',
    `  vigil import --tenant ${l.tenantId} ${logs}`,
    `  vigil intel import ${join(s.out, 'intel', 'indicators.txt')}`,
    `  vigil leaks import --tenant ${l.tenantId} ${join(s.out, 'leaks', 'gitleaks.json')}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `vigil simulate`: writes a simulated tenant with labelled attacks, for trying and measuring Vigil. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'write a simulated tenant: sign-in and audit export blobs, inventory, an indicator list, a leak report, and labels of the attacks in it',
    )
    .requiredOption('--out <dir>', 'directory to write (created; must be empty unless --replace)')
    .option(
      '--principals <n>',
      `service principals and managed identities (at least ${MIN_PRINCIPALS})`,
      '200',
    )
    .option('--days <n>', `days of activity (at most ${MAX_DAYS})`, '30')
    .option('--seed <n>', 'random seed: a seed always writes the same tenant', '1')
    .option(
      '--end <time>',
      "end of the period: an ISO time or 'now' (default: a fixed date, so only the seed matters)",
    )
    .option('--replace', 'replace an earlier simulation in --out (its files only)')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: SimulateOptions) => {
      const principals = wholeNumber(opts.principals, MIN_PRINCIPALS);
      const days = wholeNumber(opts.days, 1, MAX_DAYS);
      const seed = wholeNumber(opts.seed, 0);
      const end = endOf(opts.end);
      const problem =
        principals === null
          ? `--principals must be a whole number of at least ${MIN_PRINCIPALS}`
          : days === null
            ? `--days must be a whole number from 1 to ${MAX_DAYS}`
            : seed === null
              ? '--seed must be a whole number of at least 0'
              : end === null
                ? "--end must be an ISO time or 'now'"
                : null;
      if (problem !== null) {
        process.stderr.write(`error: ${problem}\n`);
        process.exitCode = 2;
        return;
      }
      const tty = !opts.json && process.stderr.isTTY;
      let summary: SimulationSummary;
      try {
        summary = await simulateTenant({
          out: opts.out,
          principals: principals!,
          days: days!,
          seed: seed!,
          ...(end ? { end } : {}),
          replace: opts.replace === true,
          ...(tty
            ? {
                onProgress: (p) => {
                  if (p.hoursDone % 24 === 0 || p.hoursDone === p.hours) {
                    process.stderr.write(
                      `\rday ${Math.floor(p.hoursDone / 24)}/${days} · ${p.signIns.toLocaleString('en-US')} sign-ins`,
                    );
                  }
                },
              }
            : {}),
        });
      } catch (err) {
        if (!(err instanceof OutputNotEmptyError)) throw err;
        process.stderr.write(
          `error: ${err.directory} is not empty; write to an empty directory, or pass --replace to replace ` +
            'an earlier simulation there\n',
        );
        process.exitCode = 2;
        return;
      }
      if (tty) process.stderr.write('\n');
      if (opts.json) {
        const l = summary.labels;
        process.stdout.write(
          `${JSON.stringify({
            out: summary.out,
            tenantId: l.tenantId,
            organization: summary.organization,
            seed: l.seed,
            start: l.start,
            end: l.end,
            principals: l.principals,
            managedIdentities: l.managedIdentities,
            signIns: l.signIns,
            auditEvents: l.auditEvents,
            indicators: l.indicators,
            files: summary.files,
            bytes: summary.bytes,
            seconds: summary.seconds,
            attacks: countBy(l.attacks, (a) => a.kind),
            targeted: l.targeted.length,
            normalEvents: countBy(l.normalEvents, (e) => e.kind),
            labels: join(summary.out, 'labels.json'),
          })}\n`,
        );
      } else {
        printSummary(summary);
      }
    });
}

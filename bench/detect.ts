// Detection benchmark: simulates a tenant with labelled attacks, imports it as an operator would
// (inventory, sign-in and audit exports, an indicator list, a leak report), runs one detection pass
// and scores what it found against the labels. Quality (recall, precision, false positives, time to
// detect) and speed (sign-ins per second of the detection pass, against a bare read of the same rows
// measured in the same run) come out together, so neither is bought with the other.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { SimulationLabels } from '../src/simulate/labels.ts';
import { scoreDetections } from '../src/simulate/score.ts';
import { runVigil } from './run-vigil.ts';

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
}

/** The reference: read the same sign-ins in the same order with a bare prepared statement, nothing else. */
function bareRead(database: string): { rows: number; ms: number } {
  const db = new BetterSqlite3(database, { readonly: true });
  const started = performance.now();
  let rows = 0;
  for (const _ of db.prepare('select * from sign_ins order by created_at').raw(true).iterate()) rows++;
  const ms = performance.now() - started;
  db.close();
  return { rows, ms };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const principals = flag(args, 'principals', 2000);
  const days = flag(args, 'days', 30);
  const seed = flag(args, 'seed', 20261127);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-detect-'));
  const out = join(dir, 'tenant');
  const database = join(dir, 'vigil.db');
  const env = { VIGIL_DATABASE_URL: database };
  try {
    const simulateStarted = performance.now();
    await runVigil(
      [
        'simulate',
        '--out',
        out,
        '--principals',
        String(principals),
        '--days',
        String(days),
        '--seed',
        String(seed),
        '--json',
      ],
      env,
    );
    const simulateMs = performance.now() - simulateStarted;
    const labels = JSON.parse(readFileSync(join(out, 'labels.json'), 'utf8')) as SimulationLabels;
    const logs = readdirSync(out)
      .filter((e) => e.startsWith('insights-logs-'))
      .map((e) => join(out, e));
    const importStarted = performance.now();
    await runVigil(['import', '--json', '--tenant', labels.tenantId, join(out, 'inventory'), ...logs], env);
    const importMs = performance.now() - importStarted;
    await runVigil(['intel', 'import', '--json', join(out, 'intel', 'indicators.txt')], env);
    await runVigil(
      ['leaks', 'import', '--json', '--tenant', labels.tenantId, join(out, 'leaks', 'gitleaks.json')],
      env,
    );

    const detect = await runVigil(['detect', '--json'], env);
    const pass = JSON.parse(detect.out) as {
      signIns: number;
      timings: { evaluateMs: number; writeMs: number };
      detections: Record<string, { new: number; updated: number }>;
    };
    const passMs = pass.timings.evaluateMs + pass.timings.writeMs;

    const db = new BetterSqlite3(database, { readonly: true });
    const risky = db
      .prepare('select principal_id as principalId, risk_level as riskLevel from risky_principals')
      .all() as {
      principalId: string;
      riskLevel: string;
    }[];
    const detections = db
      .prepare(
        'select principal_id as principalId, risk_level as riskLevel, risk_event_type as riskEventType, activity_date_time as activityDateTime from risk_detections',
      )
      .all() as { principalId: string; riskLevel: string; riskEventType: string; activityDateTime: string }[];
    db.close();
    const score = scoreDetections(labels, risky, detections);
    const reference = bareRead(database);

    const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
    const signInsPerSecond = Math.round(pass.signIns / (passMs / 1000));
    const referencePerSecond = Math.round(reference.rows / (reference.ms / 1000));
    console.error(
      [
        `tenant      ${principals} principals, ${days} days, seed ${seed}: ${labels.signIns} sign-ins, ${labels.auditEvents} audit events, ${labels.attacks.length} attacks`,
        `simulate    ${(simulateMs / 1000).toFixed(1)} s; import ${(importMs / 1000).toFixed(1)} s`,
        `detect      ${pass.signIns} sign-ins in ${(passMs / 1000).toFixed(2)} s (evaluate ${pass.timings.evaluateMs} ms, write ${pass.timings.writeMs} ms): ${signInsPerSecond}/s`,
        `reference   bare read of the same rows: ${referencePerSecond}/s; ratio ${(signInsPerSecond / referencePerSecond).toFixed(2)}`,
        `detections  ${JSON.stringify(pass.detections)}`,
        `quality     recall ${round(score.recall)} (${score.found}/${score.attacked}), precision ${round(score.precision)} (${score.found}/${score.flagged}), ${score.falsePositiveDetections} false-positive detections`,
        ...score.missed.map((m) => `missed      ${m.kind} on ${m.principalId}`),
        ...score.falsePositivePrincipals.map((p) => `false pos.  ${p}`),
      ].join('\n'),
    );
    return {
      principals,
      days,
      seed,
      signIns: pass.signIns,
      attacks: score.attacked,
      recall: round(score.recall),
      precision: round(score.precision),
      falsePositivesPer1000PrincipalDays: round(score.falsePositivesPer1000PrincipalDays),
      medianTimeToDetectMinutes:
        score.medianTimeToDetectMinutes === null ? null : round(score.medianTimeToDetectMinutes, 1),
      signInsPerSecond,
      referenceReadPerSecond: referencePerSecond,
      ratioToReference: round(signInsPerSecond / referencePerSecond, 2),
      peakRssMb: detect.peakRssMb,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

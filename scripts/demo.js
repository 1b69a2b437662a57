#!/usr/bin/env node
// `npm run demo`: Vigil end to end on a simulated tenant, in a throwaway directory. It simulates a
// month of a 300-principal tenant with planted attacks, imports its logs, inventory, indicator list
// and leak report, runs detection, shows what is at risk next to what was planted, creates an API
// key and serves the API in the foreground until Ctrl+C.
//
//   npm run demo -- [--principals N] [--days D] [--seed S] [--port P] [--keep]
//
// The directory (a few hundred megabytes) is deleted when the server stops, unless --keep.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
function option(name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
}
const principals = option('principals', '300');
const days = option('days', '30');
const seed = option('seed', '1');
const port = option('port', process.env.VIGIL_PORT ?? '8080');
const keep = args.includes('--keep');

const bin = fileURLToPath(new URL('../bin/vigil.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
const tenantDir = join(dir, 'tenant');
const env = {
  ...process.env,
  VIGIL_DATABASE_URL: join(dir, 'vigil.db'),
  VIGIL_PORT: port,
  VIGIL_LOG_LEVEL: process.env.VIGIL_LOG_LEVEL ?? 'warn',
  // Run the sources, so the demo never shows a stale build.
  VIGIL_FROM_SOURCE: process.env.VIGIL_FROM_SOURCE ?? '1',
};

/** Runs one `vigil` command, showing it; returns its standard output when asked to capture it. */
function vigil(title, commandArgs, capture = false) {
  process.stdout.write(`\n▶ ${title}\n  $ vigil ${commandArgs.join(' ')}\n\n`);
  const run = spawnSync(process.execPath, [bin, ...commandArgs], {
    env,
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    process.stderr.write(
      `\nvigil ${commandArgs[0]} failed (exit ${run.status ?? run.signal}); files are in ${dir}\n`,
    );
    process.exit(run.status ?? 1);
  }
  return run.stdout ?? '';
}

process.stdout.write(`Vigil demo in ${dir} (database ${env.VIGIL_DATABASE_URL})\n`);

vigil(`Simulate ${principals} principals over ${days} days, ending now, with planted attacks`, [
  'simulate',
  '--out',
  tenantDir,
  '--principals',
  principals,
  '--days',
  days,
  '--seed',
  seed,
  '--end',
  'now',
]);

const labels = JSON.parse(readFileSync(join(tenantDir, 'labels.json'), 'utf8'));
// Everything from here on (inventory, leaks, keys) belongs to the simulated tenant.
env.VIGIL_TENANT_ID = labels.tenantId;

vigil('Import the inventory, then the sign-in and audit export blobs', [
  'import',
  join(tenantDir, 'inventory'),
  join(tenantDir, 'insights-logs-serviceprincipalsigninlogs'),
  join(tenantDir, 'insights-logs-managedidentitysigninlogs'),
  join(tenantDir, 'insights-logs-auditlogs'),
]);
vigil('Import the threat-intelligence list', ['intel', 'import', join(tenantDir, 'intel', 'indicators.txt')]);
vigil('Import the secret scanner report', ['leaks', 'import', join(tenantDir, 'leaks', 'gitleaks.json')]);
vigil('Run detection over everything imported', ['detect']);
vigil('Principals at high risk', ['risky', 'list', '--level', 'high']);
vigil('Principals at medium risk', ['risky', 'list', '--level', 'medium']);

process.stdout.write('\n▶ What was planted (labels.json)\n\n');
for (const a of labels.attacks) {
  const expected = a.expectDetection ? a.riskEventTypes.join(', ') : 'nothing expected';
  process.stdout.write(`  ${a.kind.padEnd(19)} ${a.principalId}  ${a.displayName}  → ${expected}\n`);
}

const key = vigil(
  'Create an API key (Security Administrator)',
  ['keys', 'create', '--role', 'security-administrator', '--name', 'demo'],
  true,
).trim();
process.stdout.write(`  ${key}\n`);

process.stdout.write(
  `\n▶ Serve the API on http://127.0.0.1:${port} (Ctrl+C to stop)\n` +
    `  $ vigil serve\n\n` +
    `  Try: curl -H 'Authorization: Bearer ${key}' http://127.0.0.1:${port}/metrics\n` +
    `  Or, in another terminal: VIGIL_DATABASE_URL=${env.VIGIL_DATABASE_URL} VIGIL_TENANT_ID=${labels.tenantId} ` +
    'vigil detections list\n' +
    (keep
      ? `  The simulated tenant and the database stay in ${dir}.\n\n`
      : `  ${dir} is deleted when the server stops (pass --keep to keep it).\n\n`),
);
const server = spawn(process.execPath, [bin, 'serve'], {
  env: { ...env, VIGIL_LOG_LEVEL: 'info' },
  stdio: 'inherit',
});
// Ctrl+C reaches the server too (same process group); wait for it to shut down cleanly.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => server.kill('SIGTERM'));
server.on('exit', (code, signal) => {
  if (!keep) rmSync(dir, { recursive: true, force: true });
  process.exit(code ?? (signal ? 0 : 1));
});

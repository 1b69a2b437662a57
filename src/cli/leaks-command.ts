import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { raiseLeakDetections } from '../jobs/leak-detection.ts';
import { parseLeakReport } from '../leaks/parse-leak-report.ts';
import { scanPath } from '../leaks/scan-for-secrets.ts';
import { withStore } from './context.ts';

/** `vigil leaks import|scan`: leaked credentials, matched against the inventory, raised as detections. */
export function registerLeaksCommand(program: Command): void {
  const leaks = program
    .command('leaks')
    .description('leaked credentials: import scanner reports or scan files');

  const report = (r: Awaited<ReturnType<typeof raiseLeakDetections>>, rejected: number, json: boolean) => {
    if (json) {
      process.stdout.write(`${JSON.stringify({ ...r, rejected })}\n`);
      return;
    }
    for (const f of r.findings) {
      process.stdout.write(`${f.outcome.padEnd(9)} ${f.kind.padEnd(12)} ${f.where}\n  ${f.how}\n`);
      if (f.detectionId)
        process.stdout.write(`  → leakedCredentials detection ${f.detectionId} on ${f.principalId}\n`);
    }
    process.stdout.write(
      `${r.leaks} leak${r.leaks === 1 ? '' : 's'}: ${r.confirmed} confirmed, ${r.probable} probable, ${r.stale} stale (not raised), ` +
        `${r.noMatch} matching no credential; ${r.detections} new detection${r.detections === 1 ? '' : 's'}` +
        `${rejected > 0 ? `; ${rejected} report entries unusable` : ''}\n`,
    );
  };

  leaks
    .command('import')
    .description(
      'import a secret-scanner report (gitleaks JSON, trufflehog JSON lines, GitHub secret scanning alerts, generic)',
    )
    .argument('<report>', 'report file')
    .option('--tenant <id>', 'tenant whose credentials to match (default: VIGIL_TENANT_ID)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { tenant?: string; json?: boolean }, cmd: Command) => {
      const parsed = parseLeakReport(await readFile(file, 'utf8'));
      if (parsed.format === null) {
        process.stderr.write(
          `error: ${file} is not a report Vigil knows (gitleaks, trufflehog, GitHub secret scanning, generic)\n`,
        );
        process.exitCode = 2;
        return;
      }
      await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
        const tenantId = opts.tenant?.toLowerCase() ?? config.defaultTenantId;
        const r = await raiseLeakDetections(store, tenantId, parsed.leaks, new Date().toISOString());
        report(r, parsed.rejected.filter((x) => !x.skipped).length, opts.json === true);
      });
    });

  leaks
    .command('scan')
    .description('scan files or a directory for Entra client secrets and PEM keys and certificates')
    .argument('<path>', 'file or directory')
    .option('--tenant <id>', 'tenant whose credentials to match (default: VIGIL_TENANT_ID)')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, opts: { tenant?: string; json?: boolean }, cmd: Command) => {
      const scan = await scanPath(path);
      await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
        const tenantId = opts.tenant?.toLowerCase() ?? config.defaultTenantId;
        const r = await raiseLeakDetections(store, tenantId, scan.leaks, new Date().toISOString());
        report(r, scan.rejected.filter((x) => !x.skipped).length, opts.json === true);
      });
    });
}

import type { Command } from 'commander';
import { type ImportProgress, importFiles, importStream } from '../ingest/pipeline.ts';
import { withStore } from './context.ts';
import { createProgressBar } from './progress-bar.ts';

/** `vigil import <paths…>`: files, directories (recursive), gzip, or `-` for standard input. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'import Entra logs and inventory: export files (PT1H.json), Event Hub messages, Log Analytics rows, Graph JSON',
    )
    .argument(
      '<paths...>',
      'files or directories to import (read recursively, gzip detected), or - for standard input',
    )
    .option('--tenant <id>', 'tenant for records that name none (default: VIGIL_TENANT_ID)')
    .option('--json', 'print the summary as JSON')
    .option('--no-enrich', 'do not look up ASN, country and hosting for sign-in addresses')
    .action(
      async (paths: string[], opts: { tenant?: string; json?: boolean; enrich: boolean }, cmd: Command) => {
        await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
          const tenantId = opts.tenant?.toLowerCase() ?? config.defaultTenantId;
          const started = Date.now();
          const bar = opts.json ? null : createProgressBar();
          const fromStdin = paths.length === 1 && paths[0] === '-';
          const deps = { store, config, enrich: opts.enrich };
          let result: {
            read: number;
            stored: number;
            duplicates: number;
            skipped: number;
            quarantined: number;
          };
          let files = 1;
          let missing: string[] = [];
          let ignored: string[] = [];
          if (fromStdin) {
            result = await importStream(process.stdin, '-', deps, { tenantId });
          } else {
            const r = await importFiles(paths, deps, {
              tenantId,
              onProgress: (p: ImportProgress) => bar?.update(p, Date.now() - started),
            });
            result = r;
            files = r.files;
            missing = r.missing;
            ignored = r.ignored;
          }
          bar?.stop();
          const seconds = (Date.now() - started) / 1000;
          const summary = {
            read: result.read,
            stored: result.stored,
            duplicates: result.duplicates,
            skipped: result.skipped,
            quarantined: result.quarantined,
            files,
            missing,
            ignored,
            seconds: Math.round(seconds * 100) / 100,
            recordsPerSecond: seconds > 0 ? Math.round(result.read / seconds) : result.read,
          };
          if (opts.json) {
            process.stdout.write(`${JSON.stringify(summary)}\n`);
          } else {
            const lines = [
              `Imported ${files} file${files === 1 ? '' : 's'} in ${summary.seconds}s (${summary.recordsPerSecond.toLocaleString('en-US')} records/s)`,
              `  read         ${summary.read}`,
              `  stored       ${summary.stored}`,
              `  duplicates   ${summary.duplicates}`,
              `  skipped      ${summary.skipped}  (records of other categories, e.g. user sign-ins)`,
              `  quarantined  ${summary.quarantined}${summary.quarantined > 0 ? '  — see them with: vigil quarantine list' : ''}`,
            ];
            for (const m of missing) lines.push(`  not found:   ${m}`);
            if (ignored.length > 0) {
              lines.push(
                `  left alone:  ${ignored.length} file${ignored.length === 1 ? '' : 's'} not named like log data (${ignored.slice(0, 3).join(', ')}${ignored.length > 3 ? ', …' : ''})`,
              );
            }
            process.stdout.write(`${lines.join('\n')}\n`);
          }
          if (missing.length > 0) process.exitCode = 1;
        });
      },
    );
}

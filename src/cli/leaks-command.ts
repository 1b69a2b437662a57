import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { LEAK_VERIFY_ENV } from '../config/parse-leak-settings.ts';
import type { Config } from '../config/schema.ts';
import { type LeakRunOptions, raiseLeakDetections } from '../jobs/leak-detection.ts';
import type { Leak } from '../leaks/leak.ts';
import { parseLeakReport } from '../leaks/parse-leak-report.ts';
import { scanPath } from '../leaks/scan-for-secrets.ts';
import { type FetchFunction, verifySecretLive } from '../leaks/verify-secret-live.ts';
import type { Store } from '../store/open-store.ts';
import { withStore } from './context.ts';

interface LeaksFlags {
  tenant?: string;
  json?: boolean;
  verify?: boolean;
}

const VERIFY_HELP =
  'try each probable client secret with a live client-credentials token request against the configured token endpoint ' +
  '(leaks.verify or VIGIL_LEAK_VERIFY_TOKEN_ENDPOINT); the leaked secret is sent to it';

/**
 * The live check of this run: none without `--verify`; with it, requests to the configured token
 * endpoint, or an error message when none is configured.
 */
function liveCheckOf(config: Readonly<Config>, verify: boolean): LeakRunOptions | { error: string } {
  if (!verify) return {};
  const settings = config.leaks.verify;
  if (settings === null) {
    return {
      error:
        'error: --verify needs a token endpoint to try leaked secrets against, and none is configured.\n' +
        `Set ${LEAK_VERIFY_ENV.tokenEndpoint} (and ${LEAK_VERIFY_ENV.scope} if not Microsoft Graph), or in the config file:\n` +
        '  "leaks": { "verify": { "tokenEndpoint": "https://login.microsoftonline.com/{tenantId}/oauth2/v2.0/token" } }\n' +
        'Each probable leaked client secret is then sent there in a client-credentials request. Nothing was matched or raised.\n',
    };
  }
  const options = {
    tokenEndpoint: settings.tokenEndpoint,
    scope: settings.scope,
    timeoutMs: settings.timeoutSeconds * 1000,
    fetch: globalThis.fetch satisfies FetchFunction,
  };
  return { verifySecret: (request) => verifySecretLive(request, options) };
}

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
        `${r.liveChecks > 0 || r.invalid > 0 ? `${r.invalid} refused by the token endpoint (not raised; ${r.liveChecks} live token request${r.liveChecks === 1 ? '' : 's'}), ` : ''}` +
        `${r.noMatch} matching no credential; ${r.detections} new detection${r.detections === 1 ? '' : 's'}` +
        `${rejected > 0 ? `; ${rejected} report entries unusable` : ''}\n`,
    );
  };

  /** Reads the leaks, matches and raises them in an open store, trying secrets live when asked. */
  const run = async (
    ctx: { config: Readonly<Config>; store: Store },
    opts: LeaksFlags,
    read: () => Promise<{ leaks: Leak[]; rejected: { skipped: boolean }[] }>,
  ): Promise<void> => {
    const live = liveCheckOf(ctx.config, opts.verify === true);
    if ('error' in live) {
      process.stderr.write(live.error);
      process.exitCode = 2;
      return;
    }
    const found = await read();
    const tenantId = opts.tenant?.toLowerCase() ?? ctx.config.defaultTenantId;
    const r = await raiseLeakDetections(ctx.store, tenantId, found.leaks, new Date().toISOString(), live);
    report(r, found.rejected.filter((x) => !x.skipped).length, opts.json === true);
    const untried = r.findings.filter((f) => f.kind === 'clientSecret' && f.outcome === 'probable').length;
    if (opts.json !== true && opts.verify !== true && ctx.config.leaks.verify !== null && untried > 0) {
      process.stdout.write(
        `(--verify would try the ${untried} probable client secret${untried === 1 ? '' : 's'} with a live token request)\n`,
      );
    }
  };

  leaks
    .command('import')
    .description(
      'import a secret-scanner report (gitleaks JSON, trufflehog JSON lines, GitHub secret scanning alerts, generic)',
    )
    .argument('<report>', 'report file')
    .option('--tenant <id>', 'tenant whose credentials to match (default: VIGIL_TENANT_ID)')
    .option('--verify', VERIFY_HELP)
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: LeaksFlags, cmd: Command) => {
      const parsed = parseLeakReport(await readFile(file, 'utf8'));
      if (parsed.format === null) {
        process.stderr.write(
          `error: ${file} is not a report Vigil knows (gitleaks, trufflehog, GitHub secret scanning, generic)\n`,
        );
        process.exitCode = 2;
        return;
      }
      await withStore(cmd.optsWithGlobals(), (ctx) => run(ctx, opts, async () => parsed));
    });

  leaks
    .command('scan')
    .description('scan files or a directory for Entra client secrets and PEM keys and certificates')
    .argument('<path>', 'file or directory')
    .option('--tenant <id>', 'tenant whose credentials to match (default: VIGIL_TENANT_ID)')
    .option('--verify', VERIFY_HELP)
    .option('--json', 'print the result as JSON')
    .action(async (path: string, opts: LeaksFlags, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), (ctx) => run(ctx, opts, () => scanPath(path)));
    });
}

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { enforcesOutOfScope } from '../api/authz/access-state.ts';
import { policyWhatIf } from '../jobs/policy-what-if.ts';
import { checkLocationReferences } from '../policies/location-references.ts';
import { validatePolicy } from '../policies/validate-policy.ts';
import { createConditionalAccessQueries } from '../store/queries/conditional-access-queries.ts';
import { withStore } from './context.ts';

/** `vigil policies what-if`: what a proposed Conditional Access policy would have blocked. */
export function registerPoliciesCommand(program: Command): void {
  const policies = program
    .command('policies')
    .description('Conditional Access policies for workload identities');
  policies
    .command('what-if')
    .description('replay a proposed policy (Graph conditionalAccessPolicy JSON) over recorded sign-ins')
    .argument('<policy.json>', 'the proposed policy')
    .option('--days <n>', 'how many days back to replay (1–90)', '30')
    .option('--tenant <id>', 'tenant (default: VIGIL_TENANT_ID)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { days: string; tenant?: string; json?: boolean }, cmd: Command) => {
      const days = Number(opts.days);
      if (!Number.isInteger(days) || days < 1 || days > 90) {
        process.stderr.write('error: --days must be a whole number from 1 to 90\n');
        process.exitCode = 2;
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        process.stderr.write(`error: cannot read ${file}: ${(err as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const checked = validatePolicy(body, 'create');
      if ('error' in checked) {
        process.stderr.write(`error: ${checked.error.message}\n`);
        process.exitCode = 2;
        return;
      }
      await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
        const tenantId = opts.tenant?.toLowerCase() ?? config.defaultTenantId;
        const missing = checkLocationReferences(
          checked.policy,
          await createConditionalAccessQueries(store).list('named_locations', tenantId),
        );
        if (missing) {
          process.stderr.write(`error: ${missing.message}\n`);
          process.exitCode = 2;
          return;
        }
        const r = await policyWhatIf(store, tenantId, checked.policy, {
          days,
          now: new Date().toISOString(),
          enforceOutOfScope: enforcesOutOfScope(config, tenantId),
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(r)}\n`);
          return;
        }
        process.stdout.write(
          `"${r.policy.displayName}" over ${r.fromDateTime} … ${r.toDateTime}: would have blocked ` +
            `${r.signInsBlocked} of ${r.signInsEvaluated} successful sign-ins, ` +
            `${r.principalsBlocked.length} of ${r.principalsEvaluated} principals\n`,
        );
        for (const p of r.principalsBlocked) {
          process.stdout.write(
            `  ${p.servicePrincipalId}  ${(p.displayName ?? '').padEnd(32)} ${p.blocked}/${p.signIns} sign-ins  ` +
              `${p.firstBlockedDateTime} … ${p.lastBlockedDateTime}\n`,
          );
        }
        for (const a of r.assumptions) process.stdout.write(`  note: ${a}\n`);
      });
    });
}

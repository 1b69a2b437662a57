import type { Command } from 'commander';
import { credentialInventory } from '../jobs/credential-inventory.ts';
import { withStore } from './context.ts';

/** `vigil credentials list <principal>`: a principal's credential inventory with use and status. */
export function registerCredentialsCommand(program: Command): void {
  const credentials = program
    .command('credentials')
    .description('credentials of service principals and their applications');
  credentials
    .command('list')
    .description('every credential of a principal and its application: who added it, last use, status')
    .argument('<principal>', 'service principal object id')
    .option('--tenant <id>', 'tenant (default: VIGIL_TENANT_ID)')
    .option('--json', 'print JSON')
    .action(async (principal: string, opts: { tenant?: string; json?: boolean }, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
        const tenantId = opts.tenant?.toLowerCase() ?? config.defaultTenantId;
        const inventory = await credentialInventory(
          store,
          tenantId,
          principal.toLowerCase(),
          new Date().toISOString(),
        );
        if (!inventory) {
          process.stderr.write(`error: no service principal ${principal}\n`);
          process.exitCode = 1;
          return;
        }
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(inventory)}\n`);
          return;
        }
        for (const c of inventory.value) {
          process.stdout.write(
            `${c.status.padEnd(12)} ${c.type.padEnd(11)} ${c.keyId}  ${c.objectType.padEnd(16)} ` +
              `${(c.displayName ?? '').padEnd(20)} added ${c.addedDateTime ?? '?'} by ${c.addedBy ?? '?'}; ` +
              `ends ${c.endDateTime ?? '—'}; last used ${c.lastUsedDateTime ?? 'never'} (${c.signIns} sign-ins)\n`,
          );
        }
      });
    });
}

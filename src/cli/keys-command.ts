import type { Command } from 'commander';
import { createApiKeys } from '../api/auth/api-keys.ts';
import { isRole, roles } from '../api/auth/roles.ts';
import { withStore } from './context.ts';

/** `vigil keys create|list|revoke`: API keys, stored hashed; a secret is printed once. */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('API keys for the HTTP API');
  keys
    .command('create')
    .description('create a key and print it (only this once)')
    .requiredOption('--role <role>', `one of: ${roles.join(', ')}`)
    .option('--name <name>', 'what the key is for', 'unnamed')
    .option('--tenant <id>', 'tenant the key is bound to (default: VIGIL_TENANT_ID)')
    .option('--json', 'print JSON')
    .action(async (opts: { role: string; name: string; tenant?: string; json?: boolean }, cmd: Command) => {
      if (!isRole(opts.role)) {
        process.stderr.write(`error: unknown role '${opts.role}'; use one of: ${roles.join(', ')}\n`);
        process.exitCode = 2;
        return;
      }
      const role = opts.role;
      await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
        const tenantId = opts.tenant?.toLowerCase() ?? config.defaultTenantId;
        const { key, info } = await createApiKeys(store).create({ tenantId, role, name: opts.name });
        if (opts.json) process.stdout.write(`${JSON.stringify({ key, ...info })}\n`);
        else process.stdout.write(`${key}\n`);
      });
    });
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('--json', 'print JSON lines')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), async ({ store }) => {
        for (const k of await createApiKeys(store).list()) {
          if (opts.json) process.stdout.write(`${JSON.stringify(k)}\n`);
          else
            process.stdout.write(
              `${k.id}  ${k.role.padEnd(32)} ${k.name}  tenant ${k.tenantId}  created ${k.createdAt}${k.revokedAt ? `  revoked ${k.revokedAt}` : ''}\n`,
            );
        }
      });
    });
  keys
    .command('revoke')
    .description('revoke a key by id')
    .argument('<id>', 'key id (the part after vigil_)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), async ({ store }) => {
        const ok = await createApiKeys(store).revoke(id);
        process.stdout.write(ok ? `revoked ${id}\n` : `no active key ${id}\n`);
        if (!ok) process.exitCode = 1;
      });
    });
}

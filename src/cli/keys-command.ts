import type { Command } from 'commander';
import { createApiKeys } from '../api/auth/api-keys.ts';
import { isRole, rolePermissions, roles } from '../api/auth/roles.ts';
import { withStore } from './context.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The roles with what each may do, so choosing one needs no other page. */
const rolesHelp = `\nRoles and the permissions they grant:\n${roles
  .map((r) => `  ${r}\n${wrap(rolePermissions[r].join(', '), 76, '      ')}`)
  .join('\n')}\n`;

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

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
    .addHelpText('after', rolesHelp)
    .action(async (opts: { role: string; name: string; tenant?: string; json?: boolean }, cmd: Command) => {
      if (!isRole(opts.role)) {
        process.stderr.write(`error: unknown role '${opts.role}'; use one of: ${roles.join(', ')}\n`);
        process.exitCode = 2;
        return;
      }
      if (opts.tenant !== undefined && !GUID.test(opts.tenant)) {
        process.stderr.write(`error: --tenant must be a tenant id (GUID)\n`);
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

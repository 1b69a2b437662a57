import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { newCertificate } from '../credentials/new-certificate.ts';
import { ApiError } from '../errors/api-error.ts';
import { createCredentialActions } from '../jobs/credential-actions.ts';
import { credentialInventory } from '../jobs/credential-inventory.ts';
import { createDirectoryLinks } from '../jobs/directory-links.ts';
import { cliActorOf } from './cli-actor.ts';
import { withStore } from './context.ts';

/**
 * `vigil credentials list <principal>` (the inventory with use and status) and `vigil credentials
 * new-cert <principal>` (a new certificate registered, its key pair printed once).
 */
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
  credentials
    .command('new-cert')
    .description(
      'generate a key pair and a self-signed certificate, register the certificate on the principal ' +
        '(or its application) and print certificate and private key once, as PEM',
    )
    .argument('<principal>', 'service principal object id')
    .option('--application', "register it on the principal's application instead of the service principal")
    .option('--days <n>', 'validity in days', '365')
    .option('--name <name>', 'display name of the key credential')
    .option('--out <file>', 'write certificate and private key to this file (mode 600) instead of stdout')
    .option('--tenant <id>', 'tenant (default: VIGIL_TENANT_ID)')
    .option('--actor <name>', 'who acts, for the audit log (default: cli:<login>)')
    .option('--json', 'print JSON')
    .action(
      async (
        principal: string,
        opts: {
          application?: boolean;
          days: string;
          name?: string;
          out?: string;
          tenant?: string;
          actor?: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const days = Number(opts.days);
        if (!Number.isInteger(days) || days < 1 || days > 3650) {
          process.stderr.write('error: --days must be a whole number from 1 to 3650\n');
          process.exitCode = 2;
          return;
        }
        await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
          const tenantId = opts.tenant?.toLowerCase() ?? config.defaultTenantId;
          const actions = createCredentialActions({
            store,
            directoryFor: createDirectoryLinks(config.graphConnections),
          });
          try {
            const sp = await actions.ownerOf(tenantId, 'servicePrincipal', { id: principal });
            let target = sp;
            if (opts.application) {
              if (sp.appId === null) throw new ApiError('BadRequest', `principal ${sp.id} names no app id`);
              target = await actions.ownerOf(tenantId, 'application', { appId: sp.appId });
            }
            const cert = await newCertificate({ commonName: sp.displayName ?? sp.id, days });
            const outcome = await actions.addKey(
              tenantId,
              target.objectType,
              { id: target.id },
              {
                keyCredential: {
                  type: 'AsymmetricX509Cert',
                  usage: 'Verify',
                  key: cert.key,
                  displayName: opts.name ?? null,
                },
              },
              cliActorOf(opts),
            );
            const pem = `${cert.certificatePem}${cert.privateKeyPem}`;
            if (opts.out) writeFileSync(opts.out, pem, { mode: 0o600 });
            if (opts.json) {
              process.stdout.write(
                `${JSON.stringify({
                  keyCredential: outcome.value,
                  objectType: target.objectType,
                  objectId: target.id,
                  certificatePem: cert.certificatePem,
                  ...(opts.out ? { writtenTo: opts.out } : { privateKeyPem: cert.privateKeyPem }),
                  directory: outcome.directory,
                })}\n`,
              );
              return;
            }
            process.stderr.write(
              `registered certificate ${cert.thumbprint} (keyId ${String(outcome.value.keyId)}) on ` +
                `${target.objectType} ${target.id}, valid until ${cert.endDateTime}\n`,
            );
            if (!outcome.directory.applied) {
              process.stderr.write(
                'no Graph connection for this tenant: run this in Entra to register it there too:\n\n' +
                  `${outcome.directory.requests.join('\n\n')}\n\n`,
              );
            }
            if (opts.out) process.stderr.write(`certificate and private key written to ${opts.out}\n`);
            else {
              process.stderr.write('certificate and private key follow; Vigil keeps no copy of the key:\n');
              process.stdout.write(pem);
            }
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            process.stderr.write(`error: ${err.message}\n`);
            process.exitCode = 1;
          }
        });
      },
    );
}

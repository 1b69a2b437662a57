import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createExportDelivery } from '../exports/deliver.ts';
import { destinationPlugins } from '../exports/destinations/index.ts';
import { parseDiagnosticSetting, settingJson } from '../exports/diagnostic-setting.ts';
import { createDiagnosticSettingQueries } from '../store/queries/diagnostic-setting-queries.ts';
import { withStore } from './context.ts';

function fail(message: string, code = 2): void {
  process.stderr.write(`error: ${message}\n`);
  process.exitCode = code;
}

/** `vigil export settings …`, `vigil export status`, `vigil export deliver`. */
export function registerExportCommand(program: Command): void {
  const exp = program.command('export').description('export risk data and logs through diagnostic settings');
  const settings = exp.command('settings').description('diagnostic settings: which categories go where');
  settings
    .command('list')
    .description("the tenant's settings and those of the configuration file (secrets hidden)")
    .option('--tenant <id>', 'tenant (default: VIGIL_TENANT_ID)')
    .option('--json', 'print JSON lines')
    .action(async (opts: { tenant?: string; json?: boolean }, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
        const tenantId = opts.tenant?.toLowerCase() ?? config.defaultTenantId;
        for (const s of await createDiagnosticSettingQueries(store).list(tenantId)) {
          const parsed = parseDiagnosticSetting(s.name, s.body, destinationPlugins);
          if ('error' in parsed) {
            process.stdout.write(`${s.name}  (not valid: ${parsed.error.message})\n`);
            continue;
          }
          const json = { ...settingJson(parsed.setting, destinationPlugins), source: s.source };
          if (opts.json) process.stdout.write(`${JSON.stringify(json)}\n`);
          else
            process.stdout.write(
              `${s.name}  [${s.source}]  ${parsed.setting.categories.join(', ')} → ${parsed.setting.destinations.map((d) => d.type).join(', ')}\n`,
            );
        }
      });
    });
  settings
    .command('set')
    .description(
      'create or replace a setting from a JSON file ({"properties": {"logs": …, "destinations": …}})',
    )
    .argument('<name>')
    .argument('<file>')
    .option('--tenant <id>', 'tenant (default: VIGIL_TENANT_ID)')
    .action(async (name: string, file: string, opts: { tenant?: string }, cmd: Command) => {
      let body: unknown;
      try {
        body = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        fail(`cannot read ${file}: ${(err as Error).message}`);
        return;
      }
      const parsed = parseDiagnosticSetting(name, body, destinationPlugins);
      if ('error' in parsed) {
        fail(parsed.error.message);
        return;
      }
      await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
        const tenantId = opts.tenant?.toLowerCase() ?? config.defaultTenantId;
        const created = await createDiagnosticSettingQueries(store).put(
          { tenantId, name, body, source: 'api' },
          parsed.setting.categories,
          new Date().toISOString(),
        );
        process.stdout.write(`${created ? 'created' : 'replaced'} ${name}\n`);
      });
    });
  settings
    .command('delete')
    .argument('<name>')
    .option('--tenant <id>', 'tenant (default: VIGIL_TENANT_ID)')
    .action(async (name: string, opts: { tenant?: string }, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
        const tenantId = opts.tenant?.toLowerCase() ?? config.defaultTenantId;
        if (await createDiagnosticSettingQueries(store).remove(tenantId, name))
          process.stdout.write(`deleted ${name}\n`);
        else fail(`no setting ${name}`, 1);
      });
    });
  exp
    .command('status')
    .description('per destination and category: delivered, pending, oldest pending age, last error')
    .option('--json', 'print JSON lines')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), async ({ store }) => {
        for (const s of await createExportDelivery(store, destinationPlugins).status()) {
          if (opts.json) {
            process.stdout.write(`${JSON.stringify(s)}\n`);
            continue;
          }
          const age = s.oldestPendingAgeSeconds === null ? '' : `, oldest ${s.oldestPendingAgeSeconds}s`;
          const error = s.lastError ? `; last error ${s.lastErrorAt}: ${s.lastError}` : '';
          process.stdout.write(
            `${s.setting}  ${s.label}  ${s.category}: delivered ${s.delivered}, pending ${s.pending}${age}${error}\n`,
          );
        }
      });
    });
  exp
    .command('deliver')
    .description('deliver what waits now, once (vigil serve delivers continuously)')
    .action(async (_opts: unknown, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), async ({ store }) => {
        const delivery = createExportDelivery(store, destinationPlugins, {
          log: {
            warn: (o, m) => process.stderr.write(`${m}: ${JSON.stringify(o)}\n`),
            error: (o, m) => process.stderr.write(`${m}: ${JSON.stringify(o)}\n`),
          },
        });
        try {
          await delivery.runOnce();
        } finally {
          await delivery.close();
        }
        const failing = (await delivery.status()).filter((s) => s.failures > 0);
        if (failing.length > 0) process.exitCode = 1;
      });
    });
}

import type { Command } from 'commander';
import pino from 'pino';
import { createApiKeys } from '../api/auth/api-keys.ts';
import { buildApp } from '../app.ts';
import { loadIpIntel } from '../enrich/ip-intel.ts';
import { syncConfigSettings } from '../exports/config-settings.ts';
import { destinationPlugins } from '../exports/destinations/index.ts';
import { startDetectionSchedule } from '../jobs/detection-schedule.ts';
import { startExportSchedule } from '../jobs/export-schedule.ts';
import { startTaxiiPollSchedule } from '../jobs/taxii-poll-schedule.ts';
import { openContext } from './context.ts';

/** `vigil serve`: the HTTP service (what `npm start` runs). */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP service: the Graph-compatible API, push ingest, health, metrics')
    .option('--host <host>', 'address to listen on (default: VIGIL_HOST or 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default: VIGIL_PORT or 8080)')
    .action(async (opts: { host?: string; port?: string }, cmd: Command) => {
      const { config, store } = await openContext(cmd.optsWithGlobals());
      const log = pino({ level: config.logLevel });
      const keys = createApiKeys(store);
      if ((await keys.countActive()) === 0) {
        // Never open: the first start mints an administrator key and shows it this once.
        const { key, info } = await keys.create({
          tenantId: config.defaultTenantId,
          role: 'global-administrator',
          name: 'first-start administrator',
        });
        process.stderr.write(
          `\nNo API key existed, so an administrator key was created (id ${info.id}, tenant ${info.tenantId}).\n` +
            `It is shown only now; store it safely:\n\n  ${key}\n\n` +
            `Create narrower keys with: vigil keys create --role ingest\n\n`,
        );
      }
      // A bad diagnostic setting in the file stops the start, naming its field.
      await syncConfigSettings(store, config, destinationPlugins);
      const intel = await loadIpIntel();
      const app = await buildApp({ config, store, intel, logger: { level: config.logLevel } });
      const host = opts.host ?? config.host;
      const port = opts.port !== undefined ? Number(opts.port) : config.port;
      await app.listen({ host, port });
      const scheme = config.tlsCert ? 'https' : 'http';
      log.info(
        {
          url: `${scheme}://${host}:${port}`,
          store: store.capabilities.location,
          asnRanges: intel.stats.asnRanges,
        },
        'vigil is serving',
      );
      const schedule =
        config.detectIntervalSeconds > 0
          ? startDetectionSchedule({
              store,
              intervalMs: config.detectIntervalSeconds * 1000,
              workers: config.detectWorkers,
              onRun: (r) => log.info({ detection: r }, 'detection run'),
              onError: (err) => log.error({ err }, 'detection run failed'),
            })
          : null;
      const taxii =
        config.threatIntel.taxii.length > 0
          ? startTaxiiPollSchedule({
              store,
              feeds: config.threatIntel.taxii,
              onPoll: (r) => log.info({ taxii: r }, 'TAXII poll'),
              onError: (feed, err) =>
                log.error(
                  { feed, error: err instanceof Error ? err.message : String(err) },
                  'TAXII poll failed',
                ),
            })
          : null;

      const exports =
        config.exportIntervalSeconds > 0
          ? startExportSchedule(store, destinationPlugins, {
              intervalMs: config.exportIntervalSeconds * 1000,
              log,
              onError: (err) => log.error({ err }, 'export delivery failed'),
            })
          : null;

      let closing = false;
      const shutdown = async (signal: string) => {
        if (closing) return;
        closing = true;
        log.info({ signal }, 'shutting down: finishing requests in flight');
        // close() stops accepting connections and waits for in-flight requests, so a push being
        // written finishes its batch before the store closes.
        await app.close();
        await schedule?.stop();
        await exports?.stop();
        await taxii?.stop();
        await store.close();
        process.exit(0);
      };
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
      process.on('SIGINT', () => void shutdown('SIGINT'));
    });
}

import type { Command } from 'commander';
import { pollTaxiiFeed, type TaxiiPollResult } from '../jobs/taxii-poll.ts';
import { withStore } from './context.ts';

function describe(r: TaxiiPollResult): string {
  const since = r.addedAfter === null ? 'the whole collection' : `objects added after ${r.addedAfter}`;
  const changes = [
    `${r.new} new`,
    `${r.withdrawn} withdrawn`,
    ...(r.purged > 0 ? [`${r.purged} long expired dropped`] : []),
  ];
  return (
    `${r.name}: ${r.indicators} indicators from ${since} (${changes.join(', ')}), ` +
    `${r.rejected} rejected, ${r.skipped} skipped, ${r.pages} page${r.pages === 1 ? '' : 's'}` +
    (r.complete ? '' : '; stopped at the page limit, the next poll continues')
  );
}

/**
 * `vigil intel poll`: polls the configured TAXII 2.1 collections now, each from where its last poll
 * ended. Joins the `intel` command when it exists, so it sits beside `vigil intel import`.
 */
export function registerIntelPollCommand(program: Command): void {
  const intel =
    program.commands.find((c) => c.name() === 'intel') ??
    program.command('intel').description('threat-intelligence indicators');
  intel
    .command('poll')
    .description(
      'poll the configured TAXII 2.1 collections now and import their IP indicators (only what was added since the last poll)',
    )
    .option('--name <name>', 'poll only the collection of this name')
    .option('--full', 'read the whole collection, not only what was added since the last poll')
    .option('--json', 'print the results as JSON')
    .action(async (opts: { name?: string; full?: boolean; json?: boolean }, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
        const configured = config.threatIntel.taxii;
        if (configured.length === 0) {
          throw new Error(
            'no TAXII collection is configured: list them under threatIntel.taxii in the VIGIL_CONFIG file, ' +
              'or set VIGIL_TAXII_URL and VIGIL_TAXII_COLLECTION',
          );
        }
        const feeds = opts.name === undefined ? configured : configured.filter((f) => f.name === opts.name);
        if (feeds.length === 0) {
          throw new Error(
            `no TAXII collection is named ${JSON.stringify(opts.name)}; configured: ${configured.map((f) => f.name).join(', ')}`,
          );
        }
        const results: (TaxiiPollResult | { name: string; error: string })[] = [];
        for (const feed of feeds) {
          try {
            const r = await pollTaxiiFeed(store, feed, {
              now: new Date().toISOString(),
              ...(opts.full ? { full: true } : {}),
            });
            results.push(r);
            if (!opts.json) process.stdout.write(`${describe(r)}\n`);
          } catch (err) {
            // Errors name the server and its answer, never the feed's credentials.
            const error = err instanceof Error ? err.message : String(err);
            results.push({ name: feed.name, error });
            if (!opts.json) process.stderr.write(`${feed.name}: failed: ${error}\n`);
            process.exitCode = 1;
          }
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(results)}\n`);
      });
    });
}

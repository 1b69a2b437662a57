import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { parsePlainList } from '../enrich/threat-intel/parse-plain-list.ts';
import { parseStixBundle } from '../enrich/threat-intel/parse-stix-bundle.ts';
import { runDetections } from '../jobs/detection-run.ts';
import { createIndicatorQueries } from '../store/queries/indicator-queries.ts';
import { withStore } from './context.ts';

const MAX_LIST_BYTES = 256 * 1024 * 1024;

async function readListText(location: string): Promise<string> {
  if (!/^https?:\/\//i.test(location)) return readFile(location, 'utf8');
  const res = await fetch(location, { signal: AbortSignal.timeout(60_000), redirect: 'follow' });
  if (!res.ok) throw new Error(`${location} answered ${res.status} ${res.statusText}`);
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_LIST_BYTES) throw new Error(`${location} is larger than ${MAX_LIST_BYTES} bytes`);
  const text = await res.text();
  if (text.length > MAX_LIST_BYTES) throw new Error(`${location} is larger than ${MAX_LIST_BYTES} bytes`);
  return text;
}

/** `vigil intel import` (indicator lists) and `vigil detect` (a detection run over new records). */
export function registerDetectCommands(program: Command): void {
  program
    .command('intel')
    .description('threat-intelligence indicators')
    .command('import')
    .description(
      'import IP indicators: a STIX 2.1 bundle, or a plain list (one address or CIDR per line, # or ; comments)',
    )
    .argument('<file|url>', 'indicator file or http(s) URL')
    .option('--source <name>', 'name of the feed (default: the file name)')
    .option('--confidence <0-100>', 'confidence of a plain list’s entries', '70')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        location: string,
        opts: { source?: string; confidence: string; json?: boolean },
        cmd: Command,
      ) => {
        const text = await readListText(location);
        const source = opts.source ?? basename(location);
        const stix = /^\s*\{/.test(text);
        const parsed = stix
          ? parseStixBundle(text, { source })
          : parsePlainList(text, { source, confidence: Number.parseInt(opts.confidence, 10) });
        await withStore(cmd.optsWithGlobals(), async ({ store }) => {
          const added = await createIndicatorQueries(store).upsert(
            parsed.indicators,
            new Date().toISOString(),
          );
          const summary = {
            format: stix ? 'stix' : 'list',
            indicators: parsed.indicators.length,
            new: added,
            rejected: parsed.rejected.length,
          };
          if (opts.json)
            process.stdout.write(
              `${JSON.stringify({ ...summary, rejectedEntries: parsed.rejected.slice(0, 100) })}\n`,
            );
          else {
            process.stdout.write(
              `${summary.indicators} indicators from ${source} (${summary.format}), ${added} new, ${summary.rejected} rejected\n`,
            );
            for (const r of parsed.rejected.slice(0, 20))
              process.stdout.write(`  rejected: ${JSON.stringify(r)}\n`);
          }
        });
      },
    );

  program
    .command('detect')
    .description('run detection over what was ingested since the last run')
    .option('--json', 'print counts per detection type as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
        const r = await runDetections(store, new Date().toISOString(), { workers: config.detectWorkers });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(r)}\n`);
          return;
        }
        process.stdout.write(
          `Looked at ${r.signIns} new sign-ins of ${r.principals} principals (ingest batches ${r.fromBatch + 1}–${r.toBatch}).\n`,
        );
        const types = Object.entries(r.detections);
        if (types.length === 0) process.stdout.write('No detections.\n');
        for (const [type, c] of types)
          process.stdout.write(`  ${type}: ${c.new} new, ${c.updated} updated\n`);
      });
    });
}

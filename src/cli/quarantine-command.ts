import type { Command } from 'commander';
import { createQuarantineQueries } from '../store/queries/quarantine-queries.ts';
import { withStore } from './context.ts';
import { parseLimit } from './parse-limit.ts';

/** `vigil quarantine list`: what ingest rejected, where it came from and why. */
export function registerQuarantineCommand(program: Command): void {
  const q = program.command('quarantine').description('records that could not be ingested');
  q.command('list')
    .description('list quarantined records, newest first')
    .option('--tenant <id>', 'only this tenant')
    .option('--source <path>', 'only records from this file or request')
    .option('--limit <n>', 'how many to show', '50')
    .option('--json', 'print JSON lines')
    .action(
      async (opts: { tenant?: string; source?: string; limit: string; json?: boolean }, cmd: Command) => {
        await withStore(cmd.optsWithGlobals(), async ({ store }) => {
          const queries = createQuarantineQueries(store);
          const limit = parseLimit(opts.limit, 50);
          const entries = await queries.list({
            limit,
            ...(opts.tenant ? { tenantId: opts.tenant.toLowerCase() } : {}),
            ...(opts.source ? { source: opts.source } : {}),
          });
          if (opts.json) {
            for (const e of entries) process.stdout.write(`${JSON.stringify(e)}\n`);
            return;
          }
          if (entries.length === 0) {
            process.stdout.write('The quarantine is empty.\n');
            return;
          }
          const total = await queries.count(opts.tenant?.toLowerCase());
          for (const e of entries) {
            const where = [e.source, e.line !== null ? `line ${e.line}` : null, e.path]
              .filter(Boolean)
              .join(' ');
            process.stdout.write(
              `${e.createdAt}  ${where}\n  reason: ${e.reason}\n  record: ${oneLine(e.text)}\n\n`,
            );
          }
          process.stdout.write(
            `${entries.length} of ${total} quarantined record${total === 1 ? '' : 's'} shown.\n`,
          );
        });
      },
    );
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

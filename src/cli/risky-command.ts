import type { Command } from 'commander';
import { createRiskActions } from '../api/graph/risk-actions.ts';
import { historyItemJson, riskDetectionJson, riskyServicePrincipalJson } from '../api/graph/risk-shapes.ts';
import { ApiError } from '../errors/api-error.ts';
import { createInventoryQueries } from '../store/queries/inventory-queries.ts';
import { createRiskQueries } from '../store/queries/risk-queries.ts';
import { cliActorOf } from './cli-actor.ts';
import { withStore } from './context.ts';
import { explainDetection } from './explain-detection.ts';
import { parseLimit } from './parse-limit.ts';

const SHAPE = { version: 'v1.0', includeUnknownEnumMembers: true } as const;

function tenantOf(opts: { tenant?: string }, fallback: string): string {
  return opts.tenant?.toLowerCase() ?? fallback;
}

/** `vigil risky …` and `vigil detections list`: risky service principals, their history, detections. */
export function registerRiskyCommands(program: Command): void {
  const risky = program
    .command('risky')
    .description('risky service principals: list, history, confirm compromised, dismiss');

  risky
    .command('list')
    .description('risky service principals, most recently changed first')
    .option('--tenant <id>', 'tenant (default: VIGIL_TENANT_ID)')
    .option('--level <level>', 'only this risk level (low, medium, high, none)')
    .option('--state <state>', 'only this risk state (atRisk, confirmedCompromised, dismissed, remediated)')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print Graph riskyServicePrincipal objects as JSON')
    .action(
      async (
        opts: { tenant?: string; level?: string; state?: string; limit: string; json?: boolean },
        cmd: Command,
      ) => {
        await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
          const tenantId = tenantOf(opts, config.defaultTenantId);
          const rows = await createRiskQueries(store).listRisky({
            tenantId,
            limit: parseLimit(opts.limit, 100),
            ...(opts.level ? { riskLevel: opts.level } : {}),
            ...(opts.state ? { riskState: opts.state } : {}),
          });
          const sps = await createInventoryQueries(store).principalRows(
            tenantId,
            rows.map((r) => r.principal_id),
          );
          const items = rows.map((r) => riskyServicePrincipalJson(r, sps.get(r.principal_id), SHAPE));
          if (opts.json) {
            process.stdout.write(`${JSON.stringify({ value: items }, null, 2)}\n`);
            return;
          }
          if (items.length === 0) process.stdout.write('No risky service principals.\n');
          for (const i of items) {
            process.stdout.write(
              `${String(i.riskLevel).padEnd(7)} ${String(i.riskState).padEnd(21)} ${i.id}  ${i.displayName ?? ''}  (updated ${i.riskLastUpdatedDateTime})\n`,
            );
          }
        });
      },
    );

  risky
    .command('history')
    .description("a service principal's risk history, oldest first")
    .argument('<id>', 'service principal object id')
    .option('--tenant <id>', 'tenant (default: VIGIL_TENANT_ID)')
    .option('--json', 'print Graph riskyServicePrincipalHistoryItem objects as JSON')
    .action(async (id: string, opts: { tenant?: string; json?: boolean }, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
        const tenantId = tenantOf(opts, config.defaultTenantId);
        const principalId = id.toLowerCase();
        const rows = await createRiskQueries(store).history(tenantId, principalId);
        const sp = (await createInventoryQueries(store).principalRows(tenantId, [principalId])).get(
          principalId,
        );
        const items = rows.map((h) => historyItemJson(h, sp, SHAPE));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ value: items }, null, 2)}\n`);
          return;
        }
        if (items.length === 0) process.stdout.write('No risk history.\n');
        for (const i of items) {
          const a = i.activity as { riskEventTypes: string[]; detail: string };
          process.stdout.write(
            `${i.riskLastUpdatedDateTime}  ${String(i.riskState).padEnd(21)} ${String(i.riskLevel).padEnd(7)} by ${i.initiatedBy ?? 'vigil'}  ${a.riskEventTypes.join(', ')}\n`,
          );
        }
      });
    });

  for (const [name, verb] of [
    ['confirm-compromised', 'confirmCompromised'],
    ['dismiss', 'dismiss'],
  ] as const) {
    risky
      .command(name)
      .description(
        verb === 'confirmCompromised'
          ? 'confirm service principals compromised: risk high, recorded with who did it'
          : 'dismiss all risk of service principals: level none, active detections dismissed',
      )
      .argument('<ids...>', 'service principal object ids (at most 60)')
      .option('--tenant <id>', 'tenant (default: VIGIL_TENANT_ID)')
      .option('--actor <name>', 'who is acting, for the history (default: cli:<user>)')
      .action(async (ids: string[], opts: { tenant?: string; actor?: string }, cmd: Command) => {
        await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
          const actions = createRiskActions(store);
          try {
            const r = await actions[verb](tenantOf(opts, config.defaultTenantId), ids, cliActorOf(opts));
            for (const id of r.changed)
              process.stdout.write(`${verb === 'dismiss' ? 'dismissed' : 'confirmed compromised'}: ${id}\n`);
            for (const id of r.unknown) process.stderr.write(`no such service principal: ${id}\n`);
            if (r.unknown.length > 0) process.exitCode = 1;
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            process.stderr.write(`error: ${err.message}\n`);
            process.exitCode = 2;
          }
        });
      });
  }

  const detections = program.command('detections').description('risk detections');
  detections
    .command('show')
    .description('one detection, explained for a person')
    .argument('<id>', 'detection id')
    .option('--tenant <id>', 'tenant (default: VIGIL_TENANT_ID)')
    .option('--json', 'print the Graph servicePrincipalRiskDetection object')
    .action(async (id: string, opts: { tenant?: string; json?: boolean }, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
        const tenantId = tenantOf(opts, config.defaultTenantId);
        const row = await store.db
          .selectFrom('risk_detections')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id.toLowerCase())
          .executeTakeFirst();
        if (!row) {
          process.stderr.write(`no detection ${id} in tenant ${tenantId}\n`);
          process.exitCode = 1;
          return;
        }
        const sp = (await createInventoryQueries(store).principalRows(tenantId, [row.principal_id])).get(
          row.principal_id,
        );
        const d = riskDetectionJson(row, sp, SHAPE);
        if (opts.json) process.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
        else process.stdout.write(explainDetection(d));
      });
    });
  detections
    .command('list')
    .description('detections, newest first')
    .option('--tenant <id>', 'tenant (default: VIGIL_TENANT_ID)')
    .option('--type <riskEventType>', 'only this detection type')
    .option('--level <level>', 'only this risk level')
    .option('--state <state>', 'only this risk state')
    .option('--principal <id>', 'only this service principal')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print Graph servicePrincipalRiskDetection objects as JSON')
    .action(
      async (
        opts: {
          tenant?: string;
          type?: string;
          level?: string;
          state?: string;
          principal?: string;
          limit: string;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        await withStore(cmd.optsWithGlobals(), async ({ config, store }) => {
          const tenantId = tenantOf(opts, config.defaultTenantId);
          const rows = await createRiskQueries(store).listDetections({
            tenantId,
            limit: parseLimit(opts.limit, 100),
            ...(opts.type ? { riskEventType: opts.type } : {}),
            ...(opts.level ? { riskLevel: opts.level } : {}),
            ...(opts.state ? { riskState: opts.state } : {}),
            ...(opts.principal ? { principalId: opts.principal.toLowerCase() } : {}),
          });
          const sps = await createInventoryQueries(store).principalRows(
            tenantId,
            rows.map((r) => r.principal_id),
          );
          const items = rows.map((d) => riskDetectionJson(d, sps.get(d.principal_id), SHAPE));
          if (opts.json) {
            process.stdout.write(`${JSON.stringify({ value: items }, null, 2)}\n`);
            return;
          }
          if (items.length === 0) process.stdout.write('No detections.\n');
          for (const i of items) {
            process.stdout.write(
              `${i.detectedDateTime}  ${String(i.riskLevel).padEnd(7)} ${String(i.riskState).padEnd(21)} ${i.riskEventType}  ${i.servicePrincipalId}  ${i.servicePrincipalDisplayName ?? ''}\n`,
            );
          }
        });
      },
    );
}

// Writes a planned tenant the way its sources deliver it: diagnostic-settings blobs in Azure's
// storage layout (one PT1H.json per category and hour, one record per line), Graph list pages of
// the inventory as it stands at the end, a plain indicator list, a gitleaks report, and labels.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ATTACKER_NETWORKS } from './attacker-networks.ts';
import { RUNNER_REGIONS } from './ci-runners.ts';
import { gitleaksReport } from './gitleaks-report.ts';
import { createSignInStream } from './hourly-sign-ins.ts';
import { indicatorList } from './indicator-list.ts';
import { inventoryPages } from './inventory-records.ts';
import type { SimulationLabels } from './labels.ts';
import type { TenantPlan } from './plan-tenant.ts';
import { createRandom, deriveSeed } from './random.ts';
import type { SimulationPeriod } from './simulation-period.ts';
import { CLOUD_NETWORKS, type TenantModel } from './tenant-model.ts';

const HOUR_MS = 3_600_000;

/** Export categories, as the blob containers name them. */
const CONTAINERS = {
  servicePrincipal: 'insights-logs-serviceprincipalsigninlogs',
  managedIdentity: 'insights-logs-managedidentitysigninlogs',
  audit: 'insights-logs-auditlogs',
} as const;

/** What a simulation writes at the top of its directory; only these are replaced on a rerun. */
const OWN_ENTRIES = [...Object.values(CONTAINERS), 'inventory', 'intel', 'leaks', 'labels.json'];

/** How far writing has got. */
export interface WriteProgress {
  hoursDone: number;
  hours: number;
  signIns: number;
}

/** Options of writeTenant. */
export interface WriteTenantOptions {
  replace: boolean;
  onProgress?: (p: WriteProgress) => void;
}

/**
 * Path of an hourly export blob. Tenant-level logs sit under a `tenantId=` segment where resource
 * logs have `resourceId=/SUBSCRIPTIONS/…`.
 */
export function exportBlobPath(container: string, tenantId: string, hourStart: number): string {
  const iso = new Date(hourStart).toISOString();
  return join(
    container,
    `tenantId=${tenantId}`,
    `y=${iso.slice(0, 4)}`,
    `m=${iso.slice(5, 7)}`,
    `d=${iso.slice(8, 10)}`,
    `h=${iso.slice(11, 13)}`,
    'm=00',
    'PT1H.json',
  );
}

/** The output directory holds files and replacing was not asked for. */
export class OutputNotEmptyError extends Error {
  constructor(readonly directory: string) {
    super(`${directory} is not empty`);
    this.name = 'OutputNotEmptyError';
  }
}

async function prepare(out: string, replace: boolean): Promise<void> {
  await mkdir(out, { recursive: true });
  const present = (await readdir(out)).filter((e) => !e.startsWith('.'));
  if (present.length === 0) return;
  // Someone's files must never be mixed into a tenant's, nor deleted with an earlier simulation's.
  if (!replace) throw new OutputNotEmptyError(out);
  for (const entry of present) {
    if (OWN_ENTRIES.includes(entry)) await rm(join(out, entry), { recursive: true, force: true });
  }
}

/** The model as the inventory shows it at the end: credentials added in the period, removed ones gone. */
function modelAtEnd(plan: TenantPlan): TenantModel {
  const { model, period, normal } = plan;
  const held = (id: string) => [
    ...normal.ledger.heldAt(id, 'application', period.end),
    ...normal.ledger.heldAt(id, 'servicePrincipal', period.end),
  ];
  return {
    ...model,
    principals: model.principals.map((p) => ({ ...p, credentials: held(p.objectId) })),
    managedIdentities: model.managedIdentities.map((mi) => ({ ...mi, credentials: held(mi.objectId) })),
  };
}

/** Every /24 a workload, runner, administrator or attacker uses: unrelated indicators stay off them. */
function networksInUse(model: TenantModel): string[] {
  return [
    ...CLOUD_NETWORKS.flatMap((n) => n.prefixes),
    ...RUNNER_REGIONS.flatMap((r) => r.prefixes),
    ...ATTACKER_NETWORKS.flatMap((n) => n.prefixes),
    ...model.admins.map((a) => `${a.ipAddress.slice(0, a.ipAddress.lastIndexOf('.'))}.0/24`),
  ];
}

function describePeriod(period: SimulationPeriod): string {
  return `${new Date(period.start).toISOString().slice(0, 10)} to ${new Date(period.end).toISOString().slice(0, 10)}`;
}

/** Writes the plan's records, inventory, indicator list, leak report and labels under `out`. */
export async function writeTenant(
  plan: TenantPlan,
  out: string,
  options: WriteTenantOptions,
): Promise<{ labels: SimulationLabels; files: number; bytes: number }> {
  await prepare(out, options.replace);
  const { model, period, normal, attacks } = plan;
  const { seed } = plan.options;
  let files = 0;
  let bytes = 0;
  const made = new Set<string>();
  const write = async (path: string, text: string): Promise<void> => {
    const full = join(out, path);
    const dir = dirname(full);
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    // Encoded once here, so counting its bytes costs no second pass over the text.
    const data = Buffer.from(text);
    await writeFile(full, data);
    files++;
    bytes += data.length;
  };

  // Graph pages one per line: each line is a page the importer unwraps, and no line grows past a page.
  const inventory = inventoryPages(modelAtEnd(plan));
  await write(
    join('inventory', 'servicePrincipals.json'),
    `${inventory.servicePrincipals.map((p) => JSON.stringify(p)).join('\n')}\n`,
  );
  await write(
    join('inventory', 'applications.json'),
    `${inventory.applications.map((p) => JSON.stringify(p)).join('\n')}\n`,
  );

  const extras = attacks.signIns;
  const stream = createSignInStream(
    model,
    normal.lives,
    normal.identities,
    extras,
    createRandom(deriveSeed(seed, 2)),
  );
  const audits = [...normal.audits, ...attacks.audits].sort((a, b) => a.at - b.at);
  const auditRnd = createRandom(deriveSeed(seed, 3));
  let nextAudit = 0;
  let servicePrincipalSignIns = 0;
  let managedIdentitySignIns = 0;
  let auditEvents = 0;
  const hours = Math.round((period.end - period.start) / HOUR_MS);
  // Writing one hour overlaps making the next: the file system works while the generator runs.
  let pending: Promise<unknown> = Promise.resolve();
  for (let h = 0; h < hours; h++) {
    const hourStart = period.start + h * HOUR_MS;
    const lines = stream.hour(hourStart);
    const due: string[] = [];
    while (nextAudit < audits.length && audits[nextAudit]!.at < hourStart + HOUR_MS) {
      due.push(JSON.stringify(audits[nextAudit++]!.make(auditRnd)));
    }
    servicePrincipalSignIns += lines.servicePrincipal.length;
    managedIdentitySignIns += lines.managedIdentity.length;
    auditEvents += due.length;
    await pending;
    const writes: Promise<void>[] = [];
    const blob = (container: string, records: string[]) => {
      if (records.length > 0) {
        writes.push(write(exportBlobPath(container, model.tenantId, hourStart), `${records.join('\n')}\n`));
      }
    };
    blob(CONTAINERS.servicePrincipal, lines.servicePrincipal);
    blob(CONTAINERS.managedIdentity, lines.managedIdentity);
    blob(CONTAINERS.audit, due);
    pending = Promise.all(writes);
    options.onProgress?.({
      hoursDone: h + 1,
      hours,
      signIns: servicePrincipalSignIns + managedIdentitySignIns,
    });
  }
  await pending;

  const extraRnd = createRandom(deriveSeed(seed, 4));
  const list = indicatorList(extraRnd, {
    listed: attacks.listed,
    keepClear: networksInUse(model),
    count: 3000 + extraRnd.int(0, 1000),
    description:
      `Simulated for tenant ${model.organization} (${model.tenantId}), seed ${seed}: addresses and networks ` +
      `reported for malicious activity, ${describePeriod(period)}`,
  });
  await write(join('intel', 'indicators.txt'), list.text);
  await write(join('leaks', 'gitleaks.json'), gitleaksReport(extraRnd, model, attacks.leaks));

  const labels: SimulationLabels = {
    seed,
    principals: plan.options.principals,
    days: period.days,
    start: new Date(period.start).toISOString(),
    end: new Date(period.end).toISOString(),
    tenantId: model.tenantId,
    signIns: servicePrincipalSignIns + managedIdentitySignIns,
    managedIdentities: model.managedIdentities.length,
    auditEvents,
    indicators: list.entries,
    attacks: [...attacks.attacks].sort((a, b) => a.from.localeCompare(b.from)),
    targeted: attacks.targeted,
    normalEvents: [...normal.events].sort((a, b) => a.at.localeCompare(b.at)),
  };
  await write('labels.json', `${JSON.stringify(labels, null, 2)}\n`);
  return { labels, files, bytes };
}

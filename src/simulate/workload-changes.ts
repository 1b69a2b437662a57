// Changes of how workloads run that a careless detection takes for attacks: a new runner image for
// CI deployments, SDK upgrades, a new /24 of the same provider, a new region of the same provider,
// and a permission grant that brings tokens for a new resource.
import { makeAuditRecord } from './audit-records.ts';
import { RUNNER_CLIENTS, RUNNER_REGIONS } from './ci-runners.ts';
import { iso, type LifePlanning, uniqueAddresses } from './life-planning.ts';
import { instantBetween, sample } from './sampling.ts';
import { CLOUD_NETWORKS } from './tenant-model.ts';
import { addPhase, constant, valueAt } from './timeline.ts';
import type { WorkloadLife } from './workload-life.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Shares of the eligible workloads that go through each change in a period. */
const SHARES = { sdkUpgrade: 0.2, newPrefix: 0.04, newRegion: 0.02, newResource: 0.03 } as const;

/** `share` of the items, at least one when there are any. */
function some<T>(lp: LifePlanning, items: readonly T[], share: number): T[] {
  return sample(lp.rnd, items, Math.max(1, Math.round(items.length * share)));
}

/** An instant in the period late enough for a baseline and early enough to show its effect. */
function changeTime(lp: LifePlanning, room = 6 * HOUR_MS): number {
  const { start, end } = lp.period;
  return instantBetween(lp.rnd, start + (end - start) * 0.15, end - room);
}

/**
 * CI deployments sign in from GitHub-hosted runners every workday from the start; the runner image
 * (and its Azure CLI) moves up a version for all of them within two days mid-period.
 */
export function labelRunners(lp: LifePlanning, lives: readonly WorkloadLife[]): void {
  const { rnd, period } = lp;
  const span = period.end - period.start;
  const imageUpdate = instantBetween(rnd, period.start + span * 0.3, period.start + span * 0.7);
  for (const life of lives) {
    if (life.schedule.rhythm !== 'ci') continue;
    const moved = imageUpdate + rnd.int(0, 48) * HOUR_MS;
    if (moved < period.end) addPhase(life.clients, moved, RUNNER_CLIENTS[1]!);
    lp.label(
      life.principal,
      'ciRunner',
      life.activeFrom,
      `GitHub Actions deployments with federated credential ${life.principal.signInCredentials[0]?.keyId}, ` +
        `each run from a fresh runner address in ${RUNNER_REGIONS.length} Azure regions (AS8075)` +
        (moved < period.end ? `; runner image moved to Azure CLI 2.67.0 on ${iso(moved).slice(0, 10)}` : ''),
    );
  }
}

/** SDK upgrades: the same library, one version up. */
export function planSdkUpgrades(lp: LifePlanning, lives: readonly WorkloadLife[]): void {
  const upgradable = lives.filter((l) => lp.free(l) && l.principal.releases.length > 1);
  for (const life of some(lp, upgradable, SHARES.sdkUpgrade)) {
    const releases = life.principal.releases;
    const from = lp.rnd.int(0, releases.length - 2);
    const at = changeTime(lp);
    life.clients = constant(releases[from]!);
    addPhase(life.clients, at, releases[from + 1]!);
    lp.label(
      life.principal,
      'sdkUpgrade',
      at,
      `${releases[from]!.userAgent} → ${releases[from + 1]!.userAgent}`,
    );
  }
}

/** A new /24 of the same provider and region (a scale-out, a new NAT gateway). */
export function planNewPrefixes(lp: LifePlanning, lives: readonly WorkloadLife[]): void {
  const growable = lives.filter(
    (l) => lp.stable(l) && l.principal.network.prefixes.some((c) => !l.principal.prefixes.includes(c)),
  );
  for (const life of some(lp, growable, SHARES.newPrefix)) {
    const p = life.principal;
    const prefix = lp.rnd.pick(p.network.prefixes.filter((c) => !p.prefixes.includes(c)));
    const at = changeTime(lp);
    const site = valueAt(life.sites, at)[0]!;
    addPhase(life.sites, at, [
      {
        network: site.network,
        prefixes: [...site.prefixes, prefix],
        pool: [...site.pool, ...uniqueAddresses(lp.rnd, [prefix], lp.rnd.int(1, 2))],
      },
    ]);
    lp.label(p, 'newPrefix', at, `also egresses from ${prefix}, same AS${p.network.asn} ${p.network.region}`);
  }
}

/** A new region of the same provider: maybe a new country, the same ASN. */
export function planNewRegions(lp: LifePlanning, lives: readonly WorkloadLife[]): void {
  const elsewhere = (l: WorkloadLife) =>
    CLOUD_NETWORKS.filter(
      (n) => n.provider === l.principal.network.provider && n.region !== l.principal.network.region,
    );
  const movable = lives.filter((l) => lp.free(l) && elsewhere(l).length > 0);
  for (const life of some(lp, movable, SHARES.newRegion)) {
    const p = life.principal;
    const other = lp.rnd.pick(elsewhere(life));
    const prefixes = sample(lp.rnd, other.prefixes, 2);
    const at = changeTime(lp);
    addPhase(life.sites, at, [
      ...valueAt(life.sites, at),
      { network: other, prefixes, pool: uniqueAddresses(lp.rnd, prefixes, lp.rnd.int(2, 4)) },
    ]);
    lp.label(
      p,
      'newRegion',
      at,
      `runs in ${other.region} (${other.countryOrRegion}) as well as ${p.network.region} (${p.network.countryOrRegion}), ` +
        `both AS${other.asn}`,
    );
  }
}

/** A Microsoft Graph permission granted by the application's administrator, then tokens for Graph. */
export function planNewResources(lp: LifePlanning, lives: readonly WorkloadLife[]): void {
  const { model } = lp;
  const graph = model.resources[0]!;
  const grantable = lives.filter((l) => lp.stable(l) && !l.principal.resources.includes(graph));
  for (const life of some(lp, grantable, SHARES.newResource)) {
    const p = life.principal;
    const principalIndex = model.principals.indexOf(p);
    const admin = lp.adminOf(p.objectId);
    const adminIndex = model.admins.indexOf(admin);
    const at = changeTime(lp, 8 * HOUR_MS);
    const useAt = at + lp.rnd.int(30, 240) * MINUTE_MS;
    addPhase(life.resources, useAt, [...p.resources, graph]);
    lp.audits.push({
      at,
      make: (r) =>
        makeAuditRecord(model, r, new Date(at), {
          scenario: 'appRoleAssignment',
          principalIndex,
          adminIndex,
        }),
    });
    lp.label(
      p,
      'newResource',
      at,
      `${admin.userPrincipalName} granted a Microsoft Graph application permission; tokens for Microsoft Graph ` +
        `from ${iso(useAt)}`,
    );
  }
}

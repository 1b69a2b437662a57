// Each principal's behaviour before any change: how much and when it signs in, from where, with
// which key, client and resources, and how often its own misconfigured instances fail.
import { RUNNER_CLIENTS, RUNNER_REGIONS } from './ci-runners.ts';
import type { Random } from './random.ts';
import { pickWeighted } from './sampling.ts';
import type { ManagedIdentityPrincipal, WorkloadPrincipal } from './tenant-model.ts';
import { constant } from './timeline.ts';
import type { IdentityLife, NetworkSite, Schedule, WorkloadLife } from './workload-life.ts';

const HOUR_MS = 3_600_000;

// One site per runner region: a run lands on a fresh VM anywhere in its prefixes.
const RUNNER_SITES: readonly NetworkSite[] = RUNNER_REGIONS.map((r) => ({
  network: r,
  prefixes: r.prefixes,
  pool: [],
}));

/** A schedule of `runsPerDay` single sign-ins with the given rhythm, for a workload at `longitude`. */
function schedule(rnd: Random, runsPerDay: number, longitude: number, rhythm: Schedule['rhythm']): Schedule {
  const utcOffset = Math.round(longitude / 15);
  // Batch jobs run between 01:00 and 04:59 local time.
  const nightlyHour = (((rnd.int(1, 4) - utcOffset) % 24) + 24) % 24;
  return { runsPerDay, burst: 1, rhythm, utcOffset, nightlyHour };
}

/**
 * An application's behaviour before any change. `createdAt` is set for one created in the period,
 * which signs in from an hour or so after its first key exists.
 */
export function workloadLife(
  rnd: Random,
  p: WorkloadPrincipal,
  start: number,
  createdAt: number | undefined,
): WorkloadLife {
  const [first, second] = p.signInCredentials;
  const credentials = constant({
    first: first ?? null,
    second: second ?? null,
    // During a rotation already under way the newer key carries most sign-ins.
    secondShare: second ? 0.15 : 0,
  });
  const activeFrom =
    createdAt === undefined ? start : Date.parse(p.credentials[0]!.startDateTime) + rnd.int(1, 6) * HOUR_MS;
  if (!p.multiTenant && p.clientCredentialType === 'federatedIdentityCredential') {
    // A deployment principal: GitHub Actions runs on workdays, a few steps each signing in.
    return {
      principal: p,
      activeFrom,
      schedule: { runsPerDay: rnd.int(3, 6), burst: 3, rhythm: 'ci', utcOffset: -5, nightlyHour: 0 },
      credentials,
      clients: constant(RUNNER_CLIENTS[0]!),
      sites: constant(RUNNER_SITES),
      resources: constant(p.resources),
      failureShare: 0,
      failureCodes: [],
    };
  }
  // Volume follows the model's weight: 10 to 60 sign-ins a day, most workloads at the quiet end.
  const u = Math.min(1, Math.max(0, Math.log(p.weight) / 4.5));
  const rhythm = pickWeighted(rnd, ['steady', 'office', 'nightly'] as const, [55, 25, 20]);
  // Half the workloads have an instance that keeps failing now and then: an old deployment slot
  // with the expired secret, a typo in a key vault reference, a certificate not yet rolled out.
  let failureCodes: number[] = [];
  if (p.clientCredentialType === 'clientSecret')
    failureCodes = p.expiredSecret ? [7000222, 7000222, 7000215] : [7000215];
  else if (p.clientCredentialType === 'clientAssertion') failureCodes = [700027];
  const failing = failureCodes.length > 0 && rnd.chance(0.5);
  return {
    principal: p,
    activeFrom,
    schedule: schedule(rnd, 10 + 50 * u * u, p.network.longitude, rhythm),
    credentials,
    clients: constant(p.releases[rnd.int(0, p.releases.length - 1)]!),
    sites: constant([{ network: p.network, prefixes: p.prefixes, pool: p.ipPool }]),
    resources: constant(p.resources),
    failureShare: failing ? 0.002 + rnd.next() * 0.018 : 0,
    failureCodes,
  };
}

/** A managed identity's behaviour: platform-issued tokens, mostly without a client address in the log. */
export function identityLife(rnd: Random, mi: ManagedIdentityPrincipal): IdentityLife {
  const u = rnd.next();
  const rhythm = pickWeighted(rnd, ['steady', 'nightly'] as const, [70, 30]);
  return {
    identity: mi,
    schedule: schedule(rnd, 10 + 50 * u * u, mi.network.longitude, rhythm),
    addressShare: 0.3,
  };
}

// Sign-ins hour by hour, the way the export writes them (one blob per category and hour), so a
// month of a large tenant streams to disk without ever being held whole. Each workload signs in a
// Poisson-distributed number of times an hour around its daily volume, shaped by its rhythm.
import type { Random } from './random.ts';
import {
  credentialTypeOf,
  identitySignInLine,
  pickAddress,
  pickResource,
  type WorkloadSignIn,
  workloadSignInLine,
} from './sign-in-records.ts';
import type { ModelCredential, TenantModel } from './tenant-model.ts';
import { valueAt } from './timeline.ts';
import type { IdentityLife, Schedule, WorkloadLife } from './workload-life.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const WEEK_HOURS = 168;

/** One hour of sign-in lines per category, each in time order, without newlines. */
export interface SignInHour {
  servicePrincipal: string[];
  managedIdentity: string[];
}

/** Builds hour after hour; hours must be asked for in increasing order. */
export interface SignInStream {
  hour(start: number): SignInHour;
}

/** How busy each hour of the week (UTC, Sunday 00:00 first) is for a schedule, averaging 1. */
function weekShape(s: Schedule): Float64Array {
  const shape = new Float64Array(WEEK_HOURS);
  for (let h = 0; h < WEEK_HOURS; h++) {
    const local = (((h + s.utcOffset) % WEEK_HOURS) + WEEK_HOURS) % WEEK_HOURS;
    const hour = local % 24;
    const day = Math.floor(local / 24);
    const workday = day >= 1 && day <= 5;
    let w: number;
    switch (s.rhythm) {
      case 'steady':
        // Services follow their users a little: a gentle daily swell, a quieter weekend.
        w = (workday ? 1 : 0.85) * (1 + 0.25 * Math.sin((2 * Math.PI * (hour - 9)) / 24));
        break;
      case 'office':
        w = !workday ? 0.25 : hour >= 8 && hour <= 17 ? 3 : hour >= 6 && hour <= 20 ? 1 : 0.2;
        break;
      case 'nightly': {
        const utc = h % 24;
        w = utc === s.nightlyHour ? 14 : utc === (s.nightlyHour + 1) % 24 ? 3 : 0.4;
        break;
      }
      case 'ci':
        w = !workday ? 0.15 : hour >= 8 && hour <= 18 ? 3 : hour >= 19 && hour <= 22 ? 0.5 : 0.05;
        break;
    }
    shape[h] = w;
  }
  let total = 0;
  for (const w of shape) total += w;
  for (let h = 0; h < WEEK_HOURS; h++) shape[h] = (shape[h]! * WEEK_HOURS) / total;
  return shape;
}

/** A Poisson draw: the number of runs in an hour whose expected number is `lambda`. */
function poisson(rnd: Random, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) {
    // The normal approximation is close enough this far out and avoids a long product loop.
    const gauss = Math.sqrt(-2 * Math.log(1 - rnd.next())) * Math.cos(2 * Math.PI * rnd.next());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gauss));
  }
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rnd.next();
  while (p > limit) {
    k++;
    p *= rnd.next();
  }
  return k;
}

interface Entry {
  /** Milliseconds into the hour × 10,000 plus sub-milliseconds: sorts without losing precision. */
  key: number;
  line: string;
}

function byKey(a: Entry, b: Entry): number {
  return a.key - b.key;
}

/**
 * A stream of sign-ins for `lives` and `identities`, with `extras` (attack sign-ins, sorted by time)
 * placed in the hours they fall in.
 */
export function createSignInStream(
  model: TenantModel,
  lives: readonly WorkloadLife[],
  identities: readonly IdentityLife[],
  extras: readonly WorkloadSignIn[],
  rnd: Random,
): SignInStream {
  const shapes = new Map<string, Float64Array>();
  const shapeOf = (s: Schedule): Float64Array => {
    const key = `${s.rhythm}|${s.utcOffset}|${s.nightlyHour}`;
    let shape = shapes.get(key);
    if (!shape) {
      shape = weekShape(s);
      shapes.set(key, shape);
    }
    return shape;
  };
  const lifeShapes = lives.map((l) => shapeOf(l.schedule));
  const identityShapes = identities.map((l) => shapeOf(l.schedule));
  let next = 0;

  const workloadLine = (
    life: WorkloadLife,
    ms: number,
    subMs: number,
    ipAddress: string,
    site: WorkloadSignIn['network'],
  ) => {
    const p = life.principal;
    let credential: ModelCredential | null;
    let errorCode = 0;
    let clientCredentialType = p.clientCredentialType;
    if (life.failureShare > 0 && rnd.chance(life.failureShare)) {
      errorCode = rnd.pick(life.failureCodes);
      // An expired secret is still recognised and named; a wrong secret or assertion matches nothing.
      credential = errorCode === 7000222 ? p.expiredSecret : null;
    } else {
      const use = valueAt(life.credentials, ms);
      credential = use.second !== null && rnd.chance(use.secondShare) ? use.second : use.first;
      if (credential !== null) clientCredentialType = credentialTypeOf(credential);
    }
    return workloadSignInLine(model, rnd, {
      ms,
      subMs,
      principal: p,
      ipAddress,
      network: site,
      resource: pickResource(rnd, valueAt(life.resources, ms)),
      credential,
      clientCredentialType,
      client: valueAt(life.clients, ms),
      errorCode,
    });
  };

  return {
    hour(start) {
      const end = start + HOUR_MS;
      const weekHour = (Math.floor(start / HOUR_MS) + 4 * 24) % WEEK_HOURS; // 1970-01-01 was a Thursday
      const sp: Entry[] = [];
      const msi: Entry[] = [];
      const push = (into: Entry[], ms: number, subMs: number, line: string) => {
        into.push({ key: (ms - start) * 10_000 + subMs, line });
      };
      for (let i = 0; i < lives.length; i++) {
        const life = lives[i]!;
        if (end <= life.activeFrom) continue;
        const { runsPerDay, burst } = life.schedule;
        let runs = poisson(rnd, (runsPerDay / 24) * lifeShapes[i]![weekHour]!);
        while (runs-- > 0) {
          const size = burst > 1 ? rnd.int(1, burst) : 1;
          // A burst (a CI job's steps) starts early enough to end inside the hour.
          let ms = start + Math.floor(rnd.next() * (size > 1 ? HOUR_MS - 5 * MINUTE_MS : HOUR_MS));
          if (ms < life.activeFrom) continue;
          const sites = valueAt(life.sites, ms);
          const site = sites.length === 1 ? sites[0]! : rnd.pick(sites);
          const ip = pickAddress(rnd, site.pool, site.prefixes);
          for (let b = 0; b < size; b++) {
            if (b > 0) ms += rnd.int(5_000, 60_000);
            const subMs = rnd.int(0, 9999);
            push(sp, ms, subMs, workloadLine(life, ms, subMs, ip, site.network));
          }
        }
      }
      for (let i = 0; i < identities.length; i++) {
        const life = identities[i]!;
        const mi = life.identity;
        let runs = poisson(rnd, (life.schedule.runsPerDay / 24) * identityShapes[i]![weekHour]!);
        while (runs-- > 0) {
          const ms = start + Math.floor(rnd.next() * HOUR_MS);
          const subMs = rnd.int(0, 9999);
          const ipAddress = rnd.chance(life.addressShare) ? pickAddress(rnd, mi.ipPool, mi.prefixes) : '';
          const line = identitySignInLine(model, rnd, {
            ms,
            subMs,
            identity: mi,
            ipAddress,
            network: mi.network,
            resource: pickResource(rnd, mi.resources),
          });
          push(msi, ms, subMs, line);
        }
      }
      while (next < extras.length && extras[next]!.ms < end) {
        const extra = extras[next++]!;
        if (extra.ms >= start) push(sp, extra.ms, extra.subMs, workloadSignInLine(model, rnd, extra));
      }
      sp.sort(byKey);
      msi.sort(byKey);
      return { servicePrincipal: sp.map((e) => e.line), managedIdentity: msi.map((e) => e.line) };
    },
  };
}

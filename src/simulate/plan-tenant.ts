// The plan of a simulated tenant: its model, each principal's normal life and the attacks, decided
// before any record is written. It is small (a few kilobytes per principal), so tests can inspect a
// large tenant's plan without writing its millions of sign-ins.
import { type AttackPlan, attackCount, planAttacks, reserveVictims } from './attacks.ts';
import { type NormalLife, planNormalLife } from './normal-life.ts';
import { createRandom, deriveSeed } from './random.ts';
import { type SimulationPeriod, simulationPeriod } from './simulation-period.ts';
import { createTenantModel, type TenantModel } from './tenant-model.ts';

/** About one principal in five of a tenant is a managed identity. */
const MANAGED_IDENTITY_SHARE = 0.2;
/** Fewest principals a tenant can have: the model always holds one multi-tenant vendor app among its first four. */
export const MIN_PRINCIPALS = 10;

/** What to simulate. */
export interface TenantPlanOptions {
  /** Application service principals and managed identities together. */
  principals: number;
  days: number;
  seed: number;
  /** End of the period (cut to the hour); default a fixed instant derived from the model epoch. */
  end?: Date;
}

/** Everything decided before a record is written. */
export interface TenantPlan {
  options: TenantPlanOptions;
  period: SimulationPeriod;
  model: TenantModel;
  normal: NormalLife;
  attacks: AttackPlan;
}

/** Decides the tenant, its normal life and its attacks. */
export function planTenant(options: TenantPlanOptions): TenantPlan {
  const { principals, seed } = options;
  if (!(Number.isInteger(principals) && principals >= MIN_PRINCIPALS)) {
    throw new RangeError(`principals must be a whole number ≥ ${MIN_PRINCIPALS}, not ${principals}`);
  }
  const period = simulationPeriod(options.days, options.end);
  const managedIdentities = Math.round(principals * MANAGED_IDENTITY_SHARE);
  const base = createTenantModel({
    seed,
    principals: principals - managedIdentities,
    managedIdentities,
    epoch: period.start,
  });
  const rnd = createRandom(deriveSeed(seed, 1));
  const reserved = reserveVictims(base, rnd, attackCount(principals), period);
  const normal = planNormalLife(base, rnd, period, reserved);
  const attacks = planAttacks(
    {
      model: normal.model,
      period,
      lives: normal.lives,
      principalCount: principals,
      ledger: normal.ledger,
      changed: normal.changed,
      hints: normal.hints,
    },
    rnd,
  );
  return { options, period, model: normal.model, normal, attacks };
}

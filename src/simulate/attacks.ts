// Attacks planted in the simulated tenant, each on its own principal, spread over the second half
// of the period so every victim has a baseline first. Each kind (one file each) writes the records a
// real attack would — sign-ins from the attacker's network, an audit event for a key added, a secret
// in a scanner report — and a label saying what happened and what Vigil should raise.
import { type AttackContext, type AttackPlan, createAttackKit } from './attack-kit.ts';
import { attackerCredentialAttack } from './attacker-credential-attack.ts';
import { hostileSignInAttack } from './hostile-sign-in-attack.ts';
import type { AttackKind } from './labels.ts';
import { leakedExpiredSecretAttack, leakedSecretAttack } from './leaked-secret-attack.ts';
import { passwordSprayAttack } from './password-spray-attack.ts';
import type { Random } from './random.ts';
import { sample } from './sampling.ts';
import type { SimulationPeriod } from './simulation-period.ts';
import { stolenSecretAttack } from './stolen-secret-attack.ts';
import type { TenantModel } from './tenant-model.ts';

export type { AttackContext, AttackPlan, LeakedSecret } from './attack-kit.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Every kind once, then more of the common ones as the tenant grows. */
const FIRST_KINDS: readonly AttackKind[] = [
  'stolenSecret',
  'attackerCredential',
  'listedAddress',
  'passwordSpray',
  'leakedSecret',
  'leakedExpiredSecret',
  'offensiveTool',
];
const MORE_KINDS: readonly AttackKind[] = [
  'stolenSecret',
  'attackerCredential',
  'stolenSecret',
  'listedAddress',
  'leakedSecret',
  'offensiveTool',
  'attackerCredential',
  'passwordSpray',
  'stolenSecret',
  'leakedExpiredSecret',
];

/** About one principal in ninety is attacked. */
const ATTACKED_SHARE = 0.011;

/** How many attacks a tenant of `principals` principals gets: every kind once, more as it grows. */
export function attackCount(principals: number): number {
  return Math.max(FIRST_KINDS.length, Math.round(principals * ATTACKED_SHARE));
}

/**
 * Principals set aside before normal life is planned, so that even a small tenant, where routine
 * changes touch most applications, has enough quiet ones for every attack: about two per attack,
 * most of them using a client secret (what most attacks need), all running since before the period.
 * Their normal life stays plain: no rotation, upgrade or move to explain an attack away.
 */
export function reserveVictims(
  model: TenantModel,
  rnd: Random,
  attacks: number,
  period: SimulationPeriod,
): Set<string> {
  // Left without rotations, their keys must outlast the period.
  const keyed = model.principals.filter(
    (p) =>
      !p.multiTenant &&
      p.clientCredentialType !== 'federatedIdentityCredential' &&
      p.signInCredentials.every((c) => Date.parse(c.endDateTime) > period.end + DAY_MS),
  );
  const secrets = keyed.filter((p) => p.clientCredentialType === 'clientSecret');
  const others = keyed.filter((p) => p.clientCredentialType !== 'clientSecret');
  const wanted = Math.min(Math.floor(keyed.length / 2), attacks * 2);
  const chosen = sample(rnd, secrets, Math.min(secrets.length, Math.ceil(wanted * 0.75)));
  chosen.push(...sample(rnd, others, wanted - chosen.length));
  return new Set(chosen.map((p) => p.objectId));
}

/** Plans the attacks. A kind no principal is left for (in a small tenant) is skipped. */
export function planAttacks(ctx: AttackContext, rnd: Random): AttackPlan {
  const kit = createAttackKit(ctx, rnd);
  const { start, end } = ctx.period;
  const kinds = [...FIRST_KINDS];
  const total = attackCount(ctx.principalCount);
  for (let i = 0; kinds.length < total; i++) kinds.push(MORE_KINDS[i % MORE_KINDS.length]!);
  // Spread over the second half of the period, leaving room before the end for what follows a start.
  const middle = start + (end - start) / 2;
  const window = end - Math.min(8 * HOUR_MS, (end - start) / 4) - middle;
  const order = sample(rnd, kinds, kinds.length);
  // Whole seconds, as commit dates and so leak times are: a label's `from` is then the record's time.
  const slots = order.map((kind, i) => ({
    kind,
    at: Math.floor((middle + ((i + rnd.next()) / order.length) * window) / 1000) * 1000,
  }));
  // Sprays are planned last: their many targets are drawn from whoever no other attack needs.
  slots.sort((a, b) => Number(a.kind === 'passwordSpray') - Number(b.kind === 'passwordSpray'));
  let credentialAttacks = 0;
  for (const { kind, at } of slots) {
    switch (kind) {
      case 'stolenSecret':
        stolenSecretAttack(kit, at);
        break;
      case 'attackerCredential':
        // Every other one goes through another workload whose secret the attacker holds.
        attackerCredentialAttack(kit, at, credentialAttacks++ % 2 === 1);
        break;
      case 'listedAddress':
      case 'offensiveTool':
        hostileSignInAttack(kit, at, kind);
        break;
      case 'passwordSpray':
        passwordSprayAttack(kit, at);
        break;
      case 'leakedSecret':
        leakedSecretAttack(kit, at);
        break;
      case 'leakedExpiredSecret':
        leakedExpiredSecretAttack(kit, at);
        break;
    }
  }
  const { plan } = kit;
  plan.signIns.sort((a, b) => a.ms - b.ms || a.subMs - b.subMs);
  plan.audits.sort((a, b) => a.at - b.at);
  return plan;
}

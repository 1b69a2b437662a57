import type { AttackKit } from './attack-kit.ts';
import { SCRIPT_CLIENTS } from './attacker-clients.ts';
import { clientSecretText } from './client-secret-text.ts';

const HOUR_MS = 3_600_000;

/**
 * `leakedSecret`: an application's live secret committed to a public repository at `at` (the
 * scanner report's date). Its hint names no other secret in the tenant. More often than not someone
 * picks it up hours later and signs in with it from abroad.
 */
export function leakedSecretAttack(kit: AttackKit, at: number): void {
  const { rnd, plan, ctx } = kit;
  const l = kit.victim((x) => kit.hasSecret(x) && ctx.hints.get(kit.key(x)!.hint!) === 1);
  if (!l) return;
  const credential = kit.key(l)!;
  plan.leaks.push({
    principal: l.principal,
    credential,
    secret: clientSecretText(rnd, credential.hint!),
    foundAt: at,
  });
  const useAt = at + rnd.int(2, 20) * HOUR_MS;
  const used = rnd.chance(0.6) && useAt < ctx.period.end - HOUR_MS;
  const ips: string[] = [];
  let usage = 'not used by anyone else before the period ends';
  if (used) {
    const net = kit.networkAway(rnd.chance(0.7) ? 'hosting' : 'residential', kit.countriesOf(l));
    const ip = kit.addressOn(net);
    const client = rnd.pick(SCRIPT_CLIENTS);
    const times = kit.spread(useAt, rnd.int(2, 6), rnd.int(10, 60));
    for (const t of times) plan.signIns.push(kit.signIn(l, t, ip, net, credential, client));
    ips.push(ip);
    usage = `used from ${kit.where(net)} ${Math.round((times[0]! - at) / HOUR_MS)} hours later (${times.length} sign-ins)`;
  }
  kit.label(
    l.principal,
    'leakedSecret',
    at,
    used ? ['leakedCredentials', 'suspiciousSignins'] : ['leakedCredentials'],
    ips,
    [credential.keyId],
    `live secret ${credential.hint}… (valid until ${credential.endDateTime}) committed to a public repository; ${usage}`,
  );
}

/**
 * `leakedExpiredSecret`: a secret that had expired before the period committed to a repository:
 * a stale leak Vigil reports and must not raise. Nothing is to be raised, so any application with
 * such a secret will do, busy or not.
 */
export function leakedExpiredSecretAttack(kit: AttackKit, at: number): void {
  const { rnd, plan, ctx } = kit;
  const l = kit.victim(
    (x) => x.principal.expiredSecret !== null && ctx.hints.get(x.principal.expiredSecret.hint!) === 1,
    ctx.lives.filter((x) => !x.principal.multiTenant && x.activeFrom <= ctx.period.start),
  );
  if (!l) return;
  const credential = l.principal.expiredSecret!;
  plan.leaks.push({
    principal: l.principal,
    credential,
    secret: clientSecretText(rnd, credential.hint!),
    foundAt: at,
  });
  kit.label(
    l.principal,
    'leakedExpiredSecret',
    at,
    [],
    [],
    [credential.keyId],
    `secret ${credential.hint}… that expired on ${credential.endDateTime} committed to a repository: a stale leak, ` +
      'nothing to raise',
  );
}

import { type AttackKit, iso } from './attack-kit.ts';
import { SCRIPT_CLIENTS } from './attacker-clients.ts';
import { sample } from './sampling.ts';
import type { WorkloadLife } from './workload-life.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** A spray tries at least this many principals within the hour. */
export const SPRAY_MIN_TARGETS = 15;

/**
 * `passwordSpray`: from one address, failed client-credential sign-ins against fifteen to two dozen
 * applications within 45 minutes (invalid secrets, bad assertions, unknown app, an old expired
 * secret), then one or two of them get in from the same address before the hour is out. Those are
 * labelled attacked; the others are listed as targeted.
 */
export function passwordSprayAttack(kit: AttackKit, at: number): void {
  const { rnd, plan, taken } = kit;
  const winners = [kit.victim(kit.hasSecret), rnd.chance(0.3) ? kit.victim(kit.hasSecret) : null].filter(
    (l): l is WorkloadLife => l !== null,
  );
  const pool = kit.ctx.lives.filter(
    (l) =>
      !l.principal.multiTenant &&
      l.principal.clientCredentialType !== 'federatedIdentityCredential' &&
      l.activeFrom <= at - DAY_MS &&
      !taken.has(l.principal.objectId),
  );
  if (winners.length === 0 || pool.length + winners.length < SPRAY_MIN_TARGETS) {
    for (const w of winners) taken.delete(w.principal.objectId);
    return;
  }
  // Targets are drawn from busy principals first, leaving quiet ones for other attacks.
  const wanted = Math.max(SPRAY_MIN_TARGETS, rnd.int(16, 24)) - winners.length;
  const losers = sample(
    rnd,
    pool.filter((l) => !kit.quiet.includes(l)),
    wanted,
  );
  if (losers.length < wanted) {
    losers.push(
      ...sample(
        rnd,
        pool.filter((l) => kit.quiet.includes(l)),
        wanted - losers.length,
      ),
    );
  }
  for (const l of losers) taken.add(l.principal.objectId);
  const away = new Set(winners.flatMap((w) => [...kit.countriesOf(w)]));
  const net = kit.networkAway(rnd.chance(0.6) ? 'hosting' : 'residential', away);
  const ip = kit.addressOn(net);
  // Spray tooling is scripted; PowerShell's browser-like agent is left out.
  const client = rnd.pick(SCRIPT_CLIENTS.slice(0, 5));
  const firstTry = new Map<WorkloadLife, number>();
  for (const l of sample(rnd, [...losers, ...winners], losers.length + winners.length)) {
    const p = l.principal;
    const tries = kit.spread(at + rnd.int(0, 40) * MINUTE_MS, rnd.int(1, 3), 4);
    firstTry.set(l, tries[0]!);
    for (const t of tries) {
      // Guessed secrets fail as invalid, certificate apps as bad assertions; some requests name
      // the app wrongly (700016); an old secret from an earlier leak fails as expired.
      let code = p.clientCredentialType === 'clientSecret' ? 7000215 : 700027;
      if (rnd.chance(0.15)) code = 700016;
      else if (p.expiredSecret && rnd.chance(0.3)) code = 7000222;
      plan.signIns.push(kit.signIn(l, t, ip, net, code === 7000222 ? p.expiredSecret : null, client, code));
    }
  }
  const tried = losers.length + winners.length;
  for (const w of winners) {
    const secret = kit.key(w)!;
    const times = kit.spread(at + rnd.int(46, 58) * MINUTE_MS, rnd.int(1, 2), 2);
    for (const t of times) plan.signIns.push(kit.signIn(w, t, ip, net, secret, client));
    kit.label(
      w.principal,
      'passwordSpray',
      firstTry.get(w)!,
      ['investigationsThreatIntelligence', 'suspiciousSignins'],
      [ip],
      [secret.keyId],
      `one of ${tried} principals sprayed from ${ip}, ${kit.where(net)}, within an hour; signed in successfully ` +
        `from there at ${iso(times[0]!)}`,
    );
  }
  for (const l of losers) {
    plan.targeted.push({
      principalId: l.principal.objectId,
      appId: l.principal.appId,
      displayName: l.principal.displayName,
      kind: 'passwordSpray',
      from: iso(firstTry.get(l)!),
      ipAddress: ip,
    });
  }
}

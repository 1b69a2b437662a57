import { type AttackKit, iso } from './attack-kit.ts';
import { SCRIPT_CLIENTS } from './attacker-clients.ts';
import type { AttackerNetwork } from './attacker-networks.ts';
import type { SignInClient } from './sign-in-records.ts';
import type { ModelCredential } from './tenant-model.ts';
import type { WorkloadLife } from './workload-life.ts';

/** Where the attacker uses the secret from, when it is given rather than chosen here. */
export interface StolenSecretVia {
  net: AttackerNetwork;
  ip: string;
  count: number;
  minutes: number;
}

/** What a stolen secret's use left in the logs. */
export interface StolenSecretUse {
  net: AttackerNetwork;
  ips: string[];
  client: SignInClient;
  times: number[];
  secret: ModelCredential;
}

/**
 * A workload's secret used from a VPS or a home line abroad with a script (requests, curl,
 * PowerShell): a handful of token requests, mostly for Microsoft Graph, over an hour or more.
 */
export function useStolenSecret(
  kit: AttackKit,
  l: WorkloadLife,
  at: number,
  via?: StolenSecretVia,
): StolenSecretUse {
  const { rnd } = kit;
  const secret = kit.key(l)!;
  const net = via?.net ?? kit.networkAway(rnd.chance(0.7) ? 'hosting' : 'residential', kit.countriesOf(l));
  const ips = via ? [via.ip] : [kit.addressOn(net)];
  if (!via && rnd.chance(0.2)) ips.push(kit.addressOn(net));
  const client = rnd.pick(SCRIPT_CLIENTS);
  const times = kit.spread(at, via?.count ?? rnd.int(4, 12), via?.minutes ?? rnd.int(60, 180));
  for (const [i, t] of times.entries()) {
    kit.plan.signIns.push(kit.signIn(l, t, i === 0 ? ips[0]! : rnd.pick(ips), net, secret, client));
  }
  return { net, ips, client, times, secret };
}

/** `stolenSecret`: a quiet application's secret used from abroad. */
export function stolenSecretAttack(kit: AttackKit, at: number): void {
  const l = kit.victim(kit.hasSecret);
  if (!l) return;
  const s = useStolenSecret(kit, l, at);
  kit.label(
    l.principal,
    'stolenSecret',
    s.times[0]!,
    ['suspiciousSignins'],
    s.ips,
    [s.secret.keyId],
    `secret ${s.secret.hint}… used from ${kit.where(s.net)} with ${s.client.userAgent}: ${s.times.length} sign-ins ` +
      `from ${iso(s.times[0]!)} to ${iso(s.times[s.times.length - 1]!)}`,
  );
}

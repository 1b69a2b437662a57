import type { AttackKit } from './attack-kit.ts';
import { OFFENSIVE_CLIENTS, SCRIPT_CLIENTS } from './attacker-clients.ts';

/**
 * `listedAddress`: successful sign-ins from a server whose address is on the indicator list.
 * `offensiveTool`: sign-ins from a server by a toolkit that names itself in its user agent.
 * Both use the application's own key, from a hosting network abroad.
 */
export function hostileSignInAttack(
  kit: AttackKit,
  at: number,
  kind: 'listedAddress' | 'offensiveTool',
): void {
  const { rnd, plan } = kit;
  const l = kit.victim(kit.hasKey);
  if (!l) return;
  const net = kit.networkAway('hosting', kit.countriesOf(l));
  const ip = kit.addressOn(net);
  const listed = kind === 'listedAddress';
  const client = rnd.pick(listed ? SCRIPT_CLIENTS : OFFENSIVE_CLIENTS);
  const credential = kit.key(l)!;
  const times = listed
    ? kit.spread(at, rnd.int(2, 6), rnd.int(20, 90))
    : kit.spread(at, rnd.int(2, 5), rnd.int(10, 40));
  for (const t of times) plan.signIns.push(kit.signIn(l, t, ip, net, credential, client));
  if (listed) plan.listed.push(ip);
  kit.label(
    l.principal,
    kind,
    times[0]!,
    ['investigationsThreatIntelligence', 'suspiciousSignins'],
    [ip],
    [credential.keyId],
    listed
      ? `${times.length} successful sign-ins from ${ip}, on the indicator list, ${kit.where(net)}, ${client.userAgent}`
      : `${times.length} sign-ins with ${client.userAgent} from ${kit.where(net)}`,
  );
}

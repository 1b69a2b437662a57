import type { AttackKit } from './attack-kit.ts';
import { ATTACKER_ADMIN_USER_AGENTS, SCRIPT_CLIENTS } from './attacker-clients.ts';
import { type AuditInitiator, applicationOwner, servicePrincipalOwner } from './audit-records.ts';
import { credentialChangeAudit } from './credential-change-audit.ts';
import { newSecret } from './new-credentials.ts';
import { useStolenSecret } from './stolen-secret-attack.ts';
import type { ModelCredential } from './tenant-model.ts';

const MINUTE_MS = 60_000;

/** People whose accounts an attacker uses to add credentials: none of them ever managed one before. */
const PEOPLE: readonly (readonly [string, string])[] = [
  ['Dana', 'Whitfield'],
  ['Marco', 'Lindqvist'],
  ['Priya', 'Raman'],
  ['Tom', 'Okafor'],
  ['Lena', 'Hoffmann'],
  ['Sam', 'Reyes'],
];
/** Names attackers give the keys they add, blending in with what admins write. */
const KEY_NAMES = ['sync', 'backup', 'default', 'ops-automation', 'temp-access', 'svc-key'];

/**
 * `attackerCredential`: a secret added to an application or its service principal by an actor who
 * never managed credentials — a user account the attacker holds, or (`throughWorkload`) another
 * workload whose own secret the attacker uses minutes before — then used from the attacker's
 * network within hours. The workload actor is labelled too, as a stolen secret.
 */
export function attackerCredentialAttack(kit: AttackKit, at: number, throughWorkload: boolean): void {
  const { rnd, ctx, plan } = kit;
  const l = kit.victim(kit.hasKey);
  if (!l) return;
  const p = l.principal;
  const net = kit.networkAway(rnd.chance(0.6) ? 'hosting' : 'residential', kit.countriesOf(l));
  const ip = kit.addressOn(net);
  let initiator: AuditInitiator;
  let actorNote: string;
  const actor = throughWorkload ? kit.victim(kit.hasSecret) : null;
  if (actor) {
    const s = useStolenSecret(kit, actor, at - rnd.int(15, 45) * MINUTE_MS, {
      net,
      ip,
      count: rnd.int(2, 4),
      minutes: 10,
    });
    initiator = {
      kind: 'app',
      appId: actor.principal.appId,
      displayName: actor.principal.displayName,
      servicePrincipalId: actor.principal.objectId,
      servicePrincipalName: null,
      ipAddress: ip,
      userAgent: s.client.userAgent,
    };
    actorNote = `service principal ${actor.principal.displayName}`;
    kit.label(
      actor.principal,
      'stolenSecret',
      s.times[0]!,
      ['suspiciousSignins'],
      [ip],
      [s.secret.keyId],
      `secret ${s.secret.hint}… used from ${kit.where(net)} with ${s.client.userAgent}; the token then added a ` +
        `credential to ${p.displayName}`,
    );
  } else {
    const [first, last] = rnd.pick(PEOPLE);
    initiator = {
      kind: 'user',
      id: rnd.guid(),
      displayName: `${first} ${last}`,
      userPrincipalName: `${first.toLowerCase()}.${last.toLowerCase()}@${ctx.model.domain}`,
      ipAddress: ip,
      userAgent: rnd.pick(ATTACKER_ADMIN_USER_AGENTS),
    };
    actorNote = `${initiator.userPrincipalName}, who never managed credentials`;
  }
  const side: ModelCredential['owner'] = rnd.chance(0.6) ? 'application' : 'servicePrincipal';
  const added = newSecret(rnd, ctx.hints, side, rnd.pick(KEY_NAMES), at, rnd.pick([365, 730]));
  ctx.ledger.add(p.objectId, added, at);
  const owner = side === 'application' ? applicationOwner(p) : servicePrincipalOwner(p);
  plan.audits.push(credentialChangeAudit(ctx.model, ctx.ledger, p.objectId, owner, at, () => initiator));
  const client = rnd.pick(SCRIPT_CLIENTS);
  const times = kit.spread(at + rnd.int(60, 360) * MINUTE_MS, rnd.int(3, 10), rnd.int(30, 120));
  for (const t of times) plan.signIns.push(kit.signIn(l, t, ip, net, added, client));
  kit.label(
    p,
    'attackerCredential',
    at,
    ['unusualCredentialAddition', 'suspiciousSignins'],
    [ip],
    [added.keyId],
    `${actorNote} added secret ${added.hint}… to the ${side === 'application' ? 'app registration' : 'service principal'} ` +
      `from ${kit.where(net)}; it was used from there ${Math.round((times[0]! - at) / MINUTE_MS)} minutes later ` +
      `(${times.length} sign-ins, ${client.userAgent})`,
  );
}

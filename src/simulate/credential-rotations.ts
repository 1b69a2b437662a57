// Credential rotations as administrators do them: a new key is added (an audit event by the
// application's usual administrator), the workload switches to it within hours as instances restart,
// and the old key is removed days later. Keys about to expire are always rotated.
import { adminInitiator } from './audit-records.ts';
import { credentialChangeAudit } from './credential-change-audit.ts';
import { describeCredential, iso, type LifePlanning, ownerOf } from './life-planning.ts';
import { successorOf } from './new-credentials.ts';
import type { Random } from './random.ts';
import { instantBetween, sample } from './sampling.ts';
import type { ModelCredential } from './tenant-model.ts';
import { addPhase } from './timeline.ts';
import type { WorkloadLife } from './workload-life.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Share of applications whose key is rotated in a period besides those about to expire. */
const ROTATED_SHARE = 0.06;

/**
 * Rotations begun before the period: the workload already uses the newer key mostly; it stops
 * using the old one, and its administrator removes it.
 */
export function finishRotationsUnderWay(lp: LifePlanning, lives: readonly WorkloadLife[]): void {
  const { rnd, period, ledger } = lp;
  const span = period.end - period.start;
  for (const life of lives) {
    const p = life.principal;
    if (!lp.own(life) || lp.reserved.has(p.objectId) || p.signInCredentials.length !== 2) continue;
    const [newer, old] = p.signInCredentials as [ModelCredential, ModelCredential];
    const oldEnd = Date.parse(old.endDateTime);
    const removeAt = instantBetween(
      rnd,
      period.start + span * 0.05,
      Math.min(period.start + span * 0.7, oldEnd - DAY_MS),
    );
    // The old key falls out of use hours before it is removed, and never after it expires.
    const stopAt = Math.min(removeAt - rnd.int(1, 20) * HOUR_MS, oldEnd - HOUR_MS);
    addPhase(life.credentials, Math.max(period.start, stopAt), {
      first: newer,
      second: null,
      secondShare: 0,
    });
    ledger.remove(p.objectId, old.keyId, removeAt);
    const admin = lp.adminOf(p.objectId);
    lp.audits.push(
      credentialChangeAudit(lp.model, ledger, p.objectId, ownerOf(p, old), removeAt, (r) =>
        adminInitiator(r, admin),
      ),
    );
    lp.label(
      p,
      'credentialRotation',
      removeAt,
      `${admin.userPrincipalName} removed the old ${describeCredential(old)}; the workload had moved to ` +
        `${describeCredential(newer)}, added before the period`,
    );
  }
}

/** Scheduled rotations, every key about to expire among them. */
export function planRotations(lp: LifePlanning, lives: readonly WorkloadLife[]): void {
  const { rnd, period, ledger } = lp;
  const { start, end } = period;
  const rotatable = lives.filter((l) => {
    const use = l.credentials[0]!.value;
    return (
      lp.stable(l) &&
      use.second === null &&
      (use.first?.type === 'password' || use.first?.type === 'certificate')
    );
  });
  const expiring = rotatable.filter(
    (l) => Date.parse(l.credentials[0]!.value.first!.endDateTime) < end + DAY_MS,
  );
  const chosen = new Set([
    ...expiring,
    ...sample(
      rnd,
      rotatable.filter((l) => !expiring.includes(l)),
      Math.max(1, Math.round(rotatable.length * ROTATED_SHARE)),
    ),
  ]);
  for (const life of chosen) {
    const p = life.principal;
    const old = life.credentials[0]!.value.first!;
    const oldEnd = Date.parse(old.endDateTime);
    const addAt =
      oldEnd < end + DAY_MS
        ? instantBetween(rnd, Math.max(start + 2 * HOUR_MS, oldEnd - 14 * DAY_MS), oldEnd - 2 * DAY_MS)
        : instantBetween(rnd, start + (end - start) * 0.1, end - 12 * HOUR_MS);
    const next = successorOf(rnd, lp.hints, old, p.displayName, addAt);
    const switchAt = addAt + rnd.int(1, 6) * HOUR_MS + rnd.int(0, 59) * MINUTE_MS;
    // Instances pick the new key up as they restart: both are in use for a couple of hours.
    addPhase(life.credentials, switchAt, { first: next, second: old, secondShare: 0.5 });
    addPhase(life.credentials, switchAt + 2 * HOUR_MS, { first: next, second: null, secondShare: 0 });
    ledger.add(p.objectId, next, addAt);
    const admin = lp.adminOf(p.objectId);
    const by = (r: Random) => adminInitiator(r, admin);
    lp.audits.push(credentialChangeAudit(lp.model, ledger, p.objectId, ownerOf(p, next), addAt, by));
    const removeAt = switchAt + rnd.int(1, 5) * DAY_MS + rnd.int(0, 23) * HOUR_MS;
    let removal = '; the old one is still listed at the end';
    if (removeAt < end - HOUR_MS) {
      ledger.remove(p.objectId, old.keyId, removeAt);
      lp.audits.push(credentialChangeAudit(lp.model, ledger, p.objectId, ownerOf(p, old), removeAt, by));
      removal = `; ${admin.userPrincipalName} removed the old one at ${iso(removeAt)}`;
    }
    lp.label(
      p,
      'credentialRotation',
      addAt,
      `${admin.userPrincipalName} added ${describeCredential(next)} replacing ${describeCredential(old)}; ` +
        `sign-ins use the new key from ${iso(switchAt)}${removal}`,
    );
  }
}

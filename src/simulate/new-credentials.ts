// Credentials added during the period: rotations, new applications, an attacker's key. A new
// secret's hint differs from every other secret's in the tenant, so a leaked secret's hint names
// exactly one credential and the labels stay unambiguous.
import type { Random } from './random.ts';
import {
  certificateCredential,
  isoSeconds,
  type ModelCredential,
  secretCredential,
  type TenantModel,
} from './tenant-model.ts';

/** Client secret hints in use in a tenant, with how many secrets carry each. */
export type HintCounts = Map<string, number>;

/** Counts the hints of every secret a model's principals hold. */
export function countHints(model: TenantModel): HintCounts {
  const counts: HintCounts = new Map();
  for (const p of model.principals) {
    for (const c of p.credentials) if (c.hint !== null) counts.set(c.hint, (counts.get(c.hint) ?? 0) + 1);
  }
  return counts;
}

/** A client secret valid `days` from `start` whose hint no other secret in `hints` has (and now is taken). */
export function newSecret(
  rnd: Random,
  hints: HintCounts,
  owner: ModelCredential['owner'],
  displayName: string,
  start: number,
  days: number,
): ModelCredential {
  for (;;) {
    const c = secretCredential(rnd, owner, displayName, start, days, start);
    if (!hints.has(c.hint!)) {
      hints.set(c.hint!, 1);
      return c;
    }
  }
}

/** The successor of a secret or certificate: same kind, same object, named as its owner names them. */
export function successorOf(
  rnd: Random,
  hints: HintCounts,
  old: ModelCredential,
  principalName: string,
  start: number,
): ModelCredential {
  if (old.type === 'certificate') {
    return certificateCredential(rnd, old.owner, principalName, start, rnd.pick([365, 730]), start);
  }
  // Portal-made secrets are named by who made them; these follow the `<app>-<yyyy-mm>` habit.
  return newSecret(rnd, hints, old.owner, `${principalName}-${isoSeconds(start).slice(0, 7)}`, start, 730);
}

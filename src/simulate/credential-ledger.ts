// Which credentials each object held when. Audit events list an object's keys before and after a
// change, and the inventory lists what is left at the end; both are read from this one record, so
// an audit's KeyDescription, later sign-ins and the final inventory cannot disagree.
import type { ModelCredential } from './tenant-model.ts';

/** One credential of one principal (on its app registration or its service principal), with its lifetime. */
interface Holding {
  credential: ModelCredential;
  /** ms since 1970; null when it was there before the period began. */
  addedAt: number | null;
  removedAt: number | null;
}

/** Credentials per principal over time. */
export interface CredentialLedger {
  /** Records a credential as held from `at` (null: already held when the period began). */
  add(principalId: string, credential: ModelCredential, at: number | null): void;
  /** Records the credential with `keyId` as removed at `at`. */
  remove(principalId: string, keyId: string, at: number): void;
  /** The credentials held at `at` on the given object, in the order they were added. */
  heldAt(principalId: string, owner: ModelCredential['owner'], at: number): ModelCredential[];
  /** Every credential the principal ever held in the period, removed ones included. */
  everHeld(principalId: string): ModelCredential[];
}

/** An empty ledger. */
export function createCredentialLedger(): CredentialLedger {
  const holdings = new Map<string, Holding[]>();
  return {
    add(principalId, credential, at) {
      let list = holdings.get(principalId);
      if (!list) {
        list = [];
        holdings.set(principalId, list);
      }
      list.push({ credential, addedAt: at, removedAt: null });
    },
    remove(principalId, keyId, at) {
      const h = holdings.get(principalId)?.find((x) => x.credential.keyId === keyId && x.removedAt === null);
      if (!h) throw new RangeError(`${principalId} holds no credential ${keyId}`);
      h.removedAt = at;
    },
    heldAt(principalId, owner, at) {
      const out: ModelCredential[] = [];
      for (const h of holdings.get(principalId) ?? []) {
        if (h.credential.owner !== owner) continue;
        if (h.addedAt !== null && h.addedAt > at) continue;
        if (h.removedAt !== null && h.removedAt <= at) continue;
        out.push(h.credential);
      }
      return out;
    },
    everHeld(principalId) {
      return (holdings.get(principalId) ?? []).map((h) => h.credential);
    },
  };
}

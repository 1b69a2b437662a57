// What the normal-life planners share: the tenant, the record of credentials over time, the audit
// events and labels they add, who looks after each application, and which principals are still
// free for a change (each gets at most one, so every label has one reading).
import { applicationOwner, type CredentialOwner, servicePrincipalOwner } from './audit-records.ts';
import type { CredentialLedger } from './credential-ledger.ts';
import type { NormalEventKind, NormalEventLabel } from './labels.ts';
import type { HintCounts } from './new-credentials.ts';
import type { Random } from './random.ts';
import type { SimulationPeriod } from './simulation-period.ts';
import {
  addressIn,
  type ModelCredential,
  type TenantAdmin,
  type TenantModel,
  type WorkloadPrincipal,
} from './tenant-model.ts';
import type { PlannedAudit, WorkloadLife } from './workload-life.ts';

/** The shared state of normal-life planning. */
export interface LifePlanning {
  model: TenantModel;
  rnd: Random;
  period: SimulationPeriod;
  ledger: CredentialLedger;
  hints: HintCounts;
  audits: PlannedAudit[];
  events: NormalEventLabel[];
  /** Principals with a labelled change. */
  changed: Set<string>;
  /** Principals kept for attacks, left unchanged. */
  reserved: ReadonlySet<string>;
  /** Applications created in the period, with when. */
  created: ReadonlyMap<string, number>;
  /** Labels a change (and marks the principal changed). */
  label(p: { objectId: string; displayName: string }, kind: NormalEventKind, at: number, note: string): void;
  /** The administrator who usually looks after an application. */
  adminOf(objectId: string): TenantAdmin;
  /** This tenant's application, no CI deployment, running since the start. */
  own(l: WorkloadLife): boolean;
  /** An own application still free for a change. */
  stable(l: WorkloadLife): boolean;
  /** Free for a change: a stable own application, or an unchanged multi-tenant one. */
  free(l: WorkloadLife): boolean;
}

/** Options of createLifePlanning. */
export interface LifePlanningOptions {
  model: TenantModel;
  rnd: Random;
  period: SimulationPeriod;
  ledger: CredentialLedger;
  hints: HintCounts;
  reserved: ReadonlySet<string>;
  created: ReadonlyMap<string, number>;
}

/** Shared planning state, empty of audits and labels. */
export function createLifePlanning(o: LifePlanningOptions): LifePlanning {
  const events: NormalEventLabel[] = [];
  const changed = new Set<string>();
  const admins = new Map<string, TenantAdmin>();
  const own = (l: WorkloadLife) =>
    !l.principal.multiTenant && l.schedule.rhythm !== 'ci' && !o.created.has(l.principal.objectId);
  const stable = (l: WorkloadLife) =>
    own(l) && !changed.has(l.principal.objectId) && !o.reserved.has(l.principal.objectId);
  return {
    ...o,
    audits: [],
    events,
    changed,
    label(p, kind, at, note) {
      events.push({ principalId: p.objectId, displayName: p.displayName, kind, at: iso(at), note });
      changed.add(p.objectId);
    },
    adminOf(objectId) {
      let admin = admins.get(objectId);
      if (admin === undefined) {
        admin = o.rnd.pick(o.model.admins);
        admins.set(objectId, admin);
      }
      return admin;
    },
    own,
    stable,
    free: (l) => stable(l) || (l.principal.multiTenant && !changed.has(l.principal.objectId)),
  };
}

/** ISO text of an instant. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** A credential for a label's note. */
export function describeCredential(c: ModelCredential): string {
  return `${c.type === 'password' ? `secret ${c.hint}…` : 'certificate'} ${c.keyId}`;
}

/** The object a credential sits on, as an audit target. */
export function ownerOf(p: WorkloadPrincipal, c: ModelCredential): CredentialOwner {
  return c.owner === 'application' ? applicationOwner(p) : servicePrincipalOwner(p);
}

/** `count` distinct addresses inside the prefixes. */
export function uniqueAddresses(rnd: Random, prefixes: readonly string[], count: number): string[] {
  const out = new Set<string>();
  while (out.size < count) out.add(addressIn(rnd, prefixes));
  return [...out];
}

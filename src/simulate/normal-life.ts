// Normal life of a tenant over the period, made to tempt false positives: every change here is one
// a careless detection would flag, and none is an attack. Workloads rotate addresses inside their
// providers' prefixes and now and then get a new /24 or a new region of the same provider; CI
// deployments sign in from a fresh runner every run; SDKs move up a version; administrators rotate
// credentials; the platform renews managed identity certificates; a permission grant brings a new
// resource; new applications appear with their own learning period; misconfigured instances fail
// with expired or wrong secrets from their own addresses.
import { identityLife, workloadLife } from './base-life.ts';
import { createApplications, labelCreatedApplications } from './created-applications.ts';
import { type CredentialLedger, createCredentialLedger } from './credential-ledger.ts';
import { finishRotationsUnderWay, planRotations } from './credential-rotations.ts';
import { planIdentityRotations } from './identity-rotations.ts';
import type { NormalEventLabel } from './labels.ts';
import { createLifePlanning } from './life-planning.ts';
import { countHints, type HintCounts } from './new-credentials.ts';
import type { Random } from './random.ts';
import type { SimulationPeriod } from './simulation-period.ts';
import type { TenantModel } from './tenant-model.ts';
import {
  labelRunners,
  planNewPrefixes,
  planNewRegions,
  planNewResources,
  planSdkUpgrades,
} from './workload-changes.ts';
import type { IdentityLife, PlannedAudit, WorkloadLife } from './workload-life.ts';

/** The tenant's normal life: behaviour per principal, the audit events of its changes, and their labels. */
export interface NormalLife {
  /** The model with principals created in the period given their creation time and first credential. */
  model: TenantModel;
  lives: WorkloadLife[];
  identities: IdentityLife[];
  ledger: CredentialLedger;
  audits: PlannedAudit[];
  events: NormalEventLabel[];
  /** Principals with a labelled change, kept out of attacks so every label has one reading. */
  changed: Set<string>;
  hints: HintCounts;
}

/** Plans the normal life of `base` over `period`, leaving the principals in `reserved` unchanged. */
export function planNormalLife(
  base: TenantModel,
  rnd: Random,
  period: SimulationPeriod,
  reserved: ReadonlySet<string> = new Set(),
): NormalLife {
  const hints = countHints(base);
  const { model, created } = createApplications(base, rnd, period, hints, reserved);
  const ledger = createCredentialLedger();
  for (const p of model.principals) {
    // A new application's key arrives with it; every other key was there before the period.
    const from = created.has(p.objectId) ? Date.parse(p.credentials[0]!.startDateTime) : null;
    for (const c of p.credentials) ledger.add(p.objectId, c, from);
  }
  for (const mi of model.managedIdentities) for (const c of mi.credentials) ledger.add(mi.objectId, c, null);

  const lives = model.principals.map((p) => workloadLife(rnd, p, period.start, created.get(p.objectId)));
  const identities = model.managedIdentities.map((mi) => identityLife(rnd, mi));
  const lp = createLifePlanning({ model, rnd, period, ledger, hints, reserved, created });
  labelCreatedApplications(lp, lives);
  labelRunners(lp, lives);
  finishRotationsUnderWay(lp, lives);
  planRotations(lp, lives);
  planSdkUpgrades(lp, lives);
  planNewPrefixes(lp, lives);
  planNewRegions(lp, lives);
  planNewResources(lp, lives);
  planIdentityRotations(lp);
  const audits = [...lp.audits].sort((a, b) => a.at - b.at);
  return { model, lives, identities, ledger, audits, events: lp.events, changed: lp.changed, hints };
}

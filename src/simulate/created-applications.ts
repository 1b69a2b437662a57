// Applications created during the period: the service principal appears (an audit event by an
// administrator), a first key minutes later, and sign-ins hours after that, so each has its own
// learning period starting mid-way.
import { adminInitiator, makeServicePrincipalAddedRecord } from './audit-records.ts';
import { describeCredential, iso, type LifePlanning } from './life-planning.ts';
import { type HintCounts, newSecret } from './new-credentials.ts';
import type { Random } from './random.ts';
import { instantBetween, sample } from './sampling.ts';
import type { SimulationPeriod } from './simulation-period.ts';
import { certificateCredential, isoSeconds, type TenantModel } from './tenant-model.ts';
import type { WorkloadLife } from './workload-life.ts';

const MINUTE_MS = 60_000;
/** Share of applications created during the period. */
const CREATED_SHARE = 0.015;

/**
 * The model with some applications made new: created in the first half or so of the period, with
 * one fresh key of the kind they use. Returns when each was created.
 */
export function createApplications(
  base: TenantModel,
  rnd: Random,
  period: SimulationPeriod,
  hints: HintCounts,
  reserved: ReadonlySet<string>,
): { model: TenantModel; created: Map<string, number> } {
  const span = period.end - period.start;
  const principals = [...base.principals];
  const created = new Map<string, number>();
  const creatable = principals
    .map((p, i) => ({ p, i }))
    .filter(
      ({ p }) =>
        !p.multiTenant &&
        p.clientCredentialType !== 'federatedIdentityCredential' &&
        p.signInCredentials.length === 1 &&
        !reserved.has(p.objectId),
    );
  for (const { p, i } of sample(rnd, creatable, Math.max(1, Math.round(creatable.length * CREATED_SHARE)))) {
    const at = instantBetween(rnd, period.start + span * 0.1, period.start + span * 0.6);
    const keyStart = at + rnd.int(5, 30) * MINUTE_MS;
    const old = p.signInCredentials[0]!;
    const first =
      old.type === 'certificate'
        ? certificateCredential(rnd, old.owner, p.displayName, keyStart, 365, keyStart)
        : newSecret(
            rnd,
            hints,
            old.owner,
            `${p.displayName}-${isoSeconds(keyStart).slice(0, 7)}`,
            keyStart,
            730,
          );
    principals[i] = {
      ...p,
      createdDateTime: isoSeconds(at),
      credentials: [first],
      signInCredentials: [first],
      expiredSecret: null,
    };
    created.set(p.objectId, at);
  }
  return { model: { ...base, principals }, created };
}

/** The creation audit events and labels of the applications created in the period. */
export function labelCreatedApplications(lp: LifePlanning, lives: readonly WorkloadLife[]): void {
  for (const life of lives) {
    const p = life.principal;
    const at = lp.created.get(p.objectId);
    if (at === undefined) continue;
    const admin = lp.adminOf(p.objectId);
    lp.audits.push({
      at,
      make: (r) => makeServicePrincipalAddedRecord(lp.model, r, new Date(at), p, adminInitiator(r, admin)),
    });
    const key = p.credentials[0]!;
    lp.label(
      p,
      'createdMidPeriod',
      at,
      `created by ${admin.userPrincipalName}; first ${describeCredential(key)} from ${key.startDateTime}, ` +
        `signs in from ${iso(life.activeFrom)}`,
    );
  }
}

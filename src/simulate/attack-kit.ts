// What every planted attack draws on: the tenant, who is still free to be a victim, attacker
// networks and addresses (never reused across attacks), and builders of attack sign-ins and labels,
// all collecting into one plan.
import { ATTACKER_NETWORKS, type AttackerNetwork } from './attacker-networks.ts';
import type { CredentialLedger } from './credential-ledger.ts';
import type { AttackKind, AttackLabel, ExpectedRiskEventType, TargetedLabel } from './labels.ts';
import type { HintCounts } from './new-credentials.ts';
import type { Random } from './random.ts';
import { pickWeighted } from './sampling.ts';
import { credentialTypeOf, type SignInClient, type WorkloadSignIn } from './sign-in-records.ts';
import type { SimulationPeriod } from './simulation-period.ts';
import { addressIn, type ModelCredential, type TenantModel, type WorkloadPrincipal } from './tenant-model.ts';
import type { PlannedAudit, WorkloadLife } from './workload-life.ts';

const MINUTE_MS = 60_000;

/** A secret exposed in a repository, for the scanner report. */
export interface LeakedSecret {
  principal: WorkloadPrincipal;
  credential: ModelCredential;
  secret: string;
  /** Commit time, ms since 1970. */
  foundAt: number;
}

/** Records and labels of the planted attacks. */
export interface AttackPlan {
  /** Attack sign-ins in time order. */
  signIns: WorkloadSignIn[];
  audits: PlannedAudit[];
  attacks: AttackLabel[];
  targeted: TargetedLabel[];
  /** Addresses to put on the threat-intelligence list. */
  listed: string[];
  leaks: LeakedSecret[];
}

/** What attack planning reads from the tenant and its normal life. */
export interface AttackContext {
  model: TenantModel;
  period: SimulationPeriod;
  lives: readonly WorkloadLife[];
  /** All principals, managed identities included, for the share attacked. */
  principalCount: number;
  ledger: CredentialLedger;
  changed: ReadonlySet<string>;
  hints: HintCounts;
}

/** The shared means of the attack planners. */
export interface AttackKit {
  ctx: AttackContext;
  rnd: Random;
  plan: AttackPlan;
  /** Principals an attack already took (as victim or target). */
  taken: Set<string>;
  /** Applications with a baseline and nothing else going on: no labelled change, running since the start. */
  quiet: readonly WorkloadLife[];
  /** The key a workload mostly signs in with (the newer one of a rotation under way). */
  key(l: WorkloadLife): ModelCredential | null;
  hasSecret(l: WorkloadLife): boolean;
  hasKey(l: WorkloadLife): boolean;
  /** Takes a random eligible principal among `among` (default: the quiet ones), or null. */
  victim(eligible: (l: WorkloadLife) => boolean, among?: readonly WorkloadLife[]): WorkloadLife | null;
  /** Countries a workload signs in from, at any time of the period. */
  countriesOf(l: WorkloadLife): Set<string>;
  /** An attacker network of the kind, outside the given countries. */
  networkAway(kind: AttackerNetwork['kind'], countries: ReadonlySet<string>): AttackerNetwork;
  /** An address on the network no other attack uses. */
  addressOn(n: AttackerNetwork): string;
  /** A sign-in of `l` from an attacker address, successful unless `errorCode` says otherwise. */
  signIn(
    l: WorkloadLife,
    ms: number,
    ip: string,
    n: AttackerNetwork,
    credential: ModelCredential | null,
    client: SignInClient,
    errorCode?: number,
  ): WorkloadSignIn;
  /** `count` instants from `from` over `minutes`, the first at `from`, all before the period ends. */
  spread(from: number, count: number, minutes: number): number[];
  /** Labels an attack on `p`; `expectDetection` follows from whether anything is to be raised. */
  label(
    p: WorkloadPrincipal,
    kind: AttackKind,
    from: number,
    riskEventTypes: ExpectedRiskEventType[],
    ipAddresses: string[],
    keyIds: string[],
    note: string,
  ): void;
  /** A network, for a label's note. */
  where(n: AttackerNetwork): string;
}

/** ISO text of an instant. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** The kit for planning attacks on a tenant. */
export function createAttackKit(ctx: AttackContext, rnd: Random): AttackKit {
  const { model, period, lives } = ctx;
  const plan: AttackPlan = { signIns: [], audits: [], attacks: [], targeted: [], listed: [], leaks: [] };
  const taken = new Set<string>();
  const usedAddresses = new Set<string>();
  const quiet = lives.filter(
    (l) =>
      !l.principal.multiTenant &&
      l.schedule.rhythm !== 'ci' &&
      l.activeFrom <= period.start &&
      !ctx.changed.has(l.principal.objectId),
  );
  const key = (l: WorkloadLife) => l.credentials[0]!.value.first;
  return {
    ctx,
    rnd,
    plan,
    taken,
    quiet,
    key,
    hasSecret: (l) => key(l)?.type === 'password',
    hasKey: (l) => key(l)?.type === 'password' || key(l)?.type === 'certificate',
    victim(eligible, among = quiet) {
      const pool = among.filter((l) => !taken.has(l.principal.objectId) && eligible(l));
      if (pool.length === 0) return null;
      const l = rnd.pick(pool);
      taken.add(l.principal.objectId);
      return l;
    },
    countriesOf: (l) => new Set(l.sites.flatMap((ph) => ph.value.map((s) => s.network.countryOrRegion))),
    networkAway: (kind, countries) =>
      rnd.pick(ATTACKER_NETWORKS.filter((n) => n.kind === kind && !countries.has(n.countryOrRegion))),
    addressOn(n) {
      for (;;) {
        const ip = addressIn(rnd, n.prefixes);
        if (!usedAddresses.has(ip)) {
          usedAddresses.add(ip);
          return ip;
        }
      }
    },
    signIn: (l, ms, ip, n, credential, client, errorCode = 0) => ({
      ms,
      subMs: rnd.int(0, 9999),
      principal: l.principal,
      ipAddress: ip,
      network: n,
      // Stolen workload credentials are mostly used against Microsoft Graph.
      resource: pickWeighted(rnd, model.resources.slice(0, 3), [75, 15, 10]),
      credential,
      clientCredentialType:
        errorCode === 0 && credential !== null
          ? credentialTypeOf(credential)
          : l.principal.clientCredentialType,
      client,
      errorCode,
    }),
    spread(from, count, minutes) {
      const span = Math.max(1, Math.min(minutes * MINUTE_MS, period.end - MINUTE_MS - from));
      const times = [from];
      for (let i = 1; i < count; i++) times.push(from + Math.floor(rnd.next() * span));
      return times.sort((a, b) => a - b);
    },
    label(p, kind, from, riskEventTypes, ipAddresses, keyIds, note) {
      plan.attacks.push({
        principalId: p.objectId,
        appId: p.appId,
        displayName: p.displayName,
        kind,
        from: iso(from),
        expectDetection: riskEventTypes.length > 0,
        riskEventTypes,
        ipAddresses,
        keyIds,
        note,
      });
    },
    where: (n) => `${n.owner} AS${n.asn} (${n.kind}, ${n.city} ${n.countryOrRegion})`,
  };
}

// How each principal behaves over the period: how often and when it signs in, from where, with
// which credential and client, to which resources. Normal life builds these; the hourly sign-in
// generator reads them; attacks add records beside them rather than changing them.
import type { Random } from './random.ts';
import type { SignInClient, SignInNetwork } from './sign-in-records.ts';
import type {
  ManagedIdentityPrincipal,
  ModelCredential,
  ModelResource,
  WorkloadPrincipal,
} from './tenant-model.ts';
import type { Timeline } from './timeline.ts';

/**
 * When in the day a workload signs in: around the clock, in office hours (people and schedulers
 * driven by them), mostly at one hour of the night (batch jobs), or in bursts on workdays (CI).
 */
export type Rhythm = 'steady' | 'office' | 'nightly' | 'ci';

/** Where a workload runs: a network, its prefixes there, and the egress addresses it usually has. */
export interface NetworkSite {
  network: SignInNetwork;
  prefixes: readonly string[];
  /** Usual addresses; empty when every run gets a fresh one (CI runners). */
  pool: readonly string[];
}

/** Which credential a workload's sign-ins use: mostly `first`, `secondShare` of them `second`. */
export interface CredentialUse {
  first: ModelCredential | null;
  second: ModelCredential | null;
  secondShare: number;
}

/** When a workload signs in, and how. */
export interface Schedule {
  /** Runs a day on average; each run is one sign-in, or a burst of up to `burst` (CI jobs). */
  runsPerDay: number;
  burst: number;
  rhythm: Rhythm;
  /** Hours from UTC of where it runs, for office rhythms. */
  utcOffset: number;
  /** The hour (UTC) a nightly job runs. */
  nightlyHour: number;
}

/** An application workload over the period. */
export interface WorkloadLife {
  principal: WorkloadPrincipal;
  /** No sign-ins before this (a principal created in the period). */
  activeFrom: number;
  schedule: Schedule;
  credentials: Timeline<CredentialUse>;
  clients: Timeline<SignInClient>;
  sites: Timeline<readonly NetworkSite[]>;
  resources: Timeline<readonly ModelResource[]>;
  /** Share of sign-ins that fail, and the codes they fail with. */
  failureShare: number;
  failureCodes: readonly number[];
}

/** A managed identity over the period. */
export interface IdentityLife {
  identity: ManagedIdentityPrincipal;
  schedule: Schedule;
  /** Share of sign-ins whose client address reaches the log (the rest come through the metadata endpoint). */
  addressShare: number;
}

/** An audit event due at `at`, built when written, from the ledger as it then stands. */
export interface PlannedAudit {
  at: number;
  make(rnd: Random): Record<string, unknown>;
}

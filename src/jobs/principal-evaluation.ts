// One principal's part of a detection pass: its baseline, what it needs to know around its sign-ins
// (credential additions, removed credentials, threat intelligence), its open sign-in evaluations,
// and what they found. The pass builds these on its own thread or hands them to scan workers; either
// way the same functions open, feed and finish them, so both give the same result.
import type { SignInSignal } from '../baselines/risk-weights.ts';
import type { SignInBaseline } from '../baselines/sign-in-baseline.ts';
import type { DetectionCandidate, SignInEvaluation } from '../detections/detection.ts';
import { offensiveToolsDetection } from '../detections/offensive-tools/index.ts';
import { removedCredentialUseDetection } from '../detections/removed-credential-use/index.ts';
import { type RelatedChange, suspiciousSignInsDetection } from '../detections/suspicious-sign-ins/index.ts';
import {
  type ThreatIntelContext,
  threatIntelligenceDetection,
} from '../detections/threat-intelligence/index.ts';
import {
  type CredentialUse,
  credentialUsedFromNewNetwork,
  DEFAULT_CREDENTIAL_USE_PARAMETERS,
} from '../detections/unusual-credential-addition/credential-used-from-new-network.ts';
import type { AssessedAddition, RemovedCredential, SignIn } from '../domain/index.ts';
import type { IpIndicator } from '../enrich/threat-intel/indicator.ts';
import { createIndicatorSet } from '../enrich/threat-intel/indicator-set.ts';
import type { Store } from '../store/open-store.ts';
import { createSignInScanQueries, type ScanRange } from '../store/queries/sign-in-scan-queries.ts';

const DAY_MS = 86_400_000;

/** What a principal's evaluation starts from: plain data, so it can be handed to a worker thread. */
export interface PrincipalInput {
  tenantId: string;
  principalId: string;
  baseline: SignInBaseline;
  /** Replayed from an empty baseline over its whole history (its new records arrived late). */
  replay: boolean;
  /** Credential additions of the principal that may bear on its new sign-ins. */
  additions: AssessedAddition[];
  /** Credentials of the principal and its application that were removed. */
  removed: RemovedCredential[];
}

/** One principal of the run: its input, its open evaluations and what they found. */
export interface PrincipalRun extends PrincipalInput {
  /** Sign-ins from a new network, per added credential they used. */
  uses: Map<string, CredentialUse[]>;
  evaluations: SignInEvaluation[];
  candidates: DetectionCandidate[];
}

/** Threat intelligence as sign-in evaluations ask it; null when no indicator is loaded. */
export function threatIntelContext(indicators: readonly IpIndicator[]): ThreatIntelContext | null {
  if (indicators.length === 0) return null;
  const set = createIndicatorSet(indicators);
  return { match: (ip: string, at: string) => set.match(ip, at) };
}

/** Opens the sign-in detections for one principal. */
export function openPrincipalRun(input: PrincipalInput, intel: ThreatIntelContext | null): PrincipalRun {
  const run: PrincipalRun = { ...input, uses: new Map(), evaluations: [], candidates: [] };
  const changes: RelatedChange[] = run.additions.map((a) => ({
    at: a.at,
    kind: 'credentialAdded',
    keyId: a.keyId,
    actor: a.actorName,
    auditId: a.auditId,
    activity: a.activity,
    authorised: a.routine,
  }));
  const windowMs = DEFAULT_CREDENTIAL_USE_PARAMETERS.windowDays * DAY_MS;
  const added = new Map(run.additions.map((a) => [a.keyId.toLowerCase(), Date.parse(a.at)]));
  const onUnusual =
    added.size === 0
      ? undefined
      : (s: SignIn, signals: readonly SignInSignal[]) => {
          const keyId = (s.credentialKeyId ?? s.federatedCredentialId)?.toLowerCase();
          const at = keyId === undefined ? undefined : added.get(keyId);
          if (keyId === undefined || at === undefined) return;
          const since = Date.parse(s.createdAt) - at;
          if (since < 0 || since > windowMs) return;
          const list = run.uses.get(keyId);
          if (list) list.push({ signIn: s, signals });
          else run.uses.set(keyId, [{ signIn: s, signals }]);
        };
  run.evaluations.push(
    suspiciousSignInsDetection.open(
      run,
      { baseline: run.baseline, changes, ...(onUnusual ? { onUnusual } : {}) },
      suspiciousSignInsDetection.defaultParameters,
    ),
  );
  if (intel !== null) {
    run.evaluations.push(
      threatIntelligenceDetection.open(run, intel, threatIntelligenceDetection.defaultParameters),
    );
  }
  run.evaluations.push(
    offensiveToolsDetection.open(run, undefined, offensiveToolsDetection.defaultParameters),
  );
  if (run.removed.length > 0) {
    run.evaluations.push(
      removedCredentialUseDetection.open(
        run,
        { removed: run.removed },
        removedCredentialUseDetection.defaultParameters,
      ),
    );
  }
  return run;
}

/** Hands one sign-in of the principal, in event-time order, to its open evaluations. */
export function feedPrincipalRun(run: PrincipalRun, s: SignIn): void {
  const evaluations = run.evaluations;
  for (let i = 0; i < evaluations.length; i++) evaluations[i]!.add(s);
}

/** Closes the principal's evaluations: what they found joins its candidates; the baseline is final. */
export function finishPrincipalRun(run: PrincipalRun): void {
  for (const e of run.evaluations) run.candidates.push(...e.finish());
  run.evaluations = [];
  for (const a of run.additions) {
    const uses = run.uses.get(a.keyId.toLowerCase());
    const used = uses === undefined ? null : credentialUsedFromNewNetwork(a, uses);
    if (used !== null) run.candidates.push(used);
  }
}

/**
 * Reads the new sign-ins in the range and feeds each to its principal's run, in event-time order per
 * principal; with `principals`, only theirs are read. Object ids are unique across tenants in
 * practice, so the principal alone finds its run with one look-up, the tenant checked after; a
 * principal id that several tenants share falls back to the look-up by tenant. Returns the number read.
 */
export async function scanPrincipalRuns(
  store: Store,
  runs: readonly PrincipalRun[],
  range: ScanRange,
  principals?: readonly string[],
): Promise<number> {
  const byPrincipal = new Map<string, PrincipalRun>();
  const byKey = new Map<string, PrincipalRun>();
  for (const run of runs) {
    if (!byPrincipal.has(run.principalId)) byPrincipal.set(run.principalId, run);
    byKey.set(`${run.tenantId}|${run.principalId}`, run);
  }
  // Principals of one tenant (the usual case) are read without the tenant column, which the filter fixes.
  const tenants = new Set(runs.map((r) => r.tenantId));
  const [only] = tenants;
  const scoped = tenants.size === 1 && only !== undefined ? { ...range, tenantId: only } : range;
  return createSignInScanQueries(store).newInRange(
    principals === undefined ? scoped : { ...scoped, principals },
    (s) => {
      let run = byPrincipal.get(s.servicePrincipalId);
      if (run !== undefined && run.tenantId !== s.tenantId)
        run = byKey.get(`${s.tenantId}|${s.servicePrincipalId}`);
      if (run === undefined || run.replay) return;
      feedPrincipalRun(run, s);
    },
  );
}

import { createHash, randomUUID } from 'node:crypto';
import type { Config } from '../../config/schema.ts';
import type { AccessDecision, AccessPrincipal } from '../../domain/index.ts';
import type { IpIntel } from '../../enrich/ip-intel.ts';
import { type CompiledPolicies, compilePolicies } from '../../policies/compile-policies.ts';
import { evaluateAccess } from '../../policies/evaluate-access.ts';
import { type AccessState, enforcesOutOfScope, type HeldRisk } from './access-state.ts';
import type { DecisionRecorder } from './decision-recorder.ts';

/** What one access decision is asked about. */
export interface DecisionInput {
  tenantId: string;
  principalId: string;
  appId: string | null;
  /** What the token says the workload is, for principals the inventory does not know. */
  kindHint: 'application' | 'managedIdentity';
  ipAddress: string | null;
  resourceAppId: string | null;
  /** Graph clientCredentialType, from the token's `appidacr`/`azpacr`, or null. */
  credentialType: string | null;
  userAgent: string | null;
  requestId: string;
  /**
   * Decisions are recorded once per token and outcome, as Entra records one sign-in per token it
   * issues: this names the token (its `uti`, `jti` or a hash), or the request when there is none.
   */
  recordKey: string;
}

/** A decision with what it was made from. */
export interface DecisionResult {
  decision: AccessDecision;
  principal: AccessPrincipal;
  risk: HeldRisk;
}

const FAILURE_REASON =
  'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.';
const MAX_REMEMBERED = 100_000;

/** Evaluates requests against the held policies and risk, and records each outcome as a sign-in. */
export function createDecisionPoint(deps: {
  state: AccessState;
  intel: IpIntel | null;
  recorder: DecisionRecorder | null;
  config: Pick<Config, 'caEnforceOutOfScope'>;
  now?: () => string;
}) {
  const now = deps.now ?? (() => new Date().toISOString());
  const none = new Map<string, CompiledPolicies>();
  const recorded = new Set<string>();

  const noPolicies = (tenantId: string): CompiledPolicies => {
    let c = none.get(tenantId);
    if (!c) {
      c = compilePolicies([], [], { enforceOutOfScope: enforcesOutOfScope(deps.config, tenantId) });
      none.set(tenantId, c);
    }
    return c;
  };

  const record = (input: DecisionInput, result: DecisionResult): void => {
    if (!deps.recorder) return;
    const key = `${input.recordKey}|${result.decision.conditionalAccessStatus}|${result.decision.decidedBy ?? ''}`;
    if (recorded.has(key)) return;
    if (recorded.size >= MAX_REMEMBERED) recorded.clear();
    recorded.add(key);
    const { decision, principal } = result;
    const blocked = !decision.allow;
    deps.recorder.add(input.tenantId, {
      id: randomUUID(),
      createdDateTime: now(),
      appId: input.appId ?? (principal.appId || null),
      servicePrincipalId: input.principalId,
      ipAddress: input.ipAddress,
      resourceId: input.resourceAppId,
      userAgent: input.userAgent,
      signInEventTypes: [principal.kind === 'managedIdentity' ? 'managedIdentity' : 'servicePrincipal'],
      clientCredentialType: input.credentialType,
      status: { errorCode: blocked ? 53003 : 0, failureReason: blocked ? FAILURE_REASON : null },
      conditionalAccessStatus: decision.conditionalAccessStatus,
      appliedConditionalAccessPolicies: decision.appliedConditionalAccessPolicies,
      correlationId: input.requestId,
      originalRequestId: input.requestId,
      isInteractive: false,
    });
  };

  return {
    /** Decides one request from what is held in memory; the principal lookup is cached. */
    async decide(
      input: DecisionInput,
      options: { record: boolean } = { record: true },
    ): Promise<DecisionResult> {
      const known = await deps.state.principalOf(input.tenantId, input.principalId);
      const principal: AccessPrincipal = known ?? {
        id: input.principalId,
        appId: input.appId ?? '',
        kind: input.kindHint,
        // Unknown to the inventory: taken as the tenant's own, so its policies apply.
        singleTenant: true,
      };
      const risk = deps.state.riskOf(input.tenantId, input.principalId);
      const decision = evaluateAccess(deps.state.policiesOf(input.tenantId) ?? noPolicies(input.tenantId), {
        principal,
        ipAddress: input.ipAddress,
        country: deps.intel?.lookup(input.ipAddress).country ?? null,
        resourceAppId: input.resourceAppId,
        risk,
      });
      const result = { decision, principal, risk };
      if (options.record) record(input, result);
      return result;
    },
  };
}

/** A stable name for a token without `uti`/`jti`: a hash of its signature part. */
export function tokenKey(token: string): string {
  return createHash('sha256')
    .update(token.slice(token.lastIndexOf('.') + 1))
    .digest('base64url')
    .slice(0, 22);
}

import type {
  AccessPrincipal,
  ConditionalAccessPolicy,
  ConditionalAccessPolicyContent,
  RiskLevel,
} from '../domain/index.ts';
import { compilePolicies } from '../policies/compile-policies.ts';
import { evaluateAccess } from '../policies/evaluate-access.ts';
import type { Store } from '../store/open-store.ts';
import { createConditionalAccessQueries } from '../store/queries/conditional-access-queries.ts';

/** One principal the proposed policy would have blocked. */
export interface WhatIfPrincipal {
  servicePrincipalId: string;
  displayName: string | null;
  appId: string | null;
  /** Its successful sign-ins in the period, and how many of them the policy would have blocked. */
  signIns: number;
  blocked: number;
  firstBlockedDateTime: string;
  lastBlockedDateTime: string;
}

/** What a proposed policy would have done to the recorded sign-ins of a period. */
export interface WhatIfResult {
  policy: { displayName: string; state: string };
  fromDateTime: string;
  toDateTime: string;
  signInsEvaluated: number;
  signInsBlocked: number;
  principalsEvaluated: number;
  principalsBlocked: WhatIfPrincipal[];
  /** How the replay judged what the log does not record. */
  assumptions: string[];
}

const ASSUMPTIONS = [
  "Each principal's current risk level stands for its risk at every replayed sign-in.",
  'Only successful sign-ins are replayed: a failed one was not granted anyway.',
  'The policy is evaluated as if enabled, whatever its state, with the tenant’s named locations of today.',
];

/**
 * Replays a proposed policy over a tenant's recorded workload sign-ins of the last `days` days and
 * says which principals, and how many of their sign-ins, it would have blocked — before anyone
 * turns it on. Sign-ins are streamed, so a month of a large tenant never sits in memory.
 */
export async function policyWhatIf(
  store: Store,
  tenantId: string,
  proposed: ConditionalAccessPolicyContent,
  options: { days: number; now: string; enforceOutOfScope: boolean },
): Promise<WhatIfResult> {
  const to = options.now;
  const from = new Date(Date.parse(to) - options.days * 86_400_000).toISOString();
  const policy: ConditionalAccessPolicy = {
    ...proposed,
    state: 'enabled',
    id: '00000000-0000-0000-0000-000000000000',
    createdDateTime: to,
    modifiedDateTime: to,
  };
  const locations = await createConditionalAccessQueries(store).list('named_locations', tenantId);
  const compiled = compilePolicies([policy], locations, { enforceOutOfScope: options.enforceOutOfScope });

  const principals = new Map<string, AccessPrincipal & { displayName: string | null }>();
  for (const r of await store.db
    .selectFrom('service_principals')
    .select(['id', 'app_id', 'display_name', 'kind', 'app_owner_organization_id'])
    .where('tenant_id', '=', tenantId)
    .execute()) {
    principals.set(r.id, {
      id: r.id,
      appId: r.app_id ?? '',
      displayName: r.display_name,
      kind: r.kind as AccessPrincipal['kind'],
      singleTenant: r.app_owner_organization_id === null || r.app_owner_organization_id === tenantId,
    });
  }
  const risk = new Map<string, RiskLevel>();
  for (const r of await store.db
    .selectFrom('risky_principals')
    .select(['principal_id', 'risk_level'])
    .where('tenant_id', '=', tenantId)
    .execute()) {
    risk.set(r.principal_id, r.risk_level as RiskLevel);
  }

  const perPrincipal = new Map<string, WhatIfPrincipal>();
  let evaluated = 0;
  let blocked = 0;
  const query = store.db
    .selectFrom('sign_ins')
    .select(['service_principal_id', 'kind', 'created_at', 'ip_address', 'country', 'resource_id', 'app_id'])
    .where('tenant_id', '=', tenantId)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .where('status_code', '=', 0)
    .compile();
  await store.capabilities.scanRows(query, (rows) => {
    for (const r of rows) {
      const principalId = r[0] as string;
      const known = principals.get(principalId);
      const principal: AccessPrincipal = known ?? {
        id: principalId,
        appId: (r[6] as string | null) ?? '',
        kind: r[1] === 'managedIdentity' ? 'managedIdentity' : 'application',
        singleTenant: true,
      };
      const decision = evaluateAccess(compiled, {
        principal,
        ipAddress: r[3] as string | null,
        country: r[4] as string | null,
        resourceAppId: r[5] as string | null,
        risk: { level: risk.get(principalId) ?? 'none', state: 'none' },
      });
      evaluated += 1;
      let p = perPrincipal.get(principalId);
      if (!p) {
        p = {
          servicePrincipalId: principalId,
          displayName: known?.displayName ?? null,
          appId: known?.appId || ((r[6] as string | null) ?? null),
          signIns: 0,
          blocked: 0,
          firstBlockedDateTime: '',
          lastBlockedDateTime: '',
        };
        perPrincipal.set(principalId, p);
      }
      p.signIns += 1;
      if (decision.allow) continue;
      blocked += 1;
      p.blocked += 1;
      const at = r[2] as string;
      if (p.firstBlockedDateTime === '' || at < p.firstBlockedDateTime) p.firstBlockedDateTime = at;
      if (at > p.lastBlockedDateTime) p.lastBlockedDateTime = at;
    }
  });
  return {
    policy: { displayName: proposed.displayName, state: proposed.state },
    fromDateTime: from,
    toDateTime: to,
    signInsEvaluated: evaluated,
    signInsBlocked: blocked,
    principalsEvaluated: perPrincipal.size,
    principalsBlocked: [...perPrincipal.values()]
      .filter((p) => p.blocked > 0)
      .sort((a, b) => b.blocked - a.blocked || a.servicePrincipalId.localeCompare(b.servicePrincipalId)),
    assumptions: ASSUMPTIONS,
  };
}

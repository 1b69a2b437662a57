import type { Config } from '../../config/schema.ts';
import type {
  AccessPrincipal,
  ConditionalAccessPolicy,
  NamedLocation,
  RiskLevel,
  RiskState,
} from '../../domain/index.ts';
import { type CompiledPolicies, compilePolicies } from '../../policies/compile-policies.ts';
import type { Store } from '../../store/open-store.ts';
import { readCounters } from '../../store/queries/bump-counter.ts';
import { createConditionalAccessQueries } from '../../store/queries/conditional-access-queries.ts';
import { yieldToIo } from './yield-to-io.ts';

/** A principal's risk as decisions read it. */
export interface HeldRisk {
  level: RiskLevel;
  state: RiskState;
}

const NO_RISK: HeldRisk = Object.freeze({ level: 'none', state: 'none' });
// About a millisecond of reading on SQLite.
const RISK_PAGE_ROWS = 500;

// A handful of level and state pairs stand for every risky principal: one frozen object each,
// rather than one per principal for the collector to walk.
const heldRisks = new Map<string, HeldRisk>();
function heldRisk(level: string, state: string): HeldRisk {
  const key = `${level}|${state}`;
  let held = heldRisks.get(key);
  if (!held) {
    held = Object.freeze({ level: level as RiskLevel, state: state as RiskState });
    heldRisks.set(key, held);
  }
  return held;
}
const PRINCIPAL_TTL_MS = 60_000;
const MAX_PRINCIPALS = 200_000;

/** Whether out-of-scope principals are enforced for a tenant. */
export function enforcesOutOfScope(config: Pick<Config, 'caEnforceOutOfScope'>, tenantId: string): boolean {
  const v = config.caEnforceOutOfScope;
  return typeof v === 'boolean' ? v : v.includes(tenantId);
}

/**
 * What decisions read, held in memory: each tenant's compiled policies, every principal's current
 * risk, and the principals asked about. A poll of two counters (a few hundred microseconds) tells
 * whether policies or risk changed in any process; only then is anything reloaded. A change made
 * in this process is applied at once through `refresh()`.
 */
export function createAccessState(
  store: Store,
  config: Pick<Config, 'caEnforceOutOfScope'>,
  options: { pollMs?: number } = {},
) {
  const queries = createConditionalAccessQueries(store);
  let policies = new Map<string, CompiledPolicies>();
  // Tenant, then principal: a lookup builds no key string, and a load keeps the ids it read.
  let risk = new Map<string, Map<string, HeldRisk>>();
  const principals = new Map<string, { principal: AccessPrincipal | null; at: number }>();
  let versions = { risk_version: -1, policy_version: -1 };
  let timer: NodeJS.Timeout | null = null;
  let refreshing: Promise<void> | null = null;

  const loadPolicies = async (): Promise<void> => {
    const [all, locations] = await Promise.all([
      queries.list('ca_policies'),
      queries.list('named_locations'),
    ]);
    const byTenant = new Map<string, { p: ConditionalAccessPolicy[]; l: NamedLocation[] }>();
    const slot = (t: string) => {
      let s = byTenant.get(t);
      if (!s) {
        s = { p: [], l: [] };
        byTenant.set(t, s);
      }
      return s;
    };
    for (const { tenantId, ...p } of all) slot(tenantId).p.push(p as ConditionalAccessPolicy);
    for (const { tenantId, ...l } of locations) slot(tenantId).l.push(l as NamedLocation);
    const next = new Map<string, CompiledPolicies>();
    for (const [tenantId, { p, l }] of byTenant) {
      next.set(tenantId, compilePolicies(p, l, { enforceOutOfScope: enforcesOutOfScope(config, tenantId) }));
    }
    policies = next;
  };

  const loadRisk = async (): Promise<void> => {
    // Only principals with some risk are held: every other one reads as none. Read in pages with
    // decisions served between them: on SQLite a query holds the thread until its last row, and
    // reading 100,000 risky principals at once held every decision for a quarter of a second.
    // Decisions read the previous map until the new one is complete; a change made meanwhile
    // moved the counter on, so the next poll reads again.
    const next = new Map<string, Map<string, HeldRisk>>();
    let after: { tenantId: string; principalId: string } | null = null;
    for (;;) {
      let page = store.db
        .selectFrom('risky_principals')
        .select(['tenant_id', 'principal_id', 'risk_level', 'risk_state'])
        .where('risk_level', '!=', 'none');
      if (after !== null) {
        const { tenantId, principalId } = after;
        page = page.where((eb) =>
          eb(eb.refTuple('tenant_id', 'principal_id'), '>', eb.tuple(tenantId, principalId)),
        );
      }
      const rows = await page.orderBy('tenant_id').orderBy('principal_id').limit(RISK_PAGE_ROWS).execute();
      for (const r of rows) {
        let tenant = next.get(r.tenant_id);
        if (!tenant) {
          tenant = new Map();
          next.set(r.tenant_id, tenant);
        }
        tenant.set(r.principal_id, heldRisk(r.risk_level, r.risk_state));
      }
      const last = rows.at(-1);
      if (rows.length < RISK_PAGE_ROWS || last === undefined) break;
      after = { tenantId: last.tenant_id, principalId: last.principal_id };
      await yieldToIo();
    }
    risk = next;
  };

  const refreshOnce = async (): Promise<void> => {
    const now = await readCounters(store.db);
    const tasks: Promise<void>[] = [];
    if (now.policy_version !== versions.policy_version) tasks.push(loadPolicies());
    if (now.risk_version !== versions.risk_version) tasks.push(loadRisk());
    await Promise.all(tasks);
    versions = now;
  };

  const state = {
    /** Reloads what changed since the last look; concurrent calls share one reload. */
    refresh(): Promise<void> {
      if (refreshing) return refreshing.then(() => refreshOnce());
      refreshing = refreshOnce().finally(() => {
        refreshing = null;
      });
      return refreshing;
    },
    /** Polls for changes made by other processes until stopped. */
    start(onError: (err: unknown) => void): void {
      if (timer) return;
      timer = setInterval(() => state.refresh().catch(onError), options.pollMs ?? 250);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
    /** The tenant's compiled policies; undefined for a tenant without any. */
    policiesOf(tenantId: string): CompiledPolicies | undefined {
      return policies.get(tenantId);
    },
    riskOf(tenantId: string, principalId: string): HeldRisk {
      return risk.get(tenantId)?.get(principalId) ?? NO_RISK;
    },
    /**
     * The inventory's view of a principal, cached for a minute; null when the inventory does not
     * know it (the caller then decides from the token alone).
     */
    async principalOf(tenantId: string, id: string): Promise<AccessPrincipal | null> {
      const key = `${tenantId}|${id}`;
      const hit = principals.get(key);
      const at = Date.now();
      if (hit && at - hit.at < PRINCIPAL_TTL_MS) return hit.principal;
      const row = await store.db
        .selectFrom('service_principals')
        .select(['id', 'app_id', 'kind', 'app_owner_organization_id'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      const principal: AccessPrincipal | null = row
        ? {
            id: row.id,
            appId: row.app_id ?? '',
            kind: row.kind as AccessPrincipal['kind'],
            // An application whose owner the inventory does not know is taken as the tenant's own.
            singleTenant:
              row.app_owner_organization_id === null || row.app_owner_organization_id === tenantId,
          }
        : null;
      if (principals.size >= MAX_PRINCIPALS) principals.clear();
      principals.set(key, { principal, at });
      return principal;
    },
  };
  return state;
}

/** The in-memory state decisions read. */
export type AccessState = ReturnType<typeof createAccessState>;

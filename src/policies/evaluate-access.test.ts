import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessRequest, ConditionalAccessPolicy } from '../domain/index.ts';
import { compilePolicies } from './compile-policies.ts';
import { evaluateAccess } from './evaluate-access.ts';
import {
  blockOutsideTrustedBody,
  blockRiskyBody,
  locationIds,
  principals,
  reportSanctionedBody,
  request,
  resources,
  storedLocations,
  storedPolicy,
} from './workload-policies.fixture.ts';

const IDS = {
  outsideTrusted: '34f8c3a5-2f6b-4a55-9b8e-1c2d3e4f5a60',
  risky: '7d1e2f30-4a5b-4c6d-8e7f-90a1b2c3d4e5',
  sanctioned: 'c0ffee00-1111-4222-8333-944455556666',
  other: 'e5d4c3b2-a190-4f8e-9d7c-6b5a49382716',
};

const outsideTrusted = storedPolicy(blockOutsideTrustedBody, IDS.outsideTrusted);
const risky = storedPolicy(blockRiskyBody, IDS.risky);
const sanctioned = storedPolicy(reportSanctionedBody, IDS.sanctioned);
const locations = storedLocations();

function decide(
  policies: ConditionalAccessPolicy[],
  overrides: Partial<AccessRequest> = {},
  enforceOutOfScope = false,
) {
  return evaluateAccess(compilePolicies(policies, locations, { enforceOutOfScope }), request(overrides));
}

/** A variant of a stored policy with other conditions or state. */
function variant(
  base: ConditionalAccessPolicy,
  change: {
    state?: ConditionalAccessPolicy['state'];
    conditions?: Partial<ConditionalAccessPolicy['conditions']>;
    id?: string;
  },
): ConditionalAccessPolicy {
  return {
    ...base,
    id: change.id ?? base.id,
    state: change.state ?? base.state,
    conditions: { ...base.conditions, ...change.conditions },
  };
}

const from = (ipAddress: string | null, extra: Partial<AccessRequest> = {}) => ({ ipAddress, ...extra });

describe('evaluateAccess: location condition', () => {
  it('allows a request from a trusted network and reports the policy not applied', () => {
    const decision = decide([outsideTrusted], from('203.0.113.40'));
    assert.equal(decision.allow, true);
    assert.equal(decision.conditionalAccessStatus, 'notApplied');
    assert.equal(decision.decidedBy, null);
    assert.deepEqual(decision.appliedConditionalAccessPolicies, [
      {
        id: IDS.outsideTrusted,
        displayName: 'WI: block workload identities outside trusted networks',
        enforcedGrantControls: ['Block'],
        enforcedSessionControls: [],
        result: 'notApplied',
        conditionsSatisfied: 'application,servicePrincipals',
        conditionsNotSatisfied: 'location',
      },
    ]);
  });

  it('blocks a request from anywhere else, naming the policy', () => {
    const decision = decide([outsideTrusted], from('52.23.187.16'));
    assert.equal(decision.allow, false);
    assert.equal(decision.conditionalAccessStatus, 'failure');
    assert.equal(decision.decidedBy, IDS.outsideTrusted);
    assert.match(
      decision.reason,
      /^Blocked by Conditional Access policy "WI: block workload identities outside/,
    );
    assert.match(decision.reason, /service principal, application and location conditions all matched/);
    const [entry] = decision.appliedConditionalAccessPolicies;
    assert.equal(entry?.result, 'failure');
    assert.equal(entry?.conditionsSatisfied, 'application,location,servicePrincipals');
    assert.equal(entry?.conditionsNotSatisfied, 'none');
  });

  it('matches IPv4 ranges up to and including their first and last address', () => {
    for (const ip of ['203.0.113.0', '203.0.113.255', '198.51.100.16', '198.51.100.31'])
      assert.equal(decide([outsideTrusted], from(ip)).allow, true, ip);
    for (const ip of ['203.0.112.255', '203.0.114.0', '198.51.100.15', '198.51.100.32'])
      assert.equal(decide([outsideTrusted], from(ip)).allow, false, ip);
  });

  it('matches IPv6 ranges at their boundaries, and IPv4-mapped IPv6 addresses as IPv4', () => {
    for (const ip of [
      '2001:db8:1200::',
      '2001:db8:12ff:ffff:ffff:ffff:ffff:ffff',
      '2001:DB8:1234::7',
      '::ffff:203.0.113.9',
    ])
      assert.equal(decide([outsideTrusted], from(ip)).allow, true, ip);
    for (const ip of ['2001:db8:11ff:ffff:ffff:ffff:ffff:ffff', '2001:db8:1300::', '2001:db8::1'])
      assert.equal(decide([outsideTrusted], from(ip)).allow, false, ip);
  });

  it('treats a missing or unparseable address as outside every network (All still covers it)', () => {
    assert.equal(decide([outsideTrusted], from(null)).allow, false);
    assert.equal(decide([outsideTrusted], from('075.050.255.67')).allow, false);
    assert.equal(decide([outsideTrusted], from('')).allow, false);
  });

  it('AllTrusted means trusted IP locations only: the untrusted build agents are not exempt', () => {
    assert.equal(decide([outsideTrusted], from('192.0.2.10')).allow, false);
  });

  it('includes and excludes named IP locations by id', () => {
    const agentsOnly = variant(outsideTrusted, {
      conditions: { locations: { includeLocations: [locationIds.buildAgents], excludeLocations: [] } },
    });
    assert.equal(decide([agentsOnly], from('192.0.2.127')).allow, false);
    assert.equal(decide([agentsOnly], from('2001:db8:beef:1::5')).allow, false);
    assert.equal(decide([agentsOnly], from('192.0.2.128')).allow, true);
    assert.equal(decide([agentsOnly], from('52.23.187.16')).allow, true);

    const agentsButNotTrusted = variant(outsideTrusted, {
      conditions: {
        locations: { includeLocations: ['All'], excludeLocations: [locationIds.buildAgents, 'AllTrusted'] },
      },
    });
    assert.equal(decide([agentsButNotTrusted], from('192.0.2.10')).allow, true);
    assert.equal(decide([agentsButNotTrusted], from('203.0.113.10')).allow, true);
    assert.equal(decide([agentsButNotTrusted], from('192.0.2.200')).allow, false);
  });

  it('a location id that names no location matches no address', () => {
    const dangling = variant(outsideTrusted, {
      conditions: {
        locations: { includeLocations: ['0d6c0a57-3ef3-4c21-9c1e-4b0a9c1f0000'], excludeLocations: [] },
      },
    });
    assert.equal(decide([dangling], from('52.23.187.16')).allow, true);
  });
});

describe('evaluateAccess: country locations', () => {
  const blockSanctioned = variant(sanctioned, { state: 'enabled' });

  it('matches the listed countries, in either case', () => {
    const keyVault = { resourceAppId: resources.keyVault };
    assert.equal(decide([blockSanctioned], { ...keyVault, country: 'IR' }).allow, false);
    assert.equal(decide([blockSanctioned], { ...keyVault, country: 'kp' }).allow, false);
    assert.equal(decide([blockSanctioned], { ...keyVault, country: 'DE' }).allow, true);
  });

  it('includeUnknownCountriesAndRegions matches a request whose country is unknown', () => {
    const keyVault = { resourceAppId: resources.keyVault };
    assert.equal(decide([blockSanctioned], { ...keyVault, country: null }).allow, false);
    assert.equal(decide([blockSanctioned], { ...keyVault, country: '' }).allow, false);
    assert.equal(decide([blockSanctioned], { ...keyVault, ipAddress: null, country: null }).allow, false);
  });

  it('without includeUnknownCountriesAndRegions an unknown country is not in the location', () => {
    const outsideHome = variant(outsideTrusted, {
      conditions: { locations: { includeLocations: ['All'], excludeLocations: [locationIds.homeCountries] } },
    });
    assert.equal(decide([outsideHome], { country: 'NL', ipAddress: '52.23.187.16' }).allow, true);
    assert.equal(decide([outsideHome], { country: 'FR', ipAddress: '52.23.187.16' }).allow, false);
    assert.equal(decide([outsideHome], { country: null, ipAddress: '52.23.187.16' }).allow, false);
  });
});

describe('evaluateAccess: service principal condition', () => {
  it('ServicePrincipalsInMyTenant covers every in-scope principal', () => {
    const exporter = { ...principals.reportExporter, kind: 'application' as const, singleTenant: true };
    assert.equal(decide([outsideTrusted], { principal: exporter, ipAddress: '52.23.187.16' }).allow, false);
  });

  it('an exclusion beats ServicePrincipalsInMyTenant', () => {
    const deployer = { ...principals.breakGlassDeployer, kind: 'application' as const, singleTenant: true };
    const decision = decide([outsideTrusted], { principal: deployer, ipAddress: '52.23.187.16' });
    assert.equal(decision.allow, true);
    assert.equal(decision.appliedConditionalAccessPolicies[0]?.conditionsNotSatisfied, 'servicePrincipals');
  });

  it('an exclusion beats an explicit inclusion of the same principal', () => {
    const both = variant(risky, {
      conditions: {
        clientApplications: {
          includeServicePrincipals: [principals.billingSync.id],
          excludeServicePrincipals: [principals.billingSync.id],
        },
      },
    });
    assert.equal(decide([both], { risk: { level: 'high', state: 'atRisk' } }).allow, true);
  });

  it('lists principals by object id, not app id, and compares GUIDs in any case', () => {
    const byAppId = variant(risky, {
      conditions: {
        clientApplications: {
          includeServicePrincipals: [principals.billingSync.appId],
          excludeServicePrincipals: [],
        },
      },
    });
    const atRisk = { risk: { level: 'high' as const, state: 'atRisk' as const } };
    assert.equal(decide([byAppId], atRisk).allow, true);
    const shouting = {
      ...principals.billingSync,
      id: principals.billingSync.id.toUpperCase(),
      kind: 'application' as const,
      singleTenant: true,
    };
    assert.equal(decide([risky], { ...atRisk, principal: shouting }).allow, false);
  });
});

describe('evaluateAccess: risk condition', () => {
  it('blocks at the listed levels only', () => {
    assert.equal(decide([risky], { risk: { level: 'high', state: 'atRisk' } }).allow, false);
    assert.equal(decide([risky], { risk: { level: 'medium', state: 'atRisk' } }).allow, false);
    assert.equal(decide([risky], { risk: { level: 'low', state: 'atRisk' } }).allow, true);
    const none = decide([risky], { risk: { level: 'none', state: 'none' } });
    assert.equal(none.allow, true);
    assert.equal(none.appliedConditionalAccessPolicies[0]?.conditionsNotSatisfied, 'servicePrincipalRisk');
  });

  it('a dismissed or remediated principal is at level none', () => {
    assert.equal(decide([risky], { risk: { level: 'none', state: 'dismissed' } }).allow, true);
    assert.equal(decide([risky], { risk: { level: 'none', state: 'remediated' } }).allow, true);
  });

  it('a policy may target level none', () => {
    const unscored = variant(risky, { conditions: { servicePrincipalRiskLevels: ['none'] } });
    assert.equal(decide([unscored], { risk: { level: 'none', state: 'none' } }).allow, false);
    assert.equal(decide([unscored], { risk: { level: 'low', state: 'atRisk' } }).allow, true);
  });

  it('does not apply to a principal the policy does not include, whatever its risk', () => {
    const exporter = { ...principals.reportExporter, kind: 'application' as const, singleTenant: true };
    assert.equal(
      decide([risky], { principal: exporter, risk: { level: 'high', state: 'atRisk' } }).allow,
      true,
    );
  });
});

describe('evaluateAccess: application condition', () => {
  const atRisk = { risk: { level: 'high' as const, state: 'atRisk' as const } };

  it('All covers every resource, even an unknown one', () => {
    assert.equal(decide([risky], { ...atRisk, resourceAppId: resources.arm }).allow, false);
    assert.equal(decide([risky], { ...atRisk, resourceAppId: null }).allow, false);
  });

  it('listed resources only, compared in any case; an unknown resource is not listed', () => {
    const vaultOnly = variant(risky, {
      conditions: { applications: { includeApplications: [resources.keyVault], excludeApplications: [] } },
    });
    assert.equal(
      decide([vaultOnly], { ...atRisk, resourceAppId: resources.keyVault.toUpperCase() }).allow,
      false,
    );
    const graph = decide([vaultOnly], { ...atRisk, resourceAppId: resources.graph });
    assert.equal(graph.allow, true);
    assert.equal(graph.appliedConditionalAccessPolicies[0]?.conditionsNotSatisfied, 'application');
    assert.equal(decide([vaultOnly], { ...atRisk, resourceAppId: null }).allow, true);
  });

  it('an excluded resource beats All', () => {
    const notArm = variant(risky, {
      conditions: { applications: { includeApplications: ['All'], excludeApplications: [resources.arm] } },
    });
    assert.equal(decide([notArm], { ...atRisk, resourceAppId: resources.arm }).allow, true);
    assert.equal(decide([notArm], { ...atRisk, resourceAppId: resources.graph }).allow, false);
  });
});

describe('evaluateAccess: policy states and several policies', () => {
  const untrusted = from('52.23.187.16', { country: 'IR', resourceAppId: resources.keyVault });

  it('a disabled policy is reported notEnabled and never blocks', () => {
    const decision = decide([variant(outsideTrusted, { state: 'disabled' })], untrusted);
    assert.equal(decision.allow, true);
    assert.deepEqual(decision.appliedConditionalAccessPolicies[0], {
      id: IDS.outsideTrusted,
      displayName: outsideTrusted.displayName,
      enforcedGrantControls: ['Block'],
      enforcedSessionControls: [],
      result: 'notEnabled',
    });
  });

  it('a report-only policy that applies is reportOnlyFailure and does not block', () => {
    const decision = decide([sanctioned], untrusted);
    assert.equal(decision.allow, true);
    assert.equal(decision.conditionalAccessStatus, 'notApplied');
    assert.equal(decision.decidedBy, null);
    assert.equal(decision.appliedConditionalAccessPolicies[0]?.result, 'reportOnlyFailure');
    assert.match(
      decision.reason,
      /report-only policy "WI: report Key Vault access .*" .* would have blocked it/,
    );
  });

  it('a report-only policy that does not apply is reportOnlyNotApplied', () => {
    const decision = decide([sanctioned], { country: 'DE' });
    assert.equal(decision.appliedConditionalAccessPolicies[0]?.result, 'reportOnlyNotApplied');
    assert.equal(decision.reason, 'Allowed: no enabled Conditional Access policy applies to this request.');
  });

  it('reports every policy in order; an enforced policy blocks while report-only ones are only reported', () => {
    const disabled = variant(risky, { state: 'disabled', id: IDS.other });
    const decision = decide([sanctioned, disabled, risky, outsideTrusted], {
      ...untrusted,
      risk: { level: 'medium', state: 'atRisk' },
    });
    assert.equal(decision.allow, false);
    assert.equal(decision.decidedBy, IDS.risky, 'the first enforced policy that applies decides');
    assert.deepEqual(
      decision.appliedConditionalAccessPolicies.map((p) => [p.id, p.result]),
      [
        [IDS.sanctioned, 'reportOnlyFailure'],
        [IDS.other, 'notEnabled'],
        [IDS.risky, 'failure'],
        [IDS.outsideTrusted, 'failure'],
      ],
    );
  });

  it('allows and reports notApplied when there are no policies', () => {
    const decision = decide([]);
    assert.deepEqual(decision, {
      allow: true,
      conditionalAccessStatus: 'notApplied',
      appliedConditionalAccessPolicies: [],
      decidedBy: null,
      reason: 'Allowed: no enabled Conditional Access policy applies to this request.',
    });
  });
});

describe('evaluateAccess: scope', () => {
  const policies = () => [outsideTrusted, sanctioned, variant(risky, { state: 'disabled' })];
  const managedIdentity = {
    ...principals.backupIdentity,
    kind: 'managedIdentity' as const,
    singleTenant: true,
  };
  const saas = { ...principals.saasConnector, kind: 'application' as const, singleTenant: false };
  const legacy = { ...principals.reportExporter, kind: 'other' as const, singleTenant: true };
  const untrusted = from('52.23.187.16', { country: 'IR', resourceAppId: resources.keyVault });

  it('leaves managed identities, multi-tenant apps and legacy principals out, as Entra does', () => {
    for (const [principal, words] of [
      [managedIdentity, /managed identities/],
      [saas, /multi-tenant \(third-party\) applications/],
      [legacy, /legacy and other non-application service principals/],
    ] as const) {
      const decision = decide(policies(), { ...untrusted, principal });
      assert.equal(decision.allow, true);
      assert.equal(decision.conditionalAccessStatus, 'notApplied');
      assert.equal(decision.decidedBy, null);
      assert.match(decision.reason, words);
      assert.match(decision.reason, /enforceOutOfScope/);
      assert.deepEqual(
        decision.appliedConditionalAccessPolicies.map((p) => p.result),
        ['notApplied', 'reportOnlyNotApplied', 'notEnabled'],
      );
    }
  });

  it('the enforceOutOfScope setting extends every policy to them', () => {
    const mi = decide(policies(), { ...untrusted, principal: managedIdentity }, true);
    assert.equal(mi.allow, false);
    assert.equal(mi.decidedBy, IDS.outsideTrusted);
    assert.deepEqual(
      mi.appliedConditionalAccessPolicies.map((p) => p.result),
      ['failure', 'reportOnlyFailure', 'notEnabled'],
    );
    const byId = variant(outsideTrusted, {
      conditions: {
        clientApplications: {
          includeServicePrincipals: [principals.saasConnector.id],
          excludeServicePrincipals: [],
        },
      },
    });
    assert.equal(decide([byId], { ...untrusted, principal: saas }, true).allow, false);
    assert.equal(decide([byId], { ...untrusted, principal: saas }, false).allow, true);
    assert.equal(decide([outsideTrusted], { ...untrusted, principal: legacy }, true).allow, false);
  });

  it('shares frozen decisions for out-of-scope principals', () => {
    const compiled = compilePolicies(policies(), locations, { enforceOutOfScope: false });
    const first = evaluateAccess(compiled, request({ principal: managedIdentity }));
    const second = evaluateAccess(compiled, request({ principal: managedIdentity, ipAddress: '8.8.8.8' }));
    assert.equal(first, second);
    assert.ok(Object.isFrozen(first));
    assert.ok(Object.isFrozen(first.appliedConditionalAccessPolicies));
    assert.ok(Object.isFrozen(first.appliedConditionalAccessPolicies[0]));
  });
});

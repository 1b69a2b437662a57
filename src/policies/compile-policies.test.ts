import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CONDITION_APPLICATION,
  CONDITION_LOCATION,
  CONDITION_SERVICE_PRINCIPAL_RISK,
  CONDITION_SERVICE_PRINCIPALS,
  compilePolicies,
} from './compile-policies.ts';
import {
  blockOutsideTrustedBody,
  blockRiskyBody,
  reportSanctionedBody,
  storedLocations,
  storedPolicy,
} from './workload-policies.fixture.ts';

describe('compilePolicies', () => {
  const compiled = compilePolicies(
    [
      storedPolicy(blockOutsideTrustedBody, '34f8c3a5-2f6b-4a55-9b8e-1c2d3e4f5a60'),
      storedPolicy(blockRiskyBody, '7d1e2f30-4a5b-4c6d-8e7f-90a1b2c3d4e5'),
      storedPolicy(reportSanctionedBody, 'c0ffee00-1111-4222-8333-944455556666'),
    ],
    storedLocations(),
    { enforceOutOfScope: false },
  );
  const [outsideTrusted, risky, sanctioned] = compiled.policies;

  it('records which conditions each policy configures', () => {
    assert.equal(
      outsideTrusted?.conditions,
      CONDITION_APPLICATION | CONDITION_SERVICE_PRINCIPALS | CONDITION_LOCATION,
    );
    assert.equal(
      risky?.conditions,
      CONDITION_APPLICATION | CONDITION_SERVICE_PRINCIPALS | CONDITION_SERVICE_PRINCIPAL_RISK,
    );
    assert.equal(sanctioned?.state, 'reportOnly');
  });

  it('merges AllTrusted into the trusted ranges only, and country locations into code sets', () => {
    const trusted = outsideTrusted?.excludeLocations;
    assert.equal(trusted?.any, false);
    assert.equal(trusted?.ipv4?.count, 2);
    assert.equal(trusted?.ipv6?.count, 1);
    assert.equal(outsideTrusted?.includeLocations?.any, true);
    assert.deepEqual([...(sanctioned?.includeLocations?.countries ?? [])], ['KP', 'IR', 'SY', 'CU']);
    assert.equal(sanctioned?.includeLocations?.unknownCountry, true);
  });

  it('builds every result entry ahead of time, frozen, with Graph-ordered condition flags', () => {
    const all = CONDITION_APPLICATION | CONDITION_SERVICE_PRINCIPALS | CONDITION_LOCATION;
    assert.deepEqual(outsideTrusted?.entries[all], {
      id: '34f8c3a5-2f6b-4a55-9b8e-1c2d3e4f5a60',
      displayName: 'WI: block workload identities outside trusted networks',
      enforcedGrantControls: ['Block'],
      enforcedSessionControls: [],
      result: 'failure',
      conditionsSatisfied: 'application,location,servicePrincipals',
      conditionsNotSatisfied: 'none',
    });
    assert.equal(
      outsideTrusted?.entries[CONDITION_SERVICE_PRINCIPALS]?.conditionsNotSatisfied,
      'application,location',
    );
    assert.equal(
      risky?.entries[CONDITION_SERVICE_PRINCIPAL_RISK]?.conditionsNotSatisfied,
      'application,servicePrincipals',
    );
    assert.ok(outsideTrusted?.entries.every((entry) => Object.isFrozen(entry)));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergePatch } from './merge-patch.ts';

describe('mergePatch', () => {
  it('merges objects at every depth, replaces lists and keeps null', () => {
    const stored = {
      displayName: 'WI policy',
      conditions: {
        applications: { includeApplications: ['All'], excludeApplications: [] },
        locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
        servicePrincipalRiskLevels: ['high'],
      },
    };
    const merged = mergePatch(stored, {
      conditions: {
        applications: { excludeApplications: ['797f4846-ba00-4fd7-ba43-dac1f8f63013'] },
        locations: null,
      },
    });
    assert.deepEqual(merged, {
      displayName: 'WI policy',
      conditions: {
        applications: {
          includeApplications: ['All'],
          excludeApplications: ['797f4846-ba00-4fd7-ba43-dac1f8f63013'],
        },
        locations: null,
        servicePrincipalRiskLevels: ['high'],
      },
    });
    assert.deepEqual(stored.conditions.applications.excludeApplications, [], 'the stored value is untouched');
  });

  it('keeps a __proto__ key as a plain property', () => {
    const merged = mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}'));
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.deepEqual(Object.keys(merged), ['__proto__']);
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });
});

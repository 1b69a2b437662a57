import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLocationReferences, policiesUsingLocation } from './location-references.ts';
import {
  blockOutsideTrustedBody,
  blockRiskyBody,
  locationIds,
  reportSanctionedBody,
  storedLocations,
  storedPolicy,
} from './workload-policies.fixture.ts';

const locations = storedLocations();
const sanctioned = storedPolicy(reportSanctionedBody, 'c0ffee00-1111-4222-8333-944455556666');
const outsideTrusted = storedPolicy(blockOutsideTrustedBody, '34f8c3a5-2f6b-4a55-9b8e-1c2d3e4f5a60');
const risky = storedPolicy(blockRiskyBody, '7d1e2f30-4a5b-4c6d-8e7f-90a1b2c3d4e5');

describe('checkLocationReferences', () => {
  it('accepts keywords, known ids in any case, and policies without locations', () => {
    assert.equal(checkLocationReferences(outsideTrusted, []), null);
    assert.equal(checkLocationReferences(risky, []), null);
    const upper = {
      ...sanctioned,
      conditions: {
        ...sanctioned.conditions,
        locations: {
          includeLocations: [locationIds.sanctionedCountries.toUpperCase()],
          excludeLocations: [],
        },
      },
    };
    assert.equal(checkLocationReferences(upper, locations), null);
  });

  it('names the field of an id no location has', () => {
    const dangling = {
      ...outsideTrusted,
      conditions: {
        ...outsideTrusted.conditions,
        locations: {
          includeLocations: ['All'],
          excludeLocations: ['AllTrusted', locationIds.homeCountries, '0d6c0a57-3ef3-4c21-9c1e-4b0a9c1f0000'],
        },
      },
    };
    assert.deepEqual(checkLocationReferences(dangling, locations), {
      field: 'conditions.locations.excludeLocations[2]',
      message:
        'conditions.locations.excludeLocations[2] names no named location of this tenant ("0d6c0a57-3ef3-4c21-9c1e-4b0a9c1f0000").',
    });
  });
});

describe('policiesUsingLocation', () => {
  it('finds the policies that list a location by id, not through AllTrusted', () => {
    const policies = [outsideTrusted, risky, sanctioned];
    assert.deepEqual(
      policiesUsingLocation(locationIds.sanctionedCountries, policies).map((p) => p.id),
      [sanctioned.id],
    );
    assert.deepEqual(policiesUsingLocation(locationIds.corporateEgress, policies), []);
  });
});

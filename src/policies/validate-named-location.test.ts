import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_IP_RANGES, validateNamedLocation } from './validate-named-location.ts';
import { locationIds, namedLocationBodies, storedLocation } from './workload-policies.fixture.ts';

const ipBody = namedLocationBodies.corporateEgress as Record<string, unknown>;
const countryBody = namedLocationBodies.homeCountries as Record<string, unknown>;

function refused(body: unknown, mode: 'create' | 'update' = 'create') {
  const result = validateNamedLocation(body, mode, mode === 'update' ? existingIp : undefined);
  if (!('error' in result)) assert.fail(`expected a refusal, got ${JSON.stringify(result.location)}`);
  return result.error;
}

const existingIp = storedLocation(ipBody, locationIds.corporateEgress);

describe('validateNamedLocation: accepted bodies', () => {
  it('accepts an IP location with IPv4 and IPv6 ranges', () => {
    assert.deepEqual(validateNamedLocation(ipBody, 'create'), {
      location: {
        '@odata.type': '#microsoft.graph.ipNamedLocation',
        displayName: 'Corporate egress (NAT gateways)',
        isTrusted: true,
        ipRanges: [
          { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '203.0.113.0/24' },
          { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.16/28' },
          { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:db8:1200::/40' },
        ],
      },
    });
  });

  it('tags each range by its address family, as Graph does for Terraform, which tags all as IPv4', () => {
    const result = validateNamedLocation(
      {
        '@odata.type': '#microsoft.graph.ipNamedLocation',
        displayName: 'Office',
        ipRanges: [
          { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '2001:0:9d38:90d6:0:0:0:0/63' },
          { cidrAddress: '12.34.221.11/22' },
        ],
      },
      'create',
    );
    assert.ok('location' in result && result.location['@odata.type'] === '#microsoft.graph.ipNamedLocation');
    assert.deepEqual(result.location.ipRanges, [
      { '@odata.type': '#microsoft.graph.iPv6CidrRange', cidrAddress: '2001:0:9d38:90d6:0:0:0:0/63' },
      { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '12.34.221.11/22' },
    ]);
    assert.equal(result.location.isTrusted, false);
  });

  it('accepts a country location and fills in the defaults', () => {
    assert.deepEqual(validateNamedLocation(countryBody, 'create'), {
      location: {
        '@odata.type': '#microsoft.graph.countryNamedLocation',
        displayName: 'Germany and the Netherlands',
        countriesAndRegions: ['DE', 'NL'],
        includeUnknownCountriesAndRegions: false,
        countryLookupMethod: 'clientIpAddress',
      },
    });
  });

  it('accepts Kosovo, which IP country databases report as XK, and an unknown-only location', () => {
    const body = { ...countryBody, countriesAndRegions: [], includeUnknownCountriesAndRegions: true };
    assert.ok('location' in validateNamedLocation(body, 'create'));
    assert.ok('location' in validateNamedLocation({ ...countryBody, countriesAndRegions: ['XK'] }, 'create'));
  });
});

describe('validateNamedLocation: refusals name the field', () => {
  const ip = (change: Record<string, unknown>) => ({ ...ipBody, ...change });
  const country = (change: Record<string, unknown>) => ({ ...countryBody, ...change });
  const range = (cidrAddress: string) => ({ '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress });
  const cases: [string, unknown, string, RegExp?][] = [
    ['a missing @odata.type', ip({ '@odata.type': undefined }), '@odata.type', /is required/],
    ['an unknown @odata.type', ip({ '@odata.type': '#microsoft.graph.namedLocation' }), '@odata.type'],
    ['a missing displayName', ip({ displayName: undefined }), 'displayName'],
    ['a blank displayName', country({ displayName: '' }), 'displayName'],
    ['missing ranges', ip({ ipRanges: undefined }), 'ipRanges', /is required/],
    ['no ranges', ip({ ipRanges: [] }), 'ipRanges', /at least one range/],
    [
      'too many ranges',
      ip({ ipRanges: Array.from({ length: MAX_IP_RANGES + 1 }, () => range('203.0.113.0/24')) }),
      'ipRanges',
      /at most 2000/,
    ],
    [
      'a range that is not CIDR',
      ip({ ipRanges: [range('203.0.113.0/24'), range('203.0.113.0-203.0.113.9')] }),
      'ipRanges[1].cidrAddress',
      /CIDR notation/,
    ],
    ['a bare address', ip({ ipRanges: [range('203.0.113.7')] }), 'ipRanges[0].cidrAddress'],
    ['an IPv4 prefix over 32', ip({ ipRanges: [range('203.0.113.0/33')] }), 'ipRanges[0].cidrAddress'],
    ['an octal-looking address', ip({ ipRanges: [range('075.050.255.0/24')] }), 'ipRanges[0].cidrAddress'],
    [
      'a range wider than /8',
      ip({ ipRanges: [range('0.0.0.0/0')] }),
      'ipRanges[0].cidrAddress',
      /\/8 or narrower/,
    ],
    ['an IPv6 range wider than /8', ip({ ipRanges: [range('2000::/3')] }), 'ipRanges[0].cidrAddress'],
    [
      'an IPv4-mapped IPv6 range wider than /8',
      ip({ ipRanges: [range('::ffff:0.0.0.0/100')] }),
      'ipRanges[0].cidrAddress',
    ],
    [
      'an unknown range type',
      ip({ ipRanges: [{ '@odata.type': '#microsoft.graph.iPRange', cidrAddress: '203.0.113.0/24' }] }),
      'ipRanges[0].@odata.type',
    ],
    ['a range that is not an object', ip({ ipRanges: ['203.0.113.0/24'] }), 'ipRanges[0]'],
    ['a non-boolean isTrusted', ip({ isTrusted: 'yes' }), 'isTrusted'],
    [
      'a country property on an IP location',
      ip({ countriesAndRegions: ['DE'] }),
      'countriesAndRegions',
      /not a property of ipNamedLocation/,
    ],
    ['an IP property on a country location', country({ isTrusted: true }), 'isTrusted'],
    ['missing countries', country({ countriesAndRegions: undefined }), 'countriesAndRegions'],
    [
      'no countries and no unknown',
      country({ countriesAndRegions: [] }),
      'countriesAndRegions',
      /unless includeUnknownCountriesAndRegions/,
    ],
    [
      'a lower-case country',
      country({ countriesAndRegions: ['DE', 'nl'] }),
      'countriesAndRegions[1]',
      /"NL"/,
    ],
    [
      'a code that is no country',
      country({ countriesAndRegions: ['EU'] }),
      'countriesAndRegions[0]',
      /ISO 3166-1/,
    ],
    ['a three-letter code', country({ countriesAndRegions: ['DEU'] }), 'countriesAndRegions[0]'],
    [
      'GPS country lookup',
      country({ countryLookupMethod: 'authenticatorAppGps' }),
      'countryLookupMethod',
      /no Authenticator GPS/,
    ],
    ['an unknown lookup method', country({ countryLookupMethod: 'dns' }), 'countryLookupMethod'],
  ];

  for (const [name, body, field, message] of cases) {
    it(`refuses ${name}`, () => {
      const error = refused(body);
      assert.equal(error.field, field);
      assert.ok(error.message.startsWith(field), error.message);
      if (message) assert.match(error.message, message);
    });
  }
});

describe('validateNamedLocation: updates', () => {
  it('merges a PATCH and replaces the range list', () => {
    const result = validateNamedLocation(
      { isTrusted: false, ipRanges: [{ cidrAddress: '198.51.100.0/24' }] },
      'update',
      existingIp,
    );
    assert.ok('location' in result && result.location['@odata.type'] === '#microsoft.graph.ipNamedLocation');
    assert.equal(result.location.isTrusted, false);
    assert.equal(result.location.displayName, existingIp.displayName);
    assert.deepEqual(result.location.ipRanges, [
      { '@odata.type': '#microsoft.graph.iPv4CidrRange', cidrAddress: '198.51.100.0/24' },
    ]);
  });

  it('accepts the matching @odata.type, which Graph clients send on every PATCH', () => {
    const result = validateNamedLocation(
      { '@odata.type': '#microsoft.graph.ipNamedLocation', displayName: 'Egress' },
      'update',
      existingIp,
    );
    assert.ok('location' in result);
  });

  it('refuses to change the kind of a location', () => {
    const error = refused({ '@odata.type': '#microsoft.graph.countryNamedLocation' }, 'update');
    assert.equal(error.field, '@odata.type');
    assert.match(error.message, /cannot change/);
  });

  it('refuses a PATCH that leaves the location invalid', () => {
    assert.equal(refused({ ipRanges: [] }, 'update').field, 'ipRanges');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStixBundle } from './parse-stix-bundle.ts';

const IDENTITY = 'identity--f431f809-377b-45e0-aa1c-6a4751cae5ff';

// Shaped like a bundle exported by a threat-intelligence platform: an identity and a marking beside
// the indicators, several pattern shapes, a revoked and a superseded indicator, and broken objects.
const bundle = {
  type: 'bundle',
  id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
  objects: [
    {
      type: 'identity',
      spec_version: '2.1',
      id: IDENTITY,
      created: '2024-01-02T08:00:00.000Z',
      modified: '2024-01-02T08:00:00.000Z',
      name: 'Example CTI desk',
      identity_class: 'organization',
    },
    {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created_by_ref: IDENTITY,
      created: '2024-03-01T10:15:00.000Z',
      modified: '2024-03-01T10:15:00.000Z',
      name: 'Password spray source',
      description: 'Source of client-credential spraying against workload identities',
      indicator_types: ['malicious-activity'],
      labels: ['spray', 'malicious-activity'],
      pattern: "[ipv4-addr:value = '198.51.100.1']",
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: '2024-03-01T10:15:00Z',
      valid_until: '2024-06-01T00:00:00.000000Z',
      confidence: 85,
    },
    {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--a932fcc6-e032-476c-826f-cb970a5a1ade',
      created: '2024-03-02T09:00:00.000Z',
      modified: '2024-03-02T09:00:00.000Z',
      name: 'Bulletproof hosting range',
      indicator_types: ['malicious-activity'],
      pattern: "[ipv4-addr:value = '203.0.113.0/24'] OR [ipv6-addr:value = '2001:db8::/32']",
      pattern_type: 'stix',
      valid_from: '2024-03-02T09:00:00.000Z',
    },
    {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--3b0c4f9e-5a7d-4f2e-9c61-0d7e2b8a4c15',
      created: '2024-03-03T09:00:00.000Z',
      modified: '2024-03-03T09:00:00.000Z',
      pattern: "[ipv4-addr:value IN ('192.0.2.10', '192.0.2.11')]",
      pattern_type: 'stix',
      valid_from: '2024-03-03T09:00:00.000Z',
      confidence: 40,
    },
    {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--c7e4a1d2-9b3f-4e8a-a6d5-2f1c0b9e8d74',
      created: '2024-03-04T09:00:00.000Z',
      modified: '2024-03-04T09:00:00.000Z',
      pattern: "[domain-name:value = 'login-update.example']",
      pattern_type: 'stix',
      valid_from: '2024-03-04T09:00:00.000Z',
    },
    {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--0f6b2c3d-4e5a-4b6c-8d7e-9f0a1b2c3d4e',
      created: '2024-03-04T09:00:00.000Z',
      modified: '2024-03-04T09:00:00.000Z',
      pattern: "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
      pattern_type: 'stix',
      valid_from: '2024-03-04T09:00:00.000Z',
    },
    {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--6d1e7f8a-2b3c-4d5e-8f9a-0b1c2d3e4f5a',
      created: '2024-03-05T09:00:00.000Z',
      modified: '2024-03-06T09:00:00.000Z',
      revoked: true,
      pattern: "[ipv4-addr:value = '192.0.2.66']",
      pattern_type: 'stix',
      valid_from: '2024-03-05T09:00:00.000Z',
    },
    {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
      created: '2024-03-05T09:00:00.000Z',
      modified: '2024-03-07T09:00:00.000Z',
      pattern: "[ipv4-addr:value = '192.0.2.77']",
      pattern_type: 'stix',
      valid_from: '2024-03-05T09:00:00.000Z',
      confidence: 90,
    },
    {
      // An older version of the indicator above, listed after it: the newer one counts.
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
      created: '2024-03-05T09:00:00.000Z',
      modified: '2024-03-05T09:00:00.000Z',
      pattern: "[ipv4-addr:value = '192.0.2.76']",
      pattern_type: 'stix',
      valid_from: '2024-03-05T09:00:00.000Z',
      confidence: 20,
    },
    {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      created: '2024-03-08T09:00:00.000Z',
      modified: '2024-03-08T09:00:00.000Z',
      pattern: 'title: Suspicious sign-in\nlogsource: {product: azure}',
      pattern_type: 'sigma',
      valid_from: '2024-03-08T09:00:00.000Z',
    },
    {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a',
      created: '2024-03-09T09:00:00.000Z',
      modified: '2024-03-09T09:00:00.000Z',
      pattern: "[ipv4-addr:value = '192.0.2.300']",
      pattern_type: 'stix',
      valid_from: '2024-03-09T09:00:00.000Z',
    },
    {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--3e4f5a6b-7c8d-4e9f-8a0b-2c3d4e5f6a7b',
      created: '2024-03-09T09:00:00.000Z',
      modified: '2024-03-09T09:00:00.000Z',
      pattern: "[ipv4-addr:value = '192.0.2.12']",
      pattern_type: 'stix',
      valid_from: '9 March 2024',
    },
    {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--4f5a6b7c-8d9e-4f0a-9b1c-3d4e5f6a7b8c',
      created: '2024-03-09T09:00:00.000Z',
      modified: '2024-03-09T09:00:00.000Z',
      pattern: "[ipv4-addr:value = '192.0.2.13']",
      pattern_type: 'stix',
      valid_from: '2024-03-09T09:00:00.000Z',
      confidence: 150,
    },
    'not an object',
    {
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
      created: '2017-01-20T00:00:00.000Z',
      definition_type: 'tlp',
      name: 'TLP:GREEN',
      definition: { tlp: 'green' },
    },
  ],
};

describe('parseStixBundle', () => {
  const result = parseStixBundle(JSON.stringify(bundle), { source: 'example-cti' });

  it('turns each address of each usable indicator into an IpIndicator', () => {
    assert.deepEqual(
      result.indicators.map((i) => [i.cidr, i.id?.slice(11, 15), i.confidence]),
      [
        ['198.51.100.1', '8e2e', 85],
        ['203.0.113.0/24', 'a932', 50],
        ['2001:db8::/32', 'a932', 50],
        ['192.0.2.10', '3b0c', 40],
        ['192.0.2.11', '3b0c', 40],
        ['192.0.2.77', '9a8b', 90],
      ],
    );
  });

  it('keeps source, labels, validity and description', () => {
    assert.deepEqual(result.indicators[0], {
      cidr: '198.51.100.1',
      source: 'example-cti',
      confidence: 85,
      labels: ['spray', 'malicious-activity'],
      validFrom: '2024-03-01T10:15:00.000Z',
      validUntil: '2024-06-01T00:00:00.000Z',
      id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      description: 'Source of client-credential spraying against workload identities',
    });
    // The name stands in for a missing description; no valid_until means no end.
    assert.equal(result.indicators[1]?.description, 'Bulletproof hosting range');
    assert.equal(result.indicators[1]?.validUntil, null);
    assert.equal(result.indicators[3]?.description, null);
  });

  it('skips revoked, superseded, non-STIX and non-address indicators, saying why', () => {
    assert.deepEqual(
      result.skipped.map((s) => [s.index, s.id?.slice(11, 15), s.reason]),
      [
        [4, 'c7e4', 'pattern: it tests no ipv4-addr or ipv6-addr value'],
        [5, '0f6b', 'pattern: it tests no ipv4-addr or ipv6-addr value'],
        [6, '6d1e', 'revoked'],
        [8, '9a8b', 'superseded by a newer version of the same indicator'],
        [9, '1c2d', 'pattern type "sigma" is not a STIX pattern'],
      ],
    );
    assert.equal(result.otherObjects, 2);
  });

  it('rejects broken objects by index, with the reason', () => {
    assert.deepEqual(
      result.rejected.map((r) => [r.index, r.reason]),
      [
        [10, 'pattern: "192.0.2.300" is not an IPv4 address or CIDR block'],
        [11, 'valid_from "9 March 2024" is not an RFC 3339 time'],
        [12, 'confidence 150 is not an integer 0–100'],
        [13, 'not a JSON object'],
      ],
    );
  });

  it('lets a later revocation withdraw an indicator', () => {
    const [active] = bundle.objects.slice(1, 2) as Record<string, unknown>[];
    const revoked = { ...active, modified: '2024-04-01T00:00:00.000Z', revoked: true };
    const withdrawn = parseStixBundle({ type: 'bundle', objects: [active, revoked] }, { source: 's' });
    assert.deepEqual(withdrawn.indicators, []);
    assert.deepEqual(
      withdrawn.skipped.map((s) => s.reason),
      ['superseded by a newer version of the same indicator', 'revoked'],
    );
  });

  it('rejects an invalid time window and reads STIX 2.0 indicators without pattern_type', () => {
    const objects = [
      {
        type: 'indicator',
        id: 'indicator--5a6b7c8d-9e0f-4a1b-8c2d-4e5f6a7b8c9d',
        pattern: "[ipv4-addr:value = '192.0.2.20']",
        valid_from: '2024-05-01T00:00:00Z',
        valid_until: '2024-04-01T00:00:00Z',
      },
      {
        type: 'indicator',
        id: 'indicator--6b7c8d9e-0f1a-4b2c-9d3e-5f6a7b8c9d0e',
        labels: ['malicious-activity'],
        pattern: "[ipv4-addr:value = '192.0.2.21']",
        valid_from: '2017-01-01T00:00:00Z',
      },
    ];
    const read = parseStixBundle({ type: 'bundle', objects }, { source: 's', defaultConfidence: 70 });
    assert.deepEqual(
      read.rejected.map((r) => r.reason),
      ['valid_until is not after valid_from'],
    );
    assert.deepEqual(
      read.indicators.map((i) => [i.cidr, i.confidence, i.labels]),
      [['192.0.2.21', 70, ['malicious-activity']]],
    );
  });

  it('answers input that is not a bundle with one rejection, never an exception', () => {
    for (const input of ['{"type":"bundle","objects":[', '[]', '{"type":"report"}', null, 42]) {
      const read = parseStixBundle(input, { source: 's' });
      assert.equal(read.indicators.length, 0);
      assert.equal(read.rejected.length, 1);
      assert.equal(read.rejected[0]?.index, -1);
    }
    assert.deepEqual(parseStixBundle({ type: 'bundle' }, { source: 's' }).rejected, []);
  });
});

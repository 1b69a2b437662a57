import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTaxiiEnvelope, readTaxiiEnvelope } from './parse-taxii-envelope.ts';

const envelope = {
  more: true,
  next: '2a4d7c1e-page-2',
  objects: [
    {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2024-03-01T10:15:00.000Z',
      modified: '2024-03-01T10:15:00.000Z',
      pattern: "[ipv4-addr:value = '198.51.100.1']",
      pattern_type: 'stix',
      valid_from: '2024-03-01T10:15:00.000Z',
      confidence: 75,
    },
    {
      type: 'relationship',
      spec_version: '2.1',
      id: 'relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad',
      created: '2024-03-01T10:15:00.000Z',
      modified: '2024-03-01T10:15:00.000Z',
      relationship_type: 'indicates',
      source_ref: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      target_ref: 'campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
    },
  ],
};

describe('parseTaxiiEnvelope', () => {
  it('reads the objects through the STIX reader and keeps the cursor', () => {
    const read = parseTaxiiEnvelope(JSON.stringify(envelope), { source: 'taxii:feed' });
    assert.equal(read.more, true);
    assert.equal(read.next, '2a4d7c1e-page-2');
    assert.deepEqual(
      read.indicators.map((i) => [i.cidr, i.source, i.confidence]),
      [['198.51.100.1', 'taxii:feed', 75]],
    );
    assert.equal(read.otherObjects, 1);
  });

  it('accepts the empty envelope of an exhausted collection', () => {
    assert.deepEqual(readTaxiiEnvelope('{}'), { objects: [], more: false, next: null });
  });

  it('answers what is not an envelope with one rejection', () => {
    for (const input of ['<html>', '[]', '{"objects":{}}', '{"more":"yes"}', '{"next":7}']) {
      const read = parseTaxiiEnvelope(input, { source: 's' });
      assert.equal(read.rejected.length, 1, input);
      assert.equal(read.rejected[0]?.index, -1);
      assert.equal(read.more, false);
    }
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseGuid } from './normalise-guid.ts';
import { normaliseIdentifier } from './normalise-identifier.ts';

test('GUIDs are lower-cased so ids from different sources compare equal', () => {
  assert.equal(normaliseGuid('C41E9B72-8D3A-4F15-A6E0-2B7D9C5F1E48'), 'c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48');
  assert.equal(
    normaliseGuid(' c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48 '),
    'c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48',
  );
});

test('non-GUIDs are rejected, including the placeholder ids of documentation examples', () => {
  for (const bad of [
    '',
    'c41e9b72',
    '{c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48}',
    'g41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48',
    42,
  ]) {
    assert.equal(normaliseGuid(bad), null, String(bad));
  }
});

test('identifiers that are not GUIDs are kept as written, trimmed', () => {
  const auditId = 'Directory_7f3c9e2a-4b8d-4a61-9e05-2c6f1d8b3a74_V9QKM_48213771';
  assert.equal(normaliseIdentifier(` ${auditId}`), auditId);
  assert.equal(
    normaliseIdentifier('A7D2E914-3C58-4B6F-9E07-1F4C8B2D6A93'),
    'a7d2e914-3c58-4b6f-9e07-1f4c8b2d6a93',
  );
  assert.equal(normaliseIdentifier(''), null);
  assert.equal(normaliseIdentifier('x'.repeat(300)), null);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addPhase, constant, valueAt } from './timeline.ts';

describe('timeline', () => {
  it('gives the value in force at a time, phases added in any order', () => {
    const t = constant('v1');
    addPhase(t, 300, 'v3');
    addPhase(t, 100, 'v2');
    assert.deepEqual(
      [0, 99, 100, 299, 300, 1e9].map((ms) => valueAt(t, ms)),
      ['v1', 'v1', 'v2', 'v2', 'v3', 'v3'],
    );
  });
});

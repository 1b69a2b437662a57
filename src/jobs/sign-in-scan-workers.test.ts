import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStore, type TestStore } from '../../test/support/dialects.ts';
import { createSignInBaseline } from '../baselines/sign-in-baseline.ts';
import { openStore, type Store } from '../store/open-store.ts';
import type { PrincipalInput } from './principal-evaluation.ts';
import { scanWorkerCount, shardPrincipals } from './sign-in-scan-workers.ts';

function input(principalId: string): PrincipalInput {
  return {
    tenantId: '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14',
    principalId,
    baseline: createSignInBaseline(),
    replay: false,
    additions: [],
    removed: [],
  };
}

describe('spreading a detection scan over workers', () => {
  let file: TestStore;
  let memory: Store;
  before(async () => {
    file = await createTestStore('sqlite');
    memory = await openStore({ databaseUrl: ':memory:' });
  });
  after(async () => {
    await file.cleanup();
    await memory.close();
  });

  test('small runs, one core and stores no other thread can open scan on the calling thread', () => {
    assert.equal(scanWorkerCount(file.store, 40_000, { workers: 4, cores: 4 }), 0, 'too few sign-ins');
    assert.equal(scanWorkerCount(file.store, 120_000, { workers: 4, cores: 4 }), 2, 'two workers’ worth');
    assert.equal(scanWorkerCount(file.store, 5_000_000, { workers: 4, cores: 4 }), 4);
    assert.equal(
      scanWorkerCount(file.store, 5_000_000, { workers: 8, cores: 2 }),
      2,
      'never more than the cores',
    );
    assert.equal(scanWorkerCount(file.store, 5_000_000, { workers: 0, cores: 4 }), 0, 'turned off');
    assert.equal(scanWorkerCount(file.store, 5_000_000, { workers: 4, cores: 1 }), 0);
    assert.equal(scanWorkerCount(memory, 5_000_000, { workers: 4, cores: 4 }), 0, 'SQLite in memory');
  });

  test('shards hold every principal once and about equal sign-ins, the heaviest spread first', () => {
    const weights = new Map<PrincipalInput, number>();
    const inputs: PrincipalInput[] = [];
    // A few busy principals and many quiet ones, as in a tenant.
    for (let i = 0; i < 200; i++) {
      const x = input(`p-${String(i).padStart(3, '0')}`);
      inputs.push(x);
      weights.set(x, i < 5 ? 50_000 : 100 + ((i * 37) % 900));
    }
    const shards = shardPrincipals(inputs, (x) => weights.get(x)!, 3);
    assert.equal(shards.length, 3);
    const all = shards.flat();
    assert.equal(all.length, inputs.length);
    assert.equal(new Set(all).size, inputs.length);
    const loads = shards.map((s) => s.reduce((n, x) => n + weights.get(x)!, 0));
    const total = loads.reduce((a, b) => a + b, 0);
    assert.ok(Math.max(...loads) - Math.min(...loads) <= 50_000, `loads ${loads.join(', ')}`);
    assert.ok(Math.max(...loads) < total / 2, 'no shard holds most of the work');
    assert.deepEqual(
      shardPrincipals(inputs.slice(0, 2), (x) => weights.get(x)!, 3).length,
      2,
      'no empty shard',
    );
  });
});

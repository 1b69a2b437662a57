import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planTenant } from './plan-tenant.ts';

const KINDS = [
  'attackerCredential',
  'leakedExpiredSecret',
  'leakedSecret',
  'listedAddress',
  'offensiveTool',
  'passwordSpray',
  'stolenSecret',
];

describe('planTenant', () => {
  it('attacks one to two principals in a hundred of a large tenant, with every kind', () => {
    const plan = planTenant({ principals: 2000, days: 30, seed: 7 });
    const attacked = new Set(plan.attacks.attacks.map((a) => a.principalId));
    assert.equal(attacked.size, plan.attacks.attacks.length, 'a principal attacked twice');
    assert.ok(attacked.size >= 20 && attacked.size <= 40, `${attacked.size} of 2000 attacked`);
    assert.deepEqual([...new Set(plan.attacks.attacks.map((a) => a.kind))].sort(), KINDS);
    assert.equal(plan.model.managedIdentities.length, 400);
    assert.equal(plan.model.principals.length, 1600);
  });

  it('gives every tenant of 200 principals or more one attack of each kind', () => {
    for (const seed of [1, 2, 3]) {
      const plan = planTenant({ principals: 200, days: 30, seed });
      assert.deepEqual([...new Set(plan.attacks.attacks.map((a) => a.kind))].sort(), KINDS, `seed ${seed}`);
    }
  });

  it('plans one to three million sign-ins for 2000 principals over 30 days', () => {
    const plan = planTenant({ principals: 2000, days: 30, seed: 1 });
    // A run is one sign-in, or a CI job's burst of one to `burst`.
    let perDay = 0;
    for (const l of plan.normal.lives) perDay += l.schedule.runsPerDay * ((1 + l.schedule.burst) / 2);
    for (const l of plan.normal.identities) perDay += l.schedule.runsPerDay;
    const expected = perDay * 30;
    assert.ok(expected > 1_000_000 && expected < 3_000_000, `${Math.round(expected)} sign-ins`);
    for (const l of [...plan.normal.lives, ...plan.normal.identities]) {
      if (l.schedule.rhythm === 'ci') continue;
      assert.ok(l.schedule.runsPerDay >= 10 && l.schedule.runsPerDay <= 60, `${l.schedule.runsPerDay} a day`);
    }
  });

  it('refuses tenants too small to hold its story', () => {
    assert.throws(() => planTenant({ principals: 5, days: 30, seed: 1 }), RangeError);
    assert.throws(() => planTenant({ principals: 50, days: 0, seed: 1 }), RangeError);
    assert.throws(() => planTenant({ principals: 50, days: 181, seed: 1 }), RangeError);
  });
});

describe('planTenant over a long period', () => {
  it('signs in only with keys valid for as long as each is in use, whatever expires on the way', () => {
    const plan = planTenant({ principals: 300, days: 180, seed: 2 });
    const { end } = plan.period;
    let phases = 0;
    for (const life of plan.normal.lives) {
      life.credentials.forEach((phase, i) => {
        const from = Math.max(phase.from, life.activeFrom);
        const until = life.credentials[i + 1]?.from ?? end;
        if (from >= until) return;
        const used = [phase.value.first, phase.value.secondShare > 0 ? phase.value.second : null];
        for (const c of used) {
          if (c === null || c.type === 'federated') continue;
          phases++;
          const what = `${life.principal.displayName}: ${c.keyId} in use ${new Date(from).toISOString()}–${new Date(until).toISOString()}`;
          assert.ok(Date.parse(c.startDateTime) <= from, `${what}, before it starts`);
          assert.ok(Date.parse(c.endDateTime) >= until, `${what}, after it ends ${c.endDateTime}`);
        }
      });
    }
    assert.ok(phases > 200, `${phases} phases checked`);
    // Attack sign-ins use keys valid at the time too.
    for (const s of plan.attacks.signIns) {
      const c = s.credential;
      if (c === null || s.errorCode !== 0) continue;
      assert.ok(
        Date.parse(c.startDateTime) <= s.ms && s.ms < Date.parse(c.endDateTime),
        `attack on ${c.keyId}`,
      );
    }
  });
});

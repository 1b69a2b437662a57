import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baselineToRows } from './baseline-rows.ts';
import {
  createFamiliarSignIns,
  familiarValues,
  forgetFamiliar,
  learnFamiliar,
  learnIfFamiliar,
  rememberFamiliar,
  settleFamiliar,
} from './familiar-sign-ins.ts';
import { ageOutBaseline, createSignInBaseline, learnSignIn } from './sign-in-baseline.ts';
import { extractSignInFeatures } from './sign-in-features.ts';
import { KEY_VAULT_RESOURCE, workloadSignIn } from './workload-sign-in.fixture.ts';

/** Ten days of hourly sign-ins from a few addresses and two resources, then a move to another cloud. */
function history() {
  const out = [];
  for (let h = 0; h < 240; h++) {
    const at = new Date(Date.UTC(2026, 7, 1, h, 5)).toISOString();
    const aws = h >= 200;
    out.push(
      workloadSignIn({
        id: `s${h}`,
        createdAt: at,
        ipAddress: aws ? `52.33.12.${h % 3}` : `20.73.147.${10 + (h % 4)}`,
        ...(aws ? { asn: 16509, asOrg: 'AMAZON-02', country: 'US', hostingProvider: 'Amazon' } : {}),
        resourceId: h % 2 === 0 ? KEY_VAULT_RESOURCE : workloadSignIn().resourceId,
      }),
    );
  }
  return out;
}

test('learning familiar sign-ins through the cache gives the very baseline learning each does', () => {
  const plain = createSignInBaseline();
  const cached = createSignInBaseline();
  const cache = createFamiliarSignIns();
  let hits = 0;
  for (const s of history()) {
    learnSignIn(plain, extractSignInFeatures(s), s.createdAt);
    const touched = familiarValues(cache, s);
    if (touched !== null) {
      hits++;
      learnFamiliar(cached, touched, s.createdAt);
    } else {
      const f = extractSignInFeatures(s);
      learnSignIn(cached, f, s.createdAt);
      rememberFamiliar(cache, cached, s, f);
    }
  }
  assert.ok(hits > 200, `most sign-ins are familiar (${hits})`);
  assert.deepEqual(baselineToRows(cached), baselineToRows(plain));
  assert.deepEqual(
    [cached.firstSignInAt, cached.lastSignInAt, cached.successfulSignIns],
    [plain.firstSignInAt, plain.lastSignInAt, plain.successfulSignIns],
  );
  assert.deepEqual(
    cached.properties.ip.top.map((e) => [e.value, e.count]),
    plain.properties.ip.top.map((e) => [e.value, e.count]),
    'the most frequent values rank the same',
  );
});

test('an address whose network facts differ, or a new resource, is not familiar; forgetting empties the cache', () => {
  const baseline = createSignInBaseline();
  const cache = createFamiliarSignIns();
  const s = workloadSignIn({ createdAt: '2026-08-01T00:00:00.000Z' });
  const f = extractSignInFeatures(s);
  learnSignIn(baseline, f, s.createdAt);
  rememberFamiliar(cache, baseline, s, f);
  assert.notEqual(familiarValues(cache, workloadSignIn({ createdAt: '2026-08-01T01:00:00.000Z' })), null);
  assert.equal(familiarValues(cache, workloadSignIn({ asn: 16509 })), null, 'same address, another ASN');
  assert.equal(
    familiarValues(cache, workloadSignIn({ resourceId: '00000002-0000-0000-c000-000000000000' })),
    null,
  );
  ageOutBaseline(baseline, '2026-12-01T00:00:00.000Z', 60);
  forgetFamiliar(cache);
  assert.equal(familiarValues(cache, workloadSignIn({ createdAt: '2026-12-01T01:00:00.000Z' })), null);
});

test('familiar sign-ins counted and settled later give the very baseline learning each does', () => {
  const plain = createSignInBaseline({ profileSize: 2 });
  const deferred = createSignInBaseline({ profileSize: 2 });
  const cache = createFamiliarSignIns();
  let counted = 0;
  for (const s of history()) {
    learnSignIn(plain, extractSignInFeatures(s), s.createdAt);
    if (learnIfFamiliar(cache, deferred, s, s.createdAt)) {
      counted++;
      continue;
    }
    // Unfamiliar sign-ins are learned while others wait: their ranking must come out the same.
    const f = extractSignInFeatures(s);
    learnSignIn(deferred, f, s.createdAt);
    rememberFamiliar(cache, deferred, s, f);
  }
  assert.ok(counted > 200, `most sign-ins are counted (${counted})`);
  assert.equal(deferred.successfulSignIns, plain.successfulSignIns, 'totals are current before settling');
  settleFamiliar(cache, deferred);
  assert.deepEqual(baselineToRows(deferred), baselineToRows(plain));
  assert.deepEqual(
    [deferred.firstSignInAt, deferred.lastSignInAt],
    [plain.firstSignInAt, plain.lastSignInAt],
  );
  for (const property of ['ip', 'ipPrefix', 'resource', 'asn'] as const) {
    assert.deepEqual(
      deferred.properties[property].top.map((e) => [e.value, e.count, e.lastSeen]),
      plain.properties[property].top.map((e) => [e.value, e.count, e.lastSeen]),
      `the most frequent ${property} values rank the same`,
    );
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SignIn } from '../domain/index.ts';
import { DEFAULT_SIGN_IN_RISK_WEIGHTS, levelFromSignals, type SignInSignal } from './risk-weights.ts';
import {
  ageOutBaseline,
  compareSignIn,
  createSignInBaseline,
  isBaselineLearning,
  learnSignIn,
  type SignInBaseline,
  type SignInNovelty,
  signInTeachesBaseline,
} from './sign-in-baseline.ts';
import { extractSignInFeatures } from './sign-in-features.ts';
import {
  GRAPH_RESOURCE,
  KEY_VAULT_RESOURCE,
  PYTHON_SDK_1_15,
  STORAGE_RESOURCE,
  workloadSignIn,
} from './workload-sign-in.fixture.ts';

const START = Date.parse('2025-03-03T00:00:00.000Z');
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Event time `day` days and `hour` hours after the workload's first day. */
function at(day: number, hour = 0): string {
  return new Date(START + day * DAY_MS + hour * HOUR_MS).toISOString();
}

function learn(baseline: SignInBaseline, s: SignIn): void {
  assert.ok(signInTeachesBaseline(s));
  learnSignIn(baseline, extractSignInFeatures(s), s.createdAt);
}

function compare(baseline: SignInBaseline, s: SignIn): readonly SignInNovelty[] {
  return compareSignIn(baseline, extractSignInFeatures(s));
}

function signals(novelties: readonly SignInNovelty[]): SignInSignal[] {
  return novelties.map((n) => n.signal).sort();
}

// Azure West Europe outbound pools the workload draws its addresses from.
const POOLS = ['20.73.147', '51.124.82'] as const;

/** Three days of the workload: a sign-in every hour, rotating addresses within its two /24s. */
function learnedWorkload(): SignInBaseline {
  const baseline = createSignInBaseline();
  for (let hour = 0; hour < 72; hour++) {
    learn(
      baseline,
      workloadSignIn({
        createdAt: at(0, hour),
        ipAddress: `${POOLS[hour % 2]}.${10 + (hour % 40)}`,
        resourceId: hour % 6 === 0 ? KEY_VAULT_RESOURCE : GRAPH_RESOURCE,
      }),
    );
  }
  return baseline;
}

describe('sign-in baseline', () => {
  it('keeps a workload rotating addresses within its /24s and AS 8075 at weak novelty at most', () => {
    const baseline = learnedWorkload();
    const seen = new Set<SignInSignal>();
    // Four more days: new addresses in the same pools every hour, a third Azure pool from day 5.
    for (let hour = 72; hour < 168; hour++) {
      const pool = hour >= 120 && hour % 3 === 0 ? '20.50.2' : POOLS[hour % 2];
      const s = workloadSignIn({ createdAt: at(0, hour), ipAddress: `${pool}.${100 + (hour % 150)}` });
      const novelties = compare(baseline, s);
      for (const n of novelties) seen.add(n.signal);
      assert.ok(['none', 'low'].includes(levelFromSignals(signals(novelties))), JSON.stringify(novelties));
      learn(baseline, s);
    }
    // Both kinds of rotation were seen and neither is more than weak.
    assert.deepEqual([...seen].sort(), ['newIpAddress', 'newIpPrefix']);
    assert.equal(DEFAULT_SIGN_IN_RISK_WEIGHTS.newIpAddress, 'none');
    assert.equal(DEFAULT_SIGN_IN_RISK_WEIGHTS.newIpPrefix, 'weak');
  });

  it('reports a new address inside a familiar /24 as the exact address, with no weight', () => {
    const baseline = learnedWorkload();
    const novelties = compare(baseline, workloadSignIn({ createdAt: at(3), ipAddress: '20.73.147.250' }));
    assert.deepEqual(signals(novelties), ['newIpAddress']);
    assert.equal(novelties[0]?.value, '20.73.147.250');
    assert.equal(levelFromSignals(signals(novelties)), 'none');
  });

  it('finds nothing new in a sign-in exactly like the familiar ones', () => {
    const baseline = learnedWorkload();
    assert.deepEqual(compare(baseline, workloadSignIn({ createdAt: at(3), ipAddress: '51.124.82.11' })), []);
  });

  it('does not treat an SDK patch or minor upgrade as new', () => {
    const baseline = learnedWorkload();
    const upgraded = workloadSignIn({
      createdAt: at(3),
      ipAddress: '51.124.82.11',
      userAgent: 'azsdk-python-identity/1.16.1 Python/3.12.2 (Linux-6.5.0-1017-azure-x86_64-with-glibc2.35)',
    });
    assert.deepEqual(compare(baseline, upgraded), []);
  });

  it('gives a new major version of the familiar SDK no weight, and another product medium', () => {
    const baseline = learnedWorkload();
    const major = compare(
      baseline,
      workloadSignIn({
        createdAt: at(3),
        ipAddress: '51.124.82.11',
        userAgent: 'azsdk-python-identity/2.0.0 Python/3.12.2 (Linux-6.5.0-1017-azure-x86_64-with-glibc2.35)',
      }),
    );
    assert.deepEqual(signals(major), ['newUserAgentVersion']);
    assert.equal(major[0]?.familiarOwner, 'azsdk-python-identity');
    assert.equal(levelFromSignals(signals(major)), 'none');

    const other = compare(
      baseline,
      workloadSignIn({ createdAt: at(3), ipAddress: '51.124.82.11', userAgent: 'python-requests/2.31.0' }),
    );
    assert.deepEqual(signals(other), ['newUserAgentProduct']);
    assert.equal(other[0]?.value, 'python-requests');
    assert.deepEqual(
      other[0]?.familiar.map((v) => [v.value, v.count]),
      [['azsdk-python-identity', 72]],
    );
    assert.equal(DEFAULT_SIGN_IN_RISK_WEIGHTS.newUserAgentProduct, 'medium');
  });

  it('rates a sign-in from a DigitalOcean droplet in another country strong twice: high', () => {
    const baseline = learnedWorkload();
    const novelties = compare(
      baseline,
      workloadSignIn({
        createdAt: at(3, 2),
        ipAddress: '146.190.54.201',
        asn: 14061,
        asOrg: 'DigitalOcean, LLC',
        country: 'DE',
        state: 'Hesse',
        city: 'Frankfurt am Main',
        hosting: true,
        hostingProvider: 'DigitalOcean',
      }),
    );
    assert.deepEqual(signals(novelties), ['newAsnOtherOwner', 'newCountryWithNewAsn', 'newIpPrefix']);
    assert.equal(levelFromSignals(signals(novelties)), 'high');
    const asn = novelties.find((n) => n.property === 'asn');
    assert.equal(asn?.value, '14061');
    assert.equal(asn?.familiarOwner, null);
    // The explanation names what the principal normally uses, with counts.
    assert.deepEqual(
      asn?.familiar.map((v) => [v.value, v.count]),
      [['8075', 72]],
    );
    assert.deepEqual(
      novelties.find((n) => n.property === 'country')?.familiar.map((v) => v.value),
      ['NL'],
    );
  });

  it('rates a residential line after only cloud networks as a hosting flip', () => {
    const baseline = learnedWorkload();
    const novelties = compare(
      baseline,
      workloadSignIn({
        createdAt: at(3, 20),
        ipAddress: '81.164.102.37',
        asn: 6848,
        asOrg: 'Telenet BV',
        country: 'BE',
        hosting: false,
        hostingProvider: null,
      }),
    );
    const flip = novelties.find((n) => n.signal === 'hostingFlip');
    assert.ok(flip, JSON.stringify(novelties));
    assert.equal(flip.property, 'hosting');
    assert.equal(flip.value, 'false');
    assert.deepEqual(
      flip.familiar.map((v) => [v.value, v.count]),
      [['true', 72]],
    );
    assert.equal(DEFAULT_SIGN_IN_RISK_WEIGHTS.hostingFlip, 'strong');
    assert.equal(levelFromSignals(signals(novelties)), 'high');
  });

  it('does not flip a principal that has used both hosting and residential networks', () => {
    const baseline = learnedWorkload();
    learn(baseline, workloadSignIn({ createdAt: at(2, 12), ipAddress: '81.164.102.37', hosting: false }));
    const novelties = compare(
      baseline,
      workloadSignIn({ createdAt: at(3), ipAddress: '81.164.102.40', hosting: false }),
    );
    assert.equal(
      novelties.some((n) => n.signal === 'hostingFlip'),
      false,
    );
  });

  it('rates a new ASN of the provider the principal already uses as weak', () => {
    const baseline = learnedWorkload();
    const novelties = compare(
      baseline,
      workloadSignIn({
        createdAt: at(3),
        ipAddress: '13.107.6.152',
        asn: 8068,
        hostingProvider: 'Microsoft',
      }),
    );
    assert.deepEqual(signals(novelties), ['newAsnFamiliarProvider', 'newIpPrefix']);
    assert.equal(novelties.find((n) => n.property === 'asn')?.familiarOwner, 'Microsoft');
    assert.equal(levelFromSignals(signals(novelties)), 'low');
  });

  it('recognises the same network owner by AS organisation when no provider is named', () => {
    const baseline = createSignInBaseline();
    const aws = { asOrg: 'Amazon.com, Inc.', hostingProvider: null, country: 'US' } as const;
    for (let hour = 0; hour < 60; hour++) {
      learn(
        baseline,
        workloadSignIn({ ...aws, createdAt: at(0, hour), ipAddress: '3.236.9.14', asn: 16509 }),
      );
    }
    const novelties = compare(
      baseline,
      workloadSignIn({
        ...aws,
        createdAt: at(3),
        ipAddress: '3.236.9.14',
        asn: 14618,
        asOrg: 'AMAZON.COM, INC.',
      }),
    );
    assert.deepEqual(signals(novelties), ['newAsnFamiliarProvider']);
    assert.equal(novelties[0]?.familiarOwner, 'amazon com inc');
  });

  it('rates a new country within the familiar ASN as weak (a new region)', () => {
    const baseline = learnedWorkload();
    const novelties = compare(
      baseline,
      workloadSignIn({ createdAt: at(3), ipAddress: '20.105.4.17', country: 'IE', city: 'Dublin' }),
    );
    assert.deepEqual(signals(novelties), ['newCountry', 'newIpPrefix']);
    assert.equal(levelFromSignals(signals(novelties)), 'low');
  });

  it('rates a new resource alone as low', () => {
    const baseline = learnedWorkload();
    const novelties = compare(
      baseline,
      workloadSignIn({ createdAt: at(3), ipAddress: '51.124.82.11', resourceId: STORAGE_RESOURCE }),
    );
    assert.deepEqual(signals(novelties), ['newResource']);
    assert.deepEqual(
      novelties[0]?.familiar.map((v) => [v.value, v.count]),
      [
        [GRAPH_RESOURCE, 60],
        [KEY_VAULT_RESOURCE, 12],
      ],
    );
    assert.equal(levelFromSignals(signals(novelties)), 'low');
  });

  it('rates a new credential type as medium evidence', () => {
    const baseline = learnedWorkload();
    const novelties = compare(
      baseline,
      workloadSignIn({ createdAt: at(3), ipAddress: '51.124.82.11', credentialType: 'clientSecret' }),
    );
    assert.deepEqual(signals(novelties), ['newCredentialType']);
    assert.equal(novelties[0]?.value, 'clientSecret');
    assert.equal(DEFAULT_SIGN_IN_RISK_WEIGHTS.newCredentialType, 'medium');
    // A secret where a certificate was used, from a tool the workload never ran: two mediums.
    const withTool = compare(
      baseline,
      workloadSignIn({
        createdAt: at(3),
        ipAddress: '51.124.82.11',
        credentialType: 'clientSecret',
        userAgent: 'curl/8.4.0',
      }),
    );
    assert.equal(levelFromSignals(signals(withTool)), 'medium');
  });

  it('is learning until two days of event time have passed since the first sign-in', () => {
    const baseline = createSignInBaseline();
    assert.equal(isBaselineLearning(baseline, at(0)), true);
    learn(baseline, workloadSignIn({ createdAt: at(0, 9) }));
    learn(baseline, workloadSignIn({ createdAt: at(1, 9) }));
    assert.equal(isBaselineLearning(baseline, at(0, 10)), true);
    assert.equal(isBaselineLearning(baseline, at(2, 8)), true);
    assert.equal(isBaselineLearning(baseline, at(2, 9)), false);
    assert.equal(isBaselineLearning(baseline, at(9)), false);
    // A late record from before the first sign-in moves the start of history back.
    learn(baseline, workloadSignIn({ createdAt: at(-1) }));
    assert.equal(isBaselineLearning(baseline, at(1, 1)), false);
    assert.equal(isBaselineLearning(baseline, at(7, 0), 10), true);
  });

  it('forgets values not seen for 60 days', () => {
    const baseline = createSignInBaseline();
    learn(baseline, workloadSignIn({ createdAt: at(0), resourceId: KEY_VAULT_RESOURCE }));
    learn(baseline, workloadSignIn({ createdAt: at(2), resourceId: STORAGE_RESOURCE }));
    for (let day = 0; day <= 62; day++) learn(baseline, workloadSignIn({ createdAt: at(day, 12) }));

    // On day 61 Key Vault was last seen 61 days ago, Storage 59 days ago.
    assert.equal(ageOutBaseline(baseline, at(61)), 1);
    const keyVault = compare(baseline, workloadSignIn({ createdAt: at(61), resourceId: KEY_VAULT_RESOURCE }));
    assert.deepEqual(signals(keyVault), ['newResource']);
    assert.deepEqual(
      compare(baseline, workloadSignIn({ createdAt: at(61), resourceId: STORAGE_RESOURCE })),
      [],
    );
    // Ranks follow the forgetting: Key Vault no longer shows as familiar.
    assert.deepEqual(
      keyVault[0]?.familiar.map((v) => v.value),
      [GRAPH_RESOURCE, STORAGE_RESOURCE],
    );
    assert.equal(isBaselineLearning(baseline, at(61)), false);
  });

  it('starts learning anew when the principal has not signed in for 60 days', () => {
    const baseline = learnedWorkload();
    const removed = ageOutBaseline(baseline, at(64));
    assert.ok(removed > 0);
    assert.equal(baseline.successfulSignIns, 0);
    assert.equal(baseline.firstSignInAt, null);
    assert.equal(isBaselineLearning(baseline, at(64)), true);
    learn(baseline, workloadSignIn({ createdAt: at(64) }));
    assert.equal(isBaselineLearning(baseline, at(65)), true);
    assert.equal(isBaselineLearning(baseline, at(66)), false);
  });

  it('only learns from successful sign-ins', () => {
    assert.equal(signInTeachesBaseline(workloadSignIn()), true);
    assert.equal(signInTeachesBaseline(workloadSignIn({ statusCode: 7000215 })), false);
    assert.equal(signInTeachesBaseline(workloadSignIn({ statusCode: 53003 })), false);
  });

  it('widens first and last seen for records that arrive out of order', () => {
    const baseline = createSignInBaseline();
    learn(baseline, workloadSignIn({ createdAt: at(5) }));
    learn(baseline, workloadSignIn({ createdAt: at(2) }));
    learn(baseline, workloadSignIn({ createdAt: at(4) }));
    const country = baseline.properties.country.values.get('NL');
    assert.deepEqual(country && [country.firstSeen, country.lastSeen, country.count], [at(2), at(5), 3]);
    assert.equal(baseline.firstSignInAt, at(2));
    assert.equal(baseline.lastSignInAt, at(5));
    assert.equal(baseline.successfulSignIns, 3);
  });

  it('explains with the most frequent values only, highest count first, whatever the learning order', () => {
    // Ten /24s with 1..10 sign-ins each, learned in two different orders.
    const signIns: SignIn[] = [];
    for (let net = 1; net <= 10; net++) {
      for (let i = 0; i < net; i++) {
        signIns.push(
          workloadSignIn({ createdAt: at(0, signIns.length), ipAddress: `20.61.${net}.${i + 1}` }),
        );
      }
    }
    const forwards = createSignInBaseline({ profileSize: 3 });
    for (const s of signIns) learn(forwards, s);
    const backwards = createSignInBaseline({ profileSize: 3 });
    for (const s of signIns.toReversed()) learn(backwards, s);

    const probe = workloadSignIn({ createdAt: at(3), ipAddress: '20.61.99.1' });
    for (const baseline of [forwards, backwards]) {
      const [prefix] = compare(baseline, probe);
      assert.equal(prefix?.signal, 'newIpPrefix');
      assert.deepEqual(
        prefix?.familiar.map((v) => [v.value, v.count]),
        [
          ['20.61.10.0/24', 10],
          ['20.61.9.0/24', 9],
          ['20.61.8.0/24', 8],
        ],
      );
      assert.equal(prefix?.familiarCount, 10);
    }
  });

  it('does not let a later sign-in change an explanation already given', () => {
    const baseline = learnedWorkload();
    const [resource] = compare(baseline, workloadSignIn({ createdAt: at(3), resourceId: STORAGE_RESOURCE }));
    learn(baseline, workloadSignIn({ createdAt: at(3), ipAddress: '51.124.82.11' }));
    assert.equal(resource?.familiar[0]?.count, 60);
  });

  it('rejects a profile size that could not explain anything', () => {
    assert.throws(() => createSignInBaseline({ profileSize: 0 }), RangeError);
  });

  it('keeps the user agent it was taught by product and major version', () => {
    const baseline = createSignInBaseline();
    learn(baseline, workloadSignIn({ userAgent: PYTHON_SDK_1_15 }));
    assert.deepEqual([...baseline.properties.userAgent.values.keys()], ['azsdk-python-identity/1']);
    assert.deepEqual([...baseline.properties.userAgentProduct.values.keys()], ['azsdk-python-identity']);
  });
});

import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';
import { createRandom } from './random.ts';
import {
  generateSignInLines,
  makeSignInRecord,
  WORKLOAD_FAILURES,
  workloadSignInLine,
} from './sign-in-records.ts';
import { createTenantModel } from './tenant-model.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ENTRA_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;
const START = new Date('2026-09-01T00:00:00Z');

type SignInRecord = {
  time: string;
  category: string;
  callerIpAddress?: string;
  resultType: string;
  properties: {
    [key: string]: unknown;
    createdDateTime: string;
    servicePrincipalId: string;
    ipAddress: string;
    userAgent: string;
    status: { errorCode: number; failureReason: string | null };
    location: {
      city: string;
      countryOrRegion: string;
      geoCoordinates: { latitude: number; longitude: number };
    };
    managedServiceIdentity: { msiType: string; associatedResourceId: string };
  };
};

const model = createTenantModel({ seed: 20, principals: 40, managedIdentities: 12 });
const lines = [...generateSignInLines(model, { seed: 21, count: 20_000, start: START, days: 14 })];
const records = lines.map((line) => JSON.parse(line) as SignInRecord);
const servicePrincipalRecords = records.filter((r) => r.category === 'ServicePrincipalSignInLogs');
const identityRecords = records.filter((r) => r.category === 'ManagedIdentitySignInLogs');

describe('generateSignInLines', () => {
  it('is byte-identical for the same seeds and different for another seed', () => {
    const again = [
      ...generateSignInLines(createTenantModel({ seed: 20, principals: 40, managedIdentities: 12 }), {
        seed: 21,
        count: 20_000,
        start: START,
        days: 14,
      }),
    ];
    assert.equal(again.join(''), lines.join(''));
    const other = [...generateSignInLines(model, { seed: 22, count: 200, start: START, days: 14 })];
    assert.notEqual(other.join(''), lines.slice(0, 200).join(''));
  });

  it('writes count newline-terminated JSON lines in time order inside the window', () => {
    assert.equal(lines.length, 20_000);
    for (const line of lines) assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
    const end = new Date(START.getTime() + 14 * 86_400_000).toISOString();
    let previous = '';
    for (const r of records) {
      assert.ok(r.properties.createdDateTime >= previous, 'records out of time order');
      previous = r.properties.createdDateTime;
    }
    assert.ok(records[0]!.time >= START.toISOString() && previous < end);
  });

  it('has the export envelope and the beta signIn shape', () => {
    const r = servicePrincipalRecords.find((x) => x.resultType === '0') as unknown as Record<string, unknown>;
    assert.ok(r);
    assert.equal(r.resourceId, `/tenants/${model.tenantId}/providers/Microsoft.aadiam`);
    assert.equal(r.operationName, 'Sign-in activity');
    assert.equal(r.operationVersion, '1.0');
    assert.equal(r.tenantId, model.tenantId);
    assert.equal(r.resultSignature, 'None');
    assert.equal(r.Level, 4);
    assert.equal(r.durationMs, 0);
    for (const key of ['resultDescription', 'callerIpAddress', 'identity', 'location']) {
      assert.equal(typeof r[key], 'string', key);
    }
    assert.match(r.time as string, ENTRA_TIME);
    assert.match(r.correlationId as string, GUID);
    const p = r.properties as Record<string, unknown>;
    assert.match(p.createdDateTime as string, ENTRA_TIME);
    assert.equal(p.createdDateTime, r.time);
    for (const key of [
      'id',
      'appId',
      'servicePrincipalId',
      'correlationId',
      'originalRequestId',
      'resourceId',
      'resourceServicePrincipalId',
      'homeTenantId',
      'resourceTenantId',
      'appOwnerTenantId',
    ]) {
      assert.match(p[key] as string, GUID, key);
    }
    for (const key of [
      'appDisplayName',
      'servicePrincipalName',
      'servicePrincipalCredentialKeyId',
      'servicePrincipalCredentialThumbprint',
      'clientCredentialType',
      'federatedCredentialId',
      'ipAddress',
      'resourceDisplayName',
      'conditionalAccessStatus',
      'authenticationProtocol',
      'uniqueTokenIdentifier',
      'riskDetail',
      'riskLevelAggregated',
      'riskLevelDuringSignIn',
      'riskState',
      'tokenIssuerType',
      'userAgent',
      'incomingTokenType',
      'crossTenantAccessType',
    ]) {
      assert.equal(typeof p[key], 'string', key);
    }
    assert.equal(p.isInteractive, false);
    assert.equal(p.tokenIssuerType, 'AzureAD');
    assert.deepEqual(p.signInEventTypes, ['servicePrincipal']);
    assert.deepEqual(p.appliedConditionalAccessPolicies, []);
    assert.equal(typeof p.autonomousSystemNumber, 'number');
    assert.equal(typeof p.processingTimeInMilliseconds, 'number');
    assert.match(p.uniqueTokenIdentifier as string, /^[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(Object.keys(p.status as object), ['errorCode', 'failureReason', 'additionalDetails']);
    assert.deepEqual(Object.keys(p.location as object), [
      'city',
      'state',
      'countryOrRegion',
      'geoCoordinates',
    ]);
    assert.deepEqual(Object.keys(p.managedServiceIdentity as object), [
      'msiType',
      'associatedResourceId',
      'federatedTokenId',
      'federatedTokenIssuer',
    ]);
    const details = p.authenticationProcessingDetails as { key: string; value: string }[];
    assert.ok(details.every((d) => typeof d.key === 'string' && typeof d.value === 'string'));
  });

  it('writes a typical service principal record of about 2.5 KB', () => {
    // Every field a parser needs is present; five tenant GUID copies, a dozen other GUIDs and the
    // field names alone put a record past 2.3 KB (see the module notes).
    const sizes = servicePrincipalRecords
      .filter((r) => r.resultType === '0')
      .map((r) => Buffer.byteLength(JSON.stringify(r)))
      .sort((a, b) => a - b);
    const median = sizes[sizes.length >> 1]!;
    assert.ok(median >= 2300 && median <= 2800, `median ${median} bytes`);
  });

  it('mixes ~5% managed identity and ~2% failed sign-ins with real error codes', () => {
    const miShare = identityRecords.length / records.length;
    assert.ok(miShare > 0.04 && miShare < 0.06, `managed identity share ${miShare}`);
    const failed = records.filter((r) => r.resultType !== '0');
    const failureShare = failed.length / records.length;
    assert.ok(failureShare > 0.015 && failureShare < 0.025, `failure share ${failureShare}`);
    const codes = new Set(failed.map((r) => r.properties.status.errorCode));
    for (const code of codes) assert.ok(code in WORKLOAD_FAILURES, `unexpected code ${code}`);
    assert.ok(codes.size >= 3);
    for (const r of records) {
      assert.equal(r.resultType, String(r.properties.status.errorCode));
      if (r.resultType !== '0')
        assert.equal(r.properties.status.failureReason, WORKLOAD_FAILURES[Number(r.resultType)]);
    }
  });

  it('writes managed identity sign-ins, often without address and location', () => {
    const empty = identityRecords.filter((r) => r.properties.ipAddress === '');
    assert.ok(empty.length > 0 && empty.length < identityRecords.length);
    for (const r of empty) {
      assert.equal(r.callerIpAddress, undefined);
      assert.deepEqual(r.properties.location, {
        city: '',
        state: '',
        countryOrRegion: '',
        geoCoordinates: { latitude: 0, longitude: 0 },
      });
    }
    for (const r of identityRecords) {
      assert.deepEqual(r.properties.signInEventTypes, ['managedIdentity']);
      assert.equal(r.properties.clientCredentialType, 'managedIdentity');
      assert.ok(['systemAssigned', 'userAssigned'].includes(r.properties.managedServiceIdentity.msiType));
      assert.match(r.properties.managedServiceIdentity.associatedResourceId, /^\/subscriptions\//);
    }
  });

  it('keeps each workload inside its prefixes while rotating addresses, and upgrades some SDKs', () => {
    const byId = new Map<string, { prefixes: readonly string[]; asn: number }>();
    for (const w of [...model.principals, ...model.managedIdentities]) {
      byId.set(w.objectId, { prefixes: w.prefixes, asn: w.network.asn });
    }
    const addresses = new Map<string, Set<string>>();
    const agents = new Map<string, Set<string>>();
    for (const r of records) {
      const p = r.properties;
      const w = byId.get(p.servicePrincipalId);
      assert.ok(w, `unknown principal ${p.servicePrincipalId}`);
      if (p.ipAddress === '') continue;
      assert.equal(r.callerIpAddress, p.ipAddress);
      assert.equal(p.autonomousSystemNumber, w.asn);
      const inside = w.prefixes.some((cidr) => p.ipAddress.startsWith(cidr.slice(0, -4)));
      assert.ok(inside, `${p.ipAddress} outside ${w.prefixes.join(' ')}`);
      addresses.set(
        p.servicePrincipalId,
        (addresses.get(p.servicePrincipalId) ?? new Set()).add(p.ipAddress),
      );
      agents.set(p.servicePrincipalId, (agents.get(p.servicePrincipalId) ?? new Set()).add(p.userAgent));
    }
    const rotating = [...addresses.values()].filter((s) => s.size > 1).length;
    assert.ok(
      rotating > addresses.size / 2,
      `${rotating} of ${addresses.size} workloads use several addresses`,
    );
    const upgraded = [...agents.values()].filter((s) => s.size > 1).length;
    assert.ok(upgraded >= 2 && upgraded < agents.size / 2, `${upgraded} workloads upgraded their SDK`);
  });

  it('streams tens of thousands of lines a second even on a busy machine', () => {
    const t0 = performance.now();
    let n = 0;
    for (const line of generateSignInLines(model, { seed: 9, count: 50_000, start: START, days: 30 })) {
      n += line.length > 0 ? 1 : 0;
    }
    const perSecond = n / ((performance.now() - t0) / 1000);
    // A loose floor that still catches an accidental per-record slow path (JSON.stringify alone
    // would land near it); the ingest benchmark measures the real figure, ~250,000 lines/s here.
    assert.ok(perSecond > 30_000, `${Math.round(perSecond)} lines/s`);
  });
});

describe('makeSignInRecord', () => {
  it('writes the asked principal, failure or managed identity', () => {
    const rnd = createRandom(4);
    const at = new Date('2026-10-02T08:15:30.123Z');
    const ok = makeSignInRecord(model, rnd, at, { principalIndex: 0 }) as unknown as SignInRecord;
    assert.equal(ok.properties.servicePrincipalId, model.principals[0]!.objectId);
    assert.equal(ok.resultType, '0');
    assert.match(ok.properties.createdDateTime, /^2026-10-02T08:15:30\.123\d{4}Z$/);
    assert.equal(ok.properties.userAgent, model.principals[0]!.releases.at(-1)!.userAgent);
    const failed = makeSignInRecord(model, rnd, at, {
      principalIndex: 1,
      failure: true,
    }) as unknown as SignInRecord;
    assert.ok(failed.properties.status.errorCode in WORKLOAD_FAILURES);
    const mi = makeSignInRecord(model, rnd, at, {
      managedIdentity: true,
      principalIndex: 2,
    }) as unknown as SignInRecord;
    assert.equal(mi.category, 'ManagedIdentitySignInLogs');
    assert.equal(mi.properties.servicePrincipalId, model.managedIdentities[2]!.objectId);
    assert.throws(() => makeSignInRecord(model, rnd, at, { principalIndex: 999 }), RangeError);
  });

  it('is deterministic for a seed', () => {
    const at = new Date('2026-10-02T08:15:30Z');
    const a = makeSignInRecord(model, createRandom(8), at);
    const b = makeSignInRecord(model, createRandom(8), at);
    assert.deepEqual(a, b);
  });
});

describe('workloadSignInLine', () => {
  it('writes a sign-in from the network, key and client given, a raw HTTP client listing no auth library', () => {
    const p = model.principals.find(
      (x) => x.clientCredentialType === 'clientSecret' && x.signInCredentials.length > 0,
    )!;
    const network = {
      asn: 14061,
      city: 'Frankfurt am Main',
      state: 'Hessen',
      countryOrRegion: 'DE',
      latitude: 50.1109,
      longitude: 8.6821,
    };
    const line = workloadSignInLine(model, createRandom(6), {
      ms: Date.parse('2026-09-20T03:04:05.678Z'),
      subMs: 42,
      principal: p,
      ipAddress: '167.99.130.17',
      network,
      resource: model.resources[0]!,
      credential: p.signInCredentials[0]!,
      clientCredentialType: 'clientSecret',
      client: { userAgent: 'python-requests/2.31.0', authLibrary: '' },
      errorCode: 0,
    });
    const r = JSON.parse(line) as SignInRecord & { location: string; callerIpAddress: string };
    assert.equal(r.time, '2026-09-20T03:04:05.6780042Z');
    assert.equal(r.callerIpAddress, '167.99.130.17');
    assert.equal(r.location, 'DE');
    assert.equal(r.properties.location.city, 'Frankfurt am Main');
    assert.equal(r.properties.autonomousSystemNumber, 14061);
    assert.equal(r.properties.servicePrincipalCredentialKeyId, p.signInCredentials[0]!.keyId);
    assert.equal(r.properties.userAgent, 'python-requests/2.31.0');
    assert.deepEqual(r.properties.authenticationProcessingDetails, []);
    assert.equal(r.properties.resourceDisplayName, 'Microsoft Graph');
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFormatFixture } from '../../../test/fixtures/formats/load-format-fixture.ts';
import type { ParseOutcome, SignIn } from '../../domain/index.ts';
import { isJsonObject, type JsonObject } from '../normalise/is-json-object.ts';
import { parseGraphSignIn } from './graph-sign-in.ts';

const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const DEFAULT_TENANT = '11111111-2222-4333-8444-555555555555';

const page = loadFormatFixture('graph-sign-ins-page.json').items.filter(isJsonObject);

function signIn(outcome: ParseOutcome): SignIn {
  if (outcome.kind !== 'record' || outcome.record.type !== 'signIn') assert.fail(JSON.stringify(outcome));
  return outcome.record.value;
}

test('beta service principal sign-ins: GUIDs lower-cased, resourceTenantId as tenant', () => {
  const s = signIn(parseGraphSignIn(page[0]!, DEFAULT_TENANT));
  assert.equal(s.tenantId, TENANT);
  assert.equal(s.kind, 'servicePrincipal');
  assert.equal(s.createdAt, '2025-03-12T08:00:14.330Z');
  assert.equal(s.credentialKeyId, 'c41e9b72-8d3a-4f15-a6e0-2b7d9c5f1e48');
  assert.equal(s.failureReason, 'Other.');
  assert.equal(s.msiType, null);
});

test('an IPv6 source address is canonicalised', () => {
  const s = signIn(parseGraphSignIn(page[1]!, DEFAULT_TENANT));
  assert.equal(s.ipAddress, '2603:1030:20e:3::23c');
  assert.equal(s.credentialType, 'federatedIdentityCredential');
});

test('a failed sign-in without fraction seconds keeps its error code', () => {
  const s = signIn(parseGraphSignIn(page[2]!, DEFAULT_TENANT));
  assert.equal(s.createdAt, '2025-03-12T08:05:51.000Z');
  assert.equal(s.statusCode, 7000222);
  assert.equal(s.asn, 16509);
});

test('managed identity sign-ins are recognised by event type and keep the MSI details', () => {
  const s = signIn(parseGraphSignIn(page[3]!, DEFAULT_TENANT));
  assert.equal(s.kind, 'managedIdentity');
  assert.equal(s.msiType, 'systemAssigned');
  assert.equal(s.ipAddress, null);
  assert.equal(s.asn, null);
});

test('user sign-ins are skipped with their event type', () => {
  assert.deepEqual(parseGraphSignIn(page[4]!, DEFAULT_TENANT), {
    kind: 'skipped',
    format: 'graphSignIn',
    category: 'interactiveUser',
  });
});

test('the kind is inferred from managedServiceIdentity, clientCredentialType or servicePrincipalId', () => {
  const base = { ...page[0]! };
  delete base.signInEventTypes;
  const msi = {
    ...base,
    managedServiceIdentity: { msiType: 'userAssigned', associatedResourceId: '/subscriptions/x' },
  };
  assert.equal(signIn(parseGraphSignIn(msi, DEFAULT_TENANT)).kind, 'managedIdentity');
  assert.equal(
    signIn(parseGraphSignIn({ ...base, clientCredentialType: 'managedIdentity' }, DEFAULT_TENANT)).kind,
    'managedIdentity',
  );
  assert.equal(signIn(parseGraphSignIn(base, DEFAULT_TENANT)).kind, 'servicePrincipal');
  const v1User: JsonObject = {
    ...base,
    servicePrincipalId: '',
    userPrincipalName: 'bob.okafor@contoso.com',
    isInteractive: false,
  };
  assert.deepEqual(parseGraphSignIn(v1User, DEFAULT_TENANT), {
    kind: 'skipped',
    format: 'graphSignIn',
    category: 'nonInteractiveUser',
  });
  assert.deepEqual(parseGraphSignIn({ ...base, servicePrincipalId: '' }, DEFAULT_TENANT), {
    kind: 'quarantined',
    format: 'graphSignIn',
    reason: 'unrecognised sign-in: no signInEventTypes, managed identity, user or servicePrincipalId',
  });
});

test('a sign-in without a status is quarantined', () => {
  assert.deepEqual(parseGraphSignIn({ ...page[0]!, status: undefined }, DEFAULT_TENANT), {
    kind: 'quarantined',
    format: 'graphSignIn',
    reason: 'missing status.errorCode',
  });
  assert.deepEqual(parseGraphSignIn({ ...page[0]!, status: 0 }, DEFAULT_TENANT), {
    kind: 'quarantined',
    format: 'graphSignIn',
    reason: 'invalid status: expected an object, got number 0',
  });
});

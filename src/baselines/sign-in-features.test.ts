import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractSignInFeatures, normaliseAsOrg } from './sign-in-features.ts';
import { GRAPH_RESOURCE, workloadSignIn } from './workload-sign-in.fixture.ts';

test('a workload sign-in yields every compared property in comparable form', () => {
  assert.deepEqual(extractSignInFeatures(workloadSignIn()), {
    ip: '20.73.147.18',
    ipPrefix: '20.73.147.0/24',
    asn: 8075,
    asOrg: 'microsoft corporation',
    country: 'NL',
    hosting: true,
    hostingProvider: 'Microsoft',
    resource: GRAPH_RESOURCE,
    userAgentProduct: 'azsdk-python-identity',
    userAgentMajor: '1',
    userAgent: 'azsdk-python-identity/1',
    credentialType: 'clientAssertion',
  });
});

test('a managed identity sign-in without address or user agent has nulls there', () => {
  const features = extractSignInFeatures(
    workloadSignIn({
      kind: 'managedIdentity',
      ipAddress: null,
      asn: null,
      asOrg: null,
      country: null,
      hosting: null,
      hostingProvider: null,
      userAgent: null,
      credentialType: 'managedIdentity',
    }),
  );
  assert.equal(features.ip, null);
  assert.equal(features.ipPrefix, null);
  assert.equal(features.hosting, null);
  assert.equal(features.userAgent, null);
  assert.equal(features.userAgentProduct, null);
  assert.equal(features.credentialType, 'managedIdentity');
});

test('an IPv6 address compares by its /48', () => {
  const features = extractSignInFeatures(workloadSignIn({ ipAddress: '2603:1020:203:3::1b' }));
  assert.equal(features.ip, '2603:1020:203:3::1b');
  assert.equal(features.ipPrefix, '2603:1020:203::/48');
});

test('a certificate and a client assertion are one credential type; a secret is another', () => {
  const cert = extractSignInFeatures(workloadSignIn({ credentialType: 'certificate' }));
  const assertion = extractSignInFeatures(workloadSignIn({ credentialType: 'clientAssertion' }));
  const secret = extractSignInFeatures(workloadSignIn({ credentialType: 'clientSecret' }));
  assert.equal(cert.credentialType, assertion.credentialType);
  assert.notEqual(secret.credentialType, assertion.credentialType);
});

test('AS organisations spelled differently by the data compare equal', () => {
  assert.equal(normaliseAsOrg('Amazon.com, Inc.'), 'amazon com inc');
  assert.equal(normaliseAsOrg('AMAZON.COM, INC.'), 'amazon com inc');
  assert.equal(normaliseAsOrg('DigitalOcean, LLC'), 'digitalocean llc');
  assert.equal(normaliseAsOrg(' -- '), null);
});

test('the same user agent text gives the same answer when seen again', () => {
  const first = extractSignInFeatures(workloadSignIn({ userAgent: 'curl/8.4.0' }));
  const again = extractSignInFeatures(workloadSignIn({ userAgent: 'curl/8.4.0' }));
  assert.equal(first.userAgent, 'curl/8');
  assert.equal(again.userAgent, 'curl/8');
});

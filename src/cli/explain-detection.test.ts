import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainDetection } from './explain-detection.ts';

test('a lowered suspicious sign-in reads as what was new, the change before it, and the evidence', () => {
  const text = explainDetection({
    riskEventType: 'suspiciousSignins',
    riskLevel: 'medium',
    riskState: 'atRisk',
    servicePrincipalDisplayName: 'payroll-export',
    servicePrincipalId: 'b82f5c17-6d4e-4a39-8c1b-0e7a3f9d2c58',
    appId: '3f1c9a2e-7b4d-4e8a-9c6f-1d2e3f4a5b6c',
    activityDateTime: '2026-08-08T09:00:00Z',
    detectedDateTime: '2026-08-08T09:05:00Z',
    lastUpdatedDateTime: '2026-08-08T09:05:00Z',
    ipAddress: '52.33.12.40',
    location: { city: 'Boardman', countryOrRegion: 'US' },
    keyIds: ['5e0c8a3b-7f21-4d6e-9a14-2b8c7d3f1e60'],
    additionalInfo: JSON.stringify([
      { Key: 'reason', Value: 'Sign-ins with a network (ASN) of another owner.' },
      {
        Key: 'unusual',
        Value: [
          {
            property: 'asn',
            value: '16509',
            weight: 'strong',
            familiarOwner: null,
            baseline: [{ value: '8075', count: 120 }],
            valuesInBaseline: 1,
          },
        ],
      },
      {
        Key: 'network',
        Value: { ipAddress: '52.33.12.40', asn: 16509, asOrg: 'AMAZON-02', country: 'US', provider: null },
      },
      {
        Key: 'relatedChanges',
        Value: [
          {
            at: '2026-08-08T07:45:00Z',
            kind: 'credentialAdded',
            keyId: '5e0c8a3b-7f21-4d6e-9a14-2b8c7d3f1e60',
            actor: 'platform-admin@contoso.com',
            activity: 'Update application \u2013 Certificates and secrets management ',
            auditId: 'Directory_abc_1',
            authorised: true,
          },
        ],
      },
      { Key: 'riskLoweredFrom', Value: 'high' },
      { Key: 'contributingSignInIds', Value: ['m0', 'm20'] },
    ]),
  });
  assert.match(text, /^suspiciousSignins — medium risk, atRisk/);
  assert.match(text, /from {8}52\.33\.12\.40 \(Boardman, US\)/);
  assert.match(text, /asn 16509 \(strong\)\n {6}baseline: 8075 ×120/);
  assert.match(text, /network: ipAddress 52\.33\.12\.40, asn 16509, asOrg AMAZON-02, country US\n/);
  assert.match(
    text,
    /2026-08-08T07:45:00Z {2}credentialAdded 5e0c8a3b-7f21-4d6e-9a14-2b8c7d3f1e60 by platform-admin@contoso\.com — routine\n {6}Update application – Certificates and secrets management \(audit Directory_abc_1\)/,
  );
  assert.match(text, /riskLoweredFrom: high/);
  assert.match(text, /Contributing sign-ins \(2\):\n {4}m0\n {4}m20/);
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCef } from '../../../test/support/parse-cef.ts';
import {
  auditRecord,
  detectionRecord,
  riskChangeRecord,
  SAMPLE_TENANT,
  signInRecord,
} from '../../../test/support/sample-export-records.ts';
import { cefOf, cefSeverityOf, escapeExtension, escapeHeader } from './cef.ts';

// Everything CEF must escape, and what it must leave alone, in one string.
const HOSTILE = 'pay|roll = "x" \\ back\\slash\nline two\r\nthree cs1=forged é 中文 😀 end\\';

describe('cefOf', () => {
  test('a detection: signature the riskEventType, severity from the level, the principal, app, address and keys', () => {
    const record = detectionRecord();
    const cef = parseCef(cefOf(record));
    assert.equal(cef.version, '0');
    assert.equal(cef.vendor, 'Vigil');
    assert.equal(cef.product, 'Vigil');
    assert.match(cef.deviceVersion, /^\d+\.\d+\.\d+/);
    assert.equal(cef.signature, 'suspiciousSignins');
    assert.equal(cef.name, 'Suspicious sign-ins');
    assert.equal(cef.severity, '6');
    assert.deepEqual(cef.extensions, {
      rt: String(Date.parse('2025-03-12T11:20:00.000Z')),
      start: String(Date.parse('2025-03-12T10:58:41.377Z')),
      cat: 'ServicePrincipalRiskEvents',
      externalId: '5b0c8e3f1a7d4c2e9b6f0a3d8c1e7b4f2a9d6c0e3b8f1a5d7c2e',
      suid: 'e7d3a1c9-5b8f-4e26-a0c4-9d2f6b3e8a17',
      suser: 'contoso-payroll-export',
      src: '185.220.101.47',
      reason: 'none',
      msg: 'Sign-ins from a network (ASN) and country the principal had not used.',
      cs1Label: 'appId',
      cs1: 'b4f1c8e3-6a2d-4d97-8e50-3c9a7f1d2b64',
      cs2Label: 'keyIds',
      cs2: '9d9fea30-d8e3-481b-b57c-0ef569a989e5',
      cs3Label: 'riskState',
      cs3: 'atRisk',
      cs4Label: 'recordId',
      cs4: record.id,
      cs5Label: 'riskLevel',
      cs5: 'medium',
      cs6Label: 'tenantId',
      cs6: SAMPLE_TENANT,
    });
  });

  test('several key ids are comma-joined; a detection Vigil alone raises is named by its detection', () => {
    const cef = parseCef(
      cefOf(
        detectionRecord({
          risk_event_type: 'unusualCredentialAddition',
          risk_level: 'high',
          key_ids: JSON.stringify([
            '9d9fea30-d8e3-481b-b57c-0ef569a989e5',
            '1c4e7a2b-3d5f-4b86-9e0a-c2f8d6b4a193',
          ]),
          ip_address: null,
        }),
      ),
    );
    assert.equal(cef.signature, 'unusualCredentialAddition');
    assert.equal(cef.name, 'Unusual addition of credentials');
    assert.equal(cef.severity, '9');
    assert.equal(
      cef.extensions.cs2,
      '9d9fea30-d8e3-481b-b57c-0ef569a989e5,1c4e7a2b-3d5f-4b86-9e0a-c2f8d6b4a193',
    );
    assert.equal(cef.extensions.src, undefined);
  });

  test('a risk change: signature riskyServicePrincipal, named for the new state, who made it', () => {
    const record = riskChangeRecord({
      risk_level: 'none',
      risk_state: 'dismissed',
      risk_detail: 'adminDismissedAllRiskForServicePrincipal',
      initiated_by: 'c9e2a7f4-5b1d-4e83-9a6c-0d3f8b2e7a15',
      activity_detail: 'adminDismissedAllRiskForServicePrincipal',
      activity_risk_event_types: JSON.stringify(['suspiciousSignins', 'leakedCredentials']),
    });
    const cef = parseCef(cefOf(record));
    assert.equal(cef.signature, 'riskyServicePrincipal');
    assert.equal(cef.name, 'Service principal risk dismissed');
    assert.equal(cef.severity, '1');
    assert.equal(cef.extensions.suid, 'e7d3a1c9-5b8f-4e26-a0c4-9d2f6b3e8a17');
    assert.equal(cef.extensions.suser, 'contoso-payroll-export');
    assert.equal(cef.extensions.reason, 'adminDismissedAllRiskForServicePrincipal');
    assert.equal(cef.extensions.cs2, 'suspiciousSignins,leakedCredentials');
    assert.equal(cef.extensions.cs3, 'dismissed');
    assert.equal(cef.extensions.cs5, 'none');
    assert.equal(cef.extensions.flexString1Label, 'initiatedBy');
    assert.equal(cef.extensions.flexString1, 'c9e2a7f4-5b1d-4e83-9a6c-0d3f8b2e7a15');
    assert.equal(cef.extensions.rt, String(Date.parse('2025-03-12T11:20:00.000Z')));
  });

  test('sign-ins: one signature per kind, outcome and reason from the status, the resource and user agent', () => {
    const ok = parseCef(cefOf(signInRecord('servicePrincipal')));
    assert.equal(ok.signature, 'servicePrincipalSignIn');
    assert.equal(ok.name, 'Service principal sign-in succeeded');
    assert.equal(ok.severity, '1');
    assert.equal(ok.extensions.outcome, 'success');
    assert.equal(ok.extensions.reason, undefined);
    assert.equal(ok.extensions.src, '185.220.101.47');
    assert.equal(ok.extensions.requestClientApplication, 'python-requests/2.31.0');
    assert.equal(ok.extensions.cs2, '9d9fea30-d8e3-481b-b57c-0ef569a989e5');
    assert.equal(ok.extensions.cs3Label, 'resource');
    assert.equal(ok.extensions.cs3, 'Microsoft Graph');
    assert.equal(ok.extensions.cs5, '00000003-0000-0000-c000-000000000000');
    assert.equal(ok.extensions.cn1Label, 'errorCode');
    assert.equal(ok.extensions.cn1, '0');
    assert.equal(ok.extensions.cn2, '208294');

    const failed = parseCef(
      cefOf(
        signInRecord('managedIdentity', {
          status_code: 7000215,
          failure_reason:
            'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.',
        }),
      ),
    );
    assert.equal(failed.signature, 'managedIdentitySignIn');
    assert.equal(failed.name, 'Managed identity sign-in failed');
    assert.equal(failed.severity, '3');
    assert.equal(failed.extensions.outcome, 'failure');
    assert.match(failed.extensions.reason ?? '', /^Invalid client secret/);
    assert.equal(failed.extensions.cn1, '7000215');
    assert.equal(failed.extensions.suser, 'vm-batch-runner-01');
    assert.equal(failed.extensions.src, undefined);
    assert.equal(failed.extensions.cat, 'ManagedIdentitySignInLogs');
  });

  test('an audit event: signature the activity as Entra wrote it, actor, target, IPv6 address and added key', () => {
    const record = auditRecord();
    const cef = parseCef(cefOf(record));
    assert.equal(cef.signature, 'Update application \u2013 Certificates and secrets management ');
    assert.equal(cef.severity, '1');
    assert.equal(cef.extensions.suid, 'c9e2a7f4-5b1d-4e83-9a6c-0d3f8b2e7a15');
    assert.equal(cef.extensions.suser, 'alice.wong@contoso.com');
    assert.equal(cef.extensions.duid, '3a8f5c1e-7d2b-4e94-b6a0-c5e9d1f7b382');
    assert.equal(cef.extensions.duser, 'contoso-payroll-export');
    // CEF types src as IPv4: an IPv6 client goes to the IPv6 source field.
    assert.equal(cef.extensions.src, undefined);
    assert.equal(cef.extensions.c6a2Label, 'Source IPv6 Address');
    assert.equal(cef.extensions.c6a2, '2a02:a46f:ff52:0:5d4b:1c2e:9f3a:7b61');
    assert.equal(cef.extensions.cs2, '9d9fea30-d8e3-481b-b57c-0ef569a989e5');
    assert.equal(cef.extensions.outcome, 'success');
    assert.equal(cef.extensions.act, 'Update');
    assert.equal(cef.extensions.cs3, 'ApplicationManagement');
    assert.equal(cef.extensions.cs4, record.id);
    // An empty resultReason is no reason.
    assert.equal(cef.extensions.reason, undefined);
  });

  test('hostile values survive escaping exactly: pipes, equals, backslashes, line breaks, unicode', () => {
    const record = detectionRecord(
      {
        additional_info: JSON.stringify([{ Key: 'reason', Value: HOSTILE }]),
        key_ids: JSON.stringify(['a=b', 'c\\d']),
      },
      { display_name: HOSTILE, app_id: '|||' },
    );
    const line = cefOf(record);
    assert.doesNotMatch(line, /[\r\n]/, 'one line');
    const cef = parseCef(line);
    assert.equal(cef.extensions.suser, HOSTILE);
    assert.equal(cef.extensions.msg, HOSTILE);
    assert.equal(cef.extensions.cs1, '|||');
    assert.equal(cef.extensions.cs2, 'a=b,c\\d');
    // The forged key inside a value stays inside it.
    assert.equal(cef.extensions.cs1Label, 'appId');
    assert.equal(Object.keys(cef.extensions).filter((k) => k === 'cs1').length, 1);
  });

  test('hostile header fields: pipes and backslashes escaped, line breaks (not allowed there) become spaces', () => {
    const activity = 'Add | remove \\ owner\nnext';
    const cef = parseCef(cefOf(auditRecord({ activity_display_name: activity })));
    assert.equal(cef.signature, 'Add | remove \\ owner next');
    assert.equal(cef.name, 'Add | remove \\ owner next');
    assert.equal(cef.severity, '1');
    assert.equal(cef.extensions.cs4, 'Directory_9b4f2d6a-7e1c-4b58-a3d0-8f5e2c9b1a76_RT6YC_20573184');
  });

  test('control characters CEF cannot carry become spaces', () => {
    const cef = parseCef(
      cefOf(signInRecord('servicePrincipal', { user_agent: 'curl/8.5\u0000\t\u001b[31m' })),
    );
    assert.equal(cef.extensions.requestClientApplication, 'curl/8.5   [31m');
  });

  test('something that is not an IP address is left out rather than sent as one', () => {
    const cef = parseCef(cefOf(signInRecord('servicePrincipal', { ip_address: '10.0.0.1:443' })));
    assert.equal(cef.extensions.src, undefined);
    assert.equal(cef.extensions.c6a2, undefined);
  });

  test('no event time: rt falls back to the record time', () => {
    const record = riskChangeRecord();
    record.envelope.properties.riskLastUpdatedDateTime = null;
    assert.equal(parseCef(cefOf(record)).extensions.rt, String(Date.parse(record.time)));
  });
});

describe('cefSeverityOf', () => {
  test('risk levels: none 1, low 3, medium 6, high 9, hidden and unknown 5', () => {
    const levels: Record<string, number> = {
      none: 1,
      low: 3,
      medium: 6,
      high: 9,
      hidden: 5,
      unknownFutureValue: 5,
    };
    for (const [level, severity] of Object.entries(levels)) {
      assert.equal(cefSeverityOf(detectionRecord({ risk_level: level })), severity, level);
      assert.equal(cefSeverityOf(riskChangeRecord({ risk_level: level })), severity, level);
    }
  });

  test('audit events: a failure is 3, a success 1', () => {
    assert.equal(cefSeverityOf(auditRecord({ result: 'failure' })), 3);
    assert.equal(cefSeverityOf(auditRecord()), 1);
  });
});

describe('escaping', () => {
  test('header: backslash and pipe', () => {
    assert.equal(escapeHeader('a|b\\c=d'), 'a\\|b\\\\c=d');
  });

  test('extension values: backslash, equals, line breaks; pipes as they are', () => {
    assert.equal(escapeExtension('a=b\\c\nd\re|f'), 'a\\=b\\\\c\\nd\\re|f');
  });
});

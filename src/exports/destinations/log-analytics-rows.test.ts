import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SignIn } from '../../domain/index.ts';
import { parseLogAnalyticsRow } from '../../ingest/formats/log-analytics.ts';
import type { ExportRecord } from '../destination.ts';
import {
  exportRecordsOfEveryCategory,
  FIXTURE_TENANT,
  INVOICE_APP,
  INVOICE_SP,
  LEAKED_KEY_ID,
  secretAddition,
} from './export-records.fixture.ts';
import { rowOf, tableOfCategory } from './log-analytics-rows.ts';

// Columns of the Azure Monitor table reference (spec/graph.md §4.2, §5.4, §6), without the
// workspace's own _BilledSize and _IsBillable.
const RISKY_COLUMNS = [
  'AccountEnabled',
  'AppId',
  'CorrelationId',
  'DisplayName',
  'Id',
  'IsProcessing',
  'OperationName',
  'RiskDetail',
  'RiskLastUpdatedDateTime',
  'RiskLevel',
  'RiskState',
  'ServicePrincipalType',
  'SourceSystem',
  'TenantId',
  'TimeGenerated',
  'Type',
];
const RISK_EVENT_COLUMNS = [
  'Activity',
  'ActivityDateTime',
  'AdditionalInfo',
  'AppId',
  'CorrelationId',
  'DetectedDateTime',
  'DetectionTimingType',
  'Id',
  'IpAddress',
  'KeyIds',
  'LastUpdatedDateTime',
  'Location',
  'OperationName',
  'RequestId',
  'RiskDetail',
  'RiskEventType',
  'RiskLevel',
  'RiskState',
  'ServicePrincipalDisplayName',
  'ServicePrincipalId',
  'Source',
  'SourceSystem',
  'TenantId',
  'TimeGenerated',
  'TokenIssuerType',
  'Type',
];
const SIGN_IN_COLUMNS = [
  'AppId',
  'AuthenticationContextClassReferences',
  'AuthenticationProcessingDetails',
  'Category',
  'ConditionalAccessPolicies',
  'ConditionalAccessStatus',
  'CorrelationId',
  'DurationMs',
  'FederatedCredentialId',
  'Id',
  'Identity',
  'IPAddress',
  'Level',
  'Location',
  'LocationDetails',
  'OperationName',
  'OperationVersion',
  'ResourceDisplayName',
  'ResourceGroup',
  'ResourceIdentity',
  'ResourceServicePrincipalId',
  'ResultDescription',
  'ResultSignature',
  'ResultType',
  'ServicePrincipalCredentialKeyId',
  'ServicePrincipalCredentialThumbprint',
  'ServicePrincipalId',
  'ServicePrincipalName',
  'SourceSystem',
  'TenantId',
  'TimeGenerated',
  'Type',
  'UniqueTokenIdentifier',
];
const AUDIT_COLUMNS = [
  'AADOperationType',
  'AADTenantId',
  'ActivityDateTime',
  'ActivityDisplayName',
  'AdditionalDetails',
  'Category',
  'CorrelationId',
  'DurationMs',
  'Id',
  'Identity',
  'InitiatedBy',
  'Level',
  'Location',
  'LoggedByService',
  'OperationName',
  'OperationVersion',
  'Resource',
  'ResourceGroup',
  'ResourceId',
  'ResourceProvider',
  'Result',
  'ResultDescription',
  'ResultReason',
  'ResultSignature',
  'ResultType',
  'SourceSystem',
  'TargetResources',
  'TimeGenerated',
  'Type',
];

const records = exportRecordsOfEveryCategory();
const byCategory = (category: ExportRecord['category']) => {
  const found = records.find((r) => r.category === category);
  assert.ok(found, category);
  return found;
};

describe('Log Analytics rows', () => {
  test('a risky service principal fills every AADRiskyServicePrincipals column', () => {
    const row = rowOf(byCategory('RiskyServicePrincipals'));
    assert.deepEqual(Object.keys(row).sort(), [...RISKY_COLUMNS].sort());
    assert.deepEqual(row, {
      AccountEnabled: true,
      AppId: INVOICE_APP,
      CorrelationId: null,
      DisplayName: 'invoice-sync-prod',
      Id: INVOICE_SP,
      IsProcessing: false,
      OperationName: 'Risky service principal',
      RiskDetail: 'none',
      RiskLastUpdatedDateTime: '2025-03-12T10:15:31.000Z',
      RiskLevel: 'high',
      RiskState: 'atRisk',
      ServicePrincipalType: 'Application',
      SourceSystem: 'Vigil',
      TenantId: FIXTURE_TENANT,
      TimeGenerated: '2025-03-12T10:15:31.000Z',
      Type: 'AADRiskyServicePrincipals',
    });
  });

  test('a v1.0 object (isEnabled, no accountEnabled) still fills AccountEnabled', () => {
    const r = structuredClone(byCategory('RiskyServicePrincipals'));
    delete r.envelope.properties.accountEnabled;
    r.envelope.properties.isEnabled = false;
    assert.equal(rowOf(r).AccountEnabled, false);
  });

  test('a risk detection fills every AADServicePrincipalRiskEvents column, dynamic ones as JSON values', () => {
    const row = rowOf(byCategory('ServicePrincipalRiskEvents'));
    assert.deepEqual(Object.keys(row).sort(), [...RISK_EVENT_COLUMNS].sort());
    assert.equal(row.Type, 'AADServicePrincipalRiskEvents');
    assert.equal(row.RiskEventType, 'leakedCredentials');
    assert.equal(row.Activity, 'servicePrincipal');
    assert.equal(row.ServicePrincipalId, INVOICE_SP);
    assert.equal(row.ServicePrincipalDisplayName, 'invoice-sync-prod');
    assert.equal(row.TokenIssuerType, 'AzureAD');
    assert.equal(row.DetectionTimingType, 'offline');
    assert.equal(row.DetectedDateTime, '2025-03-12T10:15:31.000Z');
    // Graph serialises additionalInfo as a string; the column is dynamic, so it goes parsed.
    assert.deepEqual(row.AdditionalInfo, [
      { Key: 'alertUrl', Value: null },
      { Key: 'leakUrl', Value: 'https://github.com/example/invoice-tools/blob/4f2a9c1/.env' },
    ]);
    assert.deepEqual(row.KeyIds, [LEAKED_KEY_ID]);
    assert.equal(row.Location, null);
    assert.equal(row.IpAddress, null);
  });

  test('a detection with a location keeps it as an object; unparsable additionalInfo stays text', () => {
    const r = structuredClone(byCategory('ServicePrincipalRiskEvents'));
    const location = {
      city: 'Berlin',
      state: 'Berlin',
      countryOrRegion: 'DE',
      geoCoordinates: { altitude: null, latitude: 52.52, longitude: 13.405 },
    };
    r.envelope.properties.location = location;
    r.envelope.properties.ipAddress = '185.220.101.47';
    r.envelope.properties.additionalInfo = 'not json';
    const row = rowOf(r);
    assert.deepEqual(row.Location, location);
    assert.equal(row.IpAddress, '185.220.101.47');
    assert.equal(row.AdditionalInfo, 'not json');
  });

  test('sign-in rows use only table columns, nested objects as JSON text, and read back as the same sign-in', () => {
    for (const category of ['ServicePrincipalSignInLogs', 'ManagedIdentitySignInLogs'] as const) {
      const record = byCategory(category);
      const row = rowOf(record);
      assert.equal(row.Type, tableOfCategory[category]);
      for (const column of Object.keys(row))
        assert.ok(SIGN_IN_COLUMNS.includes(column), `${category}.${column}`);
      assert.ok(!('_BilledSize' in row) && !('_IsBillable' in row));
      for (const column of ['LocationDetails', 'ConditionalAccessPolicies']) {
        assert.ok(row[column] === null || typeof row[column] === 'string', `${column} is JSON text`);
      }
      // Vigil's own Log Analytics import reads what the export wrote.
      const parsed = parseLogAnalyticsRow(
        JSON.parse(JSON.stringify(row)),
        '00000000-0000-0000-0000-000000000000',
      );
      assert.equal(parsed.kind, 'record', JSON.stringify(parsed));
      if (parsed.kind !== 'record' || parsed.record.type !== 'signIn') return;
      const p = record.envelope.properties;
      const back: SignIn = parsed.record.value;
      assert.equal(back.id, p.id);
      assert.equal(back.createdAt, p.createdDateTime);
      assert.equal(back.servicePrincipalId, p.servicePrincipalId);
      assert.equal(back.servicePrincipalName, p.servicePrincipalName);
      assert.equal(back.appId, p.appId);
      assert.equal(back.ipAddress, p.ipAddress);
      assert.equal(back.resourceId, p.resourceId);
      assert.equal(back.credentialKeyId, p.servicePrincipalCredentialKeyId);
      assert.equal(back.statusCode, 0);
      assert.equal(back.conditionalAccessStatus, p.conditionalAccessStatus);
      assert.equal(back.correlationId, p.correlationId);
    }
    const sp = rowOf(byCategory('ServicePrincipalSignInLogs'));
    assert.equal(sp.Location, 'DE');
    assert.deepEqual(JSON.parse(String(sp.LocationDetails)), {
      city: 'Berlin',
      state: 'Berlin',
      countryOrRegion: 'DE',
      geoCoordinates: null,
    });
    assert.equal(sp.ResultType, '0');
    assert.equal(sp.ServicePrincipalCredentialKeyId, LEAKED_KEY_ID);
    assert.equal(sp.ResourceIdentity, '00000003-0000-0000-c000-000000000000');
    assert.equal(JSON.parse(String(sp.ConditionalAccessPolicies))[0].result, 'reportOnlyFailure');
  });

  test('a failed sign-in carries its error code as ResultType and its reason as ResultDescription', () => {
    const r = structuredClone(byCategory('ServicePrincipalSignInLogs'));
    r.envelope.properties.status = {
      errorCode: 7000215,
      failureReason: 'Invalid client secret provided.',
      additionalDetails: null,
    };
    delete r.envelope.resultType;
    const row = rowOf(r);
    assert.equal(row.ResultType, '7000215');
    assert.equal(row.ResultDescription, 'Invalid client secret provided.');
  });

  test('an audit row uses only AuditLogs columns, dynamic columns as values, and reads back as the same event', () => {
    const record = byCategory('AuditLogs');
    const row = rowOf(record);
    for (const column of Object.keys(row)) assert.ok(AUDIT_COLUMNS.includes(column), `AuditLogs.${column}`);
    assert.equal(row.Type, 'AuditLogs');
    assert.equal(row.AADTenantId, FIXTURE_TENANT);
    assert.equal(row.AADOperationType, 'Update');
    assert.equal(row.OperationName, secretAddition.activityDisplayName);
    assert.equal(row.Identity, 'dana.whitfield@contoso.com');
    assert.equal(row.ResourceId, `/tenants/${FIXTURE_TENANT}/providers/Microsoft.aadiam`);
    assert.ok(Array.isArray(row.TargetResources));
    assert.ok(typeof row.InitiatedBy === 'object' && row.InitiatedBy !== null);

    const parsed = parseLogAnalyticsRow(
      JSON.parse(JSON.stringify(row)),
      '00000000-0000-0000-0000-000000000000',
    );
    assert.equal(parsed.kind, 'record', JSON.stringify(parsed));
    if (parsed.kind !== 'record' || parsed.record.type !== 'audit') return;
    const back = parsed.record.value;
    assert.equal(back.tenantId, FIXTURE_TENANT);
    assert.equal(back.id, secretAddition.id);
    assert.equal(back.activityDisplayName, secretAddition.activityDisplayName);
    assert.equal(back.activityDateTime, secretAddition.activityDateTime);
    assert.equal(back.initiatedBy.userPrincipalName, 'dana.whitfield@contoso.com');
    assert.deepEqual(back.targets[0]?.modifiedProperties, secretAddition.targets[0]?.modifiedProperties);
  });

  test('an audit by an app names the app as Identity', () => {
    const r = structuredClone(byCategory('AuditLogs'));
    r.envelope.properties.initiatedBy = {
      user: null,
      app: {
        appId: INVOICE_APP,
        displayName: 'invoice-sync-prod',
        servicePrincipalId: INVOICE_SP,
        servicePrincipalName: 'invoice-sync-prod',
      },
    };
    assert.equal(rowOf(r).Identity, 'invoice-sync-prod');
  });
});

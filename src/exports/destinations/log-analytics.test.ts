import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  defaultStreamOf,
  ingestionUrl,
  type LogAnalyticsSettings,
  logAnalyticsDestination,
  tokenUrl,
} from './log-analytics.ts';

const DCR = 'dcr-7f3a9c1e5b2d4f6a8c0e2b4d6f8a1c3e';
const ENDPOINT = 'https://vigil-dce-x1y2.westeurope-1.ingest.monitor.azure.com';
const TENANT = '6c1f4e2a-9b3d-4f7e-8a21-5d0c3b7e9f14';
const CLIENT = '9a4c2e6f-1b3d-4f5a-8c7e-0d2b4f6a8c1e';
const SECRET = 'Qx~8Q~kR3vN7pL2mW9zT4yB6hJ1cF5dS0aG8eU';

function parse(raw: Record<string, unknown>) {
  return logAnalyticsDestination.parse(raw, 'destinations[3]');
}

function settingsOf(raw: Record<string, unknown>): LogAnalyticsSettings {
  const parsed = parse(raw);
  assert.ok('settings' in parsed, JSON.stringify(parsed));
  return parsed.settings;
}

const credentials = { tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET };

describe('logAnalytics settings', () => {
  test('defaults: Custom-<table> streams, the public cloud authority and Monitor scope', () => {
    const settings = settingsOf({ endpoint: ENDPOINT, dcrImmutableId: DCR, auth: credentials });
    assert.deepEqual(settings, {
      endpoint: ENDPOINT,
      dcrImmutableId: DCR,
      streams: {
        RiskyServicePrincipals: 'Custom-AADRiskyServicePrincipals',
        ServicePrincipalRiskEvents: 'Custom-AADServicePrincipalRiskEvents',
        ServicePrincipalSignInLogs: 'Custom-AADServicePrincipalSignInLogs',
        ManagedIdentitySignInLogs: 'Custom-AADManagedIdentitySignInLogs',
        AuditLogs: 'Custom-AuditLogs',
      },
      auth: {
        ...credentials,
        authorityHost: 'https://login.microsoftonline.com',
        scope: 'https://monitor.azure.com//.default',
      },
      timeoutSeconds: 30,
    });
    assert.equal(defaultStreamOf('AuditLogs'), 'Custom-AuditLogs');
  });

  test('a stream may be renamed per category; a static bearer token replaces client credentials', () => {
    const settings = settingsOf({
      endpoint: `${ENDPOINT}/`,
      dcrImmutableId: DCR,
      streams: { AuditLogs: 'Custom-VigilAuditLogs_CL' },
      auth: { bearerToken: 'eyJ0eXAiOiJKV1QifQ.x.y' },
      timeoutSeconds: 10,
    });
    assert.equal(settings.endpoint, ENDPOINT);
    assert.equal(settings.streams.AuditLogs, 'Custom-VigilAuditLogs_CL');
    assert.equal(settings.streams.RiskyServicePrincipals, 'Custom-AADRiskyServicePrincipals');
    assert.deepEqual(settings.auth, { bearerToken: 'eyJ0eXAiOiJKV1QifQ.x.y' });
  });

  test('refuses bad settings, naming the field', () => {
    const base = { endpoint: ENDPOINT, dcrImmutableId: DCR, auth: credentials };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...base, endpoint: 'http://dce.example.com' }, 'destinations[3].endpoint', /https/],
      [{ ...base, endpoint: `${ENDPOINT}?api-version=1` }, 'destinations[3].endpoint', /query/],
      [{ ...base, dcrImmutableId: 'my-rule' }, 'destinations[3].dcrImmutableId', /dcr- followed by 32 hex/],
      [
        { ...base, streams: { SignInLogs: 'Custom-X' } },
        'destinations[3].streams.SignInLogs',
        /unknown property/,
      ],
      [{ ...base, streams: { AuditLogs: 'AuditLogs' } }, 'destinations[3].streams.AuditLogs', /stream name/],
      [{ endpoint: ENDPOINT, dcrImmutableId: DCR }, 'destinations[3].auth', /is required/],
      [
        { ...base, auth: { ...credentials, bearerToken: 't' } },
        'destinations[3].auth.tenantId',
        /cannot be combined/,
      ],
      [
        { ...base, auth: { tenantId: TENANT, clientId: CLIENT } },
        'destinations[3].auth.clientSecret',
        /is required/,
      ],
      [{ ...base, auth: { ...credentials, clientId: 'app' } }, 'destinations[3].auth.clientId', /GUID/],
      [{ ...base, auth: { ...credentials, tenantId: 'a/b' } }, 'destinations[3].auth.tenantId', /tenant id/],
      [
        { ...base, auth: { ...credentials, authorityHost: 'http://login.example.com' } },
        'destinations[3].auth.authorityHost',
        /https/,
      ],
      [{ ...base, auth: { ...credentials, scope: 'monitor' } }, 'destinations[3].auth.scope', /\.default/],
      [
        { ...base, auth: { ...credentials, password: 'x' } },
        'destinations[3].auth.password',
        /unknown property/,
      ],
      [{ ...base, workspaceId: 'x' }, 'destinations[3].workspaceId', /unknown property/],
    ];
    for (const [raw, field, message] of cases) {
      const result = parse(raw);
      assert.ok('error' in result, JSON.stringify(raw));
      assert.equal(result.error.field, field, JSON.stringify(raw));
      assert.match(result.error.message, message, JSON.stringify(raw));
    }
  });

  test('the client secret and bearer token never show', () => {
    const withSecret = settingsOf({ endpoint: ENDPOINT, dcrImmutableId: DCR, auth: credentials });
    const redacted = logAnalyticsDestination.redact(withSecret);
    assert.deepEqual(redacted.auth, {
      tenantId: TENANT,
      clientId: CLIENT,
      clientSecret: '***',
      authorityHost: 'https://login.microsoftonline.com',
      scope: 'https://monitor.azure.com//.default',
    });
    assert.ok(!JSON.stringify(redacted).includes(SECRET));
    const withToken = settingsOf({
      endpoint: ENDPOINT,
      dcrImmutableId: DCR,
      auth: { bearerToken: 'tok-123' },
    });
    assert.deepEqual(logAnalyticsDestination.redact(withToken).auth, { bearerToken: '***' });
    const destination = logAnalyticsDestination.create(withSecret, { settingName: 'sentinel' });
    assert.equal(destination.label, `logAnalytics:${ENDPOINT}/dataCollectionRules/${DCR}`);
    assert.ok(!destination.label.includes(SECRET));
  });
});

describe('Logs Ingestion URLs', () => {
  test('the ingestion URL names the rule, the stream and the API version', () => {
    assert.equal(
      ingestionUrl({ endpoint: ENDPOINT, dcrImmutableId: DCR }, 'Custom-AADRiskyServicePrincipals').href,
      `${ENDPOINT}/dataCollectionRules/${DCR}/streams/Custom-AADRiskyServicePrincipals?api-version=2023-01-01`,
    );
  });

  test('the token URL is the v2 endpoint of the tenant under the authority', () => {
    assert.equal(
      tokenUrl('https://login.microsoftonline.com', TENANT).href,
      `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
    );
    assert.equal(
      tokenUrl('https://login.microsoftonline.us/', 'contoso.onmicrosoft.us').href,
      'https://login.microsoftonline.us/contoso.onmicrosoft.us/oauth2/v2.0/token',
    );
  });
});

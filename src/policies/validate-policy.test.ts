import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePolicy } from './validate-policy.ts';
import {
  blockOutsideTrustedBody,
  blockRiskyBody,
  principals,
  reportSanctionedBody,
  storedPolicy,
} from './workload-policies.fixture.ts';

const clone = <T>(value: T): T => structuredClone(value);

/** The sample location policy with one part replaced (a path of keys, then the new value). */
function withChange(path: string[], value: unknown): Record<string, unknown> {
  const body = clone(blockOutsideTrustedBody) as Record<string, unknown>;
  let node = body;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return body;
}

/** The refused field for a body, failing the test when the body is accepted. */
function refusedField(body: unknown): { field: string; message: string } {
  const result = validatePolicy(body, 'create');
  if (!('error' in result)) assert.fail(`expected a refusal, got ${JSON.stringify(result.policy)}`);
  return result.error;
}

describe('validatePolicy: accepted bodies', () => {
  it('accepts the documented location sample and stores the operator as Graph writes it', () => {
    const result = validatePolicy(blockOutsideTrustedBody, 'create');
    assert.deepEqual(result, {
      policy: {
        displayName: 'WI: block workload identities outside trusted networks',
        description: null,
        state: 'enabled',
        conditions: {
          applications: { includeApplications: ['All'], excludeApplications: [] },
          clientApplications: {
            includeServicePrincipals: ['ServicePrincipalsInMyTenant'],
            excludeServicePrincipals: [principals.breakGlassDeployer.id],
          },
          servicePrincipalRiskLevels: [],
          locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] },
          users: null,
          clientAppTypes: [],
        },
        grantControls: { operator: 'AND', builtInControls: ['block'] },
      },
    });
  });

  it('accepts the risk-based variant', () => {
    const result = validatePolicy(blockRiskyBody, 'create');
    assert.ok('policy' in result);
    assert.deepEqual(result.policy.conditions.servicePrincipalRiskLevels, ['medium', 'high']);
    assert.equal(result.policy.conditions.locations, null);
  });

  it('accepts the neutral user conditions Terraform writes and keeps them for its read-back', () => {
    const result = validatePolicy(reportSanctionedBody, 'create');
    assert.ok('policy' in result);
    assert.equal(result.policy.state, 'enabledForReportingButNotEnforced');
    assert.deepEqual(result.policy.conditions.users, {
      includeUsers: ['None'],
      excludeUsers: [],
      includeGroups: [],
      excludeGroups: [],
      includeRoles: [],
      excludeRoles: [],
    });
    assert.deepEqual(result.policy.conditions.clientAppTypes, ['all']);
  });

  it('reads keywords in any case and stores them in Graph spelling', () => {
    const body = withChange(
      ['conditions', 'clientApplications', 'includeServicePrincipals'],
      ['servicePrincipalsInMyTenant'],
    );
    (body.conditions as { applications: unknown }).applications = { includeApplications: ['all'] };
    (body.conditions as { locations: unknown }).locations = {
      includeLocations: ['ALL'],
      excludeLocations: ['alltrusted'],
    };
    const result = validatePolicy(body, 'create');
    assert.ok('policy' in result);
    assert.deepEqual(result.policy.conditions.clientApplications.includeServicePrincipals, [
      'ServicePrincipalsInMyTenant',
    ]);
    assert.deepEqual(result.policy.conditions.applications.includeApplications, ['All']);
    assert.deepEqual(result.policy.conditions.locations, {
      includeLocations: ['All'],
      excludeLocations: ['AllTrusted'],
    });
  });

  it('ignores the server-assigned properties a client echoes back from a GET', () => {
    const echoed = {
      ...blockRiskyBody,
      '@odata.context': 'https://vigil.example/beta/$metadata#identity/conditionalAccess/policies/$entity',
      id: '7d1e2f30-4a5b-4c6d-8e7f-90a1b2c3d4e5',
      createdDateTime: '2025-03-02T09:15:00Z',
      modifiedDateTime: null,
      templateId: null,
      sessionControls: null,
    };
    assert.ok('policy' in validatePolicy(echoed, 'create'));
  });
});

describe('validatePolicy: refusals name the field', () => {
  const cases: [string, unknown, string, RegExp?][] = [
    ['a body that is not an object', [blockRiskyBody], '', /The request body must be a JSON object/],
    ['a missing displayName', withChange(['displayName'], undefined), 'displayName', /is required/],
    ['a blank displayName', withChange(['displayName'], '   '), 'displayName', /must not be empty/],
    ['a displayName over 256 characters', withChange(['displayName'], 'x'.repeat(257)), 'displayName'],
    ['a description over 1024 characters', withChange(['description'], 'x'.repeat(1025)), 'description'],
    ['an unknown state', withChange(['state'], 'on'), 'state', /enabledForReportingButNotEnforced/],
    ['a missing state', withChange(['state'], undefined), 'state'],
    [
      'an unknown property',
      withChange(['owner'], 'me'),
      'owner',
      /not a property of conditionalAccessPolicy/,
    ],
    [
      'session controls',
      withChange(['sessionControls'], { signInFrequency: { value: 1 } }),
      'sessionControls',
      /no session controls/,
    ],
    ['missing grant controls', withChange(['grantControls'], undefined), 'grantControls'],
    [
      'an MFA grant control',
      withChange(['grantControls', 'builtInControls'], ['mfa']),
      'grantControls.builtInControls[0]',
      /block grant control only/,
    ],
    [
      'block plus another control',
      withChange(['grantControls', 'builtInControls'], ['block', 'compliantDevice']),
      'grantControls.builtInControls[1]',
    ],
    [
      'no built-in control',
      withChange(['grantControls', 'builtInControls'], []),
      'grantControls.builtInControls',
      /must be \["block"\]/,
    ],
    ['an unknown operator', withChange(['grantControls', 'operator'], 'XOR'), 'grantControls.operator'],
    [
      'terms of use',
      withChange(['grantControls', 'termsOfUse'], ['a0c3f2d1-0000-4000-8000-000000000001']),
      'grantControls.termsOfUse',
    ],
    ['missing conditions', withChange(['conditions'], undefined), 'conditions'],
    [
      'missing client applications',
      withChange(['conditions', 'clientApplications'], undefined),
      'conditions.clientApplications',
      /targets service principals/,
    ],
    [
      'an empty include list of service principals',
      withChange(['conditions', 'clientApplications', 'includeServicePrincipals'], []),
      'conditions.clientApplications.includeServicePrincipals',
    ],
    [
      'a service principal that is not an id',
      withChange(
        ['conditions', 'clientApplications', 'includeServicePrincipals'],
        [principals.billingSync.id, principals.reportExporter.id, 'billing-sync'],
      ),
      'conditions.clientApplications.includeServicePrincipals[2]',
      /must be a GUID or ServicePrincipalsInMyTenant; got "billing-sync"/,
    ],
    [
      'ServicePrincipalsInMyTenant next to an id',
      withChange(
        ['conditions', 'clientApplications', 'includeServicePrincipals'],
        ['ServicePrincipalsInMyTenant', principals.billingSync.id],
      ),
      'conditions.clientApplications.includeServicePrincipals[1]',
      /must be the only entry/,
    ],
    [
      'ServicePrincipalsInMyTenant as an exclusion',
      withChange(
        ['conditions', 'clientApplications', 'excludeServicePrincipals'],
        ['ServicePrincipalsInMyTenant'],
      ),
      'conditions.clientApplications.excludeServicePrincipals[0]',
    ],
    [
      'a service principal filter',
      withChange(['conditions', 'clientApplications', 'servicePrincipalFilter'], {
        mode: 'include',
        rule: 'CustomSecurityAttribute.Team -eq "billing"',
      }),
      'conditions.clientApplications.servicePrincipalFilter',
    ],
    [
      'more than 1000 ids in a list',
      withChange(
        ['conditions', 'clientApplications', 'excludeServicePrincipals'],
        Array.from({ length: 1001 }, () => principals.billingSync.id),
      ),
      'conditions.clientApplications.excludeServicePrincipals',
      /at most 1000/,
    ],
    [
      'an id over 1024 characters',
      withChange(['conditions', 'clientApplications', 'excludeServicePrincipals'], ['x'.repeat(1025)]),
      'conditions.clientApplications.excludeServicePrincipals[0]',
      /at most 1024/,
    ],
    [
      'an unknown risk level',
      withChange(['conditions', 'servicePrincipalRiskLevels'], ['high', 'critical']),
      'conditions.servicePrincipalRiskLevels[1]',
      /low, medium, high, none/,
    ],
    [
      'unknownFutureValue as a risk level',
      withChange(['conditions', 'servicePrincipalRiskLevels'], ['unknownFutureValue']),
      'conditions.servicePrincipalRiskLevels[0]',
    ],
    [
      'a repeated risk level',
      withChange(['conditions', 'servicePrincipalRiskLevels'], ['high', 'medium', 'high']),
      'conditions.servicePrincipalRiskLevels[2]',
      /repeats "high"/,
    ],
    [
      'a location that is neither an id nor a keyword',
      withChange(['conditions', 'locations', 'includeLocations'], ['Everywhere']),
      'conditions.locations.includeLocations[0]',
      /GUID or All or AllTrusted/,
    ],
    [
      'All among location ids',
      withChange(
        ['conditions', 'locations', 'includeLocations'],
        ['b06f92ac-3cf8-4953-b0a7-1dfe88328f1a', 'All'],
      ),
      'conditions.locations.includeLocations[1]',
    ],
    [
      'All as an excluded location',
      withChange(['conditions', 'locations', 'excludeLocations'], ['All']),
      'conditions.locations.excludeLocations[0]',
      /never apply/,
    ],
    [
      'excluded locations without included ones',
      withChange(['conditions', 'locations', 'includeLocations'], []),
      'conditions.locations.includeLocations',
    ],
    [
      'missing applications',
      withChange(['conditions', 'applications'], undefined),
      'conditions.applications',
    ],
    [
      'an empty include list of applications',
      withChange(['conditions', 'applications', 'includeApplications'], []),
      'conditions.applications.includeApplications',
    ],
    [
      'an application keyword Vigil does not know',
      withChange(['conditions', 'applications', 'includeApplications'], ['Office365']),
      'conditions.applications.includeApplications[0]',
    ],
    [
      'All as an excluded application',
      withChange(['conditions', 'applications', 'excludeApplications'], ['All']),
      'conditions.applications.excludeApplications[0]',
    ],
    [
      'user actions',
      withChange(['conditions', 'applications', 'includeUserActions'], ['urn:user:registersecurityinfo']),
      'conditions.applications.includeUserActions',
    ],
    [
      'users that are targeted',
      withChange(['conditions', 'users'], { includeUsers: ['All'] }),
      'conditions.users.includeUsers[0]',
      /targets no users/,
    ],
    [
      'users excluded',
      withChange(['conditions', 'users'], {
        includeUsers: ['None'],
        excludeUsers: ['GuestsOrExternalUsers'],
      }),
      'conditions.users.excludeUsers',
    ],
    [
      'a client app type other than all',
      withChange(['conditions', 'clientAppTypes'], ['browser']),
      'conditions.clientAppTypes[0]',
    ],
    [
      'sign-in risk levels',
      withChange(['conditions', 'signInRiskLevels'], ['high']),
      'conditions.signInRiskLevels',
      /evaluates clientApplications, applications, locations and servicePrincipalRiskLevels only/,
    ],
    ['user risk levels', withChange(['conditions', 'userRiskLevels'], ['high']), 'conditions.userRiskLevels'],
    [
      'platforms',
      withChange(['conditions', 'platforms'], { includePlatforms: ['all'] }),
      'conditions.platforms',
    ],
    [
      'devices',
      withChange(['conditions', 'devices'], {
        deviceFilter: { mode: 'include', rule: 'device.isCompliant -eq True' },
      }),
      'conditions.devices',
    ],
    ['an unknown condition', withChange(['conditions', 'weather'], 'sunny'), 'conditions.weather'],
  ];

  for (const [name, body, field, message] of cases) {
    it(`refuses ${name}`, () => {
      const error = refusedField(body);
      assert.equal(error.field, field);
      assert.ok(error.message.startsWith(field === '' ? 'The request body' : field), error.message);
      if (message) assert.match(error.message, message);
    });
  }
});

describe('validatePolicy: updates', () => {
  const existing = storedPolicy(blockOutsideTrustedBody, '34f8c3a5-2f6b-4a55-9b8e-1c2d3e4f5a60');

  it('merges a PATCH onto the stored policy', () => {
    const result = validatePolicy({ state: 'enabledForReportingButNotEnforced' }, 'update', existing);
    assert.ok('policy' in result);
    assert.equal(result.policy.state, 'enabledForReportingButNotEnforced');
    assert.equal(result.policy.displayName, existing.displayName);
    assert.deepEqual(result.policy.conditions, existing.conditions);
  });

  it('merges partial conditions, as Graph documents, and replaces lists', () => {
    const result = validatePolicy(
      { conditions: { servicePrincipalRiskLevels: ['high'], locations: null } },
      'update',
      existing,
    );
    assert.ok('policy' in result);
    assert.deepEqual(result.policy.conditions.servicePrincipalRiskLevels, ['high']);
    assert.equal(result.policy.conditions.locations, null);
    assert.deepEqual(result.policy.conditions.clientApplications, existing.conditions.clientApplications);
  });

  it('accepts the stored policy sent back whole', () => {
    assert.ok('policy' in validatePolicy(clone(existing), 'update', existing));
  });

  it('refuses a PATCH that leaves the policy invalid, naming the field', () => {
    assert.deepEqual(validatePolicy({ conditions: { clientApplications: null } }, 'update', existing), {
      error: {
        field: 'conditions.clientApplications',
        message:
          'conditions.clientApplications is required: a workload identity policy targets service principals.',
      },
    });
    const blank = validatePolicy({ displayName: '' }, 'update', existing);
    assert.ok('error' in blank);
    assert.equal(blank.error.field, 'displayName');
  });

  it('refuses a __proto__ key as an unknown property instead of merging it into the prototype', () => {
    const result = validatePolicy(JSON.parse('{"__proto__": {"state": "disabled"}}'), 'update', existing);
    assert.ok('error' in result);
    assert.equal(result.error.field, '__proto__');
  });

  it('needs the existing policy', () => {
    assert.throws(() => validatePolicy({}, 'update'), TypeError);
  });
});

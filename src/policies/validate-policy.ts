import type {
  ConditionalAccessApplications,
  ConditionalAccessClientApplications,
  ConditionalAccessConditionSet,
  ConditionalAccessGrantControls,
  ConditionalAccessLocations,
  ConditionalAccessPolicy,
  ConditionalAccessPolicyContent,
  ConditionalAccessPolicyState,
  ConditionalAccessUsers,
  RiskLevel,
} from '../domain/index.ts';
import { catchFieldError, FieldError, type ValidationError } from './field-error.ts';
import {
  checkProperties,
  fieldPath,
  isGuid,
  readDisplayName,
  readObject,
  readString,
  readStringList,
  requireEmpty,
} from './field-readers.ts';
import { mergePatch } from './merge-patch.ts';

/** A policy body that passed validation, or the first field that did not. */
export type PolicyValidation = { policy: ConditionalAccessPolicyContent } | { error: ValidationError };

const STATES: readonly ConditionalAccessPolicyState[] = [
  'enabled',
  'disabled',
  'enabledForReportingButNotEnforced',
];
const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high', 'none'];

// Server-assigned or descriptive properties a client may echo back from a GET; they are ignored.
const ECHOED = ['id', 'createdDateTime', 'modifiedDateTime', 'templateId', '@odata.type', '@odata.context'];
const POLICY_PROPERTIES = new Set([
  ...ECHOED,
  'displayName',
  'description',
  'state',
  'conditions',
  'grantControls',
  'sessionControls',
]);
const APPLICATIONS_PROPERTIES = new Set([
  '@odata.type',
  'includeApplications',
  'excludeApplications',
  'includeUserActions',
  'includeAuthenticationContextClassReferences',
  'applicationFilter',
]);
const CLIENT_APPLICATIONS_PROPERTIES = new Set([
  '@odata.type',
  'includeServicePrincipals',
  'excludeServicePrincipals',
  'servicePrincipalFilter',
  'includeAgentIdServicePrincipals',
  'excludeAgentIdServicePrincipals',
  'agentIdServicePrincipalFilter',
]);
const LOCATIONS_PROPERTIES = new Set(['@odata.type', 'includeLocations', 'excludeLocations']);
const USERS_PROPERTIES = new Set([
  '@odata.type',
  'includeUsers',
  'excludeUsers',
  'includeGroups',
  'excludeGroups',
  'includeRoles',
  'excludeRoles',
  'includeGuestsOrExternalUsers',
  'excludeGuestsOrExternalUsers',
]);
const GRANT_PROPERTIES = new Set([
  '@odata.type',
  'operator',
  'builtInControls',
  'customAuthenticationFactors',
  'termsOfUse',
  'authenticationStrength',
]);

// Conditions of Graph's conditionalAccessConditionSet that describe users, devices or sessions of
// people: a workload identity has none of them, so only their empty form is accepted.
const USER_ONLY_CONDITIONS = [
  'signInRiskLevels',
  'userRiskLevels',
  'insiderRiskLevels',
  'agentIdRiskLevels',
  'platforms',
  'devices',
  'deviceStates',
  'authenticationFlows',
  'times',
];
const CONDITION_PROPERTIES = new Set([
  '@odata.type',
  'applications',
  'clientApplications',
  'locations',
  'servicePrincipalRiskLevels',
  'users',
  'clientAppTypes',
  ...USER_ONLY_CONDITIONS,
]);
const NOT_FOR_WORKLOADS =
  'Conditional Access for workload identities evaluates clientApplications, applications, locations and servicePrincipalRiskLevels only.';
const BLOCK_ONLY =
  'Vigil enforces the block grant control only, as Entra does for workload identities (a service principal cannot satisfy MFA, device or terms-of-use controls), so builtInControls must be ["block"].';

/**
 * Checks a conditionalAccessPolicy body strictly. `create` reads a POST body; `update` merges a PATCH
 * body onto `existing` and checks the result, so a PATCH can never leave an invalid policy behind.
 * Returns the client-set fields in canonical form (keywords and operator spelled as Graph writes them);
 * the caller assigns id and timestamps.
 */
export function validatePolicy(
  body: unknown,
  mode: 'create' | 'update',
  existing?: ConditionalAccessPolicy,
): PolicyValidation {
  return catchFieldError(() => {
    if (mode === 'create') return { policy: readPolicy(body) };
    if (existing === undefined) throw new TypeError('validatePolicy: an update needs the existing policy');
    return { policy: readPolicy(mergePatch(existing, readObject(body, ''))) };
  });
}

function readPolicy(body: unknown): ConditionalAccessPolicyContent {
  const object = readObject(body, '');
  checkProperties(object, '', POLICY_PROPERTIES, 'conditionalAccessPolicy');
  const type = object['@odata.type'];
  if (type !== undefined && type !== null && type !== '#microsoft.graph.conditionalAccessPolicy')
    throw new FieldError('@odata.type', 'must be #microsoft.graph.conditionalAccessPolicy.');
  const displayName = readDisplayName(object.displayName, 'displayName');
  const description =
    object.description === undefined || object.description === null
      ? null
      : readString(object.description, 'description');
  const state = readState(object.state);
  const conditions = readConditions(object.conditions);
  const grantControls = readGrantControls(object.grantControls);
  if (object.sessionControls !== undefined && object.sessionControls !== null)
    throw new FieldError(
      'sessionControls',
      'is not supported: Vigil enforces no session controls for workload identities; send null.',
    );
  return { displayName, description, state, conditions, grantControls };
}

function readState(value: unknown): ConditionalAccessPolicyState {
  const state = readString(value, 'state');
  const found = STATES.find((s) => s === state);
  if (found === undefined) throw new FieldError('state', `must be one of ${STATES.join(', ')}.`);
  return found;
}

function readConditions(value: unknown): ConditionalAccessConditionSet {
  const field = 'conditions';
  const object = readObject(value, field);
  for (const key of Object.keys(object)) {
    if (USER_ONLY_CONDITIONS.includes(key))
      requireEmpty(object[key], fieldPath(field, key), NOT_FOR_WORKLOADS);
  }
  checkProperties(object, field, CONDITION_PROPERTIES, 'conditionalAccessConditionSet');
  if (object.clientApplications === undefined || object.clientApplications === null)
    throw new FieldError(
      'conditions.clientApplications',
      'is required: a workload identity policy targets service principals.',
    );
  return {
    applications: readApplications(object.applications),
    clientApplications: readClientApplications(object.clientApplications),
    servicePrincipalRiskLevels: readRiskLevels(object.servicePrincipalRiskLevels),
    locations: readLocations(object.locations),
    users: readUsers(object.users),
    clientAppTypes: readClientAppTypes(object.clientAppTypes),
  };
}

/**
 * Reads an id list where each entry is a GUID or one of `keywords` (matched in any case, stored in
 * Graph's spelling). A keyword must stand alone: `['All', '<id>']` says two different things at once.
 */
function readIdList(
  value: unknown,
  field: string,
  keywords: readonly string[],
  options: { required: boolean; what: string },
): string[] {
  const list = readStringList(value, field);
  if (options.required && list.length === 0)
    throw new FieldError(field, `is required and must list at least one ${options.what}.`);
  const allowed = keywords.length === 0 ? 'a GUID' : `a GUID or ${keywords.join(' or ')}`;
  const ids = list.map((entry, i) => {
    const keyword = keywords.find((k) => k.toLowerCase() === entry.toLowerCase());
    if (keyword !== undefined) return keyword;
    if (!isGuid(entry)) throw new FieldError(`${field}[${i}]`, `must be ${allowed}; got "${entry}".`);
    return entry;
  });
  const lone = ids.findIndex((id) => keywords.includes(id));
  if (lone >= 0 && ids.length > 1)
    throw new FieldError(
      `${field}[${lone === 0 ? 1 : lone}]`,
      `is not allowed: ${ids[lone]} must be the only entry of ${field}.`,
    );
  return ids;
}

function readApplications(value: unknown): ConditionalAccessApplications {
  const field = 'conditions.applications';
  const object = readObject(value, field);
  checkProperties(object, field, APPLICATIONS_PROPERTIES, 'conditionalAccessApplications');
  for (const key of [
    'includeUserActions',
    'includeAuthenticationContextClassReferences',
    'applicationFilter',
  ])
    requireEmpty(
      object[key],
      fieldPath(field, key),
      'workload identity policies target resources by app id (or All) only.',
    );
  return {
    includeApplications: readIdList(
      object.includeApplications,
      fieldPath(field, 'includeApplications'),
      ['All'],
      {
        required: true,
        what: 'resource app id (or All)',
      },
    ),
    excludeApplications: readIdList(object.excludeApplications, fieldPath(field, 'excludeApplications'), [], {
      required: false,
      what: 'resource app id',
    }),
  };
}

function readClientApplications(value: unknown): ConditionalAccessClientApplications {
  const field = 'conditions.clientApplications';
  const object = readObject(value, field);
  checkProperties(object, field, CLIENT_APPLICATIONS_PROPERTIES, 'conditionalAccessClientApplications');
  for (const key of [
    'servicePrincipalFilter',
    'includeAgentIdServicePrincipals',
    'excludeAgentIdServicePrincipals',
    'agentIdServicePrincipalFilter',
  ])
    requireEmpty(
      object[key],
      fieldPath(field, key),
      'Vigil selects service principals by object id or ServicePrincipalsInMyTenant only.',
    );
  return {
    includeServicePrincipals: readIdList(
      object.includeServicePrincipals,
      fieldPath(field, 'includeServicePrincipals'),
      ['ServicePrincipalsInMyTenant'],
      { required: true, what: 'service principal object id (or ServicePrincipalsInMyTenant)' },
    ),
    excludeServicePrincipals: readIdList(
      object.excludeServicePrincipals,
      fieldPath(field, 'excludeServicePrincipals'),
      [],
      { required: false, what: 'service principal object id' },
    ),
  };
}

function readRiskLevels(value: unknown): RiskLevel[] {
  const field = 'conditions.servicePrincipalRiskLevels';
  const list = readStringList(value, field);
  const levels: RiskLevel[] = [];
  list.forEach((entry, i) => {
    const level = RISK_LEVELS.find((l) => l === entry);
    if (level === undefined)
      throw new FieldError(`${field}[${i}]`, `must be one of ${RISK_LEVELS.join(', ')}; got "${entry}".`);
    if (levels.includes(level)) throw new FieldError(`${field}[${i}]`, `repeats "${level}".`);
    levels.push(level);
  });
  return levels;
}

function readLocations(value: unknown): ConditionalAccessLocations | null {
  if (value === undefined || value === null) return null;
  const field = 'conditions.locations';
  const object = readObject(value, field);
  checkProperties(object, field, LOCATIONS_PROPERTIES, 'conditionalAccessLocations');
  const includeField = fieldPath(field, 'includeLocations');
  const excludeField = fieldPath(field, 'excludeLocations');
  const includeLocations = readIdList(object.includeLocations, includeField, ['All', 'AllTrusted'], {
    required: false,
    what: 'named location id',
  });
  // Exclusions may mix AllTrusted with location ids (the union is plain); excluding All would make
  // the policy apply nowhere, which is a mistake worth naming.
  const excludeLocations = readStringList(object.excludeLocations, excludeField).map((entry, i) => {
    if (entry.toLowerCase() === 'alltrusted') return 'AllTrusted';
    if (entry.toLowerCase() === 'all')
      throw new FieldError(`${excludeField}[${i}]`, 'cannot be All: the policy would never apply.');
    if (!isGuid(entry))
      throw new FieldError(`${excludeField}[${i}]`, `must be a GUID or AllTrusted; got "${entry}".`);
    return entry;
  });
  if (includeLocations.length === 0 && excludeLocations.length > 0)
    throw new FieldError(
      includeField,
      'is required when excludeLocations is set (use ["All"] for any location).',
    );
  return { includeLocations, excludeLocations };
}

function readUsers(value: unknown): ConditionalAccessUsers | null {
  if (value === undefined || value === null) return null;
  const field = 'conditions.users';
  const object = readObject(value, field);
  checkProperties(object, field, USERS_PROPERTIES, 'conditionalAccessUsers');
  const why = 'a workload identity policy targets no users; send includeUsers ["None"] or leave users out.';
  const includeField = fieldPath(field, 'includeUsers');
  const includeUsers = readStringList(object.includeUsers, includeField).map((entry, i) => {
    if (entry.toLowerCase() !== 'none' || i > 0)
      throw new FieldError(`${includeField}[${i}]`, `is not supported: ${why}`);
    return 'None';
  });
  for (const key of ['includeGuestsOrExternalUsers', 'excludeGuestsOrExternalUsers'])
    requireEmpty(object[key], fieldPath(field, key), why);
  const empty = (key: string): string[] => {
    requireEmpty(object[key], fieldPath(field, key), why);
    return [];
  };
  return {
    includeUsers,
    excludeUsers: empty('excludeUsers'),
    includeGroups: empty('includeGroups'),
    excludeGroups: empty('excludeGroups'),
    includeRoles: empty('includeRoles'),
    excludeRoles: empty('excludeRoles'),
  };
}

function readClientAppTypes(value: unknown): 'all'[] {
  const field = 'conditions.clientAppTypes';
  const list = readStringList(value, field);
  list.forEach((entry, i) => {
    if (entry !== 'all' || i > 0)
      throw new FieldError(
        `${field}[${i}]`,
        'is not supported: client app types describe user sign-ins; only ["all"] is accepted.',
      );
  });
  return list.length === 0 ? [] : ['all'];
}

function readGrantControls(value: unknown): ConditionalAccessGrantControls {
  const field = 'grantControls';
  const object = readObject(value, field);
  checkProperties(object, field, GRANT_PROPERTIES, 'conditionalAccessGrantControls');
  for (const key of ['customAuthenticationFactors', 'termsOfUse', 'authenticationStrength'])
    requireEmpty(object[key], fieldPath(field, key), BLOCK_ONLY);
  let operator: 'AND' | 'OR' = 'OR';
  if (object.operator !== undefined && object.operator !== null) {
    const text = readString(object.operator, 'grantControls.operator').toUpperCase();
    if (text !== 'AND' && text !== 'OR') throw new FieldError('grantControls.operator', 'must be AND or OR.');
    operator = text;
  }
  const controlsField = fieldPath(field, 'builtInControls');
  const controls = readStringList(object.builtInControls, controlsField);
  if (controls.length === 0) throw new FieldError(controlsField, `is required: ${BLOCK_ONLY}`);
  controls.forEach((control, i) => {
    if (control.toLowerCase() !== 'block' || i > 0)
      throw new FieldError(`${controlsField}[${i}]`, `is not supported ("${control}"): ${BLOCK_ONLY}`);
  });
  return { operator, builtInControls: ['block'] };
}

import { type TSchema, Type } from 'typebox';

// Response schemas of the Graph routes. They document the API (`/openapi.json`) and drive the
// serialiser, which writes only declared properties: a column added to a query never leaks. Every
// property is optional because `$select` returns a subset.

/**
 * A schema that also allows null, written as a type list rather than `anyOf`: the serialiser
 * writes a type list directly, while `anyOf` makes it validate every value to pick a branch — on a
 * page of a hundred entities, most of the cost of a response.
 */
export function orNull(schema: TSchema): TSchema {
  const plain = JSON.parse(JSON.stringify(schema)) as { type: string };
  return Type.Unsafe({ ...plain, type: [plain.type, 'null'] });
}

const str = Type.String();
const nstr = orNull(Type.String());
const nbool = orNull(Type.Boolean());
const nint = orNull(Type.Integer());
const strings = Type.Array(Type.String());

function entity(title: string, properties: Record<string, TSchema>) {
  const optional: Record<string, TSchema> = {};
  for (const [name, schema] of Object.entries(properties)) optional[name] = Type.Optional(schema);
  return Type.Object(optional, { title });
}

/** A Graph collection page of `item`. */
export function collectionOf(item: TSchema) {
  return Type.Object({
    '@odata.context': str,
    '@odata.count': Type.Optional(Type.Integer()),
    '@odata.nextLink': Type.Optional(str),
    value: Type.Array(item),
  });
}

/** One entity with its `@odata.context`. */
export function singleOf(item: TSchema) {
  return Type.Intersect([Type.Object({ '@odata.context': str }), item]);
}

const riskyFields = {
  id: str,
  appId: nstr,
  displayName: nstr,
  isEnabled: nbool,
  accountEnabled: nbool,
  isProcessing: Type.Boolean(),
  riskLastUpdatedDateTime: nstr,
  riskLevel: str,
  riskState: str,
  riskDetail: str,
  servicePrincipalType: nstr,
};

/** riskyServicePrincipal (`accountEnabled` in beta only). */
export const riskyServicePrincipalSchema = entity('riskyServicePrincipal', riskyFields);

/** riskyServicePrincipalHistoryItem. */
export const historyItemSchema = entity('riskyServicePrincipalHistoryItem', {
  ...riskyFields,
  servicePrincipalId: str,
  initiatedBy: nstr,
  activity: orNull(Type.Object({ riskEventTypes: strings, detail: str })),
});

const geoCoordinates = orNull(
  Type.Object({
    altitude: orNull(Type.Number()),
    latitude: orNull(Type.Number()),
    longitude: orNull(Type.Number()),
  }),
);

const signInLocation = orNull(
  Type.Object({
    city: Type.Optional(nstr),
    state: Type.Optional(nstr),
    countryOrRegion: Type.Optional(nstr),
    geoCoordinates: Type.Optional(geoCoordinates),
  }),
);

/** servicePrincipalRiskDetection (`mitreTechniqueId` in beta only). */
export const riskDetectionSchema = entity('servicePrincipalRiskDetection', {
  id: str,
  requestId: nstr,
  correlationId: nstr,
  riskEventType: str,
  riskState: str,
  riskLevel: str,
  riskDetail: str,
  source: str,
  detectionTimingType: str,
  activity: str,
  tokenIssuerType: str,
  ipAddress: nstr,
  location: signInLocation,
  activityDateTime: str,
  detectedDateTime: str,
  lastUpdatedDateTime: str,
  servicePrincipalId: str,
  servicePrincipalDisplayName: nstr,
  appId: nstr,
  keyIds: strings,
  additionalInfo: str,
  mitreTechniqueId: nstr,
});

/** keyCredential (X.509 certificate). */
export const keyCredential = Type.Object({
  customKeyIdentifier: nstr,
  displayName: nstr,
  endDateTime: nstr,
  key: nstr,
  keyId: str,
  startDateTime: nstr,
  type: nstr,
  usage: nstr,
});

/** passwordCredential (client secret; `secretText` only when added). */
export const passwordCredential = Type.Object({
  customKeyIdentifier: nstr,
  displayName: nstr,
  endDateTime: nstr,
  hint: nstr,
  keyId: str,
  secretText: nstr,
  startDateTime: nstr,
});

/** servicePrincipal, as far as Vigil's inventory knows it. */
export const servicePrincipalSchema = entity('servicePrincipal', {
  id: str,
  appId: nstr,
  displayName: nstr,
  servicePrincipalType: nstr,
  accountEnabled: nbool,
  appOwnerOrganizationId: nstr,
  createdDateTime: nstr,
  keyCredentials: Type.Array(keyCredential),
  passwordCredentials: Type.Array(passwordCredential),
});

/** application, as far as Vigil's inventory knows it. */
export const applicationSchema = entity('application', {
  id: str,
  appId: nstr,
  displayName: nstr,
  signInAudience: nstr,
  createdDateTime: nstr,
  keyCredentials: Type.Array(keyCredential),
  passwordCredentials: Type.Array(passwordCredential),
});

const appliedPolicy = Type.Object({
  id: nstr,
  displayName: nstr,
  enforcedGrantControls: Type.Optional(strings),
  enforcedSessionControls: Type.Optional(strings),
  result: nstr,
});

/** signIn of a service principal or managed identity (beta properties included). */
export const signInSchema = entity('signIn', {
  id: str,
  createdDateTime: str,
  appId: nstr,
  appDisplayName: nstr,
  servicePrincipalId: str,
  servicePrincipalName: nstr,
  ipAddress: nstr,
  location: signInLocation,
  autonomousSystemNumber: nint,
  userAgent: nstr,
  resourceId: nstr,
  resourceDisplayName: nstr,
  resourceServicePrincipalId: nstr,
  clientCredentialType: nstr,
  servicePrincipalCredentialKeyId: nstr,
  servicePrincipalCredentialThumbprint: nstr,
  federatedCredentialId: nstr,
  status: Type.Object({ errorCode: Type.Integer(), failureReason: nstr, additionalDetails: nstr }),
  conditionalAccessStatus: nstr,
  appliedConditionalAccessPolicies: Type.Array(appliedPolicy),
  originalRequestId: nstr,
  correlationId: nstr,
  signInEventTypes: strings,
  isInteractive: Type.Boolean(),
  managedServiceIdentity: orNull(
    Type.Object({
      msiType: str,
      associatedResourceId: nstr,
      federatedTokenId: nstr,
      federatedTokenIssuer: nstr,
    }),
  ),
});

const modifiedProperty = Type.Object({ displayName: nstr, oldValue: nstr, newValue: nstr });

/** directoryAudit. */
export const directoryAuditSchema = entity('directoryAudit', {
  id: str,
  category: nstr,
  correlationId: nstr,
  result: nstr,
  resultReason: nstr,
  activityDisplayName: str,
  activityDateTime: str,
  loggedByService: nstr,
  operationType: nstr,
  initiatedBy: Type.Object({
    user: orNull(Type.Object({ id: nstr, displayName: nstr, userPrincipalName: nstr, ipAddress: nstr })),
    app: orNull(
      Type.Object({ appId: nstr, displayName: nstr, servicePrincipalId: nstr, servicePrincipalName: nstr }),
    ),
  }),
  targetResources: Type.Array(
    Type.Object({
      id: nstr,
      displayName: nstr,
      type: nstr,
      userPrincipalName: nstr,
      groupType: nstr,
      modifiedProperties: Type.Array(modifiedProperty),
    }),
  ),
  additionalDetails: Type.Array(Type.Object({ key: nstr, value: nstr })),
});

/** The body of confirmCompromised and dismiss. */
export const servicePrincipalIdsBody = Type.Object(
  {
    servicePrincipalIds: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 60 }),
  },
  { additionalProperties: false },
);

const idList = Type.Array(Type.String());

/** conditionalAccessPolicy, with the conditions that apply to workload identities. */
export const conditionalAccessPolicySchema = entity('conditionalAccessPolicy', {
  id: str,
  displayName: str,
  description: nstr,
  state: str,
  createdDateTime: str,
  modifiedDateTime: str,
  templateId: nstr,
  conditions: Type.Object({
    applications: Type.Object({ includeApplications: idList, excludeApplications: idList }),
    clientApplications: Type.Object({ includeServicePrincipals: idList, excludeServicePrincipals: idList }),
    servicePrincipalRiskLevels: idList,
    locations: orNull(Type.Object({ includeLocations: idList, excludeLocations: idList })),
    users: orNull(
      Type.Object({
        includeUsers: idList,
        excludeUsers: idList,
        includeGroups: idList,
        excludeGroups: idList,
        includeRoles: idList,
        excludeRoles: idList,
      }),
    ),
    clientAppTypes: idList,
  }),
  grantControls: Type.Object({ operator: str, builtInControls: idList }),
  sessionControls: Type.Null(),
});

/** namedLocation: `ipNamedLocation` or `countryNamedLocation`, told apart by `@odata.type`. */
export const namedLocationSchema = entity('namedLocation', {
  '@odata.type': str,
  id: str,
  displayName: str,
  createdDateTime: str,
  modifiedDateTime: str,
  isTrusted: Type.Boolean(),
  ipRanges: Type.Array(Type.Object({ '@odata.type': str, cidrAddress: str })),
  countriesAndRegions: idList,
  includeUnknownCountriesAndRegions: Type.Boolean(),
  countryLookupMethod: str,
});

/** federatedIdentityCredential of an application. */
export const federatedIdentityCredentialSchema = entity('federatedIdentityCredential', {
  id: str,
  name: nstr,
  issuer: nstr,
  subject: nstr,
  audiences: strings,
  description: nstr,
});

/**
 * Where a credential action went besides Vigil (a Vigil annotation on Graph's result): without a
 * Graph connection, the requests an administrator would run in Entra.
 */
export function withDirectoryRequests(item: TSchema) {
  return Type.Intersect([
    Type.Object({
      '@odata.context': str,
      '@vigil.directoryRequests': Type.Optional(strings),
    }),
    item,
  ]);
}

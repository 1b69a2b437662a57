// Members of the Graph enums that `$filter` literals are checked against (v1.0 CSDL order).

/** riskLevel. */
export const riskLevels = ['low', 'medium', 'high', 'hidden', 'none', 'unknownFutureValue'] as const;

/** riskState. */
export const riskStates = [
  'none',
  'confirmedSafe',
  'remediated',
  'dismissed',
  'atRisk',
  'confirmedCompromised',
  'unknownFutureValue',
] as const;

/** riskDetail: the members a workload identity's risk can carry. */
export const riskDetails = [
  'none',
  'hidden',
  'unknownFutureValue',
  'adminConfirmedServicePrincipalCompromised',
  'adminDismissedAllRiskForServicePrincipal',
] as const;

/** activityType of a detection. */
export const activityTypes = ['signin', 'user', 'unknownFutureValue', 'servicePrincipal'] as const;

/** signInEventTypes of the workload sign-ins Vigil holds. */
export const signInEventTypes = [
  'interactiveUser',
  'nonInteractiveUser',
  'servicePrincipal',
  'managedIdentity',
  'unknownFutureValue',
] as const;

/** clientCredentialType. */
export const clientCredentialTypes = [
  'none',
  'clientSecret',
  'clientAssertion',
  'federatedIdentityCredential',
  'managedIdentity',
  'certificate',
  'unknownFutureValue',
] as const;

/** conditionalAccessStatus. */
export const conditionalAccessStatuses = ['success', 'failure', 'notApplied', 'unknownFutureValue'] as const;

/** operationResult of a directory audit. */
export const operationResults = ['success', 'failure', 'timeout', 'unknownFutureValue'] as const;

// Audit activities (normalised as normaliseActivityName does, then lower-cased) that the credential
// addition detection reads, so the store can select exactly those events.

/**
 * Activities that add or remove credentials. The federated credential names are guesses some rule
 * sets use (no dedicated name is documented); matching them costs nothing.
 */
export const CREDENTIAL_ACTIVITIES: readonly string[] = Object.freeze([
  'add service principal credentials',
  'remove service principal credentials',
  'update application - certificates and secrets management',
  'create application - certificates and secrets management',
  'add federated identity credential',
  'update federated identity credential',
  'delete federated identity credential',
]);

/**
 * Federated identity credential changes most likely appear as `Update application` with a
 * `FederatedIdentityCredentials` property: that activity counts only when its targets mention it.
 */
export const FEDERATED_CREDENTIAL_UPDATE = Object.freeze({
  activity: 'update application',
  text: 'federatedidentitycredential',
});

/** Activities that create the objects credentials are added to. */
export const CREATION_ACTIVITIES: readonly string[] = Object.freeze([
  'add application',
  'add service principal',
]);

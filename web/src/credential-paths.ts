/** Where a credential lives: on the service principal or on its application (the app registration). */
export type CredentialObjectType = 'servicePrincipal' | 'application';

const SETS: Record<CredentialObjectType, string> = {
  servicePrincipal: 'servicePrincipals',
  application: 'applications',
};

/** The Graph path of the object a credential belongs to: `/v1.0/servicePrincipals/{id}`. */
export function objectPath(objectType: CredentialObjectType, objectId: string): string {
  return `/v1.0/${SETS[objectType]}/${encodeURIComponent(objectId)}`;
}

/** Vigil's inventory of a service principal's credentials and its application's, with their use. */
export function inventoryPath(servicePrincipalId: string): string {
  return `/vigil/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/credentials`;
}

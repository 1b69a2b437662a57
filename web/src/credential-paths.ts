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

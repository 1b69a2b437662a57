/** One Microsoft Graph request: what the connector sends, and what a dry run shows. */
export interface DirectoryRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Relative to the Graph root, starting with `/v1.0/`. */
  path: string;
  body?: Record<string, unknown>;
}

/** The directory objects that hold credentials. */
export type DirectoryObjectType = 'servicePrincipal' | 'application';

/**
 * A key credential as Graph returns it from `GET …/{id}?$select=keyCredentials` (the only read that
 * includes `key`): the collection a proof-less key change rewrites.
 */
export type CurrentKeyCredential = Readonly<Record<string, unknown>> & { readonly keyId: string };

/**
 * A change to a directory object, as remediation asks for it. Key changes carry a `proof` (a JWT
 * signed by a current certificate of the object) when one is at hand; without it they rewrite the
 * whole `keyCredentials` collection, so they need `currentKeyCredentials` as Graph returned them.
 */
export type DirectoryAction =
  | {
      kind: 'addPassword';
      objectType: DirectoryObjectType;
      objectId: string;
      passwordCredential: { displayName?: string; endDateTime?: string };
    }
  | { kind: 'removePassword'; objectType: DirectoryObjectType; objectId: string; keyId: string }
  | {
      kind: 'addKey';
      objectType: DirectoryObjectType;
      objectId: string;
      keyCredential: { type: 'AsymmetricX509Cert'; usage: 'Verify'; key: string; displayName?: string };
      proof: string | null;
      currentKeyCredentials?: readonly CurrentKeyCredential[];
    }
  | {
      kind: 'removeKey';
      objectType: DirectoryObjectType;
      objectId: string;
      keyId: string;
      proof: string | null;
      currentKeyCredentials?: readonly CurrentKeyCredential[];
    }
  | {
      kind: 'addFederatedIdentityCredential';
      /** Object id of the application (federated credentials live on applications only). */
      applicationId: string;
      credential: {
        name: string;
        issuer: string;
        subject: string;
        audiences: string[];
        description?: string;
      };
    }
  | { kind: 'removeFederatedIdentityCredential'; applicationId: string; credentialId: string }
  | { kind: 'setAccountEnabled'; servicePrincipalId: string; accountEnabled: boolean };

/** Raised for an action no single Graph request can carry out as given. */
export class DirectoryActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DirectoryActionError';
  }
}

/** Microsoft Graph's global endpoint. */
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com';

// Stands in for a proof in what a dry run prints: it admits adding keys for minutes.
const PROOF_SHOWN_AS = '<proof-of-possession JWT signed with a current certificate>';

function collectionOf(objectType: DirectoryObjectType): string {
  return objectType === 'servicePrincipal' ? 'servicePrincipals' : 'applications';
}

function objectPath(objectType: DirectoryObjectType, objectId: string): string {
  // Ids are GUIDs; encoding keeps anything else from walking out of the path.
  return `/v1.0/${collectionOf(objectType)}/${encodeURIComponent(objectId)}`;
}

/** The read that returns an object's key credentials with their `key`, for a proof-less key change. */
export function keyCredentialsRequest(objectType: DirectoryObjectType, objectId: string): DirectoryRequest {
  return { method: 'GET', path: `${objectPath(objectType, objectId)}?$select=keyCredentials` };
}

/**
 * The Graph request that carries out an action. Key changes use `addKey`/`removeKey` when a proof
 * is given. Graph refuses those without a proof of possession of a current certificate (and always
 * for an object without a valid one) and documents updating the object instead: a PATCH of
 * `keyCredentials`, which replaces the collection, built here from `currentKeyCredentials`.
 */
export function directoryRequestFor(action: DirectoryAction): DirectoryRequest {
  switch (action.kind) {
    case 'addPassword':
      return {
        method: 'POST',
        path: `${objectPath(action.objectType, action.objectId)}/addPassword`,
        body: { passwordCredential: { ...action.passwordCredential } },
      };
    case 'removePassword':
      return {
        method: 'POST',
        path: `${objectPath(action.objectType, action.objectId)}/removePassword`,
        body: { keyId: action.keyId },
      };
    case 'addKey': {
      if (action.proof !== null) {
        return {
          method: 'POST',
          path: `${objectPath(action.objectType, action.objectId)}/addKey`,
          body: { keyCredential: { ...action.keyCredential }, passwordCredential: null, proof: action.proof },
        };
      }
      const current = requireCurrent(action.currentKeyCredentials, 'add');
      return {
        method: 'PATCH',
        path: objectPath(action.objectType, action.objectId),
        body: { keyCredentials: [...current.map((k) => ({ ...k })), { ...action.keyCredential }] },
      };
    }
    case 'removeKey': {
      if (action.proof !== null) {
        return {
          method: 'POST',
          path: `${objectPath(action.objectType, action.objectId)}/removeKey`,
          body: { keyId: action.keyId, proof: action.proof },
        };
      }
      const current = requireCurrent(action.currentKeyCredentials, 'remove');
      const keyId = action.keyId.toLowerCase();
      if (!current.some((k) => k.keyId.toLowerCase() === keyId)) {
        // A PATCH without it would succeed and change nothing, which reads as a removal that worked.
        throw new DirectoryActionError(`the ${action.objectType} has no key credential ${action.keyId}`);
      }
      return {
        method: 'PATCH',
        path: objectPath(action.objectType, action.objectId),
        body: {
          keyCredentials: current.filter((k) => k.keyId.toLowerCase() !== keyId).map((k) => ({ ...k })),
        },
      };
    }
    case 'addFederatedIdentityCredential':
      return {
        method: 'POST',
        path: `${objectPath('application', action.applicationId)}/federatedIdentityCredentials`,
        body: { ...action.credential, audiences: [...action.credential.audiences] },
      };
    case 'removeFederatedIdentityCredential':
      return {
        method: 'DELETE',
        path: `${objectPath('application', action.applicationId)}/federatedIdentityCredentials/${encodeURIComponent(action.credentialId)}`,
      };
    case 'setAccountEnabled':
      return {
        method: 'PATCH',
        path: objectPath('servicePrincipal', action.servicePrincipalId),
        body: { accountEnabled: action.accountEnabled },
      };
  }
}

function requireCurrent(
  current: readonly CurrentKeyCredential[] | undefined,
  verb: 'add' | 'remove',
): readonly CurrentKeyCredential[] {
  if (current === undefined) {
    throw new DirectoryActionError(
      `to ${verb} a key without a proof of possession, Graph's keyCredentials collection is replaced: ` +
        'give the current collection (GET …?$select=keyCredentials) as currentKeyCredentials',
    );
  }
  return current;
}

/**
 * The request as an administrator would run it: method and absolute URL, then for a body its
 * content type and the body as indented JSON. A proof is shown as a placeholder; requests carry no
 * other secret (Graph generates client secrets itself).
 */
export function renderDirectoryRequest(
  request: DirectoryRequest,
  graphBaseUrl: string = DEFAULT_GRAPH_BASE_URL,
): string {
  const line = `${request.method} ${graphBaseUrl.replace(/\/+$/, '')}${request.path}`;
  if (request.body === undefined) return line;
  const body =
    typeof request.body.proof === 'string' ? { ...request.body, proof: PROOF_SHOWN_AS } : request.body;
  return `${line}\nContent-Type: application/json\n\n${JSON.stringify(body, null, 2)}`;
}

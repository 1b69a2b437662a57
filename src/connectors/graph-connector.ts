import { DirectoryError, directoryErrorFrom } from './directory-error.ts';
import {
  type CurrentKeyCredential,
  type DirectoryAction,
  type DirectoryRequest,
  directoryRequestFor,
  keyCredentialsRequest,
} from './directory-requests.ts';
import {
  type ConnectorOptions,
  createTokenSource,
  describeFailure,
  type GraphConnection,
  graphScope,
  resolveConnectorOptions,
} from './graph-connection.ts';
import { type FailedAnswer, sendAuthorized } from './send-authorized.ts';

/** Microsoft Graph for one tenant, through its configured connection. */
export interface GraphConnector {
  /** Sends a request; resolves to the parsed JSON answer, or null for 204. Failures throw DirectoryError. */
  send(request: DirectoryRequest): Promise<unknown>;
  /**
   * Carries out an action. A key change without a proof and without `currentKeyCredentials` first
   * reads the object's key credentials, since the PATCH that replaces them must list the rest.
   */
  apply(action: DirectoryAction): Promise<unknown>;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Makes the Graph connector of a connection (retry, token and fetch seams in `options`). */
export function createGraphConnector(
  connection: GraphConnection,
  options: ConnectorOptions = {},
): GraphConnector {
  const o = resolveConnectorOptions(options);
  const tokens = options.tokens ?? createTokenSource(connection, options);
  const root = connection.graphBaseUrl.replace(/\/+$/, '');
  const scope = graphScope(connection);

  function send(request: DirectoryRequest): Promise<unknown> {
    const fail = (answer: FailedAnswer): DirectoryError =>
      answer.status === 0 || answer.failure !== null
        ? new DirectoryError({
            status: answer.status,
            code: 'RequestFailed',
            graphMessage: describeFailure(answer.failure),
            requestId: answer.headers.get('request-id'),
            request,
          })
        : directoryErrorFrom(request, answer.status, answer.headers, answer.text, answer.retryAfterSeconds);
    return sendAuthorized(
      { method: request.method, url: `${root}${request.path}`, body: request.body, scope },
      tokens,
      o,
      fail,
    );
  }

  async function currentKeys(
    objectType: 'servicePrincipal' | 'application',
    objectId: string,
  ): Promise<CurrentKeyCredential[]> {
    const request = keyCredentialsRequest(objectType, objectId);
    const body = await send(request);
    const list = isRecord(body) ? body.keyCredentials : undefined;
    if (!Array.isArray(list) || !list.every((k) => isRecord(k) && typeof k.keyId === 'string')) {
      throw new DirectoryError({
        status: 200,
        code: 'UnexpectedAnswer',
        graphMessage: 'the answer holds no keyCredentials list',
        requestId: null,
        request,
      });
    }
    return list as CurrentKeyCredential[];
  }

  return {
    send,
    async apply(action) {
      if (
        (action.kind === 'addKey' || action.kind === 'removeKey') &&
        action.proof === null &&
        action.currentKeyCredentials === undefined
      ) {
        const current = await currentKeys(action.objectType, action.objectId);
        return send(directoryRequestFor({ ...action, currentKeyCredentials: current }));
      }
      return send(directoryRequestFor(action));
    },
  };
}

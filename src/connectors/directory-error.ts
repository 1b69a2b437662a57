import type { DirectoryRequest } from './directory-requests.ts';
import { readErrorEnvelope } from './read-error-envelope.ts';

/** What to tell an administrator about a Graph error code, beyond Graph's own message. */
const ADVICE: Readonly<Record<string, string>> = {
  Authorization_RequestDenied:
    "the app of the tenant's Graph connection lacks the permission: grant it the Application.ReadWrite.All " +
    'application permission, with admin consent',
  Request_ResourceNotFound:
    'no such object in the tenant: it was deleted, or the id belongs to another tenant',
  InvalidAuthenticationToken: 'Graph refused the access token: check the connection’s tenant and app',
  TooManyRequests: 'Graph is throttling the connection’s app: try again later',
};

/** A Microsoft Graph request that failed: Graph's status, error code and message, and its request id. */
export class DirectoryError extends Error {
  /** HTTP status; 0 when no answer came (network failure). */
  readonly status: number;
  /** Graph's `error.code` (`Authorization_RequestDenied`, `Request_ResourceNotFound`, …), or `RequestFailed`. */
  readonly code: string;
  /** Graph's `error.message` as given. */
  readonly graphMessage: string;
  /** Graph's `request-id`, to quote to Microsoft support; null when none came. */
  readonly requestId: string | null;
  /** The wait Graph asked for, in seconds, when it throttled for longer than Vigil waits. */
  readonly retryAfterSeconds: number | null;
  readonly method: DirectoryRequest['method'];
  readonly path: string;

  constructor(fields: {
    status: number;
    code: string;
    graphMessage: string;
    requestId: string | null;
    retryAfterSeconds?: number | null;
    request: Pick<DirectoryRequest, 'method' | 'path'>;
  }) {
    const advice = ADVICE[fields.code];
    const status = fields.status === 0 ? 'no answer' : `${fields.status} ${fields.code}`;
    const wait =
      fields.retryAfterSeconds != null
        ? ` Graph asks to wait ${fields.retryAfterSeconds} s before retrying.`
        : '';
    super(
      `Microsoft Graph: ${fields.request.method} ${fields.request.path} failed (${status}): ` +
        `${fields.graphMessage.replace(/\.$/, '') || 'no message'}${advice ? ` (${advice})` : ''}.${wait}` +
        (fields.requestId ? ` request-id ${fields.requestId}` : ''),
    );
    this.name = 'DirectoryError';
    this.status = fields.status;
    this.code = fields.code;
    this.graphMessage = fields.graphMessage;
    this.requestId = fields.requestId;
    this.retryAfterSeconds = fields.retryAfterSeconds ?? null;
    this.method = fields.request.method;
    this.path = fields.request.path;
  }
}

/** Turns a Graph error answer into a DirectoryError, reading its envelope and `request-id`. */
export function directoryErrorFrom(
  request: Pick<DirectoryRequest, 'method' | 'path'>,
  status: number,
  headers: Headers,
  text: string,
  retryAfterSeconds: number | null,
): DirectoryError {
  const envelope = readErrorEnvelope(text);
  const inner = envelope?.innerError;
  const innerId = inner?.['request-id'];
  return new DirectoryError({
    status,
    code: envelope?.code ?? `HTTP${status}`,
    graphMessage: envelope?.message ?? '',
    requestId: headers.get('request-id') ?? (typeof innerId === 'string' ? innerId : null),
    retryAfterSeconds,
    request,
  });
}

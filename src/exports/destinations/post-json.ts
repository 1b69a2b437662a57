import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  STATUS_CODES,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** How much of a response body is kept: enough for any error message, bounded against a hostile receiver. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** One POST. */
export interface PostJsonOptions {
  url: URL;
  body: string;
  /** Defaults to `application/json`. */
  contentType?: string;
  headers?: Readonly<Record<string, string>>;
  /** Deadline for the whole exchange: connect, send, and read the answer. */
  timeoutMs: number;
  /** Keeps connections (and TLS settings) per destination; see `createHttpAgent`. */
  agent?: HttpAgent;
  /** Names the receiver in error messages, e.g. `Splunk HEC`. */
  receiver: string;
}

/** A receiver's answer; `body` holds at most `MAX_RESPONSE_BYTES`. */
export interface PostJsonResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A failed delivery: the receiver could not be reached, timed out, or answered other than 2xx. */
export class DeliveryError extends Error {
  /** The HTTP status, when the receiver answered. */
  readonly status: number | undefined;
  /** The receiver's `Retry-After`, in seconds, when it sent one (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, status?: number, retryAfterSeconds?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeliveryError';
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** An agent for one destination: keep-alive, and `rejectUnauthorized: false` only when a setting asks. */
export function createHttpAgent(url: URL, options: { rejectUnauthorized?: boolean } = {}): HttpAgent {
  return url.protocol === 'https:'
    ? new HttpsAgent({ keepAlive: true, rejectUnauthorized: options.rejectUnauthorized ?? true })
    : new HttpAgent({ keepAlive: true });
}

/** Where a request goes, for messages: origin and path, never the query (it may hold a key). */
export function endpointOf(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * The message a receiver put in an error body: HEC's `text`, Azure's `error.message`, OAuth's
 * `error_description`, or the first line of a plain body.
 */
export function messageOfBody(body: string): string {
  const trimmed = body.trim();
  if (trimmed === '') return '';
  try {
    const json: unknown = JSON.parse(trimmed);
    if (typeof json === 'object' && json !== null) {
      const o = json as Record<string, unknown>;
      if (typeof o.text === 'string')
        return typeof o.code === 'number' ? `${o.text} (code ${o.code})` : o.text;
      if (typeof o.error_description === 'string') return o.error_description.split(/\r?\n/)[0] ?? '';
      const error = o.error;
      if (typeof error === 'object' && error !== null) {
        const e = error as Record<string, unknown>;
        if (typeof e.message === 'string')
          return typeof e.code === 'string' ? `${e.code}: ${e.message}` : e.message;
      }
      if (typeof error === 'string') return error;
      if (typeof o.message === 'string') return o.message;
    }
  } catch {
    // Not JSON: fall through to the text itself.
  }
  const line = trimmed.split(/\r?\n/)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * Groups texts (serialised records) in order so that each group, joined by a one-byte separator and
 * wrapped in `overheadBytes` of framing, stays within `maxBytes`. A text larger than that alone
 * still forms a group of its own: a record cannot be split, and its receiver decides.
 */
export function splitBySize(texts: readonly string[], maxBytes: number, overheadBytes = 0): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let size = overheadBytes;
  for (const text of texts) {
    const bytes = Buffer.byteLength(text) + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && size + bytes > maxBytes) {
      groups.push(current);
      current = [];
      size = overheadBytes;
    }
    size += current.length > 0 ? bytes : Buffer.byteLength(text);
    current.push(text);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function retryAfterOf(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** POSTs `body` and reads the answer (bounded); resolves on any status, rejects on network failure or timeout. */
export function post(options: PostJsonOptions): Promise<PostJsonResponse> {
  const { url, receiver } = options;
  const where = `${receiver} at ${endpointOf(url)}`;
  const payload = Buffer.from(options.body, 'utf8');
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, {
      method: 'POST',
      ...(options.agent ? { agent: options.agent } : {}),
      headers: {
        'Content-Type': options.contentType ?? 'application/json',
        'Content-Length': String(payload.length),
        'User-Agent': 'Vigil-Export/1',
        ...options.headers,
      },
    });
    const timer = setTimeout(() => {
      const seconds = Math.round(options.timeoutMs / 100) / 10;
      request.destroy(new DeliveryError(`${where} did not answer within ${seconds} s`));
    }, options.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      // Connecting to a name with several addresses fails with an AggregateError without a message.
      const reason = error.message || error.code || 'connection failed';
      settle(() =>
        reject(
          error instanceof DeliveryError
            ? error
            : new DeliveryError(`${where}: ${reason}`, undefined, undefined, { cause: error }),
        ),
      );
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () =>
        settle(() =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      response.on('data', (chunk: Buffer) => {
        if (size >= MAX_RESPONSE_BYTES) return;
        const room = MAX_RESPONSE_BYTES - size;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        size += Math.min(chunk.length, room);
        // The rest is not needed for a status or a message: drop the connection rather than read on.
        if (size >= MAX_RESPONSE_BYTES) {
          done();
          response.destroy();
        }
      });
      response.on('end', done);
      response.on('error', (error) =>
        settle(() =>
          reject(new DeliveryError(`${where}: ${error.message}`, undefined, undefined, { cause: error })),
        ),
      );
      // A receiver that ends the connection mid-body sends no 'end'.
      response.on('close', () => {
        if (!response.complete) {
          settle(() =>
            reject(new DeliveryError(`${where}: the connection closed before the answer was complete`)),
          );
        }
      });
    });
    request.end(payload);
  });
}

/** POSTs `body` and resolves with the answer when it is 2xx; otherwise throws a `DeliveryError` with the receiver's message. */
export async function postJson(options: PostJsonOptions): Promise<PostJsonResponse> {
  const response = await post(options);
  if (response.status >= 200 && response.status < 300) return response;
  const reason = STATUS_CODES[response.status] ?? 'unknown status';
  const message = messageOfBody(response.body);
  throw new DeliveryError(
    `${options.receiver} at ${endpointOf(options.url)} answered ${response.status} ${reason}${message ? `: ${message}` : ''}`,
    response.status,
    retryAfterOf(response.headers),
  );
}

/** A refused or failed API call, with Graph's error code and message when the server sent them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let token: string | null = null;
let onSignedOut: () => void = () => {};

/** Sets the bearer token every call sends, and what to do when the server stops accepting it. */
export function setApiToken(value: string | null, signedOut?: () => void): void {
  token = value;
  if (signedOut) onSignedOut = signedOut;
}

/** A Graph collection page as the API returns it. */
export interface Page<T> {
  value: T[];
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
}

/**
 * Calls the API with the signed-in token. Graph's error envelope becomes an ApiError; a 401 signs
 * the person out (the key was revoked or the token expired).
 */
export async function api(path: string, init: RequestInit = {}, bearer = token): Promise<Response> {
  const headers = new Headers(init.headers);
  if (bearer) headers.set('authorization', `Bearer ${bearer}`);
  // People read these screens: name evolvable enum members instead of `unknownFutureValue`.
  headers.set('prefer', 'include-unknown-enum-members');
  if (init.body !== undefined && !headers.has('content-type'))
    headers.set('content-type', 'application/json');
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError(0, 'NetworkError', 'Vigil could not be reached. Check the connection and try again.');
  }
  if (res.ok) return res;
  let code = `HTTP${res.status}`;
  let message = res.statusText || `The server answered ${res.status}.`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not Graph's envelope: keep the status text.
  }
  if (res.status === 401 && bearer === token) onSignedOut();
  throw new ApiError(res.status, code, message);
}

/** What went wrong, in words: the API's message for an ApiError, an Error's message, or the value itself. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** GET a JSON document. */
export async function getJson<T>(path: string): Promise<T> {
  return (await (await api(path)).json()) as T;
}

/** Sends JSON with a method; the parsed answer, or null for 204. */
export async function sendJson<T>(method: string, path: string, body?: unknown): Promise<T | null> {
  const res = await api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return res.status === 204 ? null : ((await res.json()) as T);
}

/** A path for `fetch` from an absolute `@odata.nextLink` (the API may name another host name for itself). */
export function localPath(link: string): string {
  const u = new URL(link, location.href);
  return u.pathname + u.search;
}

/** Whether a 404 means the server has no such route (a feature this server does not have yet). */
export function isMissingRoute(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404 && /for the segment/.test(err.message);
}

/** A feature this server may not have yet: a 404 of the route itself reads "not available". */
export async function optionalFeature<T>(
  read: Promise<T>,
): Promise<{ available: true; data: T | null } | { available: false }> {
  try {
    return { available: true, data: await read };
  } catch (err) {
    if (isMissingRoute(err)) return { available: false };
    if (err instanceof ApiError && err.status === 404) return { available: true, data: null };
    throw err;
  }
}

/**
 * Downloads a file the API streams, with the bearer token: a plain link cannot send the header, so
 * the body is fetched as a blob and saved through a temporary object URL.
 */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await api(path);
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

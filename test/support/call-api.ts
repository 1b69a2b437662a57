import type { FastifyInstance } from 'fastify';

/** An HTTP method the Graph routes answer. */
export type ApiMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * A request helper for an app built in a `before` hook: `appOf` is read at each call, so the helper
 * can be made where the tests are declared. Sends `key` as the bearer token and `payload` as JSON.
 */
export function apiCaller(appOf: () => FastifyInstance) {
  return (method: ApiMethod, url: string, key: string, payload?: unknown) =>
    appOf().inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
}

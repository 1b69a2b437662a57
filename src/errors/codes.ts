/**
 * The error codes Vigil sends, with their HTTP status. Graph's own codes where Graph has one, so
 * clients written for Graph branch on them unchanged.
 */
export const errorCodes = {
  BadRequest: 400,
  InvalidAuthenticationToken: 401,
  Authorization_RequestDenied: 403,
  Request_ResourceNotFound: 404,
  MethodNotAllowed: 405,
  RequestBodyTooLarge: 413,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  InternalServerError: 500,
  /** Microsoft Graph (or Key Vault), reached through a tenant's connection, refused or failed a change. */
  BadGateway: 502,
  ServiceUnavailable: 503,
} as const;

/** A code from the registry. */
export type ErrorCode = keyof typeof errorCodes;

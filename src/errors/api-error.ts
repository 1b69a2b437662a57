import { type ErrorCode, errorCodes } from './codes.ts';

/** An error meant for an API client: rendered in Graph's error envelope with its registry status. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = errorCodes[code];
  }
}

/** Throws an ApiError with `code` unless `condition` holds. */
export function assertThat(condition: unknown, code: ErrorCode, message: string): asserts condition {
  if (!condition) throw new ApiError(code, message);
}

// The one error type of the service and the contract's error body it renders to.
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

/**
 * Thrown anywhere a request cannot be served; `onError` renders it as
 * `{"error": {"code", "message", "details"}}` with its status.
 * @example throw new AppError(404, 'not_found', 'No link with this id.')
 */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export const notFound = (what = 'resource') => new AppError(404, 'not_found', `No ${what} with this id.`);
export const forbidden = (message = 'This key may not do that.') => new AppError(403, 'forbidden', message);
export const invalidRequest = (message: string, details?: unknown) =>
  new AppError(400, 'invalid_request', message, details);

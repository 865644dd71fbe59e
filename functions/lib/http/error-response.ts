/**
 * The one place where errors become HTTP responses. Every error body is JSON:
 * `{ "code": "...", "message": "...", "retryable": true|false }`.
 */
import { WordcountError } from '../errors.js';

interface ErrorMapping {
  status: number;
  /** Whether sending the same request again may succeed. */
  retryable: boolean;
}

/** Status and retry advice per error code; docs/openapi.yaml documents the same table. */
export const ERROR_MAPPINGS: Readonly<Record<string, ErrorMapping>> = {
  MALFORMED_MESSAGE: { status: 400, retryable: false },
  INVALID_REQUEST: { status: 400, retryable: false },
  INVALID_KEY: { status: 400, retryable: false },
  USAGE: { status: 400, retryable: false },
  BUCKET_NOT_ALLOWED: { status: 403, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  JOB_NOT_FOUND: { status: 404, retryable: false },
  OBJECT_NOT_FOUND: { status: 404, retryable: false },
  BUCKET_NOT_FOUND: { status: 404, retryable: false },
  INPUT_CHANGED: { status: 409, retryable: false },
  JOB_CONFLICT: { status: 409, retryable: false },
  JOB_NOT_DONE: { status: 409, retryable: true },
  JOB_FAILED: { status: 409, retryable: false },
  BODY_TOO_LARGE: { status: 413, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  WORD_TOO_LONG: { status: 422, retryable: false },
  TIMEOUT_TOO_SHORT: { status: 422, retryable: false },
  CORRUPT_OBJECT: { status: 500, retryable: false },
  INTERNAL: { status: 500, retryable: true },
  STORE_AUTH_FAILED: { status: 502, retryable: false },
  TASK_FAILED: { status: 502, retryable: true },
  STORE_UNAVAILABLE: { status: 503, retryable: true },
  DRAINING: { status: 503, retryable: true },
  NO_TIME_LEFT: { status: 503, retryable: true },
};

export interface ErrorBody {
  code: string;
  message: string;
  retryable: boolean;
}

/** Thrown for HTTP-level problems that have no domain error: unknown routes, bad media types. */
export class HttpError extends WordcountError {}

/** Returns the status and body for an error; unknown errors become 500 INTERNAL. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  const bodyParserError = fromBodyParser(error) ?? fromStatus(error);
  if (bodyParserError !== undefined) return errorResponse(bodyParserError);

  if (error instanceof WordcountError && ERROR_MAPPINGS[error.code] !== undefined) {
    const { status, retryable } = ERROR_MAPPINGS[error.code];
    return { status, body: { code: error.code, message: error.message, retryable } };
  }
  return {
    status: 500,
    body: { code: 'INTERNAL', message: 'internal error; see the function logs', retryable: true },
  };
}

/** Maps the errors of express's body parsers (they carry a `type`) to our codes. */
function fromBodyParser(error: unknown): HttpError | undefined {
  const type = (error as { type?: unknown }).type;
  if (typeof type !== 'string') return undefined;
  const limit = (error as { limit?: number }).limit;
  switch (type) {
    case 'entity.too.large':
      return new HttpError(
        'BODY_TOO_LARGE',
        `request body is larger than the limit of ${limit} bytes`,
      );
    case 'entity.parse.failed':
      return new HttpError(
        'MALFORMED_MESSAGE',
        `request body is not valid JSON: ${(error as Error).message}`,
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError('UNSUPPORTED_MEDIA_TYPE', (error as Error).message);
    case 'request.aborted':
    case 'request.size.invalid':
      return new HttpError(
        'MALFORMED_MESSAGE',
        'request body ended early: the client aborted or sent a wrong Content-Length',
      );
    default:
      return fromStatus(error);
  }
}

/** Maps other client errors that carry an HTTP status (http-errors from express and its parsers). */
function fromStatus(error: unknown): HttpError | undefined {
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const message = (error as Error).message;
  if (status === 413) return new HttpError('BODY_TOO_LARGE', message);
  if (status === 415) return new HttpError('UNSUPPORTED_MEDIA_TYPE', message);
  return new HttpError('MALFORMED_MESSAGE', `invalid request: ${message}`);
}

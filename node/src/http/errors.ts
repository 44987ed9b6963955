// Errors a request can cause. Each carries a stable string code for the wire; the
// error middleware maps the class name to an HTTP status.
class RequestError extends Error {
  readonly code: string;
  readonly details: readonly string[] | undefined;

  constructor(code: string, message: string, options?: ErrorOptions & { readonly details?: readonly string[] }) {
    super(message, options);
    this.code = code;
    this.details = options?.details;
  }
}

export class InvalidRequestError extends RequestError {
  override name = 'InvalidRequestError';
}
export class ForbiddenError extends RequestError {
  override name = 'ForbiddenError';
}
export class NotFoundError extends RequestError {
  override name = 'NotFoundError';
}
export class MethodNotAllowedError extends RequestError {
  override name = 'MethodNotAllowedError';
}
export class ConflictError extends RequestError {
  override name = 'ConflictError';
}
export class GoneError extends RequestError {
  override name = 'GoneError';
}
export class PreconditionFailedError extends RequestError {
  override name = 'PreconditionFailedError';
}
export class PayloadTooLargeError extends RequestError {
  override name = 'PayloadTooLargeError';
}
export class UnsupportedMediaTypeError extends RequestError {
  override name = 'UnsupportedMediaTypeError';
}
export class UnprocessableError extends RequestError {
  override name = 'UnprocessableError';
}
export class LockedError extends RequestError {
  override name = 'LockedError';
}
/** The node cannot take this now, through no fault of the sender (e.g. its disk is full). */
export class InsufficientStorageError extends RequestError {
  override name = 'InsufficientStorageError';
}
export class RateLimitedError extends RequestError {
  override name = 'RateLimitedError';
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, message = 'too many requests; try again later') {
    super('rate-limited', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const STATUS_BY_ERROR: Readonly<Record<string, number>> = {
  InvalidRequestError: 400,
  ForbiddenError: 403,
  NotFoundError: 404,
  MethodNotAllowedError: 405,
  ConflictError: 409,
  GoneError: 410,
  PreconditionFailedError: 412,
  PayloadTooLargeError: 413,
  UnsupportedMediaTypeError: 415,
  UnprocessableError: 422,
  LockedError: 423,
  InsufficientStorageError: 507,
  RateLimitedError: 429,
};

export function isRequestError(error: unknown): error is RequestError {
  return error instanceof RequestError;
}

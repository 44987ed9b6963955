export {
  ConflictError,
  ForbiddenError,
  GoneError,
  InsufficientStorageError,
  InvalidRequestError,
  LockedError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  RateLimitedError,
  UnprocessableError,
  UnsupportedMediaTypeError,
} from './errors.ts';
export { errorHandler, routeOf, securityHeaders } from './middleware.ts';
export { readBody, readJsonBody } from './body.ts';
export { SourceRateLimiter, TokenBucket } from './rate-limit.ts';
export { type Route, notFound, router } from './router.ts';

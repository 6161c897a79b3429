// Reading API failures the way client-go's k8s.io/apimachinery/pkg/api/errors does: by
// the Status reason, falling back to the HTTP code only when the reason is one this
// client does not know (so a 409 with reason AlreadyExists is not a "conflict").
import { ApiError } from '../machinery/errors.js';
import { isPlainObject, type Status, type StatusDetails } from '../machinery/types.js';

export { ApiError, isApiError } from '../machinery/errors.js';

const knownReasons = new Set([
  'Unauthorized', 'Forbidden', 'NotFound', 'AlreadyExists', 'Conflict', 'Gone', 'Invalid', 'ServerTimeout',
  'StoreReadError', 'Timeout', 'TooManyRequests', 'BadRequest', 'MethodNotAllowed', 'NotAcceptable',
  'RequestEntityTooLarge', 'UnsupportedMediaType', 'InternalError', 'Expired', 'ServiceUnavailable',
]);

function matches(e: unknown, reason: string, code: number): boolean {
  if (!(e instanceof ApiError)) return false;
  if (e.reason === reason) return true;
  return !knownReasons.has(e.reason) && e.code === code;
}

export const isNotFound = (e: unknown): boolean => matches(e, 'NotFound', 404);
export const isAlreadyExists = (e: unknown): boolean => matches(e, 'AlreadyExists', 409);
/** 409 Conflict: a stale resourceVersion, a failed precondition, or an apply conflict. */
export const isConflict = (e: unknown): boolean => matches(e, 'Conflict', 409);
export const isInvalid = (e: unknown): boolean => matches(e, 'Invalid', 422);
export const isForbidden = (e: unknown): boolean => matches(e, 'Forbidden', 403);
export const isUnauthorized = (e: unknown): boolean => matches(e, 'Unauthorized', 401);
export const isBadRequest = (e: unknown): boolean => matches(e, 'BadRequest', 400);
export const isTooManyRequests = (e: unknown): boolean => matches(e, 'TooManyRequests', 429);
export const isMethodNotSupported = (e: unknown): boolean => matches(e, 'MethodNotAllowed', 405);
export const isInternalError = (e: unknown): boolean => matches(e, 'InternalError', 500);
/** reason Expired (410): the requested resourceVersion was compacted. */
export const isResourceExpired = (e: unknown): boolean => matches(e, 'Expired', 410);

/**
 * Any 410: reason Gone or Expired. Both mean "the version you asked for is gone; relist",
 * which is what informers need (client-go's reflector checks IsGone || IsResourceExpired).
 */
export const isGone = (e: unknown): boolean => e instanceof ApiError && (e.code === 410 || e.reason === 'Gone' || e.reason === 'Expired');

// Reasons client-go's NewGenericServerResponse assigns when the body is not a Status.
const reasonByCode: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Gone', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType',
  422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

function isStatus(v: unknown): v is Status {
  return isPlainObject(v) && v.kind === 'Status' && (v.code === undefined || typeof v.code === 'number');
}

/**
 * The ApiError for a failed response or a watch ERROR event: from the Status when `body` is
 * one, otherwise a generic error for `httpCode` (the body's text, if short, kept in the message).
 */
export function apiErrorFromResponse(httpCode: number, body: unknown): ApiError {
  if (isStatus(body)) {
    const code = typeof body.code === 'number' && body.code !== 0 ? body.code : httpCode;
    const details: StatusDetails | undefined = isPlainObject(body.details) ? body.details : undefined;
    const reason = typeof body.reason === 'string' && body.reason !== '' ? body.reason : (reasonByCode[code] ?? 'Unknown');
    const message = typeof body.message === 'string' ? body.message : `the server responded with the status code ${code} but did not return more information`;
    const err = new ApiError(code, reason, message, details);
    if (isPlainObject(body.metadata)) err.status.metadata = body.metadata;
    return err;
  }
  const text = typeof body === 'string' ? body.trim() : '';
  const message = text !== '' && text.length <= 512
    ? `the server responded with the status code ${httpCode}: ${text}`
    : `the server responded with the status code ${httpCode} but did not return more information`;
  return new ApiError(httpCode, reasonByCode[httpCode] ?? 'Unknown', message);
}

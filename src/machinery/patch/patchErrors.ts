// How patch failures reach the client. The apiserver (endpoints/handlers/patch.go) maps them
// three ways, and we keep the same code, reason and message for each:
//  - malformed patch documents → 400 BadRequest with the decoder's message;
//  - patches that decode but cannot be applied (a failing json-patch `test`, a missing path,
//    lists of lists) → errors.NewGenericServerResponse(422, …), whose message is the generic
//    "the server rejected our request due to an error in our request" (the real reason is
//    dropped upstream; we keep it on `Error.cause` for logs);
//  - any other strategic-merge error (a missing merge key, an unknown `$patch` value) is a
//    plain Go error upstream, which ErrorToAPIStatus turns into a 500. It is the client's
//    mistake, and skiff never answers a client mistake with a 5xx: we send 400 BadRequest
//    with the same message.
import { ApiError, badRequest } from '../errors.js';

export const GENERIC_UNPROCESSABLE = 'the server rejected our request due to an error in our request';

// mergepatch sentinel errors (k8s.io/apimachinery/pkg/util/mergepatch/errors.go).
export const ERR_BAD_JSON_DOC = 'invalid JSON document';
export const ERR_NO_LIST_OF_LISTS = 'lists of lists are not supported';
export const ERR_BAD_PATCH_FORMAT_PRIMITIVE_LIST = 'invalid patch format of primitive list';
export const ERR_BAD_PATCH_FORMAT_RETAIN_KEYS = 'invalid patch format of retainKeys';
export const ERR_BAD_PATCH_FORMAT_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';

export function patchBadRequest(message: string): ApiError {
  return badRequest(message);
}

export function patchUnprocessable(reason: string): ApiError {
  const err = new ApiError(422, 'Invalid', GENERIC_UNPROCESSABLE, {});
  err.cause = reason;
  return err;
}

/** A patch that cannot be applied for a reason upstream reports as a bare error (see above). */
export function patchInternal(message: string): ApiError {
  return badRequest(message);
}

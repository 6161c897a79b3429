// Every API error is built here, as a Kubernetes Status with upstream reason, code and
// message wording (apimachinery's errors package is the reference for each one).
import type { Status, StatusCause, StatusDetails } from './types.js';
import { type FieldError, fieldErrorCause, fieldErrorMessage } from './fieldErrors.js';

export class ApiError extends Error {
  readonly status: Status;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
    if (details) this.status.details = details;
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string {
    return this.status.reason ?? '';
  }
}

/** Names a resource the way upstream messages do: `pods`, `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function details(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = { name, kind: gr.resource };
  if (gr.group) d.group = gr.group;
  return d;
}

export const notFound = (gr: GroupResource, name: string): ApiError =>
  new ApiError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, details(gr, name));

export const alreadyExists = (gr: GroupResource, name: string): ApiError =>
  new ApiError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, details(gr, name));

export const conflict = (gr: GroupResource, name: string, why: string): ApiError =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, details(gr, name));

export const staleObject = (gr: GroupResource, name: string): ApiError =>
  conflict(gr, name, 'the object has been modified; please apply your changes to the latest version and try again');

/** 422 with every field error at once. `kind` is the Kind (`Deployment`), group its API group. */
export function invalid(group: string, kind: string, name: string, errs: readonly FieldError[]): ApiError {
  const list = errs.map(fieldErrorMessage);
  const agg = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const causes: StatusCause[] = errs.map(fieldErrorCause);
  const d: StatusDetails = { name, kind, causes };
  if (group) d.group = group;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${agg}`, d);
}

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

export const unauthorized = (message = 'Unauthorized'): ApiError => new ApiError(401, 'Unauthorized', message);

export const forbidden = (message: string): ApiError => new ApiError(403, 'Forbidden', message);

export const methodNotSupported = (gr: GroupResource, verb: string): ApiError =>
  new ApiError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualified(gr)}"`, { kind: gr.resource, ...(gr.group ? { group: gr.group } : {}) });

export const resourceExpired = (message: string): ApiError => new ApiError(410, 'Expired', message);

export const gone = (message: string): ApiError => new ApiError(410, 'Gone', message);

export const requestEntityTooLarge = (limit: number): ApiError =>
  new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);

export const unsupportedMediaType = (contentType: string): ApiError =>
  new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType})`);

export const notAcceptable = (message: string): ApiError => new ApiError(406, 'NotAcceptable', message);

export const tooManyRequests = (message: string, retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds });

export const internalError = (err: unknown): ApiError =>
  new ApiError(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`, {
    causes: [{ message: err instanceof Error ? err.message : String(err) }],
  });

export const timeout = (message: string): ApiError => new ApiError(504, 'Timeout', message);

/** Server-side apply conflicts: 409 Conflict with one FieldManagerConflict cause per field. */
export function applyConflict(conflicts: readonly { manager: string; field: string; apiVersion?: string }[]): ApiError {
  const n = conflicts.length;
  const lines = conflicts.map((c) => `conflict with "${c.manager}"${c.apiVersion ? ` using ${c.apiVersion}` : ''}: ${c.field}`);
  const message = n === 1 ? `Apply failed with 1 conflict: ${lines[0]}` : `Apply failed with ${n} conflicts: ${lines.join('\n')}`;
  return new ApiError(409, 'Conflict', message, {
    causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}"${c.apiVersion ? ` using ${c.apiVersion}` : ''}`, field: c.field })),
  });
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export function successStatus(details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) s.details = details;
  return s;
}

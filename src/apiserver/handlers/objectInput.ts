// Checks an incoming object against its schema: unknown fields are dropped, and reported
// according to ?fieldValidation= (Strict → 400, Warn → Warning headers), as upstream does.
import { badRequest } from '../../machinery/errors.js';
import { checkAndPrune } from '../../machinery/prune.js';
import { parseApiVersion, type KubeObject } from '../../machinery/types.js';
import type { FieldValidation, RequestContext } from './context.js';

export function checkFields(ctx: RequestContext, obj: KubeObject, mode: FieldValidation, context: 'body' | 'patch' = 'body'): void {
  const lookup = ctx.deps.schemaFor(ctx.info);
  if (!lookup) return;
  const { unknown, typeErrors } = checkAndPrune(obj, lookup);
  // Create and update wrap decoding errors with the kind they were decoding; patch does not.
  const s = ctx.info.strategy;
  const wrap = (msg: string): string => (context === 'body' ? `${s.kind} in version "${s.version}" cannot be handled as a ${s.kind}: ${msg}` : msg);
  if (typeErrors.length) throw badRequest(wrap(typeErrors[0]));
  if (unknown.length === 0 || mode === 'Ignore') return;
  const msgs = unknown.map((p) => `unknown field "${p}"`);
  if (mode === 'Strict') throw badRequest(wrap(`strict decoding error: ${msgs.join(', ')}`));
  ctx.warnings.push(...msgs);
}

/** The body's apiVersion/kind must name this resource's kind (or be absent). */
export function checkKind(ctx: RequestContext, obj: Record<string, unknown>): KubeObject {
  const s = ctx.info.strategy;
  const kind = typeof obj.kind === 'string' ? obj.kind : undefined;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : undefined;
  // A wrong apiVersion is reported as such; a right one with the wrong kind names the kinds.
  if (apiVersion !== undefined) {
    const gv = parseApiVersion(apiVersion);
    if (gv.group !== s.group || gv.version !== s.version) {
      throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${ctx.info.apiVersion})`);
    }
  }
  if (kind !== undefined && kind !== s.kind) throw badRequest(`Object kind "${kind}" does not match the expected kind "${s.kind}"`);
  if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
    throw badRequest('metadata must be an object');
  }
  const out = obj as KubeObject;
  out.metadata ??= {};
  return out;
}

// The PATCH content types the apiserver applies to a stored object, dispatched on the
// request's Content-Type (parameters such as `; charset=utf-8` ignored, as upstream does).
// Kinds without a schema (custom resources) accept no strategic merge patch: upstream
// leaves it out of their patch types, so the request fails with 415 listing the others.
import { ApiError } from '../errors.js';
import { applyJsonPatch } from './jsonPatch.js';
import { applyMergePatch } from './mergePatch.js';
import { applyStrategicMergePatch } from './smpApply.js';
import type { SchemaLookup } from './smpSchema.js';

export { applyJsonPatch, type JsonPatchOptions } from './jsonPatch.js';
export { applyMergePatch, createMergePatch } from './mergePatch.js';
export { applyStrategicMergePatch } from './smpApply.js';
export { createThreeWayStrategicMergePatch, createTwoWayStrategicMergePatch } from './smpDiff.js';
export type { SchemaLookup } from './smpSchema.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

export interface ApplyPatchOptions {
  /** fieldValidation=Strict|Warn: patch bodies are decoded strictly (changes error wording). */
  strict?: boolean;
}

/** Patch types a resource accepts, in the order upstream lists them in the 415 message. */
export function supportedPatchTypes(hasSchema: boolean): string[] {
  return hasSchema ? [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH] : [JSON_PATCH, MERGE_PATCH, APPLY_PATCH];
}

/** negotiation.NewUnsupportedMediaTypeError(patchTypes), as ErrorToAPIStatus reports it. */
export function unsupportedPatchType(hasSchema: boolean): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${supportedPatchTypes(hasSchema).join(', ')}`,
  );
}

/** The media type without parameters. */
export function patchMediaType(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi >= 0 ? contentType.slice(0, semi) : contentType).trim();
}

/**
 * Applies `patchBody` (already parsed JSON) to a copy of `doc`. `schema` is the kind's
 * definition for strategic merge patch; undefined for kinds without one. Server-side apply
 * (application/apply-patch+yaml) is not a patch of this kind and must be routed elsewhere.
 */
export function applyPatch(contentType: string, doc: unknown, patchBody: unknown, schema: SchemaLookup | undefined, opts: ApplyPatchOptions = {}): unknown {
  const mediaType = patchMediaType(contentType);
  switch (mediaType) {
    case JSON_PATCH:
      return applyJsonPatch(doc, patchBody, { strict: opts.strict });
    case MERGE_PATCH:
      if (opts.strict && patchBody !== null && (typeof patchBody !== 'object' || Array.isArray(patchBody))) {
        // The strict decoder reads the body into a map first (patch.go applyJSPatch).
        const word = Array.isArray(patchBody) ? 'array' : typeof patchBody === 'boolean' ? 'bool' : typeof patchBody;
        throw new ApiError(400, 'BadRequest', `error decoding patch: json: cannot unmarshal ${word} into Go value of type map[string]interface {}`);
      }
      return applyMergePatch(doc, patchBody);
    case STRATEGIC_MERGE_PATCH:
      if (!schema) throw unsupportedPatchType(false);
      return applyStrategicMergePatch(doc, patchBody, schema);
    case APPLY_PATCH:
      throw new Error(`applyPatch: ${APPLY_PATCH} is server-side apply; route it to the apply implementation, not the patch helpers`);
    default:
      throw unsupportedPatchType(schema !== undefined);
  }
}

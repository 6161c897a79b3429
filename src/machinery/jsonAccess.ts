// Narrowing helpers for reading plain-JSON API objects (pods, nodes) without casts at every
// use site. Anything of the wrong shape reads as absent, the way a decoder would drop it.
import { isPlainObject } from './types.js';

export type JsonRecord = Record<string, unknown>;

export const record = (v: unknown): JsonRecord | undefined => (isPlainObject(v) ? v : undefined);
export const records = (v: unknown): JsonRecord[] => (Array.isArray(v) ? v.filter(isPlainObject) : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** A string→string map (labels, nodeSelector); non-string values are dropped. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const r = record(v);
  if (!r) return out;
  for (const [k, val] of Object.entries(r)) if (typeof val === 'string') out[k] = val;
  return out;
}

export const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

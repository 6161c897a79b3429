// pod-template-hash: upstream controller.ComputeHash hashes the PodTemplateSpec with FNV-1a
// (32 bit), appends collisionCount as 8 little-endian bytes when set, prints the sum in
// decimal and maps each digit through rand.SafeEncodeString. Upstream feeds the hasher a
// spew dump of the Go struct, which we cannot reproduce; we feed it canonical JSON (sorted
// keys), so our hashes differ from upstream's but have the same alphabet, length range and
// stability (same template + collisionCount → same hash).
import { canonicalJson } from './meta.js';

/** k8s.io/apimachinery/pkg/util/rand: consonants and digits, no vowels (avoids words). */
export const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

export function fnv32a(bytes: Uint8Array, seed = FNV32_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV32_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character indexes the alphabet by its code point modulo 27. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE_ALPHANUMS[(ch.codePointAt(0) ?? 0) % SAFE_ALPHANUMS.length];
  return out;
}

/** controller.ComputeHash(template, collisionCount). */
export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template ?? {})));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

// JSON comparison for "did anything change" checks against objects read back from the API:
// key order is ignored, and a null or absent key are the same (servers drop nulls).

export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) if (!sameJson(ao[k] ?? null, bo[k] ?? null)) return false;
    return true;
  }
  return false;
}

// The 409 an apply conflict answers with (managedfields/internal/conflict.go). Built here
// rather than with errors.applyConflict because upstream's wording depends on details that
// helper cannot express: `with subresource "status"`, and for several conflicts a list
// grouped per manager ("conflicts with "m" using v1:\n- .a\n- .b").
import { ApiError } from '../errors.js';
import type { StatusCause } from '../types.js';
import { goQuote } from './goFormat.js';
import { parseManagerIdentifier } from './managedFields.js';
import { pathString } from './pathElement.js';
import type { Conflict } from './updater.js';

/** printManager: `"kubectl"`, `"kubectl-edit" using v1`, `"m" with subresource "status" using apps/v1`. */
export function printManager(id: string): string {
  const info = parseManagerIdentifier(id);
  if (info.manager === undefined && info.operation === undefined) return goQuote(id);
  let s = goQuote(info.manager ?? '');
  if (info.subresource) s += ` with subresource ${goQuote(info.subresource)}`;
  if (info.operation === 'Update') s += ` using ${info.apiVersion ?? ''}`;
  return s;
}

export function conflictError(conflicts: readonly Conflict[]): ApiError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  return new ApiError(409, 'Conflict', conflictMessage(conflicts), { causes });
}

function conflictMessage(conflicts: readonly Conflict[]): string {
  if (conflicts.length === 1) {
    const c = conflicts[0];
    return `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const list = byManager.get(c.manager) ?? [];
    list.push(pathString(c.path));
    byManager.set(c.manager, list);
  }
  const lines: string[] = [];
  for (const m of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(m)}:`);
    for (const p of byManager.get(m)!) lines.push(`- ${p}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

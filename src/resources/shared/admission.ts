// What admission plugins (pod ServiceAccount, pod Priority, PriorityClass) share: the 403 they
// refuse with, naming the object as the request did.
import { ApiError, qualified } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/types.js';

const generatedSuffixLength = 5;

/** apierrors.NewForbidden(resource, name, err) as admission plugins and REST storage return it. */
export function forbiddenError(group: string, resource: string, name: string, reason: string): ApiError {
  return new ApiError(403, 'Forbidden', `${qualified({ group, resource })} "${name}" is forbidden: ${reason}`, { name, ...(group ? { group } : {}), kind: resource });
}

/**
 * admission.NewForbidden names the object as the request did: its name, else its
 * generateName (admission runs before upstream generates the name; here it already has one).
 */
export function requestedName(obj: KubeObject): string {
  const { name = '', generateName } = obj.metadata;
  if (generateName && name.startsWith(generateName) && name.length === generateName.length + generatedSuffixLength) return generateName;
  return name || generateName || 'Unknown';
}

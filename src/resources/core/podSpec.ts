// The pod-template surface other groups build on (Deployments, Jobs, StatefulSets …):
// defaulting and validation of PodSpec / PodTemplateSpec, and the container list used by
// table columns. Implementations live in podSpecDefaults.ts and podSpecValidation.ts.
import type { FieldError } from '../../machinery/fieldErrors.js';
import { recs, rec } from '../shared/access.js';
import { validatePodSpecAt, validatePodTemplateSpecAt } from './podSpecValidation.js';

export { defaultPodSpec, defaultPodTemplateSpec } from './podSpecDefaults.js';

/** Every upstream PodSpec rule, errors under `field` (e.g. `spec.template.spec`). */
export function validatePodSpec(spec: unknown, field: string): FieldError[] {
  return validatePodSpecAt(spec, field);
}

/** Template labels/annotations, then the pod spec at `${field}.spec`. */
export function validatePodTemplateSpec(tmpl: unknown, field: string): FieldError[] {
  return validatePodTemplateSpecAt(tmpl, field);
}

/** The regular containers of a pod spec (what the CONTAINERS / IMAGES columns show). */
export function podContainers(spec: unknown): Record<string, unknown>[] {
  const s = rec(spec);
  return s ? recs(s.containers) : [];
}

// The rules Deployments and ReplicaSets share (upstream apps validation's
// ValidateReplicaSetSpec / ValidatePodTemplateSpecForReplicaSet, and the selector checks both
// call), plus the table cells both kinds print.
import { type FieldError, forbidden, invalid, notSupported } from '../../machinery/fieldErrors.js';
import type { KubeObject } from '../../machinery/types.js';
import { validatePodTemplateSpec } from '../core/podSpec.js';
import { at, rec } from '../shared/access.js';
import { labelSelectorOf, templateLabelsMatch, templateRestartPolicy, tryLabelSelector, validateControllerSelector } from './workload.js';

/**
 * ValidatePodTemplateSpecForReplicaSet: selector must match the template labels, the pod
 * template must be valid, restartPolicy Always, no activeDeadlineSeconds. Deployments go
 * through the same function upstream, so their message also says "ReplicaSet".
 */
export function validateReplicaSetTemplate(template: unknown, selector: ReturnType<typeof tryLabelSelector>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (selector) errs.push(...templateLabelsMatch(selector, template, field));
  errs.push(...validatePodTemplateSpec(template, field));
  const rp = templateRestartPolicy(template);
  if (rp !== 'Always') errs.push(notSupported(`${field}.spec.restartPolicy`, rp, ['Always']));
  const ads = at(template, 'spec.activeDeadlineSeconds');
  if (ads !== undefined && ads !== null) {
    errs.push(forbidden(`${field}.spec.activeDeadlineSeconds`, 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  return errs;
}

/**
 * The selector / template part of ValidateReplicaSetSpec and ValidateDeploymentSpec. Both say
 * "empty selector is invalid for deployment" (ReplicaSets too, as upstream does).
 */
export function validateSelectorAndTemplate(spec: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const sel = validateControllerSelector(spec.selector, 'spec.selector', 'deployment');
  errs.push(...sel.errs);
  if (sel.invalidSelector) errs.push(invalid('spec.selector', spec.selector ?? null, 'invalid label selector'));
  else errs.push(...validateReplicaSetTemplate(spec.template, sel.parsed, 'spec.template'));
  return errs;
}

/** Deployment's SELECTOR cell: LabelSelectorAsSelector(...).String(), `<invalid>` on error. */
export function selectorString(obj: KubeObject): string {
  const s = tryLabelSelector(labelSelectorOf(rec(obj.spec)?.selector));
  return s === undefined ? '<invalid>' : s.toString();
}

// networking.k8s.io/v1 IngressClass (cluster-scoped): upstream SetDefaults_IngressClass,
// ValidateIngressClass(Update) and printIngressClass.
import { type FieldError, forbidden, invalid, notSupported, required, tooLong } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import { isDNS1123Label } from '../../machinery/names.js';
import type { KubeObject } from '../../machinery/types.js';
import { at, rec, setDefault, str } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { immutable } from '../shared/validate.js';
import type { ResourceStrategy } from '../types.js';
import { domainPrefixedPath } from '../batch/jobSpecValidation.js';
import { validateTypedLocalObjectReference } from './ingress.js';

const maxControllerLength = 250;

function validateParameters(params: unknown): FieldError[] {
  const p = rec(params);
  if (!p) return [];
  const field = 'spec.parameters';
  const errs = validateTypedLocalObjectReference(p, field);
  const scope = p.scope;
  if (scope === undefined || scope === null) return [...errs, required(`${field}.scope`)];
  if (scope !== 'Cluster' && scope !== 'Namespace') return [...errs, notSupported(`${field}.scope`, scope, ['Cluster', 'Namespace'])];
  const ns = str(p.namespace);
  if (scope === 'Namespace') {
    if (ns === undefined) errs.push(required(`${field}.namespace`, "`parameters.scope` is set to 'Namespace'"));
    else for (const m of isDNS1123Label(ns)) errs.push(invalid(`${field}.namespace`, ns, m));
  }
  if (scope === 'Cluster' && ns !== undefined) errs.push(forbidden(`${field}.namespace`, "`parameters.scope` is set to 'Cluster'"));
  return errs;
}

export const ingressClassStrategy = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  plural: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  schemaRef: 'io.k8s.api.networking.v1.IngressClass',

  defaults(obj: KubeObject): void {
    const params = rec(at(obj, 'spec.parameters'));
    if (params) setDefault(params, 'scope', 'Cluster');
  },

  validate(obj: KubeObject): FieldError[] {
    const s = rec(obj.spec) ?? {};
    const controller = str(s.controller) ?? '';
    const errs: FieldError[] = [];
    if (controller.length > maxControllerLength) errs.push(tooLong('spec.controller', maxControllerLength));
    errs.push(...domainPrefixedPath(controller, 'spec.controller'));
    errs.push(...validateParameters(s.parameters));
    return errs;
  },

  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
    return immutable(at(obj, 'spec.controller'), at(old, 'spec.controller'), 'spec.controller');
  },

  table: {
    columns: [
      nameColumn,
      col('Controller', 'Controller that is responsible for handling this class'),
      col('Parameters', 'A reference to a resource with additional parameters'),
      ageColumn,
    ],
    row(obj: KubeObject, now: number) {
      const s = rec(obj.spec);
      const p = rec(s?.parameters);
      let params = '<none>';
      if (p) {
        const group = str(p.apiGroup);
        params = `${str(p.kind) ?? ''}${group !== undefined ? `.${group}` : ''}/${str(p.name) ?? ''}`;
      }
      return [obj.metadata.name ?? '', str(s?.controller) ?? '', params, age(obj.metadata.creationTimestamp, now)];
    },
  },
} satisfies ResourceStrategy;

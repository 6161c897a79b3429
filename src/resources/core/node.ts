// core/v1 Node: allocatable defaults to capacity (SetDefaults_NodeStatus), podCIDR kept in
// step with podCIDRs, ValidateNode / ValidateNodeUpdate (taints — reported under
// `metadata.taints` exactly as upstream does —, resources, podCIDRs, providerID) and printNode.
import { type FieldError, duplicate, forbidden, invalid } from '../../machinery/fieldErrors.js';
import { age } from '../../machinery/duration.js';
import type { KubeObject } from '../../machinery/types.js';
import { type Obj, arr, clone, ensureRec, jsonEqual, rec, recs, setDefault, str } from '../shared/access.js';
import { ageColumn, col, nameColumn } from '../shared/table.js';
import { canonicalizeResourceList, nonNegativeQuantity } from '../shared/validate.js';
import type { ResourceStrategy, TableCell } from '../types.js';
import { ipFamilyOf } from './ipRange.js';
import { validateTaints } from './schedulingValidation.js';

const nodeInfoFields = [
  'machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion',
  'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture',
];

function specOf(obj: KubeObject): Obj {
  return rec(obj.spec) ?? {};
}

function statusOf(obj: KubeObject): Obj {
  return rec(obj.status) ?? {};
}

function validCIDR(cidr: string): boolean {
  const [ip, bits] = cidr.split('/');
  const fam = ipFamilyOf(ip ?? '');
  const n = Number(bits);
  return fam !== undefined && /^[0-9]+$/.test(bits ?? '') && n >= 0 && n <= (fam === 'IPv4' ? 32 : 128);
}

function validateNode(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  const status = statusOf(obj);
  const errs: FieldError[] = [];
  errs.push(...validateTaints(spec.taints, 'metadata.taints'));
  for (const list of ['capacity', 'allocatable']) {
    for (const [k, v] of Object.entries(rec(status[list]) ?? {})) errs.push(...nonNegativeQuantity(v, `status.${list}[${k}]`));
  }
  const cidrs = arr(spec.podCIDRs).filter((c): c is string => typeof c === 'string');
  cidrs.forEach((c, i) => {
    if (!validCIDR(c)) errs.push(invalid(`spec.podCIDRs[${i}]`, c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  if (cidrs.length > 1) {
    const fams = cidrs.map((c) => ipFamilyOf(c.split('/')[0]));
    if (cidrs.length > 2 || fams[0] === fams[1]) errs.push(invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
  }
  return errs;
}

function validateNodeUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen: unknown[] = [];
  recs(statusOf(obj).addresses).forEach((a, i) => {
    if (seen.some((s) => jsonEqual(s, a))) errs.push(duplicate(`status.addresses[${i}]`, a));
    seen.push(a);
  });
  const oldCIDRs = arr(specOf(old).podCIDRs);
  const newCIDRs = arr(specOf(obj).podCIDRs);
  // The controller may assign a CIDR once; after that it is fixed.
  if (oldCIDRs.length > 0 && !jsonEqual(oldCIDRs, newCIDRs)) {
    errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  const oldProvider = str(specOf(old).providerID) ?? '';
  if (oldProvider !== '' && oldProvider !== (str(specOf(obj).providerID) ?? '')) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

/** findNodeRoles: node-role.kubernetes.io/<role> keys and the kubernetes.io/role value. */
export function nodeRoles(obj: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

export function nodeStatusText(obj: KubeObject): string {
  const ready = recs(statusOf(obj).conditions).find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (specOf(obj).unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function address(obj: KubeObject, type: string): string {
  return str(recs(statusOf(obj).addresses).find((a) => a.type === type)?.address) ?? '<none>';
}

export const nodeStrategy = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  schemaRef: 'io.k8s.api.core.v1.Node',
  hasStatus: true,

  defaults(obj: KubeObject): void {
    const spec = ensureRec(obj, 'spec');
    const cidrs = arr(spec.podCIDRs);
    if (cidrs.length === 0 && str(spec.podCIDR)) spec.podCIDRs = [spec.podCIDR];
    else if (cidrs.length > 0) spec.podCIDR = cidrs[0];
    const status = ensureRec(obj, 'status');
    canonicalizeResourceList(status.capacity);
    canonicalizeResourceList(status.allocatable);
    if (status.allocatable === undefined && rec(status.capacity)) status.allocatable = clone(status.capacity);
    // Both are structs, not pointers, upstream: they always serialize, with empty values.
    const kubelet = ensureRec(ensureRec(status, 'daemonEndpoints'), 'kubeletEndpoint');
    setDefault(kubelet, 'Port', 0);
    const info = ensureRec(status, 'nodeInfo');
    for (const k of nodeInfoFields) setDefault(info, k, '');
  },

  prepareForUpdate(obj: KubeObject, old: KubeObject): void {
    obj.status = clone(old.status);
  },

  prepareForStatusUpdate(obj: KubeObject, old: KubeObject): void {
    obj.spec = clone(old.spec);
  },

  validate: validateNode,
  validateUpdate: validateNodeUpdate,

  table: {
    columns: [
      nameColumn,
      col('Status', 'The status of the node'),
      col('Roles', 'The roles of the node'),
      ageColumn,
      col('Version', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node\'s address in its own status or consumers of the downward API (status.hostIP).', 1),
      col('External-IP', 'List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node\'s address in its own status or consumers of the downward API (status.hostIP).', 1),
      col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
      col('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
      col('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
    ],
    row(obj: KubeObject, now: number): TableCell[] {
      const info = rec(statusOf(obj).nodeInfo) ?? {};
      const roles = nodeRoles(obj);
      return [
        obj.metadata.name ?? '',
        nodeStatusText(obj),
        roles.length > 0 ? roles.join(',') : '<none>',
        age(obj.metadata.creationTimestamp, now),
        str(info.kubeletVersion) ?? '',
        address(obj, 'InternalIP'),
        address(obj, 'ExternalIP'),
        str(info.osImage) || '<unknown>',
        str(info.kernelVersion) || '<unknown>',
        str(info.containerRuntimeVersion) || '<unknown>',
      ];
    },
  },

  fieldSelectors: {
    'spec.unschedulable': (o) => String(specOf(o).unschedulable === true),
  },
} satisfies ResourceStrategy;

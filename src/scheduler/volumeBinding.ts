// The VolumeBinding plugin's checks that need no provisioning decision (volume_binding.go
// PreFilter/Filter, FindPodVolumes for bound claims):
// - PreFilter: a claim the pod names must exist (`persistentvolumeclaim "x" not found`) and
//   not be terminating; an unbound claim whose class is not WaitForFirstConsumer rejects the
//   pod everywhere ("pod has unbound immediate PersistentVolumeClaims"). All unresolvable.
// - Filter: a claim bound to a PV with required node affinity admits only nodes that match
//   it ("node(s) had volume node affinity conflict", unresolvable) — this is what keeps a
//   StatefulSet pod re-created on its local-path claim on the node holding the data.
// Unbound WaitForFirstConsumer claims pass: the provisioner (local-path) creates their PV on
// whichever node the pod is bound to, so there is no existing PV to match against.
import type { KubeObject } from '../machinery/types.js';
import { record as rec, records as recs, str } from '../machinery/jsonAccess.js';
import { compileTerm, termMatches } from '../machinery/nodeMatching.js';
import type { VolumeHook } from './cycleState.js';
import type { PodInfo } from './podInfo.js';
import { plugins, reasons, status } from './status.js';

export interface VolumeLookups {
  /** By namespace and name. */
  claim(namespace: string, name: string): KubeObject | undefined;
  volume(name: string): KubeObject | undefined;
  storageClass(name: string): KubeObject | undefined;
}

/** Claim names the pod mounts (persistentVolumeClaim volumes and generic ephemeral ones). */
function claimNames(pod: KubeObject): string[] {
  const names: string[] = [];
  for (const v of recs(rec(pod.spec)?.volumes)) {
    const c = str(rec(v.persistentVolumeClaim)?.claimName);
    if (c) names.push(c);
    else if (rec(v.ephemeral)) names.push(`${pod.metadata.name ?? ''}-${str(v.name) ?? ''}`);
  }
  return names;
}

export function volumeBindingHook(lookups: VolumeLookups): VolumeHook {
  // Per-cycle memo: PreFilter resolves the bound PVs' affinity terms once, Filter reuses them.
  let memo: { pod: KubeObject; terms: ReturnType<typeof compileTerm>[][] } | undefined;
  const boundTerms = (pod: KubeObject): ReturnType<typeof compileTerm>[][] => {
    if (memo?.pod === pod) return memo.terms;
    const terms: ReturnType<typeof compileTerm>[][] = [];
    for (const name of claimNames(pod)) {
      const pvc = lookups.claim(pod.metadata.namespace ?? '', name);
      const pvName = str(rec(pvc?.spec)?.volumeName);
      if (!pvName) continue;
      const pv = lookups.volume(pvName);
      const required = rec(rec(rec(pv?.spec)?.nodeAffinity)?.required);
      if (!required) continue;
      terms.push(recs(required.nodeSelectorTerms).map(compileTerm));
    }
    memo = { pod, terms };
    return terms;
  };
  return {
    preFilter(info: PodInfo) {
      const pod = info.pod;
      const names = claimNames(pod);
      memo = { pod, terms: [] };
      if (names.length === 0) return undefined;
      let unboundImmediate = false;
      for (const name of names) {
        const pvc = lookups.claim(pod.metadata.namespace ?? '', name);
        if (!pvc) return status(`persistentvolumeclaim "${name}" not found`, plugins.volumeBinding, true);
        if (pvc.metadata.deletionTimestamp) return status(`persistentvolumeclaim "${name}" is being deleted`, plugins.volumeBinding, true);
        if (str(rec(pvc.spec)?.volumeName)) continue;
        const className = str(rec(pvc.spec)?.storageClassName) ?? '';
        const sc = className ? lookups.storageClass(className) : undefined;
        if (str(sc?.volumeBindingMode) !== 'WaitForFirstConsumer') unboundImmediate = true;
      }
      if (unboundImmediate) return status(reasons.unboundImmediatePVC, plugins.volumeBinding, true);
      memo = undefined;
      boundTerms(pod);
      return undefined;
    },
    filter(info: PodInfo, node) {
      for (const terms of boundTerms(info.pod)) {
        // Terms are ORed; an empty or invalid term selects nothing.
        if (!terms.some((t) => t !== undefined && termMatches(t, node.name, node.labels))) return status(reasons.volumeNodeConflict, plugins.volumeBinding, true);
      }
      return undefined;
    },
  };
}

// Which PersistentVolume a claim binds to: upstream's findMatchingVolume
// (pkg/controller/volume/persistentvolume/util): volumes pre-bound to the claim first, else
// the smallest Available volume that fits — enough capacity, a superset of the access modes,
// the same class, the claim's label selector, the same volumeMode and (when a node is known)
// node affinity that admits the node. With delayed binding and no node yet, only pre-bound
// volumes qualify (the scheduler would pick the rest).
import { compileTerm, termMatches } from '../../machinery/nodeMatching.js';
import { compareQuantities } from '../../machinery/quantity.js';
import type { KubeObject } from '../../machinery/types.js';
import { rec, recs, specOf } from '../shared/meta.js';
import { selectorOf } from '../shared/selectors.js';
import { accessModesOf, capacityOf, claimRefOf, classOf, phaseOf, requestedStorage, volumeModeOf } from './volumeMeta.js';

/** True when the volume's claimRef names this claim (by uid, or by name while the uid is unset). */
export function isPreBoundTo(pv: KubeObject, claim: KubeObject): boolean {
  const ref = claimRefOf(pv);
  if (!ref || ref.name !== claim.metadata.name || ref.namespace !== (claim.metadata.namespace ?? '')) return false;
  return ref.uid === '' || ref.uid === claim.metadata.uid;
}

function safeCompare(a: string, b: string): number | undefined {
  try {
    return compareQuantities(a, b);
  } catch {
    return undefined;
  }
}

/** CheckNodeAffinity: the volume's required node selector terms (ORed) admit a node with these labels. */
export function volumeAdmitsNode(pv: KubeObject, nodeLabels: Record<string, string>): boolean {
  const required = rec(rec(specOf(pv).nodeAffinity)?.required);
  if (!required) return true;
  // Upstream matches a Node built from the labels alone, so its name is empty.
  return recs(required.nodeSelectorTerms).some((t) => {
    const term = compileTerm(t);
    return term !== undefined && termMatches(term, '', nodeLabels);
  });
}

export interface MatchOptions {
  /** The claim's class delays binding (WaitForFirstConsumer). */
  delayBinding: boolean;
  /** Labels of the selected node (kubernetes.io/hostname at least), when one is known. */
  nodeLabels?: Record<string, string>;
}

/** The volume the claim should bind to, or undefined. */
export function findBestMatch(claim: KubeObject, volumes: readonly KubeObject[], opts: MatchOptions): KubeObject | undefined {
  const request = requestedStorage(claim) ?? '0';
  const modes = accessModesOf(claim);
  const cls = classOf(claim);
  const claimSpec = specOf(claim);
  const selector = claimSpec.selector === undefined || claimSpec.selector === null ? undefined : selectorOf(claimSpec.selector);
  // An invalid selector matches nothing (upstream returns the conversion error).
  if (claimSpec.selector !== undefined && claimSpec.selector !== null && !selector) return undefined;
  let best: KubeObject | undefined;
  let bestSize: string | undefined;
  for (const pv of [...volumes].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
    if (pv.metadata.deletionTimestamp) continue;
    if (volumeModeOf(pv) !== volumeModeOf(claim)) continue;
    const admits = !opts.nodeLabels || volumeAdmitsNode(pv, opts.nodeLabels);
    // A volume pre-bound to the claim is the only candidate, whatever its size.
    if (isPreBoundTo(pv, claim)) return admits ? pv : undefined;
    if (!admits) continue;
    if (opts.delayBinding && !opts.nodeLabels) continue;
    if (claimRefOf(pv)) continue;
    // Volumes not yet Available will become so; binding them now only invites conflicts.
    if (phaseOf(pv) !== 'Available') continue;
    if (classOf(pv) !== cls) continue;
    if (selector && !selector.matches(pv.metadata.labels ?? {})) continue;
    const size = capacityOf(pv) ?? '0';
    const fits = safeCompare(size, request);
    if (fits === undefined || fits < 0) continue;
    const pvModes = accessModesOf(pv);
    if (!modes.every((m) => pvModes.includes(m))) continue;
    if (bestSize === undefined || (safeCompare(size, bestSize) ?? 0) < 0) {
      best = pv;
      bestSize = size;
    }
  }
  return best;
}

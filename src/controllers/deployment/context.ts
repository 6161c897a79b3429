// One deployment sync's working state. Upstream's sync writes through the API as it goes
// and keeps going with the objects the writes return; here every write lands on a working
// copy and is recorded, and `actions()` turns the records into the list the reconcile loop
// performs: claim patches, one create or update per touched ReplicaSet (in the order first
// touched, carrying the final state and every Event its changes earned), deletions, the
// deployment's status update (with its revision annotation), and a requeue.
import type { KubeObject } from '../../machinery/types.js';
import { type Action, DEPLOYMENT, type EventDescriptor, type PatchAction, REPLICA_SET, eventFor, refOf } from '../shared/actions.js';
import { clone, metaTime, semanticEqual, statusOf } from '../shared/meta.js';
import { maxSurge, replicasAnnotationsNeedUpdate, replicasOf, setReplicas, setReplicasAnnotations } from './util.js';

interface Touched {
  created: boolean;
  /** spec.replicas before this sync first scaled it (upstream's status reads the pre-scale objects). */
  preScaleReplicas?: number;
  onSuccess: EventDescriptor[];
  onFailure: EventDescriptor[];
}

export class DeploymentSync {
  /** Working copy: status and annotations change as upstream's in-memory deployment does. */
  readonly d: KubeObject;
  /** The claimed ReplicaSets (working copies), plus one created during this sync. */
  readonly rsList: KubeObject[];
  /** Stop: upstream returned an error; nothing after this point runs. */
  stopped = false;
  /** A status update to write first (a previous ReplicaSet create failed). */
  earlyStatus?: KubeObject;
  requeueMs?: number;
  private readonly touched = new Map<KubeObject, Touched>();
  private readonly deletes: Action[] = [];
  private readonly extraEvents: EventDescriptor[] = [];

  constructor(
    readonly original: KubeObject,
    claimed: readonly KubeObject[],
    /** Every ReplicaSet in the namespace (for name collisions). */
    readonly namespaceReplicaSets: readonly KubeObject[],
    /** Pods of the claimed ReplicaSets, by ReplicaSet uid (inactive ones included). */
    readonly podMap: ReadonlyMap<string, readonly KubeObject[]>,
    readonly now: number,
    private readonly claimPatches: readonly PatchAction[],
  ) {
    this.d = clone(original);
    this.rsList = claimed.map((rs) => clone(rs));
  }

  get nowTime(): string {
    return metaTime(this.now);
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string): EventDescriptor {
    return eventFor(this.d, DEPLOYMENT, type, reason, message);
  }

  recordEvent(e: EventDescriptor): void {
    this.extraEvents.push(e);
  }

  private track(rs: KubeObject): Touched {
    let t = this.touched.get(rs);
    if (!t) {
      t = { created: false, onSuccess: [], onFailure: [] };
      this.touched.set(rs, t);
    }
    return t;
  }

  /** Records that `rs` (a working copy, already modified) must be written. */
  markUpdated(rs: KubeObject): void {
    this.track(rs);
  }

  markCreated(rs: KubeObject, onSuccess: EventDescriptor[], onFailure: EventDescriptor[]): void {
    const t = this.track(rs);
    t.created = true;
    t.onSuccess.push(...onSuccess);
    t.onFailure.push(...onFailure);
    this.rsList.push(rs);
  }

  /** The replicas upstream's status computation sees for `rs`. */
  statusReplicas(rs: KubeObject): number {
    return this.touched.get(rs)?.preScaleReplicas ?? replicasOf(rs);
  }

  /**
   * scaleReplicaSet: set the size and the desired/max-replicas annotations; a size change
   * earns the ScalingReplicaSet Event. Returns whether the size changed.
   */
  scaleReplicaSet(rs: KubeObject, newScale: number): boolean {
    const desired = replicasOf(this.d);
    const max = desired + maxSurge(this.d);
    const oldScale = replicasOf(rs);
    const sizeNeedsUpdate = oldScale !== newScale;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
    const t = this.track(rs);
    if (sizeNeedsUpdate && t.preScaleReplicas === undefined) t.preScaleReplicas = oldScale;
    setReplicas(rs, newScale);
    setReplicasAnnotations(rs, desired, max);
    if (!sizeNeedsUpdate) return false;
    const op = oldScale < newScale ? 'up' : 'down';
    t.onSuccess.push(this.event('Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name ?? ''} from ${oldScale} to ${newScale}`));
    return true;
  }

  /** scaleReplicaSetAndRecordEvent: no write at all when the size is already right. */
  scaleAndRecord(rs: KubeObject, newScale: number): boolean {
    return replicasOf(rs) === newScale ? false : this.scaleReplicaSet(rs, newScale);
  }

  deleteReplicaSet(rs: KubeObject): void {
    const ref = refOf(rs, REPLICA_SET);
    this.deletes.push({ kind: 'delete', ref, ...(rs.metadata.uid ? { preconditions: { uid: rs.metadata.uid } } : {}), tolerate: ['NotFound'] });
  }

  private deploymentWrite(d: KubeObject): Action | undefined {
    const changed = !semanticEqual(statusOf(d), statusOf(this.original)) ||
      !semanticEqual(d.metadata.annotations ?? {}, this.original.metadata.annotations ?? {});
    return changed ? { kind: 'updateStatus', object: { ...clone(d), apiVersion: DEPLOYMENT.apiVersion, kind: DEPLOYMENT.kind } } : undefined;
  }

  actions(): Action[] {
    const out: Action[] = [...this.claimPatches];
    const early = this.earlyStatus ? this.deploymentWrite(this.earlyStatus) : undefined;
    if (early) out.push(early);
    for (const [rs, t] of this.touched) {
      const object: KubeObject = { ...clone(rs), apiVersion: REPLICA_SET.apiVersion, kind: REPLICA_SET.kind };
      if (t.created) {
        delete object.metadata.creationTimestamp;
        delete object.status;
        out.push({ kind: 'create', object, onSuccess: t.onSuccess, onFailure: t.onFailure });
      } else {
        out.push({ kind: 'update', object, ...(t.onSuccess.length ? { onSuccess: t.onSuccess } : {}) });
      }
    }
    out.push(...this.deletes);
    if (!this.earlyStatus) {
      const w = this.deploymentWrite(this.d);
      if (w) out.push(w);
    }
    for (const e of this.extraEvents) out.push({ kind: 'event', event: e });
    if (this.requeueMs !== undefined) out.push({ kind: 'requeueAfter', ms: this.requeueMs });
    return out;
  }
}

// The node heartbeat (kubelet's nodelease controller): a coordination.k8s.io/v1 Lease named
// after the node in kube-node-lease, holderIdentity = node name, leaseDurationSeconds 40,
// owned by the Node (so deleting the node collects it), renewTime refreshed every
// renewInterval (a quarter of the duration upstream: 10 s). Renewals update the lease last
// written (optimistic concurrency); on a conflict the lease is read again and the renewal
// retried once; a missing lease is created again.
import { formatMicroTime, leasesGVR, type Lease } from '../client/leaderElection.js';
import { isAlreadyExists, isConflict, isNotFound } from '../client/errors.js';
import type { Client } from '../client/types.js';

export const nodeLeaseNamespace = 'kube-node-lease';

export class NodeLease {
  private lease: Lease | undefined;

  constructor(
    private readonly client: Client,
    readonly nodeName: string,
    private readonly leaseDurationSeconds = 40,
  ) {}

  /** The lease as last written. */
  get current(): Lease | undefined {
    return this.lease;
  }

  private fresh(now: number, nodeUid: string | undefined): Lease {
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.nodeName, namespace: nodeLeaseNamespace },
      spec: { holderIdentity: this.nodeName, leaseDurationSeconds: this.leaseDurationSeconds, renewTime: formatMicroTime(now) },
    };
    if (nodeUid) lease.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: nodeUid }];
    return lease;
  }

  /** Renews the lease (creating it when missing). Throws when the API refuses twice. */
  async renew(now: number, nodeUid?: string): Promise<void> {
    if (!this.lease) {
      try {
        this.lease = await this.client.get<Lease>(leasesGVR, this.nodeName, { namespace: nodeLeaseNamespace });
      } catch (e) {
        if (!isNotFound(e)) throw e;
        try {
          this.lease = await this.client.create<Lease>(leasesGVR, this.fresh(now, nodeUid), { namespace: nodeLeaseNamespace });
          return;
        } catch (ce) {
          if (!isAlreadyExists(ce)) throw ce;
          this.lease = await this.client.get<Lease>(leasesGVR, this.nodeName, { namespace: nodeLeaseNamespace });
        }
      }
    }
    for (let attempt = 0; ; attempt++) {
      const base = this.lease;
      const next: Lease = { ...base, spec: { ...base.spec, holderIdentity: this.nodeName, leaseDurationSeconds: this.leaseDurationSeconds, renewTime: formatMicroTime(now) } };
      if (!next.metadata.ownerReferences?.length && nodeUid) next.metadata = { ...next.metadata, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: nodeUid }] };
      try {
        this.lease = await this.client.update<Lease>(leasesGVR, next, { namespace: nodeLeaseNamespace });
        return;
      } catch (e) {
        if (isNotFound(e)) {
          this.lease = undefined;
          return this.renew(now, nodeUid);
        }
        if (!isConflict(e) || attempt > 0) {
          this.lease = undefined; // read it again next time
          throw e;
        }
        this.lease = await this.client.get<Lease>(leasesGVR, this.nodeName, { namespace: nodeLeaseNamespace });
      }
    }
  }
}

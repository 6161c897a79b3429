// persistentVolumeClaim (and generic ephemeral) volumes: the claim must be Bound; its PV
// must be a hostPath or local volume, which this node serves from the host path directly.
// Messages follow the kubelet's desired-state populator (`error processing PVC ns/x: …`).
// Directories of PVs the local-path provisioner made are created when missing, 0777 as
// rancher's helper does, so non-root containers can write to them.
import * as fs from 'node:fs/promises';
import { record, str, stringMap } from '../../machinery/jsonAccess.js';
import { errorText } from './errors.js';
import { checkHostPathType } from './hostPath.js';
import { GVR } from './lookup.js';
import type { PayloadContext } from './payloads.js';

const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';

export async function resolveClaimPath(ctx: PayloadContext, claimName: string, ephemeral: boolean): Promise<string> {
  const ns = ctx.pod.metadata.namespace ?? '';
  const where = `error processing PVC ${ns}/${claimName}`;
  let claim;
  try {
    claim = await ctx.client.get(GVR.claims, claimName, { namespace: ns });
  } catch (err) {
    throw new Error(`${where}: failed to fetch PVC from API server: ${errorText(err)}`);
  }
  if (ephemeral && !(claim.metadata.ownerReferences ?? []).some((o) => o.uid === ctx.pod.metadata.uid && o.controller === true)) {
    throw new Error(`${where}: PVC ${ns}/${claimName} was not created for pod ${ns}/${ctx.pod.metadata.name ?? ''} (pod is not owner)`);
  }
  const volumeName = str(record(claim.spec)?.volumeName);
  if (str(record(claim.status)?.phase) !== 'Bound' || !volumeName) throw new Error(`${where}: PVC is not bound`);
  let pv;
  try {
    pv = await ctx.client.get(GVR.volumes, volumeName);
  } catch (err) {
    throw new Error(`${where}: failed to fetch PV ${volumeName} from API server: ${errorText(err)}`);
  }
  const spec = record(pv.spec) ?? {};
  const ref = record(spec.claimRef);
  if (str(ref?.uid) && str(ref?.uid) !== claim.metadata.uid) {
    throw new Error(`${where}: found PV object "${volumeName}" but it has a ClaimRef that points to a different PVC`);
  }
  const localPath = stringMap(pv.metadata.annotations)[ANN_PROVISIONED_BY] === LOCAL_PATH_PROVISIONER;
  const hostPath = record(spec.hostPath);
  const local = record(spec.local);
  const p = str(hostPath?.path) ?? str(local?.path);
  if (!p) {
    const kind = Object.keys(spec).find((k) => !['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'volumeMode', 'nodeAffinity', 'mountOptions'].includes(k));
    throw new Error(`${where}: PersistentVolume "${volumeName}" has a ${kind ?? 'missing'} source; this node can mount only hostPath and local volumes`);
  }
  if (localPath) await fs.mkdir(p, { recursive: true, mode: 0o777 }).then((made) => (made ? fs.chmod(p, 0o777) : undefined));
  if (hostPath) await checkHostPathType(p, str(hostPath.type) ?? '');
  else await fs.stat(p).catch(() => Promise.reject(new Error(`${where}: local volume path ${p} doesn't exist`)));
  return p;
}

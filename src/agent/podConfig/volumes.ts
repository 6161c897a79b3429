// Setting up a pod's volumes on the host, one plugin at a time, under the kubelet's layout
// <podDir>/volumes/kubernetes.io~<plugin>/<name>:
// - emptyDir: a 0777 directory; medium Memory → tmpfs (size = sizeLimit when set).
// - configMap / secret / downwardAPI / projected: an emptyDir wrapper (memory-backed for
//   all but configMap, as upstream, so secrets stay off disk) filled by the AtomicWriter;
//   read-only in containers; refreshed in place later (see source.ts).
// - hostPath: the host path itself after the type check.
// - persistentVolumeClaim / ephemeral: the bound PV's hostPath or local path.
// Memory-backed volumes fall back to plain directories when tmpfs is off (not root).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { record, records, str } from '../../machinery/jsonAccess.js';
import { parseQuantity } from '../../machinery/quantity.js';
import type { KubeObject } from '../../machinery/types.js';
import { AtomicWriter, type Payload } from './atomicWriter.js';
import { errorText, VolumeSetupError } from './errors.js';
import { checkHostPathType } from './hostPath.js';
import { fsGroupFileMode, setVolumeOwnership } from './ownership.js';
import { configMapPayload, downwardAPIPayload, projectedPayload, secretPayload, type PayloadContext } from './payloads.js';
import { resolveClaimPath } from './pvc.js';
import { mountTmpfs } from './tmpfs.js';

export interface PreparedVolume {
  name: string;
  hostPath: string;
  /** The plugin mounts it read-only whatever the volumeMount says (configMap, secret, …, readOnly claims). */
  readOnly: boolean;
  /** Re-projects the files from the current objects (atomic-writer volumes only). */
  refresh?: (ctx: PayloadContext) => Promise<boolean>;
}

export interface VolumeHost {
  podDir: string;
  tmpfs: boolean;
  log: (msg: string) => void;
  now: () => number;
}

export const pluginDirs: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};

const sourceKinds = ['emptyDir', 'hostPath', 'configMap', 'secret', 'downwardAPI', 'projected', 'persistentVolumeClaim', 'ephemeral'];

export function fsGroupOf(pod: KubeObject): number | undefined {
  const v = record(record(pod.spec)?.securityContext)?.fsGroup;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

function sourceKind(vol: Record<string, unknown>): string | undefined {
  return Object.keys(vol).find((k) => k !== 'name' && vol[k] !== null && vol[k] !== undefined);
}

/** Sets up one volume; failures are VolumeSetupErrors naming it. */
export async function setUpVolume(vol: Record<string, unknown>, host: VolumeHost, ctx: PayloadContext): Promise<PreparedVolume> {
  const name = str(vol.name) ?? '';
  const kind = sourceKind(vol) ?? 'emptyDir';
  try {
    if (!sourceKinds.includes(kind)) throw new Error(`volume type "${kind}" is not supported on this node`);
    const src = record(vol[kind]) ?? {};
    const dir = pluginDirs[kind] ? path.join(host.podDir, 'volumes', pluginDirs[kind], name) : '';
    switch (kind) {
      case 'emptyDir':
        await setUpEmptyDir(dir, src, host, ctx.pod);
        return { name, hostPath: dir, readOnly: false };
      case 'hostPath': {
        const p = str(src.path) ?? '';
        await checkHostPathType(p, str(src.type) ?? '');
        return { name, hostPath: p, readOnly: false };
      }
      case 'persistentVolumeClaim':
      case 'ephemeral': {
        const claimName = kind === 'ephemeral' ? `${ctx.pod.metadata.name ?? ''}-${name}` : (str(src.claimName) ?? '');
        const p = await resolveClaimPath(ctx, claimName, kind === 'ephemeral');
        return { name, hostPath: p, readOnly: src.readOnly === true };
      }
      default: {
        const payload = (c: PayloadContext): Promise<Payload> =>
          kind === 'configMap' ? configMapPayload(src, c) : kind === 'secret' ? secretPayload(src, c) : kind === 'projected' ? projectedPayload(name, src, c) : downwardAPIPayload(records(src.items), typeof src.defaultMode === 'number' ? src.defaultMode : 0o644, c);
        // Upstream backs secret, projected and downwardAPI volumes with memory.
        await setUpEmptyDir(dir, { medium: kind === 'configMap' ? '' : 'Memory' }, host, ctx.pod, true);
        const refresh = async (c: PayloadContext): Promise<boolean> => {
          const fsGroup = fsGroupOf(c.pod);
          const writer = new AtomicWriter(dir, {
            now: host.now,
            setPerms: fsGroup === undefined ? undefined : (ts) => setVolumeOwnership(ts, fsGroup, true, host.log),
          });
          return writer.write(await payload(c));
        };
        await refresh(ctx);
        return { name, hostPath: dir, readOnly: true, refresh };
      }
    }
  } catch (err) {
    throw new VolumeSetupError(name, errorText(err));
  }
}

/** emptyDir SetUp: the directory (0777), tmpfs for medium Memory, fsGroup ownership. */
async function setUpEmptyDir(dir: string, src: Record<string, unknown>, host: VolumeHost, pod: KubeObject, readOnly = false): Promise<void> {
  const medium = str(src.medium) ?? '';
  if (medium.startsWith('HugePages')) throw new Error('hugepages-backed emptyDir volumes are not supported on this node');
  await fs.mkdir(dir, { recursive: true, mode: 0o750 });
  if (medium === 'Memory') {
    if (host.tmpfs) {
      const limit = str(src.sizeLimit);
      await mountTmpfs(dir, limit ? parseQuantity(limit).intValue : undefined);
    } else {
      host.log(`volume ${dir}: medium Memory needs tmpfs (root); using a plain directory`);
    }
  }
  await fs.chmod(dir, 0o777);
  const fsGroup = fsGroupOf(pod);
  if (fsGroup !== undefined) await setVolumeOwnership(dir, fsGroup, readOnly, host.log);
}

/** The file mode function for a pod's atomic-writer volumes. */
export function fileModeFor(pod: KubeObject): (mode: number) => number {
  return fsGroupOf(pod) === undefined ? (m) => m : (m) => fsGroupFileMode(m, true);
}

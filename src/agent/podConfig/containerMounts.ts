// A container's mounts as the kubelet's makeMounts and kuberuntime's makeMounts build them:
// 1. each volumeMount: the prepared volume's host path, plus subPath (or subPathExpr
//    expanded from the container's env), created as a directory when missing and kept
//    inside the volume; read-only when the mount or the volume plugin says so;
//    mountPropagation translated (None → private);
// 2. /etc/hosts, kubelet-managed, unless a volumeMount targets it or the pod has no IP yet;
// 3. the termination message file: a fresh file per container instance under
//    <podDir>/containers/<name>/, mode 0666, at terminationMessagePath.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { record, records, str } from '../../machinery/jsonAccess.js';
import type { KubeObject } from '../../machinery/types.js';
import { managedHostsContent, nodeHostsContent, writeHostsFile } from './etcHosts.js';
import type { EnvVar } from './env.js';
import { ContainerConfigError } from './errors.js';
import { expandSubPathExpr } from './expansion.js';
import type { Mount } from './types.js';
import type { PreparedVolume } from './volumes.js';

const etcHostsPath = '/etc/hosts';

export interface MountContext {
  podDir: string;
  podIPs: readonly string[];
  clusterDomain: string;
  nodeHostsFile: string;
}

function propagationOf(mode: string | undefined): NonNullable<Mount['propagation']> {
  switch (mode ?? 'None') {
    case 'None':
      return 'private';
    case 'HostToContainer':
      return 'hostToContainer';
    case 'Bidirectional':
      return 'bidirectional';
    default:
      throw new ContainerConfigError(`invalid MountPropagation mode: "${mode ?? ''}"`);
  }
}

const within = (p: string, root: string): boolean => p === root || p.startsWith(root.endsWith('/') ? root : `${root}/`);

async function exists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}

/** subPath handling: validation, creation (SafeMakeDir) and the containment check. */
async function subPathHostPath(volumePath: string, subPath: string, mountName: string, containerName: string): Promise<string> {
  if (path.posix.isAbsolute(subPath)) throw new ContainerConfigError(`error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split('/').includes('..')) throw new ContainerConfigError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
  const volumeReal = await fs.realpath(volumePath);
  const target = path.join(volumePath, subPath);
  if (!(await exists(target))) {
    try {
      const mode = (await fs.stat(volumePath)).mode & 0o7777;
      let cur = volumeReal;
      // One level at a time, re-checking containment so a symlink cannot lead out of the volume.
      for (const part of path.normalize(subPath).split('/').filter((s) => s && s !== '.')) {
        const next = path.join(cur, part);
        if (!(await exists(next))) {
          await fs.mkdir(next, { mode });
          await fs.chmod(next, mode);
        }
        cur = await fs.realpath(next);
        if (!within(cur, volumeReal)) throw new Error('escapes the volume');
      }
    } catch {
      throw new ContainerConfigError(`failed to create subPath directory for volumeMount "${mountName}" of container "${containerName}"`);
    }
  }
  const real = await fs.realpath(target).catch(() => '');
  if (!real || !within(real, volumeReal)) throw new ContainerConfigError(`failed to prepare subPath for volumeMount "${mountName}" of container "${containerName}"`);
  // The resolved path: the runtime must not follow a link swapped in later.
  return real;
}

export async function makeMounts(pod: KubeObject, container: Record<string, unknown>, env: readonly EnvVar[], volumes: ReadonlyMap<string, PreparedVolume>, ctx: MountContext): Promise<Mount[]> {
  const containerName = str(container.name) ?? '';
  const spec = record(pod.spec) ?? {};
  const hostNetwork = spec.hostNetwork === true;
  let mountHosts = ctx.podIPs.length > 0 || hostNetwork;
  const mounts: Mount[] = [];
  for (const vm of records(container.volumeMounts)) {
    const name = str(vm.name) ?? '';
    const containerPath = str(vm.mountPath) ?? '';
    if (containerPath === etcHostsPath) mountHosts = false;
    const vol = volumes.get(name);
    if (!vol) throw new ContainerConfigError(`cannot find volume "${name}" to mount into container "${containerName}"`);
    let subPath = str(vm.subPath) ?? '';
    const expr = str(vm.subPathExpr);
    if (expr) {
      try {
        subPath = expandSubPathExpr(expr, env);
      } catch (err) {
        throw new ContainerConfigError((err as Error).message);
      }
    }
    const hostPath = subPath ? await subPathHostPath(vol.hostPath, subPath, name, containerName) : vol.hostPath;
    mounts.push({
      containerPath: path.posix.isAbsolute(containerPath) ? containerPath : `/${containerPath}`,
      hostPath,
      readonly: vm.readOnly === true || vol.readOnly,
      propagation: propagationOf(str(vm.mountPropagation)),
    });
  }
  if (mountHosts) {
    const file = path.join(ctx.podDir, 'etc-hosts');
    const content = hostNetwork ? await nodeHostsContent(pod, ctx.nodeHostsFile) : managedHostsContent(pod, ctx.podIPs, ctx.clusterDomain);
    await writeHostsFile(file, content);
    mounts.push({ containerPath: etcHostsPath, hostPath: file, readonly: false, propagation: 'private' });
  }
  const terminationPath = container.terminationMessagePath === undefined ? '/dev/termination-log' : (str(container.terminationMessagePath) ?? '');
  if (terminationPath) {
    const dir = path.join(ctx.podDir, 'containers', containerName);
    await fs.mkdir(dir, { recursive: true, mode: 0o750 });
    const file = path.join(dir, randomBytes(4).toString('hex'));
    await fs.writeFile(file, '', { flag: 'wx' });
    await fs.chmod(file, 0o666);
    mounts.push({ containerPath: terminationPath, hostPath: file, readonly: false, propagation: 'private' });
  }
  return mounts;
}

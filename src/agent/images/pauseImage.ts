// The sandbox ("pause") image, built from the host's busybox-static because no registry is
// reachable. Its process holds the pod's namespaces and, as PID 1 of a shared PID
// namespace, must reap orphaned zombies and stop at once on SIGTERM, like the real pause
// binary (kubernetes/build/pause/linux/pause.c: SIGINT/SIGTERM exit, SIGCHLD reaps).
// busybox ash does both: a trapped TERM interrupts `wait` and exits 0 (PID 1 ignores
// untrapped signals, so the trap is what makes SIGTERM work), and `wait` reaps any child,
// including orphans re-parented to it.
import { Readable } from 'node:stream';
import { buildImageParts, imageLayoutArchive, type ImageDescription } from './ociImage.js';
import { listImages, runCtr, CtrError } from './ctr.js';

export const PAUSE_IMAGE = 'localhost/skiff/pause:1';

export const PAUSE_COMMAND = ['/bin/sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 2147483647 & wait; done'];

export function pauseImageDescription(busyboxPath?: string): ImageDescription {
  return {
    name: PAUSE_IMAGE,
    busybox: true,
    ...(busyboxPath ? { busyboxPath } : {}),
    config: {
      Entrypoint: PAUSE_COMMAND,
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Labels: { 'io.skiff.image': 'pause' },
    },
  };
}

/**
 * Makes sure containerd (namespace k8s.io) has PAUSE_IMAGE with exactly the content this
 * host would build; imports it (unpacked into overlayfs) only when it is missing or stale
 * (e.g. after the host's busybox was upgraded). Resolves to true when it imported.
 */
export async function ensurePauseImage(socket: string, opts: { busyboxPath?: string; snapshotter?: string; log?: (msg: string) => void } = {}): Promise<boolean> {
  const parts = buildImageParts(pauseImageDescription(opts.busyboxPath));
  const existing = (await listImages(socket)).find((i) => i.name === PAUSE_IMAGE);
  if (existing?.digest === parts.manifest.digest) return false;
  try {
    await runCtr(socket, ['images', 'import', '--snapshotter', opts.snapshotter ?? 'overlayfs', '-'], { input: Readable.from([imageLayoutArchive([parts])]) });
  } catch (e) {
    throw new Error(`importing the sandbox image ${PAUSE_IMAGE} into containerd at ${socket}: ${e instanceof CtrError || e instanceof Error ? e.message : String(e)}`);
  }
  opts.log?.(`imported sandbox image ${PAUSE_IMAGE} (${parts.manifest.digest})`);
  return true;
}

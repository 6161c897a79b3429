// Pod config for the node agent: volumes on the host, and each container's env,
// command/args and mounts, as the kubelet prepares them for the CRI runtime.
import { PodConfigSourceImpl } from './source.js';
import type { PodConfigSource, PodConfigSourceOptions } from './types.js';

export type { ContainerRuntimeConfig, Mount, PodConfigSource, PodConfigSourceOptions } from './types.js';
export { ContainerConfigError, VolumeSetupError } from './errors.js';
export { PodConfigSourceImpl } from './source.js';

export function createPodConfigSource(opts: PodConfigSourceOptions): PodConfigSource {
  return new PodConfigSourceImpl(opts);
}

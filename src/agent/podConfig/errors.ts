// The two ways preparing a container can fail, as the kubelet reports them:
// - ContainerConfigError: generateContainerConfig failed (env, mounts, subPath); the
//   kubelet shows the container Waiting with reason CreateContainerConfigError and the
//   error's text as the message (e.g. `configmap "x" not found`).
// - VolumeSetupError: a volume could not be set up; the kubelet keeps the pod in
//   ContainerCreating and records a FailedMount event
//   `MountVolume.SetUp failed for volume "v" : <cause>`, retrying on the next sync.

export class ContainerConfigError extends Error {
  readonly reason = 'CreateContainerConfigError';
  override readonly name = 'ContainerConfigError';
}

export class VolumeSetupError extends Error {
  /** The event reason the kubelet records for it. */
  readonly reason = 'FailedMount';
  override readonly name = 'VolumeSetupError';
  constructor(
    readonly volume: string,
    readonly detail: string,
  ) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${detail}`);
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** utilerrors.NewAggregate's text: one error as itself, several as `[a, b]`. */
export function aggregate(errs: readonly string[]): string | undefined {
  if (errs.length === 0) return undefined;
  return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
}

// Pod-level cgroups on a cgroupfs (v1) host. runc creates `<cgroup_parent>/<container>` in
// every controller and removes only the container's part, so the pod's own directory
// (`kubepods[/burstable|/besteffort]/pod<uid>`) stays behind — the kubelet's pod container
// manager deletes it on teardown, and so do we.
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

const cgroupRoot = '/sys/fs/cgroup';

/** The pod cgroup paths for every QoS class (the pod's class may not be known at teardown). */
export function podCgroupPaths(podUid: string): string[] {
  return [`kubepods/pod${podUid}`, `kubepods/burstable/pod${podUid}`, `kubepods/besteffort/pod${podUid}`];
}

/** Removes the pod's empty cgroup directories in every mounted controller; what is absent or busy is left. */
export async function removePodCgroups(podUid: string, root = cgroupRoot): Promise<void> {
  if (!podUid) return;
  let controllers: string[];
  try {
    controllers = await readdir(root);
  } catch {
    return;
  }
  await Promise.all(
    controllers.flatMap((c) =>
      podCgroupPaths(podUid).map(async (p) => {
        try {
          await rmdir(join(root, c, p));
        } catch {
          // absent in this controller, or still holding a process
        }
      }),
    ),
  );
}

// Periodic compaction, as kube-apiserver asks etcd to compact on an interval
// (--etcd-compaction-interval, 5m by default): keep the last keepRevisions revisions of
// history so watches and paged lists that lag by less than that keep working.
import { StoreError, type Store } from './types.js';

export interface CompactorOptions {
  intervalMs: number;
  keepRevisions: number;
  /** Reports failed runs; 'Closed' (store shut down) is not reported. */
  log?: (msg: string) => void;
}

export function startCompactor(store: Store, opts: CompactorOptions): { stop(): void } {
  let running = false;
  let stopped = false;
  const tick = async (): Promise<void> => {
    if (running || stopped) return;
    running = true;
    try {
      const target = (await store.currentRevision()) - opts.keepRevisions;
      if (target > (await store.compactedRevision())) await store.compact(target);
    } catch (e) {
      if (!(e instanceof StoreError && e.code === 'Closed')) opts.log?.(`store compaction failed: ${String(e)}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMs);
  // The compactor alone must not keep the process alive.
  timer.unref();
  return {
    stop(): void {
      stopped = true;
      clearInterval(timer);
    },
  };
}

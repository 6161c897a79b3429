// The one reconcile loop every controller runs (controller-runtime's
// internal/controller.reconcileHandler): workers take keys from a de-duplicating work
// queue and call `reconcile(key, signal)`; the outcome decides what happens to the key:
//   throws TerminalError      → forget (no retry; reported)
//   throws anything else      → addRateLimited (per-key exponential back-off; reported)
//   { requeue: true }         → addRateLimited (retry without an error)
//   { requeueAfterMs: n > 0 } → forget, then addAfter(n)
//   otherwise                 → forget (back-off reset)
// The queue guarantees a key is never reconciled by two workers at once. When `signal`
// aborts, the queue shuts down, in-flight reconciles see the aborted signal, and
// runController resolves once they have returned.
import type { WorkQueue } from './workqueue.js';

/** An error retrying cannot fix (bad spec, unsupported state): logged, not requeued. */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export interface ReconcileResult {
  /** Reconcile again after this long (e.g. to check a deadline). */
  requeueAfterMs?: number;
  /** Reconcile again after the key's rate-limited back-off, without reporting an error. */
  requeue?: boolean;
}

export type Reconciler = (key: string, signal: AbortSignal) => Promise<ReconcileResult | void>;

export interface ControllerOptions {
  /** Names the controller in reports. */
  name: string;
  queue: WorkQueue<string>;
  reconcile: Reconciler;
  /** Concurrent workers (controller-runtime's MaxConcurrentReconciles; default 1). */
  workers?: number;
  signal: AbortSignal;
  /** Told about every failed reconcile; default: one line on stderr. */
  onError?: (key: string, err: unknown, terminal: boolean) => void;
}

export async function runController(opts: ControllerOptions): Promise<void> {
  const { name, queue, reconcile, signal } = opts;
  const workers = Math.max(1, opts.workers ?? 1);
  const report = (key: string, err: unknown, terminal: boolean): void => {
    if (opts.onError) return opts.onError(key, err, terminal);
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`controller ${name}: reconcile "${key}" failed${terminal ? ' (terminal, not retried)' : ', will retry'}: ${msg}\n`);
  };
  const onAbort = (): void => queue.shutDown();
  if (signal.aborted) queue.shutDown();
  else signal.addEventListener('abort', onAbort, { once: true });

  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        const result = await reconcile(key, signal);
        if (result?.requeue) queue.addRateLimited(key);
        else if (result?.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
          queue.forget(key);
          queue.addAfter(key, result.requeueAfterMs);
        } else queue.forget(key);
      } catch (e) {
        if (e instanceof TerminalError) {
          queue.forget(key);
          report(key, e, true);
        } else {
          queue.addRateLimited(key);
          if (!signal.aborted) report(key, e, false);
        }
      } finally {
        queue.done(key);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

// Waits for "something may have changed" on a log file while following it. Like the kubelet
// (fsnotify on the log's directory, so a rotated-in file is seen, plus a forced re-check
// every period), it watches the directory with fs.watch and wakes on any event for the file's
// name — and also after `pollMs` regardless, which covers a failed or silent watch (inotify
// limits, network filesystems) and writes that land between a read and the wait.
//
// Guarantees: wait() resolves (never rejects) on a change, on the poll timer, or on abort;
// an event that arrives while nobody waits makes the next wait() return at once; close() is
// idempotent and releases the watch and any timer.
import { watch, type FSWatcher } from 'node:fs';

export const defaultPollMs = 250;

export class FileChangeWaiter {
  private watcher: FSWatcher | undefined;
  private changed = false;
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(dir: string, private readonly baseName: string, private readonly pollMs = defaultPollMs, useWatch = true) {
    if (!useWatch) return;
    try {
      this.watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null || name === undefined || String(name) === this.baseName) this.notify();
      });
      // A broken watch (directory removed, queue overflow) degrades to polling.
      this.watcher.on('error', () => this.stopWatching());
    } catch {
      this.watcher = undefined;
    }
  }

  /** Whether an fs.watch is active (false: polling only). */
  get watching(): boolean {
    return this.watcher !== undefined;
  }

  private notify(): void {
    this.changed = true;
    this.wake?.();
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  wait(signal: AbortSignal): Promise<void> {
    if (this.changed || this.closed || signal.aborted) {
      this.changed = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        this.changed = false;
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopWatching();
    this.wake?.();
  }
}

// A push-to-pull bridge that turns watch events arriving from anywhere (an HTTP response,
// a store subscription, the fake client) into a WatchStream. Transports call `push` per
// event, `end()` when the source closes cleanly and `fail(err)` when it breaks; the
// consumer iterates. Guarantees: events come out in push order, none after `stop()`; the
// source's `onStop` runs exactly once, whether the consumer stopped, broke out of its loop,
// or the source ended.
import type { KubeObject } from '../machinery/types.js';
import type { WatchEvent, WatchStream } from './types.js';

export interface WatchSink<T extends KubeObject = KubeObject> {
  push(event: WatchEvent<T>): void;
  end(): void;
  fail(err: unknown): void;
  /** True once stopped or ended: the source should stop producing. */
  readonly closed: boolean;
}

export function createWatchStream<T extends KubeObject = KubeObject>(onStop: () => void): { stream: WatchStream<T>; sink: WatchSink<T> } {
  const buffered: WatchEvent<T>[] = [];
  let waiter: { resolve: (r: IteratorResult<WatchEvent<T>>) => void; reject: (e: unknown) => void } | undefined;
  let closed = false;
  let error: unknown;
  let failed = false;
  let stopped = false;

  const release = (): void => {
    if (stopped) return;
    stopped = true;
    onStop();
  };
  const settle = (): void => {
    if (!waiter) return;
    const w = waiter;
    if (buffered.length > 0) {
      waiter = undefined;
      w.resolve({ value: buffered.shift() as WatchEvent<T>, done: false });
    } else if (closed) {
      waiter = undefined;
      if (failed) {
        failed = false; // report the failure once
        w.reject(error);
      } else w.resolve({ value: undefined, done: true });
    }
  };

  const sink: WatchSink<T> = {
    push(event) {
      if (closed) return;
      buffered.push(event);
      settle();
    },
    end() {
      if (closed) return;
      closed = true;
      release();
      settle();
    },
    fail(err) {
      if (closed) return;
      closed = true;
      failed = true;
      error = err;
      release();
      settle();
    },
    get closed() {
      return closed;
    },
  };

  const stop = (): void => {
    buffered.length = 0;
    failed = false;
    closed = true;
    release();
    settle();
  };

  const stream: WatchStream<T> = {
    stop,
    [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
      return {
        next: () =>
          new Promise<IteratorResult<WatchEvent<T>>>((resolve, reject) => {
            if (waiter) return reject(new Error('a watch stream has a single consumer'));
            waiter = { resolve, reject };
            settle();
          }),
        return: () => {
          stop();
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
  return { stream, sink };
}

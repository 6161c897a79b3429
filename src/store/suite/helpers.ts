// Shared pieces of the store conformance suite: a per-test store, error assertions and a
// watch recorder that tests await on (event-driven waits, never timed assertions).
import assert from 'node:assert/strict';
import { StoreError, type Store, type StoreErrorCode, type StoreEvent, type WatchHandle } from '../types.js';

export interface SuiteContext {
  /** Runs body against a fresh store and always cleans it up. */
  withStore(body: (store: Store) => Promise<void>): Promise<void>;
}

export async function rejectsWith(p: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StoreError, `expected a StoreError ${code}, got ${String(e)}`);
    assert.equal(e.code, code);
    return e;
  }
  assert.fail(`expected StoreError ${code}, but the call succeeded`);
}

/** Lets pending deliveries run (several turns, so setImmediate batches flush). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Event in a comparable form (created: undefined and false mean the same). */
export function normalize(ev: StoreEvent): StoreEvent {
  const out: StoreEvent = { type: ev.type, kv: { ...ev.kv }, created: ev.created === true };
  if (ev.prev) out.prev = { ...ev.prev };
  return out;
}

export class Recorder {
  readonly events: StoreEvent[] = [];
  error: StoreError | undefined;
  afterError = 0;
  readonly handle: WatchHandle;
  /** Pending waits; each returns true once it has settled. */
  private waiters: (() => boolean)[] = [];

  constructor(store: Store, prefix: string, fromRevision: number) {
    this.handle = store.watch(
      prefix,
      fromRevision,
      (events) => {
        if (this.error) this.afterError++;
        this.events.push(...events);
        this.wake();
      },
      (err) => {
        if (this.error) this.afterError++;
        this.error = err;
        this.wake();
      },
    );
  }

  revisions(): number[] {
    return this.events.map((e) => e.kv.modRevision);
  }

  /** Resolves once ready() holds; rejects if the watch fails first (unless an error is awaited). */
  until(ready: () => boolean, allowError = false): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (ready()) {
          resolve();
          return true;
        }
        if (this.error && !allowError) {
          reject(new Error(`watch failed while waiting: ${this.error.code}: ${this.error.message}`));
          return true;
        }
        return false;
      };
      if (!check()) this.waiters.push(check);
    });
  }

  untilRevision(rev: number): Promise<void> {
    return this.until(() => this.events.some((e) => e.kv.modRevision >= rev));
  }

  untilError(): Promise<StoreError> {
    return this.until(() => this.error !== undefined, true).then(() => this.error!);
  }

  /** Resolves when the watch has reached rev or failed, whichever comes first. */
  untilRevisionOrError(rev: number): Promise<void> {
    return this.until(() => this.error !== undefined || this.events.some((e) => e.kv.modRevision >= rev), true);
  }

  private wake(): void {
    this.waiters = this.waiters.filter((settled) => !settled());
  }
}

/** Asserts revs are strictly increasing consecutive members of expected, starting at its first. */
export function assertNoGapNoDup(actual: number[], expected: number[]): void {
  assert.deepEqual(actual, expected.slice(0, actual.length), 'events must follow the expected revisions in order, without gaps or duplicates');
}

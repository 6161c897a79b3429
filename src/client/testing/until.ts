// Waits (by letting pending async work run, never by wall-clock time) until a condition holds.
import { flushAsync } from './fakeClock.js';

export async function until(cond: () => boolean, what = 'condition', rounds = 200): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (cond()) return;
    await flushAsync(1);
  }
  throw new Error(`${what} did not become true`);
}

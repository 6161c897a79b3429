// Periodic work for many members (nodes) without a timer each and without a thundering
// herd: members are dealt round-robin into up to `slots` slots whose ticks are spread
// evenly over the period (slot k fires at k·period/slots, then every period). A slot's
// callback gets all its members at once, and a slot never runs two callbacks at a time
// (a tick that finds the previous one still running is skipped). 5,000 simulated nodes
// renewing a Lease every 10 s become 100 timers, each renewing 50 leases.
import type { Clock, TimerHandle } from '../client/clock.js';

interface Slot<T> {
  members: Set<T>;
  timer?: TimerHandle;
  busy: boolean;
}

export class SpreadTicker<T> {
  private readonly slots: Slot<T>[] = [];
  private readonly slotOf = new Map<T, Slot<T>>();
  private next = 0;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly onTick: (members: T[]) => Promise<void>,
    slotCount = 100,
  ) {
    const n = Math.max(1, Math.floor(slotCount));
    for (let i = 0; i < n; i++) this.slots.push({ members: new Set(), busy: false });
  }

  add(member: T): void {
    if (this.slotOf.has(member)) return;
    // Fill the slots in firing order, so a few members still spread over the period.
    const slot = this.slots[this.order(this.next++ % this.slots.length)];
    slot.members.add(member);
    this.slotOf.set(member, slot);
  }

  remove(member: T): void {
    this.slotOf.get(member)?.members.delete(member);
    this.slotOf.delete(member);
  }

  /** Slot index for the i-th member: bit-reversal-like spread (0, n/2, n/4, 3n/4, …). */
  private order(i: number): number {
    const n = this.slots.length;
    if (n <= 2) return i % n;
    let bits = 0;
    while (1 << bits < n) bits++;
    for (let k = i; ; k++) {
      let r = 0;
      for (let b = 0; b < bits; b++) if (k & (1 << b)) r |= 1 << (bits - 1 - b);
      if (r < n) return r;
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const step = this.periodMs / this.slots.length;
    this.slots.forEach((slot, k) => this.schedule(slot, k === 0 ? this.periodMs : Math.round(k * step)));
  }

  stop(): void {
    this.running = false;
    for (const s of this.slots) {
      if (s.timer !== undefined) this.clock.clearTimeout(s.timer);
      s.timer = undefined;
    }
  }

  private schedule(slot: Slot<T>, delay: number): void {
    slot.timer = this.clock.setTimeout(() => {
      if (!this.running) return;
      this.schedule(slot, this.periodMs);
      if (slot.busy || slot.members.size === 0) return;
      slot.busy = true;
      // onTick reports its own failures; a rejection must not escape as unhandled.
      this.onTick([...slot.members])
        .catch(() => undefined)
        .finally(() => {
          slot.busy = false;
        });
    }, delay);
  }
}

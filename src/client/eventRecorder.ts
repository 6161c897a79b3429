// Records core/v1 Events the way client-go's EventRecorder does: one Event object per
// (object, type, reason, message), its count and lastTimestamp bumped when it repeats.
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../machinery/types.js';
import type { Client } from './types.js';
import { rfc3339 } from '../machinery/time.js';

/** One Event to record; the recorder adds source, counts and timestamps. */
export interface EventDescriptor {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  involvedObject: { apiVersion: string; kind: string; namespace?: string; name: string; uid?: string; resourceVersion?: string };
}

const eventsGVR = { group: '', version: 'v1', resource: 'events' };


export class EventRecorder {
  private readonly seen = new Map<string, { name: string; count: number; first: string }>();

  constructor(
    private readonly client: Client,
    private readonly component: string,
    private readonly host = '',
  ) {}

  async record(ev: EventDescriptor, now = Date.now()): Promise<void> {
    const io = ev.involvedObject;
    const namespace = io.namespace || 'default';
    const key = `${io.kind}/${namespace}/${io.name}/${io.uid ?? ''}/${ev.type}/${ev.reason}/${ev.message}`;
    const ts = rfc3339(now);
    const prior = this.seen.get(key);
    try {
      if (prior) {
        prior.count++;
        await this.client.patch(eventsGVR, prior.name, { count: prior.count, lastTimestamp: ts }, { type: 'merge', namespace });
        return;
      }
      // Upstream names events <object>.<unix nanos in hex>.
      const name = `${io.name}.${(BigInt(now) * 1_000_000n + BigInt(randomBytes(2).readUInt16BE() % 1_000_000)).toString(16)}`;
      const event: KubeObject = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: io,
        reason: ev.reason,
        message: ev.message,
        type: ev.type,
        source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
        firstTimestamp: ts,
        lastTimestamp: ts,
        count: 1,
        reportingComponent: this.component,
        reportingInstance: this.host,
      };
      await this.client.create(eventsGVR, event, { namespace });
      this.seen.set(key, { name, count: 1, first: ts });
      if (this.seen.size > 4096) this.seen.delete(this.seen.keys().next().value as string);
    } catch {
      // Events are best effort, as upstream: a lost event must never fail a sync.
      this.seen.delete(key);
    }
  }
}

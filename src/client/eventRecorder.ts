// Records core/v1 Events the way client-go's EventRecorder does, through its EventCorrelator
// (tools/record/events_cache.go):
// - one Event object per (source, object, type, reason, message), its count, lastTimestamp
//   and message patched when it repeats;
// - aggregation: once 10 different messages for one (source, object, type, reason) arrive
//   within 10 minutes, the rest become one Event "(combined from similar events): <message>"
//   whose count grows;
// - spam filter: a source may send 25 Events about one object, then 1 per 5 minutes (a
//   token bucket per source + object); the rest are dropped. A ReplicaSet creating 10,000
//   pods thus records a few dozen Events, not 10,000.
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

/** maxLruCacheEntries: each of the correlator's caches. */
const CACHE_ENTRIES = 4096;
/** defaultAggregateMaxEvents / defaultAggregateIntervalInSeconds. */
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
/** defaultSpamBurst / defaultSpamQPS. */
const SPAM_BURST = 25;
const SPAM_QPS = 1 / 300;

/** A bounded map that forgets its least recently used entry (groupcache lru). */
class Lru<V> {
  private readonly map = new Map<string, V>();

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > CACHE_ENTRIES) this.map.delete(this.map.keys().next().value as string);
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}

interface Observation {
  name: string;
  count: number;
}

export class EventRecorder {
  /** eventLogger: the Event written for each event (or aggregate) key. */
  private readonly seen = new Lru<Observation>();
  /** EventAggregator: messages seen per aggregate key, and when the last arrived. */
  private readonly similar = new Lru<{ messages: Set<string>; last: number }>();
  /** EventSourceObjectSpamFilter: a token bucket per source + object. */
  private readonly buckets = new Lru<{ tokens: number; at: number }>();

  constructor(
    private readonly client: Client,
    private readonly component: string,
    private readonly host = '',
  ) {}

  async record(ev: EventDescriptor, now = Date.now()): Promise<void> {
    const io = ev.involvedObject;
    const namespace = io.namespace || 'default';
    const object = [this.component, this.host, io.kind, io.namespace ?? '', io.name, io.uid ?? '', io.apiVersion];
    // EventAggregate: the 10th distinct message of a group (and every later one) is recorded
    // as the group's aggregate Event, keyed by the group.
    const groupKey = [...object, ev.type, ev.reason].join('\0');
    let group = this.similar.get(groupKey);
    if (!group || now - group.last > AGGREGATE_INTERVAL_MS) group = { messages: new Set(), last: now };
    group.messages.add(ev.message);
    group.last = now;
    this.similar.set(groupKey, group);
    let key = [...object, ev.type, ev.reason, ev.message].join('\0');
    let message = ev.message;
    if (group.messages.size >= AGGREGATE_MAX_EVENTS) {
      // "do not grow our local key set any larger than max"
      group.messages.delete(group.messages.values().next().value as string);
      key = `aggregate\0${groupKey}`;
      message = `(combined from similar events): ${ev.message}`;
    }
    // eventObserve: a repeat patches the Event already written (the count is taken even if
    // the spam filter then drops this occurrence, as upstream's cache is updated first).
    const prior = this.seen.get(key);
    if (prior) prior.count++;
    if (this.spam(object.join('\0'), now)) return;
    const ts = rfc3339(now);
    try {
      if (prior) {
        await this.client.patch(eventsGVR, prior.name, { count: prior.count, lastTimestamp: ts, message }, { type: 'merge', namespace });
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
        message,
        type: ev.type,
        source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
        firstTimestamp: ts,
        lastTimestamp: ts,
        count: 1,
        reportingComponent: this.component,
        reportingInstance: this.host,
      };
      await this.client.create(eventsGVR, event, { namespace });
      this.seen.set(key, { name, count: 1 });
    } catch {
      // Events are best effort, as upstream: a lost event must never fail a sync.
      this.seen.delete(key);
    }
  }

  /** EventSourceObjectSpamFilter.Filter: true when the source has no token left for the object. */
  private spam(key: string, now: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: SPAM_BURST, at: now };
    b.tokens = Math.min(SPAM_BURST, b.tokens + ((now - b.at) / 1000) * SPAM_QPS);
    b.at = now;
    const drop = b.tokens < 1;
    if (!drop) b.tokens -= 1;
    this.buckets.set(key, b);
    return drop;
  }
}

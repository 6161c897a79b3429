// Reading the snapshot at an older revision R without a (key, revision) index on the log:
// the snapshot is the current view, minus every key written after R, plus those keys as
// they were at R (the first row after R names that row in prev_revision; 0 = absent).
// Work per page is one scan of the log rows after R (keys only) plus the rows returned,
// so recent snapshots — a client paging through a list — cost about as much as current ones.
import type { KeyValue } from '../types.js';

/** A key range: from lo (inclusive, or exclusive when `after`) up to hi (exclusive). */
export interface KeyRange {
  lo: string;
  after: boolean;
  hi: string;
}

export interface SnapshotSource {
  /** Rows of the current view in range, in key order, at most limit (-1 = all). */
  current(range: KeyRange, limit: number): KeyValue[];
  /** Keys in range written after rev, in key order, with the revision of their row at rev (0 = none). */
  changedSince(range: KeyRange, rev: number): { key: string; prev: number }[];
  /** The log row at revision. */
  row(revision: number): KeyValue | undefined;
}

/** Live keys in range at rev, in key order, at most limit (0 = all). */
export function readSnapshot(src: SnapshotSource, range: KeyRange, limit: number, rev: number): KeyValue[] {
  const changed = src.changedSince(range, rev);
  if (changed.length === 0) return src.current(range, limit > 0 ? limit : -1);
  const hidden = new Set(changed.map((c) => c.key));
  const then = changed.filter((c) => c.prev > 0);
  const out: KeyValue[] = [];
  const full = (): boolean => limit > 0 && out.length >= limit;
  let next = 0;
  /** Emits the keys' old rows that sort before key (all of them when key is undefined). */
  const emitThenBefore = (key: string | undefined): void => {
    while (next < then.length && !full() && (key === undefined || then[next]!.key < key)) {
      const { key: k, prev } = then[next++]!;
      const kv = src.row(prev);
      if (!kv) throw new Error(`store history is inconsistent: row ${prev} of ${k} (live at revision ${rev}) is missing`);
      out.push(kv);
    }
  };
  let from = range;
  for (;;) {
    // Hidden rows are skipped, so a full batch may still leave the page short: read on.
    const want = limit > 0 ? limit - out.length : -1;
    const batch = src.current(from, want);
    for (const kv of batch) {
      emitThenBefore(kv.key);
      if (!full() && !hidden.has(kv.key)) out.push(kv);
      if (full()) return out;
    }
    if (want < 0 || batch.length < want) {
      emitThenBefore(undefined);
      return out;
    }
    from = { lo: batch[batch.length - 1]!.key, after: true, hi: range.hi };
  }
}

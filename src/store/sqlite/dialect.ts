// The SQL of the SQLite log, as plain strings (kine's generic dialect idea: a dialect is
// data, the log code that prepares it is shared). Keys compare with SQLite's BINARY
// collation (UTF-8 bytes); a prefix is the range [prefix, prefixEnd(prefix)).

export const SCHEMA_VERSION = 1;

/**
 * EXCLUSIVE locking before WAL: one process owns the database (the log keeps the revision
 * counter in memory), a second opener fails instead of corrupting the sequence, and WAL
 * needs no shared-memory index. synchronous=NORMAL in WAL mode writes each commit to the
 * WAL before returning, so a killed process loses nothing; only power loss can drop the
 * last commits (fsync happens at checkpoints). Checkpoints every 8,192 WAL pages (32 MB) rather
 * than SQLite's 1,000: the same hot pages (the `current` table, index interiors) change in most
 * commits, and copying them back once per 32 MB instead of per 4 MB took a fifth off the commit
 * cost at thousands of writes a second (npm run bench, 5,000 nodes).
 */
export const pragmas = [
  'locking_mode = EXCLUSIVE',
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'cache_size = -65536',
  'temp_store = MEMORY',
  'journal_size_limit = 67108864',
  'wal_autocheckpoint = 8192',
];

export const schema = `
CREATE TABLE IF NOT EXISTS log (
  revision INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS current (
  key TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

const kvColumns = 'key, value, create_revision AS createRevision, revision AS modRevision';

/**
 * Keys in range written after @rev, in key order, each with the revision of its row at @rev
 * (0: it did not exist then). SQLite takes the bare prev_revision from the MIN row.
 */
function changedSince(lower: string): string {
  return (
    'SELECT key, MIN(revision) AS first, prev_revision AS prev FROM log ' +
    `WHERE revision > @rev AND ${lower} AND key < @hi GROUP BY key ORDER BY key`
  );
}

/** Live keys in range at @rev: live now, minus changed keys live now, plus changed keys live then. */
function countAt(lower: string): string {
  return (
    `WITH c AS (SELECT key, MIN(revision), prev_revision AS prev FROM log WHERE revision > @rev AND ${lower} AND key < @hi GROUP BY key) ` +
    `SELECT (SELECT COUNT(*) FROM current WHERE ${lower} AND key < @hi) ` +
    '- (SELECT COUNT(*) FROM c JOIN current ON current.key = c.key) ' +
    '+ (SELECT COUNT(*) FROM c WHERE c.prev > 0) AS n'
  );
}

export const sql = {
  getMeta: 'SELECT value FROM meta WHERE name = ?',
  setMeta: 'INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
  maxRevision: 'SELECT MAX(revision) AS revision FROM log',

  get: `SELECT ${kvColumns} FROM current WHERE key = ?`,
  insertLog:
    'INSERT INTO log (revision, key, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?)',
  upsertCurrent:
    'INSERT INTO current (key, revision, create_revision, value) VALUES (?, ?, ?, ?) ' +
    'ON CONFLICT (key) DO UPDATE SET revision = excluded.revision, create_revision = excluded.create_revision, value = excluded.value',
  deleteCurrent: 'DELETE FROM current WHERE key = ?',

  // Current view. "From" starts at the prefix itself; "After" continues strictly after a key.
  // Two statements rather than max(@lo, @after) so the index range starts at the right key.
  listFrom: `SELECT ${kvColumns} FROM current WHERE key >= @lo AND key < @hi ORDER BY key LIMIT @limit`,
  listAfter: `SELECT ${kvColumns} FROM current WHERE key > @lo AND key < @hi ORDER BY key LIMIT @limit`,
  countFrom: 'SELECT COUNT(*) AS n FROM current WHERE key >= @lo AND key < @hi',
  countAfter: 'SELECT COUNT(*) AS n FROM current WHERE key > @lo AND key < @hi',

  // Snapshot at @rev without a (key, revision) index on the log, which would cost every
  // write another b-tree update: the snapshot is the current view with each key written
  // after @rev put back as it was (see snapshot.ts). The first row after @rev points at
  // that state (prev_revision). Rows above the compacted revision are never dropped, nor
  // are the rows they point at, so this holds for any @rev >= the compacted revision.
  changedFrom: changedSince('key >= @lo'),
  changedAfter: changedSince('key > @lo'),
  countAtFrom: countAt('key >= @lo'),
  countAtAfter: countAt('key > @lo'),
  logRow: `SELECT ${kvColumns} FROM log WHERE revision = ?`,

  events:
    'SELECT l.revision, l.key, l.deleted, l.create_revision AS createRevision, l.prev_revision AS prevRevision, ' +
    'l.value, p.value AS prevValue FROM log l LEFT JOIN log p ON p.revision = l.prev_revision ' +
    'WHERE l.revision > @after AND l.revision <= @upto AND l.key >= @lo AND l.key < @hi ' +
    'ORDER BY l.revision LIMIT @limit',

  // Compaction of (@from, @to]: rows there point at the rows they supersede, so the
  // superseded rows are exactly their prev_revisions; deletes in the window go too.
  compactSuperseded:
    'DELETE FROM log WHERE revision IN ' +
    '(SELECT prev_revision FROM log WHERE revision > @from AND revision <= @to AND prev_revision > 0)',
  compactDeletes: 'DELETE FROM log WHERE revision > @from AND revision <= @to AND deleted = 1',
};

export const META_COMPACTED = 'compacted_revision';
export const META_SCHEMA = 'schema_version';

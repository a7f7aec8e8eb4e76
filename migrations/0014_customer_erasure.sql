-- Migration 0014: erasing a customer (`lifecycle forget`, docs/PRIVACY.md, docs/SCHEMA.md "Erasure").
-- The warehouse keeps a random key of its own and, per erased customer, a keyed hash
-- (HMAC-SHA256 under that key) of the customer id, never the id, so later imports can skip the
-- customer's rows without the warehouse holding who it was.

-- The warehouse's erasure key: 32 random bytes, created by the first `lifecycle forget` (Swift,
-- from the system's random source), never changed afterwards: every hash in `erasures` was made
-- with it, so a new key would let erased customers back in.
CREATE TABLE privacy_keys (
    purpose TEXT PRIMARY KEY CHECK (purpose = 'erasure'),
    key BLOB NOT NULL CHECK (length(key) = 32),
    created_at INTEGER NOT NULL              -- Unix seconds UTC
) STRICT;

CREATE TRIGGER privacy_keys_no_update BEFORE UPDATE ON privacy_keys
BEGIN
    SELECT RAISE(ABORT, 'privacy_keys cannot be changed: the erasure log''s hashes were made with this key');
END;

CREATE TRIGGER privacy_keys_no_delete BEFORE DELETE ON privacy_keys
BEGIN
    SELECT RAISE(ABORT, 'privacy_keys cannot be deleted: the erasure log''s hashes were made with this key');
END;

-- One row per customer erased: when, HMAC-SHA256 (hex) of the external id as stored, how many
-- rows each table lost (a JSON object, table name -> rows), and the model snapshots whose
-- training could see the customer's data (a JSON array of model_snapshots.id). Append-only:
-- a removed row would let the customer's rows back in with the next import.
CREATE TABLE erasures (
    id INTEGER PRIMARY KEY,
    erased_at INTEGER NOT NULL,              -- Unix seconds UTC
    customer_hash TEXT NOT NULL CHECK (length(customer_hash) = 64 AND customer_hash NOT GLOB '*[^0-9a-f]*'),
    rows_removed TEXT NOT NULL CHECK (json_valid(rows_removed) AND json_type(rows_removed) = 'object'),
    trained_snapshots TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(trained_snapshots) AND json_type(trained_snapshots) = 'array')
) STRICT;
CREATE INDEX erasures_by_hash ON erasures (customer_hash);

CREATE TRIGGER erasures_no_update BEFORE UPDATE ON erasures
BEGIN
    SELECT RAISE(ABORT, 'erasures is an append-only log');
END;

CREATE TRIGGER erasures_no_delete BEFORE DELETE ON erasures
BEGIN
    SELECT RAISE(ABORT, 'erasures is an append-only log: a removed row would let an erased customer back in');
END;

-- Imports count the rows they skip because their customer was erased:
-- rows_read = rows_loaded + rows_duplicate + rows_rejected + rows_erased.
ALTER TABLE imports ADD COLUMN rows_erased INTEGER NOT NULL DEFAULT 0;

-- The CHECK on the counts cannot be altered in place. As migration 0009 did for orders.kind,
-- the table's definition is rewritten in sqlite_schema (SQLite's lang_altertable.html, "Making
-- Other Kinds Of Table Schema Changes"): the stored layout, indexes and triggers stay as they
-- are, and every stored row satisfies the new CHECK because its rows_erased is 0. Rebuilding
-- the table instead would need foreign keys off (six tables reference imports), which cannot
-- be switched inside the migration's transaction.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql,
                  'CHECK (rows_read = rows_loaded + rows_duplicate + rows_rejected)',
                  'CHECK (rows_read = rows_loaded + rows_duplicate + rows_rejected + rows_erased)')
WHERE type = 'table' AND name = 'imports';
PRAGMA writable_schema = RESET;

-- A failed CHECK here (rolling the migration back) unless imports now has the new CHECK.
CREATE TEMP TABLE migration_0014_guard (ok INTEGER NOT NULL CHECK (ok = 1)) STRICT;
INSERT INTO temp.migration_0014_guard
SELECT count(*) FROM sqlite_schema
WHERE type = 'table' AND name = 'imports'
  AND instr(sql, 'CHECK (rows_read = rows_loaded + rows_duplicate + rows_rejected + rows_erased)') > 0;
DROP TABLE temp.migration_0014_guard;

-- The readable ledger shows the erased rows.
DROP VIEW imports_v;
CREATE VIEW imports_v AS
SELECT id, kind, format, file_name, file_size, sha256, status,
       strftime('%Y-%m-%dT%H:%M:%SZ', started_at, 'unixepoch') AS started_at_utc,
       strftime('%Y-%m-%dT%H:%M:%SZ', finished_at, 'unixepoch') AS finished_at_utc,
       rows_read, rows_loaded, rows_duplicate, rows_rejected,
       orders_created, guest_orders, return_orders, resumed, error,
       strftime('%Y-%m-%dT%H:%M:%SZ', undone_at, 'unixepoch') AS undone_at_utc, line_keys, rows_erased
FROM imports;

CREATE VIEW erasures_v AS
SELECT id, strftime('%Y-%m-%dT%H:%M:%SZ', erased_at, 'unixepoch') AS erased_at_utc, customer_hash, rows_removed, trained_snapshots
FROM erasures;

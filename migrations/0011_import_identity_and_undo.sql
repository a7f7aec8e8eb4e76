-- Identity of order lines from the record as written, undoing an import, and model lineage
-- (docs/SCHEMA.md, "Line identity" and "Undoing an import"; docs/FORMATS.md, "Identity").

-- How the order lines of the orders an import created are keyed. 'as_written': the line key
-- hashes the time as the source wrote it (its civil fields, or the instant when the source gave
-- an offset), so the key does not depend on --timezone. 'instant': the key hashes the UTC instant
-- the time was converted to, as every import before this migration did. The time as written is
-- not stored, so those keys cannot be recomputed; an order keeps the scheme of the import that
-- created it, and lines added to it later are keyed the same way (the importer refuses rows
-- whose conversion options differ from that import's, so the instant is the same one).
ALTER TABLE imports ADD COLUMN line_keys TEXT NOT NULL DEFAULT 'as_written'
    CHECK (line_keys = 'as_written' OR line_keys = 'instant');
UPDATE imports SET line_keys = 'instant';

-- When `lifecycle imports undo` removed what the import added (Unix seconds UTC); NULL while its
-- rows are in the warehouse. The row stays, with its counts and rejects, as the record of what
-- happened; status keeps the state the import ended in.
ALTER TABLE imports ADD COLUMN undone_at INTEGER;

-- The newest import whose rows the training could see: the largest imports.id when the snapshot
-- was saved (0: none). An import with a larger id came later and did not feed it. NULL for
-- snapshots saved before this migration (undo then compares created_at with the import's start).
ALTER TABLE model_snapshots ADD COLUMN trained_through_import INTEGER;

-- The readable ledger shows when an import was undone and how its lines are keyed.
DROP VIEW imports_v;
CREATE VIEW imports_v AS
SELECT id, kind, format, file_name, file_size, sha256, status,
       strftime('%Y-%m-%dT%H:%M:%SZ', started_at, 'unixepoch') AS started_at_utc,
       strftime('%Y-%m-%dT%H:%M:%SZ', finished_at, 'unixepoch') AS finished_at_utc,
       rows_read, rows_loaded, rows_duplicate, rows_rejected,
       orders_created, guest_orders, return_orders, resumed, error,
       strftime('%Y-%m-%dT%H:%M:%SZ', undone_at, 'unixepoch') AS undone_at_utc, line_keys
FROM imports;

-- Record checksums: the SHA-256 of a canonical serialisation of every field that defines a
-- snapshot (name, kind, version, creation, code version, hyperparameters, training as-of, window
-- and rows, data fingerprint, metrics, weights sha256 and format), so a changed metric or
-- hyperparameter is found like changed weights. docs/SCHEMA.md ("Model registry") gives the
-- serialisation; Swift computes it (SQLite has no SHA-256), so the column is filled by the
-- registry when it saves a snapshot.
--
-- Snapshots saved before this migration keep record_sha256 NULL: only their weights can be
-- checked, and `lifecycle models verify` says so. model_snapshot_record_checks remembers the
-- first snapshot id saved with a record checksum, so a NULL on any later snapshot is reported as
-- a removed checksum, not taken for an old snapshot.

ALTER TABLE model_snapshots ADD COLUMN record_sha256 TEXT
    CHECK (record_sha256 IS NULL OR (length(record_sha256) = 64 AND record_sha256 NOT GLOB '*[^0-9a-f]*'));

CREATE TABLE model_snapshot_record_checks (
    first_checked_id INTEGER NOT NULL    -- snapshots with this id or a higher one must carry record_sha256
) STRICT;
INSERT INTO model_snapshot_record_checks (first_checked_id) SELECT coalesce(max(id), 0) + 1 FROM model_snapshots;

CREATE TRIGGER model_snapshots_need_record_sha256 BEFORE INSERT ON model_snapshots
WHEN NEW.record_sha256 IS NULL
BEGIN
    SELECT RAISE(ABORT, 'model_snapshots: a new snapshot must carry its record_sha256');
END;

CREATE TRIGGER model_snapshot_record_checks_no_insert BEFORE INSERT ON model_snapshot_record_checks
BEGIN
    SELECT RAISE(ABORT, 'model_snapshot_record_checks holds one row, written by its migration');
END;

CREATE TRIGGER model_snapshot_record_checks_no_update BEFORE UPDATE ON model_snapshot_record_checks
BEGIN
    SELECT RAISE(ABORT, 'model_snapshot_record_checks cannot be changed');
END;

CREATE TRIGGER model_snapshot_record_checks_no_delete BEFORE DELETE ON model_snapshot_record_checks
BEGIN
    SELECT RAISE(ABORT, 'model_snapshot_record_checks cannot be changed');
END;

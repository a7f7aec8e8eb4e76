-- Model registry: immutable model snapshots (versions 1, 2, 3... per model name), aliases such as
-- `production` with the history of every move, and the predictions each snapshot made.
-- docs/SCHEMA.md ("Model registry") explains the tables; docs/FORMATS.md ("Model weights") the
-- weights layout (safetensors, float64).

CREATE TABLE model_snapshots (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (name GLOB '[A-Za-z0-9]*' AND name NOT GLOB '*[^A-Za-z0-9_.-]*'),
    kind TEXT NOT NULL CHECK (kind <> ''),   -- logistic_regression, bgnbd, kmeans... (Learning's parameter kind)
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at INTEGER NOT NULL,             -- Unix seconds UTC
    code_version TEXT NOT NULL,              -- the lifecycle version that trained it
    hyperparameters TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(hyperparameters) AND json_type(hyperparameters) = 'object'),
    training_as_of INTEGER NOT NULL,         -- only facts before this instant fed the training data
    training_window_start INTEGER,           -- the span of the facts used, when the trainer names one
    training_window_end INTEGER,
    training_rows INTEGER NOT NULL CHECK (training_rows >= 0),
    data_fingerprint TEXT NOT NULL CHECK (length(data_fingerprint) = 64 AND data_fingerprint NOT GLOB '*[^0-9a-f]*'),
    metrics TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metrics) AND json_type(metrics) = 'object'),
    weights BLOB NOT NULL,                   -- safetensors layout, float64 (docs/FORMATS.md)
    weights_sha256 TEXT NOT NULL CHECK (length(weights_sha256) = 64 AND weights_sha256 NOT GLOB '*[^0-9a-f]*'),
    weights_format TEXT NOT NULL,            -- 'lifecycle-weights-1'
    UNIQUE (name, version),
    CHECK ((training_window_start IS NULL) = (training_window_end IS NULL)),
    CHECK (training_window_start IS NULL OR training_window_start <= training_window_end)
) STRICT;

-- Versions count 1, 2, 3... per name without gaps, and every version of a name has one kind.
CREATE TRIGGER model_snapshots_next_version BEFORE INSERT ON model_snapshots
WHEN NEW.version IS NOT (SELECT coalesce(max(version), 0) + 1 FROM model_snapshots WHERE name = NEW.name)
BEGIN
    SELECT RAISE(ABORT, 'model_snapshots: a new snapshot must take the next version of its model name');
END;

CREATE TRIGGER model_snapshots_one_kind BEFORE INSERT ON model_snapshots
WHEN EXISTS (SELECT 1 FROM model_snapshots WHERE name = NEW.name AND kind <> NEW.kind)
BEGIN
    SELECT RAISE(ABORT, 'model_snapshots: every version of a model name must have the same kind');
END;

-- Snapshots are immutable: training writes a new version instead.
CREATE TRIGGER model_snapshots_no_update BEFORE UPDATE ON model_snapshots
BEGIN
    SELECT RAISE(ABORT, 'model_snapshots are immutable: train and save a new version instead of changing one');
END;

CREATE TRIGGER model_snapshots_no_delete BEFORE DELETE ON model_snapshots
BEGIN
    SELECT RAISE(ABORT, 'model_snapshots are immutable: a snapshot cannot be deleted');
END;

-- Where each alias points now. Maintained by the trigger on model_alias_moves below: write a
-- move, never this table directly, so every change is in the history.
CREATE TABLE model_aliases (
    name TEXT NOT NULL,
    alias TEXT NOT NULL CHECK (alias GLOB '[A-Za-z]*' AND alias NOT GLOB '*[^A-Za-z0-9_.-]*' AND alias <> 'latest'),
    version INTEGER NOT NULL,
    PRIMARY KEY (name, alias),
    FOREIGN KEY (name, version) REFERENCES model_snapshots (name, version)
) STRICT, WITHOUT ROWID;
CREATE INDEX model_aliases_by_version ON model_aliases (name, version);

-- Every move of an alias, append-only: set (from_version NULL), moved, removed (to_version NULL).
-- "Which version was production at instant T" is the to_version of the last move at or before T.
CREATE TABLE model_alias_moves (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    alias TEXT NOT NULL CHECK (alias GLOB '[A-Za-z]*' AND alias NOT GLOB '*[^A-Za-z0-9_.-]*' AND alias <> 'latest'),
    from_version INTEGER,                    -- NULL: the alias was not set before this move
    to_version INTEGER,                      -- NULL: the alias was removed
    moved_at INTEGER NOT NULL,               -- Unix seconds UTC
    moved_by TEXT NOT NULL,                  -- $LIFECYCLE_USER, else the OS user name
    reason TEXT,
    FOREIGN KEY (name, from_version) REFERENCES model_snapshots (name, version),
    FOREIGN KEY (name, to_version) REFERENCES model_snapshots (name, version),
    CHECK (from_version IS NOT NULL OR to_version IS NOT NULL),
    CHECK (from_version IS NOT to_version)
) STRICT;
CREATE INDEX model_alias_moves_by_alias ON model_alias_moves (name, alias, moved_at, id);
CREATE INDEX model_alias_moves_by_from ON model_alias_moves (name, from_version);
CREATE INDEX model_alias_moves_by_to ON model_alias_moves (name, to_version);

-- A move must start where the alias is now (so the history is one unbroken chain) and must not
-- be dated before the alias's previous move (so "version at T" follows the chain).
CREATE TRIGGER model_alias_moves_chain BEFORE INSERT ON model_alias_moves
WHEN NEW.from_version IS NOT (SELECT version FROM model_aliases WHERE name = NEW.name AND alias = NEW.alias)
BEGIN
    SELECT RAISE(ABORT, 'model_alias_moves: from_version must be the version the alias points at now');
END;

CREATE TRIGGER model_alias_moves_in_order BEFORE INSERT ON model_alias_moves
WHEN NEW.moved_at < (SELECT max(moved_at) FROM model_alias_moves WHERE name = NEW.name AND alias = NEW.alias)
BEGIN
    SELECT RAISE(ABORT, 'model_alias_moves: a move cannot be dated before the previous move of the same alias');
END;

CREATE TRIGGER model_alias_moves_apply AFTER INSERT ON model_alias_moves
BEGIN
    DELETE FROM model_aliases WHERE name = NEW.name AND alias = NEW.alias AND NEW.to_version IS NULL;
    INSERT INTO model_aliases (name, alias, version)
    SELECT NEW.name, NEW.alias, NEW.to_version WHERE NEW.to_version IS NOT NULL
    ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version;
END;

CREATE TRIGGER model_alias_moves_no_update BEFORE UPDATE ON model_alias_moves
BEGIN
    SELECT RAISE(ABORT, 'model_alias_moves is an append-only history: record a new move instead');
END;

CREATE TRIGGER model_alias_moves_no_delete BEFORE DELETE ON model_alias_moves
BEGIN
    SELECT RAISE(ABORT, 'model_alias_moves is an append-only history: moves cannot be deleted');
END;

-- One score per user per snapshot and as-of; re-scoring the same snapshot and as-of replaces
-- its rows in one transaction.
CREATE TABLE predictions (
    snapshot_id INTEGER NOT NULL REFERENCES model_snapshots (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    as_of INTEGER NOT NULL,                  -- Unix seconds UTC: features as of this instant
    score REAL NOT NULL,
    PRIMARY KEY (snapshot_id, as_of, user_id)
) STRICT, WITHOUT ROWID;
-- snapshot_id is the primary key's first column; users look their scores up through this one.
CREATE INDEX predictions_by_user ON predictions (user_id, as_of);

-- For people: snapshots without the weights blob, times as ISO-8601 UTC text.
CREATE VIEW model_snapshots_v AS
SELECT id, name, version, kind,
       strftime('%Y-%m-%dT%H:%M:%SZ', created_at, 'unixepoch') AS created_at_utc,
       code_version,
       strftime('%Y-%m-%dT%H:%M:%SZ', training_as_of, 'unixepoch') AS training_as_of_utc,
       strftime('%Y-%m-%dT%H:%M:%SZ', training_window_start, 'unixepoch') AS training_window_start_utc,
       strftime('%Y-%m-%dT%H:%M:%SZ', training_window_end, 'unixepoch') AS training_window_end_utc,
       training_rows, data_fingerprint, hyperparameters, metrics,
       length(weights) AS weights_bytes, weights_sha256, weights_format
FROM model_snapshots;

CREATE VIEW model_alias_moves_v AS
SELECT id, name, alias, from_version, to_version,
       strftime('%Y-%m-%dT%H:%M:%SZ', moved_at, 'unixepoch') AS moved_at_utc,
       moved_by, reason
FROM model_alias_moves;

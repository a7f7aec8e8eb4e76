-- Migration 0015: privacy settings (docs/PRIVACY.md). One row of warehouse-wide settings:
-- whether customer ids are stored as pseudonyms (and the fingerprint of the key that makes them,
-- never the key), which event property keys imports keep, and how long rejected rows keep their
-- raw text. Rejected rows record when their raw text was blanked; imports count the event
-- property keys they left out.

CREATE TABLE privacy_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- hex HMAC-SHA256(key, 'lifecycle pseudonym key fingerprint'); NULL: ids are stored as the source wrote them
    pseudonym_key_fingerprint TEXT CHECK (pseudonym_key_fingerprint IS NULL OR length(pseudonym_key_fingerprint) = 64),
    pseudonymised_at INTEGER,                -- Unix seconds UTC when the setting was made
    keep_properties TEXT CHECK (keep_properties IS NULL OR (json_valid(keep_properties) AND json_type(keep_properties) = 'array')),
    keep_rejects_days INTEGER NOT NULL DEFAULT 30 CHECK (keep_rejects_days >= 0),
    CHECK ((pseudonym_key_fingerprint IS NULL) = (pseudonymised_at IS NULL))
) STRICT;
INSERT INTO privacy_settings (id) VALUES (1);

-- When the raw text of a rejected row was blanked (raw = ''): by `lifecycle rejects purge`, the
-- retention run at the end of an import, or at once in a pseudonymised warehouse. NULL: kept.
ALTER TABLE import_rejects ADD COLUMN raw_purged_at INTEGER;

-- Top-level keys of event properties an events import left out (--keep-properties).
ALTER TABLE imports ADD COLUMN property_keys_dropped INTEGER NOT NULL DEFAULT 0;

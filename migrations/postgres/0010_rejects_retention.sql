-- How long rejected rows keep their raw text (SQLite's privacy_settings.keep_rejects_days,
-- migration 0015): imports and `lifecycle rejects purge` blank the raw text of rejects whose
-- import started longer ago (raw = '', raw_purged_at set); file, line and reason stay. One row.
-- The other privacy settings (pseudonyms, kept event properties) are the file's only so far.
CREATE TABLE privacy_settings (
    id bigint PRIMARY KEY CHECK (id = 1),
    keep_rejects_days bigint NOT NULL DEFAULT 30 CHECK (keep_rejects_days >= 0)
);
INSERT INTO privacy_settings (id) VALUES (1);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    PERFORM create_reference_table('privacy_settings');
END
$$;

-- The warehouse's reporting time zone (`lifecycle reporting-timezone`), the zone its questions
-- read dates and number days, weeks and months in when a command is given no --timezone: its
-- IANA name, or no row for UTC. SQLite keeps the zone as the UTC offsets of reporting_offsets,
-- which its SQL reads; PostgreSQL's SQL takes the zone's name as :zone and applies its own time
-- zone rules, so the name is all this table holds. One row at most, a reference table on Citus.
CREATE TABLE reporting_zone (
    id bigint PRIMARY KEY CHECK (id = 1),
    zone text NOT NULL CHECK (zone <> '')
);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    PERFORM create_reference_table('reporting_zone');
END
$$;

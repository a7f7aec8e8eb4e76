-- Segment migration between two saved RFM snapshots: PostgreSQL's (and Citus's) counterpart of
-- sql/rfm_transitions.sql, with its parameters (:from_as_of, :to_as_of, UTC text) and result
-- columns (from_segment, to_segment, users) in the same order. '(none)' on the left: customers
-- without a purchase before the first as-of; on the right: customers missing from the second.
-- The two runs' rows are joined on the distribution column, so each worker pairs its own
-- customers and sends one count per pair of segments.
WITH runs AS MATERIALIZED (
    SELECT (SELECT id FROM rfm_snapshots WHERE as_of = extract(epoch FROM CAST(CAST(:from_as_of AS text) AS timestamp))::bigint) AS first,
           (SELECT id FROM rfm_snapshots WHERE as_of = extract(epoch FROM CAST(CAST(:to_as_of AS text) AS timestamp))::bigint) AS second
),
a AS (SELECT su.user_id, su.segment FROM rfm_snapshot_users su WHERE su.snapshot_id = (SELECT first FROM runs)),
b AS (SELECT su.user_id, su.segment FROM rfm_snapshot_users su WHERE su.snapshot_id = (SELECT second FROM runs))
SELECT coalesce(a.segment, '(none)') AS from_segment, coalesce(b.segment, '(none)') AS to_segment, count(*) AS users
FROM a FULL OUTER JOIN b ON b.user_id = a.user_id
GROUP BY 1, 2
ORDER BY coalesce(a.segment, '(none)') COLLATE "C", coalesce(b.segment, '(none)') COLLATE "C";

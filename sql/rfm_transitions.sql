-- Segment migration between two saved RFM snapshots (rfm_snapshots, keyed by as-of): how many
-- customers went from each segment to each other one. '(none)' on the left: customers without a
-- purchase before the first as-of; on the right: customers missing from the second snapshot.
--
-- Parameters:
--   :from_as_of, :to_as_of   the snapshots' as-of instants, UTC text ('2011-06-01')
--
--   sqlite3 lifecycle.db
--   .param set :from_as_of '2011-06-01'
--   .param set :to_as_of '2011-12-10'
--   .read sql/rfm_transitions.sql
WITH a AS (
    SELECT su.user_id, su.segment FROM rfm_snapshot_users su JOIN rfm_snapshots s ON s.id = su.snapshot_id
    WHERE s.as_of = unixepoch(:from_as_of)
),
b AS (
    SELECT su.user_id, su.segment FROM rfm_snapshot_users su JOIN rfm_snapshots s ON s.id = su.snapshot_id
    WHERE s.as_of = unixepoch(:to_as_of)
)
SELECT coalesce(a.segment, '(none)') AS from_segment, coalesce(b.segment, '(none)') AS to_segment, count(*) AS users
FROM a FULL OUTER JOIN b ON b.user_id = a.user_id
GROUP BY 1, 2
ORDER BY 1, 2;

-- What customer analytics leave out, for their footnotes: orders before as-of (and from :since,
-- when given) of no known customer (guest orders, whatever their kind), and adjustments and
-- write-offs of known customers, with their net amounts.
--
-- Parameters: :as_of (default: midnight UTC after the last order), :since (optional).
--
--   sqlite3 lifecycle.db
--   .param set :as_of '2011-12-10'
--   .read sql/excluded_orders.sql
WITH params AS MATERIALIZED (
    SELECT coalesce(unixepoch(:as_of), (SELECT (max(ordered_at) / 86400 + 1) * 86400 FROM orders)) AS as_of,
           unixepoch(:since) AS since
)
SELECT 'guest' AS reason, count(*) AS orders, coalesce(sum(o.amount_micros), 0) AS amount_micros
FROM orders o, params p
WHERE o.user_id IS NULL AND o.ordered_at < p.as_of AND (p.since IS NULL OR o.ordered_at >= p.since)
UNION ALL
SELECT o.kind, count(*), coalesce(sum(o.amount_micros), 0)
FROM orders o, params p
WHERE o.kind IN ('adjustment', 'write_off') AND o.user_id IS NOT NULL AND o.ordered_at < p.as_of
  AND (p.since IS NULL OR o.ordered_at >= p.since)
GROUP BY o.kind;

-- What customer analytics leave out, for their footnotes: PostgreSQL's counterpart of
-- sql/excluded_orders.sql (parameters :as_of, :since; columns reason, orders, amount_micros):
-- orders before as-of (and from :since) of no known customer, and adjustments and write-offs
-- of known customers. Sums of bigint are numeric here: cast back.
WITH params AS MATERIALIZED (
    SELECT coalesce(extract(epoch FROM CAST(CAST(:as_of AS text) AS timestamp))::bigint,
                    (SELECT (max(ordered_at) / 86400 + 1) * 86400 FROM orders)) AS as_of,
           extract(epoch FROM CAST(CAST(:since AS text) AS timestamp))::bigint AS since
)
SELECT 'guest' AS reason, count(*) AS orders, coalesce(sum(o.amount_micros), 0)::bigint AS amount_micros
FROM orders o CROSS JOIN params p
WHERE o.user_id IS NULL AND o.ordered_at < p.as_of AND (p.since IS NULL OR o.ordered_at >= p.since)
UNION ALL
SELECT o.kind, count(*), coalesce(sum(o.amount_micros), 0)::bigint
FROM orders o CROSS JOIN params p
WHERE o.kind IN ('adjustment', 'write_off') AND o.user_id IS NOT NULL AND o.ordered_at < p.as_of
  AND (p.since IS NULL OR o.ordered_at >= p.since)
GROUP BY o.kind;

-- The currencies of the money a customer question adds up, with how many orders each:
-- PostgreSQL's (and Citus's) counterpart of sql/order_currencies.sql, with its parameters
-- (:as_of, :since, :country; UTC text, NULL for the default) and its columns (currency, orders):
-- the purchase and return orders of known customers before as-of (and from :since), of the
-- customers of :country when given. `features build` runs it when the warehouse holds more than
-- one currency, and stops when it lists more than one (docs/QUERIES.md, "Currencies").
--
-- Written for Citus's planner: the customer's country is joined on the distribution column
-- (customer_key, the user id of a known customer's order), not looked up by a correlated
-- subquery; the workers count per currency and the coordinator adds the counts up.
WITH params AS MATERIALIZED (
    SELECT coalesce(extract(epoch FROM CAST(CAST(:as_of AS text) AS timestamp))::bigint,
                    (SELECT (max(ordered_at) / 86400 + 1) * 86400 FROM orders)) AS as_of,
           extract(epoch FROM CAST(CAST(:since AS text) AS timestamp))::bigint AS since,
           CAST(:country AS text) AS country
)
SELECT o.currency, count(*) AS orders
FROM orders o
LEFT JOIN users u ON u.id = o.customer_key
CROSS JOIN params p
WHERE o.user_id IS NOT NULL AND o.kind IN ('purchase', 'return') AND o.ordered_at < p.as_of
  AND (p.since IS NULL OR o.ordered_at >= p.since)
  AND (p.country IS NULL OR u.country = p.country)
GROUP BY o.currency
ORDER BY o.currency COLLATE "C";

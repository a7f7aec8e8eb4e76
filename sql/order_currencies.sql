-- The currencies of the money a customer question adds up, with how many orders each: the
-- purchase and return orders of known customers before as-of (and from :since, when given),
-- of the customers of :country when given. Every command that sums money runs it when the
-- warehouse holds more than one currency, and stops when it lists more than one and no
-- --currency was given (docs/QUERIES.md, "Currencies").
--
-- Parameters (all optional; NULL takes the default):
--   :as_of     instant before which orders count, UTC text; default: midnight UTC after the last order
--   :since     count only orders at or after this instant
--   :country   only customers of this country (users.country)
--
--   sqlite3 lifecycle.db
--   .param set :as_of "'2011-12-10'"
--   .read sql/order_currencies.sql
WITH params AS MATERIALIZED (
    SELECT coalesce(unixepoch(:as_of), (SELECT (max(ordered_at) / 86400 + 1) * 86400 FROM orders)) AS as_of,
           unixepoch(:since) AS since
)
SELECT o.currency, count(*) AS orders
FROM orders o, params p
WHERE o.user_id IS NOT NULL AND o.kind IN ('purchase', 'return') AND o.ordered_at < p.as_of
  AND (p.since IS NULL OR o.ordered_at >= p.since)
  AND (:country IS NULL OR (SELECT country FROM users WHERE id = o.user_id) = :country)
GROUP BY o.currency
ORDER BY o.currency;

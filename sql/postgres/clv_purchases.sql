-- Purchases as the lifetime-value models see them: PostgreSQL's (and Citus's) counterpart of
-- sql/clv_purchases.sql, with its parameter :last_day ('YYYY-MM-DD', inclusive, in the reporting
-- time zone) and its columns (user_id, day, amount_micros): one row per known customer and day
-- with a purchase, the day's purchases summed in exact micro-units, ordered by user and day.
-- Days are in the reporting time zone :zone (an IANA name; NULL: UTC), which sql/ reads from
-- reporting_offsets. :currency (NULL: every currency) keeps one currency's orders, where SQLite
-- puts a view of them in front of `orders`.
--
-- Written for Citus's planner: the rows are grouped by the distribution column (customer_key,
-- the user id of a known customer's order) and day, so each worker sums its own shards and the
-- client receives one row per customer-day, not one per order line or order.
WITH params AS MATERIALIZED (
    SELECT CAST(CAST(:last_day AS text) AS date) - DATE '1970-01-01' AS last_day,
           CAST(:zone AS text) AS zone,
           CAST(:currency AS text) AS currency
),
purchases AS (
    SELECT o.customer_key AS user_id,
           CASE WHEN p.zone IS NULL THEN o.ordered_at
                ELSE extract(epoch FROM to_timestamp(o.ordered_at) AT TIME ZONE p.zone)::bigint END AS local_seconds,
           o.amount_micros
    FROM orders o
    CROSS JOIN params p
    WHERE o.user_id IS NOT NULL AND o.kind = 'purchase' AND (p.currency IS NULL OR o.currency = p.currency)
),
days AS (
    SELECT user_id, (local_seconds - ((local_seconds % 86400) + 86400) % 86400) / 86400 AS day, amount_micros
    FROM purchases
)
SELECT d.user_id, d.day, CAST(sum(d.amount_micros) AS bigint) AS amount_micros
FROM days d
WHERE d.day <= (SELECT last_day FROM params)
GROUP BY d.user_id, d.day
ORDER BY d.user_id, d.day;

-- Purchases as the lifetime-value models see them: one row per known customer and day with a
-- purchase, the day in the reporting time zone (reporting_offsets; UTC when empty), and the
-- day's purchases summed in exact micro-units (the literature's summary counts one transaction
-- per day, worth its orders' sum). Returns, adjustments, write-offs and guest orders are left
-- out: BG/NBD counts transactions and Gamma-Gamma averages what they were worth.
-- sql/postgres/clv_purchases.sql gives the same rows on PostgreSQL.
--
-- Parameters:
--   :last_day   the last day that counts, 'YYYY-MM-DD' in the reporting time zone (inclusive)
--
-- Rows: user_id, day (days since 1970-01-01 in the reporting time zone), amount_micros (the
-- day's sum); ordered by user, then day.
--
--   sqlite3 lifecycle.db
--   .param set :last_day '1997-09-30'
--   .read sql/clv_purchases.sql
WITH params AS MATERIALIZED (
    SELECT unixepoch(:last_day) / 86400 AS last_day, EXISTS (SELECT 1 FROM reporting_offsets) AS zoned
),
purchases AS (
    SELECT o.user_id,
           o.ordered_at + CASE WHEN (SELECT zoned FROM params) THEN coalesce((SELECT z.offset_seconds FROM reporting_offsets z
               WHERE z.starts_at <= o.ordered_at ORDER BY z.starts_at DESC LIMIT 1), 0) ELSE 0 END AS local_seconds,
           o.amount_micros
    FROM orders o
    WHERE o.user_id IS NOT NULL AND o.kind = 'purchase'
)
SELECT user_id, day, sum(amount_micros) AS amount_micros
FROM (SELECT user_id, (local_seconds - ((local_seconds % 86400) + 86400) % 86400) / 86400 AS day, amount_micros
      FROM purchases) AS days
WHERE day <= (SELECT last_day FROM params)
GROUP BY user_id, day
ORDER BY user_id, day;

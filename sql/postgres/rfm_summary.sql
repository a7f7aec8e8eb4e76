-- RFM segment summary and the score thresholds in use: PostgreSQL's (and Citus's) counterpart of
-- sql/rfm_summary.sql, with its parameters (:as_of, :since, :country, :recency_bins,
-- :frequency_bins, :monetary_bins; :map_r, :map_f, :map_segments, :map_positions: a
-- segment map file's cells as arrays, NULL for the stored grid) and its result columns (section, name, position, users,
-- user_share, avg_recency_days, avg_frequency, avg_monetary_micros, revenue_micros,
-- revenue_share, min_value, max_value) in the same order. Shares and averages are double
-- precision (SQLite's 1.0 * a / b), the average monetary value rounded half away from zero as
-- SQLite's round() does (numeric's round; double precision's would round half to even).
-- The customers are grouped on the workers and scored on the coordinator as in rfm_users.sql.
--
-- This file and rfm_users.sql share everything up to "scored" (a test keeps them identical).
WITH params AS MATERIALIZED (
    SELECT coalesce(extract(epoch FROM CAST(CAST(:as_of AS text) AS timestamp))::bigint,
                    (SELECT (max(ordered_at) / 86400 + 1) * 86400 FROM orders)) AS as_of,
           extract(epoch FROM CAST(CAST(:since AS text) AS timestamp))::bigint AS since,
           CAST(:country AS text) AS country,
           (CAST(:recency_bins AS jsonb) ->> 0)::numeric AS rb1, (CAST(:recency_bins AS jsonb) ->> 1)::numeric AS rb2,
           (CAST(:recency_bins AS jsonb) ->> 2)::numeric AS rb3, (CAST(:recency_bins AS jsonb) ->> 3)::numeric AS rb4,
           (CAST(:frequency_bins AS jsonb) ->> 0)::numeric AS fb1, (CAST(:frequency_bins AS jsonb) ->> 1)::numeric AS fb2,
           (CAST(:frequency_bins AS jsonb) ->> 2)::numeric AS fb3, (CAST(:frequency_bins AS jsonb) ->> 3)::numeric AS fb4,
           (CAST(:monetary_bins AS jsonb) ->> 0)::numeric AS mb1, (CAST(:monetary_bins AS jsonb) ->> 1)::numeric AS mb2,
           (CAST(:monetary_bins AS jsonb) ->> 2)::numeric AS mb3, (CAST(:monetary_bins AS jsonb) ->> 3)::numeric AS mb4
),
-- "tie" orders customers of equal value: users.id shuffled by Fibonacci hashing (its low 31 bits
-- times 1327217885 modulo 2^31, the high bits kept), exactly as in sql/rfm_users.sql.
customers AS MATERIALIZED (
    SELECT o.customer_key AS user_id, u.external_id, u.country,
           (((o.customer_key & 2147483647) * 1327217885) & 2147483647) | (o.customer_key & -2147483648) AS tie,
           (p.as_of - max(o.ordered_at) FILTER (WHERE o.kind = 'purchase')) / 86400 AS recency_days,
           count(*) FILTER (WHERE o.kind = 'purchase') AS frequency,
           sum(o.amount_micros)::bigint AS monetary_micros
    FROM orders o JOIN users u ON u.id = o.customer_key CROSS JOIN params p
    WHERE o.user_id IS NOT NULL AND o.kind IN ('purchase', 'return') AND o.ordered_at < p.as_of
      AND (p.since IS NULL OR o.ordered_at >= p.since)
      AND (p.country IS NULL OR u.country = p.country)
    GROUP BY o.customer_key, u.external_id, u.country, p.as_of
    HAVING count(*) FILTER (WHERE o.kind = 'purchase') > 0
),
-- Scores: NTILE(5) over the customers in (value, tie) order (recency from the oldest purchase to
-- the newest, so R 5 = most recent), or the fixed bins given.
scored AS MATERIALIZED (
    SELECT c.user_id, c.external_id, c.country, c.recency_days, c.frequency, c.monetary_micros,
           CASE WHEN p.rb1 IS NULL THEN ntile(5) OVER (ORDER BY -c.recency_days, c.tie)
                ELSE 5 - (c.recency_days > p.rb1)::int - (c.recency_days > p.rb2)::int
                       - (c.recency_days > p.rb3)::int - (c.recency_days > p.rb4)::int
           END AS r,
           CASE WHEN p.fb1 IS NULL THEN ntile(5) OVER (ORDER BY c.frequency, c.tie)
                ELSE 1 + (c.frequency > p.fb1)::int + (c.frequency > p.fb2)::int
                       + (c.frequency > p.fb3)::int + (c.frequency > p.fb4)::int
           END AS f,
           CASE WHEN p.mb1 IS NULL THEN ntile(5) OVER (ORDER BY c.monetary_micros, c.tie)
                ELSE 1 + (c.monetary_micros > p.mb1)::int + (c.monetary_micros > p.mb2)::int
                       + (c.monetary_micros > p.mb3)::int + (c.monetary_micros > p.mb4)::int
           END AS m
    FROM customers c CROSS JOIN params p
),
-- Customers, sums and value ranges per (R, F, M) cell: at most 125 rows for the rest.
cells AS (
    SELECT r, f, m, count(*) AS users,
           sum(recency_days) AS recency_sum, sum(frequency) AS frequency_sum, sum(monetary_micros) AS monetary_sum,
           min(recency_days) AS recency_min, max(recency_days) AS recency_max,
           min(frequency) AS frequency_min, max(frequency) AS frequency_max,
           min(monetary_micros) AS monetary_min, max(monetary_micros) AS monetary_max
    FROM scored
    GROUP BY r, f, m
),
sections(section) AS (VALUES ('segment'), ('R'), ('F'), ('M')),
rolled AS (
    SELECT s.section,
           CASE s.section WHEN 'segment' THEN coalesce(map.segment, 'Unmapped') WHEN 'R' THEN c.r::text
                          WHEN 'F' THEN c.f::text ELSE c.m::text END AS name,
           CASE s.section WHEN 'segment' THEN coalesce(map.position, 999) WHEN 'R' THEN c.r WHEN 'F' THEN c.f ELSE c.m END AS position,
           sum(c.users) AS users, sum(c.recency_sum) AS recency_sum, sum(c.frequency_sum) AS frequency_sum,
           sum(c.monetary_sum) AS revenue,
           min(CASE s.section WHEN 'R' THEN c.recency_min WHEN 'F' THEN c.frequency_min WHEN 'M' THEN c.monetary_min END) AS min_value,
           max(CASE s.section WHEN 'R' THEN c.recency_max WHEN 'F' THEN c.frequency_max WHEN 'M' THEN c.monetary_max END) AS max_value
    -- The segment names: the stored grid, or a map file's cells as four parallel arrays.
    FROM cells c CROSS JOIN sections s
    LEFT JOIN (SELECT r, f, segment, position FROM rfm_segment_map WHERE CAST(:map_segments AS text[]) IS NULL
               UNION ALL SELECT * FROM unnest(CAST(:map_r AS bigint[]), CAST(:map_f AS bigint[]), CAST(:map_segments AS text[]),
                                              CAST(:map_positions AS bigint[]))) AS map(r, f, segment, position)
           ON map.r = c.r AND map.f = c.f
    GROUP BY 1, 3, 2
)
SELECT section, name, position, users::bigint AS users,
       users::float8 / (sum(users) OVER (PARTITION BY section))::float8 AS user_share,
       CASE section WHEN 'segment' THEN recency_sum::float8 / users::float8 END AS avg_recency_days,
       CASE section WHEN 'segment' THEN frequency_sum::float8 / users::float8 END AS avg_frequency,
       CASE section WHEN 'segment' THEN round(revenue / users)::bigint END AS avg_monetary_micros,
       CASE section WHEN 'segment' THEN revenue::bigint END AS revenue_micros,
       CASE WHEN section = 'segment' AND sum(revenue) OVER (PARTITION BY section) <> 0
            THEN revenue::float8 / (sum(revenue) OVER (PARTITION BY section))::float8 END AS revenue_share,
       min_value, max_value
FROM rolled
ORDER BY section = 'segment' DESC, section COLLATE "C" DESC, position, name COLLATE "C";

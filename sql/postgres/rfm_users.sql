-- RFM values, scores and segment of every customer: PostgreSQL's (and Citus's) counterpart of
-- sql/rfm_users.sql, with its parameters (:as_of, :since, :country, :recency_bins,
-- :frequency_bins, :monetary_bins, :segment; :map_r, :map_f, :map_segments, :map_positions: a
-- segment map file's cells as arrays, NULL for the stored grid) and its result columns (user_id, external_id,
-- country, recency_days, frequency, monetary_micros, r, f, m, rfm, segment, segment_position),
-- in the same order: best scores first, then by user id.
--
--   psql "$URL" -v as_of="'2011-12-10'" ... (or bind them from a client)
--
-- Written for Citus's planner: "customers" groups the orders by the distribution column
-- (customer_key, which is the user id for a known customer) joined to users on it, so each
-- worker groups its own customers and sends one row each; the scoring (NTILE over every
-- customer, a roll-up of small rows) then runs on the coordinator over that intermediate
-- result. SQLite's file finds the four tile starts with histograms to avoid three sorts; here
-- NTILE(5) itself over (value, tie) gives the very same scores (docs/QUERIES.md, "The tie
-- rule"). The kept totals are not used: on PostgreSQL they are not kept yet.
-- Traps avoided: bigint sums are numeric (cast back), booleans do not add (cast to integer),
-- every parameter is typed where it is used.
--
-- This file and rfm_summary.sql share everything up to "scored" (a test keeps them identical).
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
)
SELECT s.user_id, s.external_id, s.country, s.recency_days, s.frequency, s.monetary_micros, s.r, s.f, s.m,
       s.r::text || s.f::text || s.m::text AS rfm, coalesce(map.segment, 'Unmapped') AS segment,
       coalesce(map.position, 999) AS segment_position
FROM scored s
-- The segment names: the stored grid, or a map file's cells as four parallel arrays.
LEFT JOIN (SELECT r, f, segment, position FROM rfm_segment_map WHERE CAST(:map_segments AS text[]) IS NULL
           UNION ALL SELECT * FROM unnest(CAST(:map_r AS bigint[]), CAST(:map_f AS bigint[]), CAST(:map_segments AS text[]),
                                          CAST(:map_positions AS bigint[]))) AS map(r, f, segment, position)
       ON map.r = s.r AND map.f = s.f
WHERE CAST(:segment AS text) IS NULL OR coalesce(map.segment, 'Unmapped') = CAST(:segment AS text)
ORDER BY s.r DESC, s.f DESC, s.m DESC, s.user_id;

-- RFM values, scores and segment of every customer.
--
-- Parameters: those of rfm_summary.sql (:as_of, :since, :country, :recency_bins,
-- :frequency_bins, :monetary_bins), and
--   :segment          only customers of this segment (NULL: all)
--
-- Rows: user_id, external_id, country, recency_days, frequency, monetary_micros, r, f, m, rfm
-- ('545'), segment, segment_position; best scores first, then by user id (the tie order).
--
--   sqlite3 lifecycle.db
--   .param set :as_of '2011-12-10'
--   .param set :segment 'At Risk'
--   .read sql/rfm_users.sql
--
-- This file and rfm_summary.sql share everything up to "scored" (a test keeps them identical).
WITH params AS MATERIALIZED (
    SELECT coalesce(unixepoch(:as_of), (SELECT (max(ordered_at) / 86400 + 1) * 86400 FROM orders)) AS as_of,
           unixepoch(:since) AS since
),
-- The bins apart from params: every reference to a CTE copies its text while SQLite prepares the
-- statement, and params is referenced all through "customers" (half the preparing time, 0.03 s,
-- went into copies of these twelve columns).
bins AS MATERIALIZED (
    SELECT json_extract(:recency_bins, '$[0]') AS rb1, json_extract(:recency_bins, '$[1]') AS rb2,
           json_extract(:recency_bins, '$[2]') AS rb3, json_extract(:recency_bins, '$[3]') AS rb4,
           json_extract(:frequency_bins, '$[0]') AS fb1, json_extract(:frequency_bins, '$[1]') AS fb2,
           json_extract(:frequency_bins, '$[2]') AS fb3, json_extract(:frequency_bins, '$[3]') AS fb4,
           json_extract(:monetary_bins, '$[0]') AS mb1, json_extract(:monetary_bins, '$[1]') AS mb2,
           json_extract(:monetary_bins, '$[2]') AS mb3, json_extract(:monetary_bins, '$[3]') AS mb4
),
-- Whether customer_totals (migration 0007, kept by the orders import) can answer: they count
-- every order there is (the largest id and the number of orders are those they were made
-- from), and every order counts here (as-of after the last order, no look-back window). Then
-- customers are read from them, one row each; otherwise the orders are grouped.
-- Each branch of "customers" starts its range at this CTE's value for it, and NULL is an empty
-- range: SQLite skips the branch not taken without reading a row (a WHERE flag would be tested
-- on every row).
source AS MATERIALIZED (
    SELECT CASE WHEN totals THEN -9223372036854775808 END AS totals_from,
           CASE WHEN NOT totals THEN -9223372036854775808 END AS orders_from
    FROM (SELECT (SELECT through_order_id FROM customer_totals_state) IS (SELECT max(id) FROM orders)
                 AND (SELECT orders_counted FROM customer_totals_state) = (SELECT count(*) FROM orders)
                 AND since IS NULL AND as_of > (SELECT max(ordered_at) FROM orders) AS totals
          FROM params)
),
-- "tie" orders customers of equal value: users.id (the order customers were first imported in,
-- the same in a pseudonymised warehouse and a clear one, unlike the id's text) shuffled by
-- Fibonacci hashing, so that the order does not follow tenure: its low 31 bits times
-- 1327217885 (2^31 / golden ratio, odd) modulo 2^31, a one-to-one map, with the high bits kept.
-- In import order, recent one-order customers would all rank above older ones in F's tie.
customers AS MATERIALIZED (
    SELECT t.user_id, (((t.user_id & 2147483647) * 1327217885) & 2147483647) | (t.user_id & -2147483648) AS tie,
           ((SELECT as_of FROM params) - t.last_purchase_at) / 86400 AS recency_days,
           t.purchase_orders AS frequency,
           t.net_micros AS monetary_micros
    FROM customer_totals t
    WHERE t.user_id >= (SELECT totals_from FROM source)
      AND (:country IS NULL OR (SELECT country FROM users WHERE id = t.user_id) = :country)
    UNION ALL
    -- One pass over orders_by_user (user, time, kind, amount), grouped as it streams: no sort,
    -- no table reads ("+" keeps the planner off orders_by_time).
    SELECT o.user_id, (((o.user_id & 2147483647) * 1327217885) & 2147483647) | (o.user_id & -2147483648) AS tie,
           ((SELECT as_of FROM params) - max(CASE WHEN o.kind = 'purchase' THEN o.ordered_at END)) / 86400 AS recency_days,
           count(*) FILTER (WHERE o.kind = 'purchase') AS frequency,
           sum(o.amount_micros) AS monetary_micros
    FROM orders o
    WHERE o.user_id >= (SELECT orders_from FROM source) AND o.kind IN ('purchase', 'return')
      AND +o.ordered_at < (SELECT as_of FROM params)
      AND (unixepoch(:since) IS NULL OR +o.ordered_at >= unixepoch(:since))
    GROUP BY o.user_id
    HAVING count(*) FILTER (WHERE o.kind = 'purchase') > 0
       AND (:country IS NULL OR (SELECT country FROM users WHERE id = o.user_id) = :country)
),
-- NTILE(5) without sorting every customer three times. Over n customers the first n % 5 tiles
-- hold one more; b1..b4 are the 0-based positions where tiles 2..5 start, and a customer's
-- score is 1 + the number of starts at or before her position. So it is enough to know who
-- stands at b1..b4 in (value, tie) order: a histogram of the value (a cheap GROUP BY)
-- tells which value group holds each start and at which offset, and the customer there is
-- picked from that group alone with ORDER BY value, tie LIMIT 1 OFFSET offset (a
-- defined order; the order json_group_array collects in is not, and changes when the sorter
-- spills to worker threads). Money is grouped by whole currency units, ordered by amount.
tiles AS MATERIALIZED (
    SELECT n, 1 * q + CASE WHEN rem < 1 THEN rem ELSE 1 END AS b1, 2 * q + CASE WHEN rem < 2 THEN rem ELSE 2 END AS b2, 3 * q + CASE WHEN rem < 3 THEN rem ELSE 3 END AS b3, 4 * q + CASE WHEN rem < 4 THEN rem ELSE 4 END AS b4
    FROM (SELECT count(*) AS n, count(*) / 5 AS q, count(*) % 5 AS rem FROM customers) AS counted
),
starts AS MATERIALIZED (
    SELECT 1 AS j, b1 AS b FROM tiles UNION ALL SELECT 2, b2 FROM tiles
    UNION ALL SELECT 3, b3 FROM tiles UNION ALL SELECT 4, b4 FROM tiles
),
-- Recency runs from the oldest purchase to the newest: the key is -recency_days.
r_groups AS MATERIALIZED (
    SELECT g, c, sum(c) OVER (ORDER BY g ROWS UNBOUNDED PRECEDING) - c AS below
    FROM (SELECT -recency_days AS g, count(*) AS c FROM customers WHERE (SELECT rb1 FROM bins) IS NULL GROUP BY 1)
),
r_starts AS MATERIALIZED (
    SELECT s.j, x.g, s.b - x.below AS offset FROM starts s JOIN r_groups x ON x.below <= s.b AND s.b < x.below + x.c
),
r_cuts AS MATERIALIZED (
    SELECT * FROM (
        SELECT max(CASE WHEN j = 1 THEN k END) AS k1, max(CASE WHEN j = 1 THEN t END) AS t1,
               max(CASE WHEN j = 2 THEN k END) AS k2, max(CASE WHEN j = 2 THEN t END) AS t2,
               max(CASE WHEN j = 3 THEN k END) AS k3, max(CASE WHEN j = 3 THEN t END) AS t3,
               max(CASE WHEN j = 4 THEN k END) AS k4, max(CASE WHEN j = 4 THEN t END) AS t4
        FROM (SELECT 1 AS j, k, t FROM (SELECT -recency_days AS k, tie AS t FROM customers
                                    WHERE -recency_days = (SELECT g FROM r_starts WHERE j = 1)
                                    ORDER BY 1, 2 LIMIT 1 OFFSET coalesce((SELECT offset FROM r_starts WHERE j = 1), 0))
              UNION ALL SELECT 2 AS j, k, t FROM (SELECT -recency_days AS k, tie AS t FROM customers
                                    WHERE -recency_days = (SELECT g FROM r_starts WHERE j = 2)
                                    ORDER BY 1, 2 LIMIT 1 OFFSET coalesce((SELECT offset FROM r_starts WHERE j = 2), 0))
              UNION ALL SELECT 3 AS j, k, t FROM (SELECT -recency_days AS k, tie AS t FROM customers
                                    WHERE -recency_days = (SELECT g FROM r_starts WHERE j = 3)
                                    ORDER BY 1, 2 LIMIT 1 OFFSET coalesce((SELECT offset FROM r_starts WHERE j = 3), 0))
              UNION ALL SELECT 4 AS j, k, t FROM (SELECT -recency_days AS k, tie AS t FROM customers
                                    WHERE -recency_days = (SELECT g FROM r_starts WHERE j = 4)
                                    ORDER BY 1, 2 LIMIT 1 OFFSET coalesce((SELECT offset FROM r_starts WHERE j = 4), 0)))
    ) AS picked
),
f_groups AS MATERIALIZED (
    SELECT g, c, sum(c) OVER (ORDER BY g ROWS UNBOUNDED PRECEDING) - c AS below
    FROM (SELECT frequency AS g, count(*) AS c FROM customers WHERE (SELECT fb1 FROM bins) IS NULL GROUP BY 1)
),
f_starts AS MATERIALIZED (
    SELECT s.j, x.g, s.b - x.below AS offset FROM starts s JOIN f_groups x ON x.below <= s.b AND s.b < x.below + x.c
),
f_cuts AS MATERIALIZED (
    SELECT * FROM (
        SELECT max(CASE WHEN j = 1 THEN k END) AS k1, max(CASE WHEN j = 1 THEN t END) AS t1,
               max(CASE WHEN j = 2 THEN k END) AS k2, max(CASE WHEN j = 2 THEN t END) AS t2,
               max(CASE WHEN j = 3 THEN k END) AS k3, max(CASE WHEN j = 3 THEN t END) AS t3,
               max(CASE WHEN j = 4 THEN k END) AS k4, max(CASE WHEN j = 4 THEN t END) AS t4
        FROM (SELECT 1 AS j, k, t FROM (SELECT frequency AS k, tie AS t FROM customers
                                    WHERE frequency = (SELECT g FROM f_starts WHERE j = 1)
                                    ORDER BY 1, 2 LIMIT 1 OFFSET coalesce((SELECT offset FROM f_starts WHERE j = 1), 0))
              UNION ALL SELECT 2 AS j, k, t FROM (SELECT frequency AS k, tie AS t FROM customers
                                    WHERE frequency = (SELECT g FROM f_starts WHERE j = 2)
                                    ORDER BY 1, 2 LIMIT 1 OFFSET coalesce((SELECT offset FROM f_starts WHERE j = 2), 0))
              UNION ALL SELECT 3 AS j, k, t FROM (SELECT frequency AS k, tie AS t FROM customers
                                    WHERE frequency = (SELECT g FROM f_starts WHERE j = 3)
                                    ORDER BY 1, 2 LIMIT 1 OFFSET coalesce((SELECT offset FROM f_starts WHERE j = 3), 0))
              UNION ALL SELECT 4 AS j, k, t FROM (SELECT frequency AS k, tie AS t FROM customers
                                    WHERE frequency = (SELECT g FROM f_starts WHERE j = 4)
                                    ORDER BY 1, 2 LIMIT 1 OFFSET coalesce((SELECT offset FROM f_starts WHERE j = 4), 0)))
    ) AS picked
),
m_groups AS MATERIALIZED (
    SELECT g, c, sum(c) OVER (ORDER BY g ROWS UNBOUNDED PRECEDING) - c AS below
    FROM (SELECT monetary_micros / 1000000 AS g, count(*) AS c FROM customers WHERE (SELECT mb1 FROM bins) IS NULL GROUP BY 1)
),
m_starts AS MATERIALIZED (
    SELECT s.j, x.g, s.b - x.below AS offset FROM starts s JOIN m_groups x ON x.below <= s.b AND s.b < x.below + x.c
),
m_cuts AS MATERIALIZED (
    SELECT * FROM (
        SELECT max(CASE WHEN j = 1 THEN k END) AS k1, max(CASE WHEN j = 1 THEN t END) AS t1,
               max(CASE WHEN j = 2 THEN k END) AS k2, max(CASE WHEN j = 2 THEN t END) AS t2,
               max(CASE WHEN j = 3 THEN k END) AS k3, max(CASE WHEN j = 3 THEN t END) AS t3,
               max(CASE WHEN j = 4 THEN k END) AS k4, max(CASE WHEN j = 4 THEN t END) AS t4
        FROM (SELECT 1 AS j, k, t FROM (SELECT monetary_micros AS k, tie AS t FROM customers
                                    WHERE monetary_micros / 1000000 = (SELECT g FROM m_starts WHERE j = 1)
                                    ORDER BY 1, 2 LIMIT 1 OFFSET coalesce((SELECT offset FROM m_starts WHERE j = 1), 0))
              UNION ALL SELECT 2 AS j, k, t FROM (SELECT monetary_micros AS k, tie AS t FROM customers
                                    WHERE monetary_micros / 1000000 = (SELECT g FROM m_starts WHERE j = 2)
                                    ORDER BY 1, 2 LIMIT 1 OFFSET coalesce((SELECT offset FROM m_starts WHERE j = 2), 0))
              UNION ALL SELECT 3 AS j, k, t FROM (SELECT monetary_micros AS k, tie AS t FROM customers
                                    WHERE monetary_micros / 1000000 = (SELECT g FROM m_starts WHERE j = 3)
                                    ORDER BY 1, 2 LIMIT 1 OFFSET coalesce((SELECT offset FROM m_starts WHERE j = 3), 0))
              UNION ALL SELECT 4 AS j, k, t FROM (SELECT monetary_micros AS k, tie AS t FROM customers
                                    WHERE monetary_micros / 1000000 = (SELECT g FROM m_starts WHERE j = 4)
                                    ORDER BY 1, 2 LIMIT 1 OFFSET coalesce((SELECT offset FROM m_starts WHERE j = 4), 0)))
    ) AS picked
),
-- Scores: against the customers at the tile starts, highest first (the tie key counts only
-- on a tie of the value; a start that does not exist is NULL and never matches), or the fixed
-- bins given.
scored AS MATERIALIZED (
    SELECT c.user_id, c.recency_days, c.frequency, c.monetary_micros,
           CASE WHEN (SELECT rb1 FROM bins) IS NULL THEN CASE WHEN (-c.recency_days, c.tie) >= (rc.k4, rc.t4) THEN 5
                         WHEN (-c.recency_days, c.tie) >= (rc.k3, rc.t3) THEN 4
                         WHEN (-c.recency_days, c.tie) >= (rc.k2, rc.t2) THEN 3
                         WHEN (-c.recency_days, c.tie) >= (rc.k1, rc.t1) THEN 2 ELSE 1 END
                ELSE 5 - (c.recency_days > (SELECT rb1 FROM bins)) - (c.recency_days > (SELECT rb2 FROM bins))
                       - (c.recency_days > (SELECT rb3 FROM bins)) - (c.recency_days > (SELECT rb4 FROM bins))
           END AS r,
           CASE WHEN (SELECT fb1 FROM bins) IS NULL THEN CASE WHEN (c.frequency, c.tie) >= (fc.k4, fc.t4) THEN 5
                         WHEN (c.frequency, c.tie) >= (fc.k3, fc.t3) THEN 4
                         WHEN (c.frequency, c.tie) >= (fc.k2, fc.t2) THEN 3
                         WHEN (c.frequency, c.tie) >= (fc.k1, fc.t1) THEN 2 ELSE 1 END
                ELSE 1 + (c.frequency > (SELECT fb1 FROM bins)) + (c.frequency > (SELECT fb2 FROM bins))
                       + (c.frequency > (SELECT fb3 FROM bins)) + (c.frequency > (SELECT fb4 FROM bins))
           END AS f,
           CASE WHEN (SELECT mb1 FROM bins) IS NULL THEN CASE WHEN (c.monetary_micros, c.tie) >= (mc.k4, mc.t4) THEN 5
                         WHEN (c.monetary_micros, c.tie) >= (mc.k3, mc.t3) THEN 4
                         WHEN (c.monetary_micros, c.tie) >= (mc.k2, mc.t2) THEN 3
                         WHEN (c.monetary_micros, c.tie) >= (mc.k1, mc.t1) THEN 2 ELSE 1 END
                ELSE 1 + (c.monetary_micros > (SELECT mb1 FROM bins)) + (c.monetary_micros > (SELECT mb2 FROM bins))
                       + (c.monetary_micros > (SELECT mb3 FROM bins)) + (c.monetary_micros > (SELECT mb4 FROM bins))
           END AS m
    FROM customers c, r_cuts rc, f_cuts fc, m_cuts mc
)
SELECT s.user_id, u.external_id, u.country, s.recency_days, s.frequency, s.monetary_micros, s.r, s.f, s.m,
       s.r || s.f || s.m AS rfm, coalesce(map.segment, 'Unmapped') AS segment, coalesce(map.position, 999) AS segment_position
FROM scored s
JOIN users u ON u.id = s.user_id
LEFT JOIN rfm_segment_map map ON map.r = s.r AND map.f = s.f
WHERE :segment IS NULL OR coalesce(map.segment, 'Unmapped') = :segment
ORDER BY s.r DESC, s.f DESC, s.m DESC, s.user_id;

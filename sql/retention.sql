-- Cohort retention: the triangle of cohorts by offset, in long form, with every count.
--
-- A cohort is the period (day, ISO week from Monday, or calendar month) of a customer's first
-- purchase, in the reporting time zone (reporting_offsets; UTC when empty). With :cohort =
-- 'recurring' (PostHog's "recurring"), a customer belongs to the cohort of every period she is
-- active in. With :activity = 'events', her events (views, carts...) are the activity instead of
-- purchase orders. Only facts before as-of are used, and never guest orders.
--
-- Parameters (all optional):
--   :as_of       instant before which facts count, UTC text; default: midnight UTC after the last order
--   :period      'day', 'week' or 'month' (default)
--   :cohort      'first-purchase' (default) or 'recurring'
--   :activity    'orders' (default: purchases; returns only reduce revenue) or 'events'
--   :event_type  with 'events': only events of this type (NULL: any)
--   :metric      'users' (default) or 'orders' / 'revenue': also fill orders and revenue_micros
--   :since, :until   only cohorts from the period holding :since to the one holding the instant
--                    before :until
--   :country     only customers of this country
--   :users       only these customers: a JSON array of users.id, e.g. '[3,17]' (the groups of
--                `retention --by rfm-segment`)
--   :max_offset  only offsets up to this one
--
-- Rows, one per cohort and offset k = 0, 1, ... up to the last period observed before as-of:
--   cohort (period number), cohort_start ('2011-01-01'; the Monday for weeks), cohort_label
--   ('2011-01', '2011-W01', '2011-01-03'), k, cohort_users (the cohort's size), active_users
--   (active in cohort+k: classic retention), reached_users (active in cohort+k or later:
--   unbounded retention), orders and revenue_micros in cohort+k (net of returns; NULL with
--   :metric 'users'), complete (1 when period cohort+k ended before as-of).
--
--   sqlite3 lifecycle.db
--   .param set :as_of '2011-12-10'
--   .param set :period 'month'
--   .read sql/retention.sql
--
-- `lifecycle retention` computes these rows in Swift (RetentionScan: one pass over the same index,
-- no sort); this file defines them, and a test compares both over the parameter matrix.
--
-- How: when the periods observed fit in 62 bits and the metric is users, one pass over the
-- (user, time) index builds each customer's bit mask of active periods (no sort of the orders);
-- customers with the same mask are then counted together. Otherwise (long daily histories,
-- orders or revenue) customer-periods are grouped and joined: exact too, only slower.
-- The period expression below appears several times, identically: a period number of an instant.
WITH RECURSIVE params AS MATERIALIZED (
    SELECT coalesce(unixepoch(:as_of), (SELECT (max(ordered_at) / 86400 + 1) * 86400 FROM orders)) AS as_of,
           unixepoch(:since) AS since, unixepoch(:until) AS until,
           coalesce(:period, 'month') AS period, coalesce(:cohort, 'first-purchase') AS cohort,
           coalesce(:activity, 'orders') AS activity, :event_type AS event_type,
           coalesce(:metric, 'users') AS metric, :country AS country, :users AS users, :max_offset AS max_offset,
           EXISTS (SELECT 1 FROM reporting_offsets) AS zoned
),
-- Period numbers of the instants that bound the question.
marks AS MATERIALIZED (
    SELECT name, CASE WHEN v IS NULL THEN NULL ELSE
           (SELECT CASE (SELECT period FROM params) WHEN 'day' THEN d WHEN 'week' THEN (d + 3) / 7
                   ELSE (4 * (d + 671) + 3) / 1461 * 12 + (5 * (d + 671 - 1461 * ((4 * (d + 671) + 3) / 1461) / 4) + 2) / 153 END
            FROM (SELECT (v + CASE WHEN (SELECT zoned FROM params) THEN coalesce((SELECT z.offset_seconds FROM reporting_offsets z
                  WHERE z.starts_at <= v ORDER BY z.starts_at DESC LIMIT 1), 0) ELSE 0 END) / 86400 AS d) AS local_day) END AS n
    FROM (SELECT 'last' AS name, as_of - 1 AS v FROM params
          UNION ALL SELECT 'as_of', as_of FROM params
          UNION ALL SELECT 'since', since FROM params
          UNION ALL SELECT 'until', until - 1 FROM params
          UNION ALL SELECT 'origin', CASE activity
              WHEN 'events' THEN (SELECT min(occurred_at) FROM events WHERE user_id IS NOT NULL)
              ELSE (SELECT min(ordered_at) FROM orders WHERE user_id IS NOT NULL AND kind = 'purchase') END FROM params) AS instants
),
bounds AS MATERIALIZED (
    SELECT max(CASE name WHEN 'last' THEN n END) AS last_n, max(CASE name WHEN 'as_of' THEN n END) AS as_of_n,
           max(CASE name WHEN 'since' THEN n END) AS since_n, max(CASE name WHEN 'until' THEN n END) AS until_n,
           coalesce(max(CASE name WHEN 'origin' THEN n END), 0) AS origin_n,
           max(CASE name WHEN 'last' THEN n END) - coalesce(max(CASE name WHEN 'origin' THEN n END), 0) <= 62
               AND (SELECT metric FROM params) = 'users' AS fast
    FROM marks
),
offsets(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM offsets WHERE k < (SELECT last_n - origin_n FROM bounds)),

-- Fast path. Per customer: the mask of active periods (bit = period number - origin), from one
-- pass over orders_by_user (or events_by_user).
active AS (
    SELECT o.user_id,
           sum(DISTINCT CAST(1 AS BIGINT) << ((SELECT CASE (SELECT period FROM params) WHEN 'day' THEN d WHEN 'week' THEN (d + 3) / 7
                                           ELSE (4 * (d + 671) + 3) / 1461 * 12 + (5 * (d + 671 - 1461 * ((4 * (d + 671) + 3) / 1461) / 4) + 2) / 153 END
                                    FROM (SELECT (o.ordered_at + CASE WHEN (SELECT zoned FROM params) THEN coalesce((SELECT z.offset_seconds FROM reporting_offsets z
                                          WHERE z.starts_at <= o.ordered_at ORDER BY z.starts_at DESC LIMIT 1), 0) ELSE 0 END) / 86400 AS d) AS local_day) - (SELECT origin_n FROM bounds))) AS mask
    FROM orders o
    WHERE (SELECT fast FROM bounds) AND (SELECT activity FROM params) = 'orders'
      AND o.user_id IS NOT NULL AND o.kind = 'purchase' AND +o.ordered_at < (SELECT as_of FROM params)
    GROUP BY o.user_id
    UNION ALL
    SELECT e.user_id,
           sum(DISTINCT CAST(1 AS BIGINT) << ((SELECT CASE (SELECT period FROM params) WHEN 'day' THEN d WHEN 'week' THEN (d + 3) / 7
                                           ELSE (4 * (d + 671) + 3) / 1461 * 12 + (5 * (d + 671 - 1461 * ((4 * (d + 671) + 3) / 1461) / 4) + 2) / 153 END
                                    FROM (SELECT (e.occurred_at + CASE WHEN (SELECT zoned FROM params) THEN coalesce((SELECT z.offset_seconds FROM reporting_offsets z
                                          WHERE z.starts_at <= e.occurred_at ORDER BY z.starts_at DESC LIMIT 1), 0) ELSE 0 END) / 86400 AS d) AS local_day) - (SELECT origin_n FROM bounds)))
    FROM events e
    WHERE (SELECT fast FROM bounds) AND (SELECT activity FROM params) = 'events'
      AND e.user_id IS NOT NULL AND +e.occurred_at < (SELECT as_of FROM params)
      AND ((SELECT event_type FROM params) IS NULL OR e.type = (SELECT event_type FROM params))
    GROUP BY e.user_id
),
-- Customers per distinct mask, and each mask's active periods (its set bits); the first and last
-- active period are its lowest and highest bit.
mask_users AS MATERIALIZED (
    SELECT a.mask, count(*) AS users FROM active a
    WHERE ((SELECT country FROM params) IS NULL
           OR (SELECT country FROM users WHERE id = a.user_id) = (SELECT country FROM params))
      AND ((SELECT users FROM params) IS NULL OR a.user_id IN (SELECT value FROM json_each((SELECT users FROM params))))
    GROUP BY a.mask
),
mask_bits AS MATERIALIZED (
    SELECT x.mask, o.k AS bit, x.users FROM mask_users x JOIN offsets o ON ((x.mask >> o.k) & 1) = 1
),
masks AS MATERIALIZED (
    SELECT mask, min(bit) AS first_bit, max(bit) AS last_bit, max(users) AS users FROM mask_bits GROUP BY mask
),
-- Per mask, the cohorts its customers belong to (s: a period number less the origin) with their
-- last period; then the periods they are active in from each cohort on.
mask_members AS MATERIALIZED (
    SELECT m.mask, m.first_bit AS s, m.last_bit, m.users FROM masks m WHERE (SELECT cohort FROM params) = 'first-purchase'
    UNION ALL
    SELECT m.mask, x.bit, m.last_bit, m.users FROM masks m JOIN mask_bits x ON x.mask = m.mask
    WHERE (SELECT cohort FROM params) = 'recurring'
),
fast_ends AS (
    SELECT s + (SELECT origin_n FROM bounds) AS c, last_bit - s AS k, sum(users) AS users FROM mask_members GROUP BY 1, 2
),
fast_actives AS (
    SELECT m.s + (SELECT origin_n FROM bounds) AS c, x.bit - m.s AS k, sum(m.users) AS active_users, NULL AS orders, NULL AS revenue
    FROM mask_members m JOIN mask_bits x ON x.mask = m.mask AND x.bit >= m.s
    GROUP BY 1, 2
),

-- General path. One row per customer and active period, then cohorts joined to their periods.
acts AS (
    SELECT o.user_id, o.ordered_at AS at, CASE WHEN o.kind = 'purchase' THEN 1 ELSE 0 END AS purchase, o.amount_micros AS amount
    FROM orders o
    WHERE NOT (SELECT fast FROM bounds) AND (SELECT activity FROM params) = 'orders'
      AND o.user_id IS NOT NULL AND o.kind IN ('purchase', 'return') AND +o.ordered_at < (SELECT as_of FROM params)
    UNION ALL
    SELECT e.user_id, e.occurred_at, 1, 0
    FROM events e
    WHERE NOT (SELECT fast FROM bounds) AND (SELECT activity FROM params) = 'events'
      AND e.user_id IS NOT NULL AND +e.occurred_at < (SELECT as_of FROM params)
      AND ((SELECT event_type FROM params) IS NULL OR e.type = (SELECT event_type FROM params))
),
pairs AS MATERIALIZED (
    SELECT g.user_id, g.n, g.orders, g.revenue,
           min(CASE WHEN g.orders > 0 THEN g.n END) OVER (PARTITION BY g.user_id) AS first_n,
           max(CASE WHEN g.orders > 0 THEN g.n END) OVER (PARTITION BY g.user_id) AS last_n
    FROM (SELECT user_id, (SELECT CASE (SELECT period FROM params) WHEN 'day' THEN d WHEN 'week' THEN (d + 3) / 7
                            ELSE (4 * (d + 671) + 3) / 1461 * 12 + (5 * (d + 671 - 1461 * ((4 * (d + 671) + 3) / 1461) / 4) + 2) / 153 END
                     FROM (SELECT (at + CASE WHEN (SELECT zoned FROM params) THEN coalesce((SELECT z.offset_seconds FROM reporting_offsets z
                           WHERE z.starts_at <= at ORDER BY z.starts_at DESC LIMIT 1), 0) ELSE 0 END) / 86400 AS d) AS local_day) AS n,
                 sum(purchase) AS orders, sum(amount) AS revenue
          FROM acts
          GROUP BY 1, 2) g
    WHERE ((SELECT country FROM params) IS NULL OR (SELECT country FROM users WHERE id = g.user_id) = (SELECT country FROM params))
      AND ((SELECT users FROM params) IS NULL OR g.user_id IN (SELECT value FROM json_each((SELECT users FROM params))))
),
members AS MATERIALIZED (
    SELECT x.user_id, x.n AS c, x.last_n FROM pairs x
    WHERE (SELECT cohort FROM params) = 'first-purchase' AND x.n = x.first_n
    UNION ALL
    SELECT x.user_id, x.n, x.last_n FROM pairs x
    WHERE (SELECT cohort FROM params) = 'recurring' AND x.orders > 0
),
actives AS (
    SELECT x.first_n AS c, x.n - x.first_n AS k, count(*) FILTER (WHERE x.orders > 0) AS active_users, sum(x.orders) AS orders, sum(x.revenue) AS revenue
    FROM pairs x WHERE (SELECT cohort FROM params) = 'first-purchase' AND x.n >= x.first_n GROUP BY 1, 2
    UNION ALL
    SELECT m.c, x.n - m.c, count(*) FILTER (WHERE x.orders > 0), sum(x.orders), sum(x.revenue)
    FROM members m JOIN pairs x ON x.user_id = m.user_id AND x.n >= m.c
    WHERE (SELECT cohort FROM params) = 'recurring' GROUP BY 1, 2
),
-- Either path's members by cohort and offset of their last period, and its active customers by
-- cohort and offset: the path not taken reads no row.
ends AS MATERIALIZED (
    SELECT c, k, users FROM fast_ends
    UNION ALL
    SELECT c, last_n - c, count(*) FROM members GROUP BY 1, 2
),
cell_actives AS (
    SELECT c, k, active_users, orders, revenue FROM fast_actives
    UNION ALL
    SELECT c, k, active_users, orders, revenue FROM actives
),
-- The triangle: every cohort and offset up to the last period, with the tallies added in one
-- grouping (no join, so no plan depends on an automatic index); unbounded retention (reached) is
-- the cohort's members whose last period is at k or later, summed down from the last offset.
tallies(c, k, cohort_users, active_users, ending, orders, revenue) AS (
    SELECT s.c, o.k, s.users, 0, 0, 0, 0
    FROM (SELECT c, sum(users) AS users FROM ends GROUP BY c) s, offsets o, bounds b
    WHERE s.c + o.k <= b.last_n
    UNION ALL
    SELECT c, k, 0, active_users, 0, orders, revenue FROM cell_actives
    UNION ALL
    SELECT c, k, 0, 0, users, 0, 0 FROM ends
),
cells(c, k, cohort_users, active_users, reached_users, orders, revenue) AS (
    SELECT c, k, sum(cohort_users), sum(active_users),
           sum(sum(ending)) OVER (PARTITION BY c ORDER BY k DESC ROWS UNBOUNDED PRECEDING),
           CASE WHEN (SELECT fast FROM bounds) THEN NULL ELSE sum(orders) END,
           CASE WHEN (SELECT fast FROM bounds) THEN NULL ELSE sum(revenue) END
    FROM tallies
    GROUP BY c, k
)
SELECT x.c AS cohort,
       CASE p.period WHEN 'day' THEN date(x.c * 86400, 'unixepoch')
                     WHEN 'week' THEN date((x.c * 7 - 3) * 86400, 'unixepoch')
                     ELSE printf('%04d-%02d-01', (x.c + 23618) / 12, (x.c + 23618) % 12 + 1) END AS cohort_start,
       CASE p.period WHEN 'day' THEN date(x.c * 86400, 'unixepoch')
                     WHEN 'week' THEN strftime('%Y', x.c * 7 * 86400, 'unixepoch') || '-W'
                                      || printf('%02d', (CAST(strftime('%j', x.c * 7 * 86400, 'unixepoch') AS INTEGER) - 1) / 7 + 1)
                     ELSE printf('%04d-%02d', (x.c + 23618) / 12, (x.c + 23618) % 12 + 1) END AS cohort_label,
       x.k, x.cohort_users, x.active_users, x.reached_users, x.orders, x.revenue AS revenue_micros,
       x.c + x.k < b.as_of_n AS complete
FROM cells x, params p, bounds b
WHERE (b.since_n IS NULL OR x.c >= b.since_n) AND (b.until_n IS NULL OR x.c <= b.until_n)
  AND (p.max_offset IS NULL OR x.k <= p.max_offset)
ORDER BY x.c, x.k;

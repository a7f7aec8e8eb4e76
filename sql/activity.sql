-- Activity and lifecycle per period: active users (DAU, WAU or MAU), the average daily active
-- users (and for months the average rolling weekly active users) and stickiness, PostHog's lifecycle states, first purchases, orders and net revenue.
--
-- Activity is any event of a known user and any purchase order of a known user (:activity
-- 'both', the default), or only one of them ('orders', 'events'); guest orders never count.
-- Periods (day, ISO week from Monday, calendar month) are taken in the reporting time zone.
-- Lifecycle states of a user in period n (PostHog's definitions):
--   new           active in n for the first time
--   returning     active in n and in n - 1
--   resurrecting  active in n, not in n - 1, but active before
--   dormant       active in n - 1, not in n (counted in n)
--
-- Parameters (all optional):
--   :as_of       instant before which facts count, UTC text; default: midnight UTC after the last order
--   :period      'day', 'week' or 'month' (default)
--   :activity    'both' (default), 'orders' or 'events'
--   :since, :until   only periods from the one holding :since to the one holding the instant before :until
--   :country     only users of this country
--
-- Rows, one per period from the first with activity (or :since) to the one holding as-of:
--   period (number), period_start, period_label, days_observed (days of the period before as-of),
--   active_users, user_days (sum over days of the users active that day), weekly_user_days
--   (months only, else NULL: sum over the observed days of the users active that day or the six
--   days before, i.e. of the rolling WAU), new_users,
--   returning_users, resurrecting_users, dormant_users, first_purchases (customers whose first
--   purchase falls in the period), orders (purchase orders), revenue_micros (net of returns),
--   complete (1 when the period ended before as-of).
--
--   sqlite3 lifecycle.db
--   .param set :period 'week'
--   .read sql/activity.sql
WITH RECURSIVE params AS MATERIALIZED (
    SELECT coalesce(unixepoch(:as_of), (SELECT (max(ordered_at) / 86400 + 1) * 86400 FROM orders)) AS as_of,
           unixepoch(:since) AS since, unixepoch(:until) AS until,
           coalesce(:period, 'month') AS period, coalesce(:activity, 'both') AS activity, :country AS country,
           EXISTS (SELECT 1 FROM reporting_offsets) AS zoned
),
marks AS MATERIALIZED (
    SELECT name, CASE WHEN v IS NULL THEN NULL ELSE
           (SELECT CASE (SELECT period FROM params) WHEN 'day' THEN d WHEN 'week' THEN (d + 3) / 7
                   ELSE (4 * (d + 671) + 3) / 1461 * 12 + (5 * (d + 671 - 1461 * ((4 * (d + 671) + 3) / 1461) / 4) + 2) / 153 END
            FROM (SELECT (v + CASE WHEN (SELECT zoned FROM params) THEN coalesce((SELECT z.offset_seconds FROM reporting_offsets z
                  WHERE z.starts_at <= v ORDER BY z.starts_at DESC LIMIT 1), 0) ELSE 0 END) / 86400 AS d) AS local_day) END AS n,
           CASE WHEN v IS NULL THEN NULL ELSE (v + CASE WHEN (SELECT zoned FROM params) THEN coalesce((SELECT z.offset_seconds FROM reporting_offsets z
               WHERE z.starts_at <= v ORDER BY z.starts_at DESC LIMIT 1), 0) ELSE 0 END) / 86400 END AS day
    FROM (SELECT 'last' AS name, as_of - 1 AS v FROM params
          UNION ALL SELECT 'as_of', as_of FROM params
          UNION ALL SELECT 'since', since FROM params
          UNION ALL SELECT 'until', until - 1 FROM params) AS instants
),
bounds AS MATERIALIZED (
    SELECT max(CASE name WHEN 'last' THEN n END) AS last_n, max(CASE name WHEN 'as_of' THEN n END) AS as_of_n,
           max(CASE name WHEN 'since' THEN n END) AS since_n, max(CASE name WHEN 'until' THEN n END) AS until_n,
           max(CASE name WHEN 'last' THEN day END) + 1 AS end_day
    FROM marks
),
-- Days with activity per user (local day numbers).
acts AS (
    SELECT o.user_id, o.ordered_at AS at FROM orders o
    WHERE (SELECT activity FROM params) IN ('both', 'orders') AND o.user_id IS NOT NULL AND o.kind = 'purchase'
      AND +o.ordered_at < (SELECT as_of FROM params)
    UNION ALL
    SELECT e.user_id, e.occurred_at FROM events e
    WHERE (SELECT activity FROM params) IN ('both', 'events') AND e.user_id IS NOT NULL
      AND +e.occurred_at < (SELECT as_of FROM params)
),
user_days AS MATERIALIZED (
    SELECT a.user_id, (a.at + CASE WHEN (SELECT zoned FROM params) THEN coalesce((SELECT z.offset_seconds FROM reporting_offsets z
                          WHERE z.starts_at <= a.at ORDER BY z.starts_at DESC LIMIT 1), 0) ELSE 0 END) / 86400 AS day
    FROM acts a
    WHERE (SELECT country FROM params) IS NULL
       OR (SELECT country FROM users WHERE id = a.user_id) = (SELECT country FROM params)
    GROUP BY 1, 2
),
pairs AS MATERIALIZED (
    SELECT user_id, CASE (SELECT period FROM params) WHEN 'day' THEN day WHEN 'week' THEN (day + 3) / 7
                ELSE (4 * (day + 671) + 3) / 1461 * 12 + (5 * (day + 671 - 1461 * ((4 * (day + 671) + 3) / 1461) / 4) + 2) / 153 END AS n, count(*) AS days
    FROM user_days
    GROUP BY 1, 2
),
-- Months: per day observed, the users active that day or the six days before (the rolling WAU),
-- summed per month. Each active day covers itself and the six days after it, less the days the
-- user's previous active day already covers, so a user's covered days are disjoint runs of at
-- most seven days; a run crossing into the next month is split there. One pass over user_days
-- instead of a seven-fold expansion deduplicated by a sort.
covers AS MATERIALIZED (
    SELECT run_start, run_end,
           (4 * (run_start + 671) + 3) / 1461 * 12 + (5 * (run_start + 671 - 1461 * ((4 * (run_start + 671) + 3) / 1461) / 4) + 2) / 153 AS start_month,
           (4 * (run_end + 671) + 3) / 1461 * 12 + (5 * (run_end + 671 - 1461 * ((4 * (run_end + 671) + 3) / 1461) / 4) + 2) / 153 AS end_month
    FROM (SELECT CASE WHEN previous + 7 > day THEN previous + 7 ELSE day END AS run_start,
                 CASE WHEN day + 6 < (SELECT end_day FROM bounds) - 1 THEN day + 6 ELSE (SELECT end_day FROM bounds) - 1 END AS run_end
          FROM (SELECT day, lag(day) OVER (PARTITION BY user_id ORDER BY day) AS previous FROM user_days
                WHERE (SELECT period FROM params) = 'month') AS active_days) AS runs
    WHERE run_start <= run_end
),
weekly AS (
    SELECT n, sum(covered) AS weekly_user_days
    FROM (SELECT start_month AS n,
                 CASE WHEN end_month = start_month THEN run_end - run_start + 1
                      ELSE (1461 * (end_month / 12)) / 4 + (153 * (end_month % 12) + 2) / 5 - 671 - run_start END AS covered
          FROM covers
          UNION ALL
          SELECT end_month, run_end - ((1461 * (end_month / 12)) / 4 + (153 * (end_month % 12) + 2) / 5 - 671) + 1
          FROM covers WHERE end_month <> start_month) AS parts
    GROUP BY n
),
-- Each user-period with the user's previous active period. A user active in n - 1 is, in n,
-- either returning or dormant, so dormant(n) = active(n - 1) - returning(n): no second window.
states AS (
    SELECT user_id, n, days, lag(n) OVER (PARTITION BY user_id ORDER BY n) AS previous
    FROM pairs
),
per_period AS MATERIALIZED (
    SELECT n, count(*) AS active_users, sum(days) AS user_days,
           count(*) FILTER (WHERE previous IS NULL) AS new_users, count(*) FILTER (WHERE previous = n - 1) AS returning_users,
           count(*) FILTER (WHERE previous < n - 1) AS resurrecting_users
    FROM states GROUP BY n
),
money AS (
    SELECT (SELECT CASE (SELECT period FROM params) WHEN 'day' THEN d WHEN 'week' THEN (d + 3) / 7
                   ELSE (4 * (d + 671) + 3) / 1461 * 12 + (5 * (d + 671 - 1461 * ((4 * (d + 671) + 3) / 1461) / 4) + 2) / 153 END
            FROM (SELECT (o.ordered_at + CASE WHEN (SELECT zoned FROM params) THEN coalesce((SELECT z.offset_seconds FROM reporting_offsets z
                  WHERE z.starts_at <= o.ordered_at ORDER BY z.starts_at DESC LIMIT 1), 0) ELSE 0 END) / 86400 AS d) AS local_day) AS n,
           count(*) FILTER (WHERE o.kind = 'purchase') AS orders, sum(o.amount_micros) AS revenue
    FROM orders o
    WHERE o.user_id IS NOT NULL AND o.kind IN ('purchase', 'return') AND +o.ordered_at < (SELECT as_of FROM params)
      AND ((SELECT country FROM params) IS NULL
           OR (SELECT country FROM users WHERE id = o.user_id) = (SELECT country FROM params))
    GROUP BY 1
),
firsts AS (
    SELECT (SELECT CASE (SELECT period FROM params) WHEN 'day' THEN d WHEN 'week' THEN (d + 3) / 7
                   ELSE (4 * (d + 671) + 3) / 1461 * 12 + (5 * (d + 671 - 1461 * ((4 * (d + 671) + 3) / 1461) / 4) + 2) / 153 END
            FROM (SELECT (f.first_at + CASE WHEN (SELECT zoned FROM params) THEN coalesce((SELECT z.offset_seconds FROM reporting_offsets z
                  WHERE z.starts_at <= f.first_at ORDER BY z.starts_at DESC LIMIT 1), 0) ELSE 0 END) / 86400 AS d) AS local_day) AS n, count(*) AS first_purchases
    FROM (SELECT o.user_id, min(o.ordered_at) AS first_at FROM orders o
          WHERE o.user_id IS NOT NULL AND o.kind = 'purchase' AND +o.ordered_at < (SELECT as_of FROM params)
          GROUP BY o.user_id) f
    WHERE (SELECT country FROM params) IS NULL
       OR (SELECT country FROM users WHERE id = f.user_id) = (SELECT country FROM params)
    GROUP BY 1
),
periods(n) AS (
    SELECT coalesce((SELECT since_n FROM bounds), (SELECT min(n) FROM pairs), (SELECT last_n FROM bounds))
    UNION ALL SELECT n + 1 FROM periods WHERE n < (SELECT CASE WHEN until_n < last_n THEN until_n ELSE last_n END FROM bounds)
),
-- First day (local day number) of each period, and of the next one.
spans AS (
    SELECT n,
           CASE (SELECT period FROM params) WHEN 'day' THEN n WHEN 'week' THEN n * 7 - 3
                ELSE (1461 * (n / 12)) / 4 + (153 * (n % 12) + 2) / 5 - 671 END AS first_day,
           CASE (SELECT period FROM params) WHEN 'day' THEN n + 1 WHEN 'week' THEN n * 7 + 4
                ELSE (1461 * ((n + 1) / 12)) / 4 + (153 * ((n + 1) % 12) + 2) / 5 - 671 END AS next_day
    FROM periods
)
SELECT s.n AS period,
       date(s.first_day * 86400, 'unixepoch') AS period_start,
       CASE (SELECT period FROM params) WHEN 'day' THEN date(s.first_day * 86400, 'unixepoch')
            WHEN 'week' THEN strftime('%Y', (s.first_day + 3) * 86400, 'unixepoch') || '-W'
                             || printf('%02d', (CAST(strftime('%j', (s.first_day + 3) * 86400, 'unixepoch') AS INTEGER) - 1) / 7 + 1)
            ELSE substr(date(s.first_day * 86400, 'unixepoch'), 1, 7) END AS period_label,
       CASE WHEN b.end_day < s.next_day THEN b.end_day ELSE s.next_day END - s.first_day AS days_observed,
       coalesce(a.active_users, 0) AS active_users, coalesce(a.user_days, 0) AS user_days,
       CASE WHEN (SELECT period FROM params) = 'month' THEN coalesce(w.weekly_user_days, 0) END AS weekly_user_days,
       coalesce(a.new_users, 0) AS new_users, coalesce(a.returning_users, 0) AS returning_users,
       coalesce(a.resurrecting_users, 0) AS resurrecting_users,
       coalesce(d.active_users, 0) - coalesce(a.returning_users, 0) AS dormant_users,
       coalesce(f.first_purchases, 0) AS first_purchases, coalesce(m.orders, 0) AS orders,
       coalesce(m.revenue, 0) AS revenue_micros,
       s.n < b.as_of_n AS complete
FROM spans s, bounds b
LEFT JOIN per_period a ON a.n = s.n
LEFT JOIN weekly w ON w.n = s.n
LEFT JOIN per_period d ON d.n = s.n - 1
LEFT JOIN money m ON m.n = s.n
LEFT JOIN firsts f ON f.n = s.n
ORDER BY s.n;

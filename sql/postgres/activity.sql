-- Activity and lifecycle per period: PostgreSQL's (and Citus's) counterpart of sql/activity.sql,
-- with its parameters (:as_of, :period, :activity, :since, :until, :country) and its result
-- columns (period, period_start, period_label, days_observed, active_users, user_days,
-- weekly_user_days, new_users, returning_users, resurrecting_users, dormant_users,
-- first_purchases, orders, revenue_micros, complete), in the same order and with the same
-- values. Every period (day, week, month) and activity source (both, orders, events), in the
-- reporting time zone :zone (an IANA name; NULL: UTC), which sql/activity.sql reads from
-- reporting_offsets: here PostgreSQL's own time zone rules turn each instant into its local
-- wall-clock seconds (`AT TIME ZONE`), whose day is the local day (days, ISO weeks from Monday,
-- calendar months).
-- A NULL :as_of is midnight UTC after the last order, as in sql/ (lifecycle always passes the
-- as-of, resolved in the zone).
--
-- Written for Citus's planner. Each per-customer part reads the orders and the events of a
-- customer by the distribution column (customer_key, the user id of a known customer; users
-- joined on it for the country) and uses windows partitioned by it, so it runs on the workers
-- shard by shard; the workers add the customers up per period and send partial sums, and the
-- coordinator combines them and lays out the periods (a few hundred rows at most). The CTE of a
-- customer's active days is NOT MATERIALIZED: inlined into each question that reads it, it is
-- pushed down with it instead of being pulled to the coordinator. No correlated subquery,
-- booleans never added, bigint sums cast back.
WITH params AS MATERIALIZED (
    SELECT q.*, (CASE WHEN q.zone IS NULL THEN q.as_of - 1 ELSE extract(epoch FROM to_timestamp(q.as_of - 1) AT TIME ZONE q.zone)::bigint END) / 86400 AS last_day
    FROM (SELECT coalesce(extract(epoch FROM CAST(CAST(:as_of AS text) AS timestamp))::bigint,
                          (SELECT (max(ordered_at) / 86400 + 1) * 86400 FROM orders)) AS as_of,
                 CAST(:zone AS text) AS zone,
                 extract(epoch FROM CAST(CAST(:since AS text) AS timestamp))::bigint AS since,
                 extract(epoch FROM CAST(CAST(:until AS text) AS timestamp))::bigint AS until,
                 coalesce(CAST(:period AS text), 'month') AS period,
                 coalesce(CAST(:activity AS text), 'both') AS activity,
                 CAST(:country AS text) AS country) AS q
),
-- Period numbers (local day, ISO week from Monday, or month counted from year 0) of the instants
-- that bound the question, by sql/activity.sql's expression; end_day: the day after the last
-- observed one.
marks AS MATERIALIZED (
    SELECT i.name, i.d,
           CASE p.period WHEN 'day' THEN i.d WHEN 'week' THEN (i.d + 3) / 7
                ELSE (4 * (i.d + 671) + 3) / 1461 * 12 + (5 * (i.d + 671 - 1461 * ((4 * (i.d + 671) + 3) / 1461) / 4) + 2) / 153 END AS n
    FROM params p
    CROSS JOIN LATERAL (VALUES ('last', p.as_of - 1), ('as_of', p.as_of), ('since', p.since), ('until', p.until - 1)) AS v(name, at)
    CROSS JOIN LATERAL (SELECT v.name, (CASE WHEN p.zone IS NULL THEN v.at ELSE extract(epoch FROM to_timestamp(v.at) AT TIME ZONE p.zone)::bigint END) / 86400 AS d) AS i
),
bounds AS MATERIALIZED (
    SELECT max(n) FILTER (WHERE name = 'last') AS last_n, max(n) FILTER (WHERE name = 'as_of') AS as_of_n,
           max(n) FILTER (WHERE name = 'since') AS since_n, max(n) FILTER (WHERE name = 'until') AS until_n,
           max(d) FILTER (WHERE name = 'last') + 1 AS end_day
    FROM marks
),
-- Each customer's days with activity (a purchase order and/or an event, by :activity) before
-- as-of, of the customers of :country. Guest orders and anonymous events have no user_id. The
-- period and as-of ride along, so the questions reading it join params no further: each join
-- with a CTE's result multiplies the planner's row estimate by a thousand (it cannot know the
-- result holds one row), and past jit_above_cost every one of the 32 tasks compiled its
-- expressions first (1.5 s on a few thousand rows, measured).
user_days AS NOT MATERIALIZED (
    SELECT a.user_id, a.day, p.period, p.last_day
    FROM (SELECT o.customer_key AS user_id, (CASE WHEN p.zone IS NULL THEN o.ordered_at ELSE extract(epoch FROM to_timestamp(o.ordered_at) AT TIME ZONE p.zone)::bigint END) / 86400 AS day
          FROM orders o CROSS JOIN params p
          WHERE p.activity IN ('both', 'orders') AND o.user_id IS NOT NULL AND o.kind = 'purchase' AND o.ordered_at < p.as_of
          UNION ALL
          SELECT e.customer_key, (CASE WHEN p.zone IS NULL THEN e.occurred_at ELSE extract(epoch FROM to_timestamp(e.occurred_at) AT TIME ZONE p.zone)::bigint END) / 86400
          FROM events e CROSS JOIN params p
          WHERE p.activity IN ('both', 'events') AND e.user_id IS NOT NULL AND e.occurred_at < p.as_of) AS a
    LEFT JOIN users u ON u.id = a.user_id
    CROSS JOIN params p
    WHERE p.country IS NULL OR u.country = p.country
    GROUP BY a.user_id, a.day, p.period, p.last_day
),
-- Per period: active users, user-days, and the lifecycle states from each customer's previous
-- active period (a window over her periods). A user active in n - 1 is, in n, either returning
-- or dormant, so dormant(n) = active(n - 1) - returning(n).
per_period AS MATERIALIZED (
    SELECT s.n, count(*) AS active_users, sum(s.days)::bigint AS user_days,
           sum(CASE WHEN s.previous IS NULL THEN 1 ELSE 0 END)::bigint AS new_users,
           sum(CASE WHEN s.previous = s.n - 1 THEN 1 ELSE 0 END)::bigint AS returning_users,
           sum(CASE WHEN s.previous < s.n - 1 THEN 1 ELSE 0 END)::bigint AS resurrecting_users
    FROM (SELECT g.user_id, g.n, g.days, lag(g.n) OVER (PARTITION BY g.user_id ORDER BY g.n) AS previous
          FROM (SELECT d.user_id,
                       CASE d.period WHEN 'day' THEN d.day WHEN 'week' THEN (d.day + 3) / 7
                            ELSE (4 * (d.day + 671) + 3) / 1461 * 12 + (5 * (d.day + 671 - 1461 * ((4 * (d.day + 671) + 3) / 1461) / 4) + 2) / 153 END AS n,
                       count(*) AS days
                FROM user_days d
                GROUP BY d.user_id, 2) AS g) AS s
    GROUP BY s.n
),
-- Months: per day observed, the users active that day or the six days before (the rolling WAU),
-- summed per month, by sql/activity.sql's runs: each active day covers itself and the six days
-- after it, less what the customer's previous active day covers (a window over her days, on the
-- workers), so her covered days are disjoint runs of at most seven days. A run lies in the month
-- it starts in ("here") or crosses into the next one ("spill", counted there), so one grouping by
-- the starting month gives both parts.
runs AS MATERIALIZED (
    SELECT r.start_month AS n,
           sum(CASE WHEN r.end_month = r.start_month THEN r.run_end - r.run_start + 1
                    ELSE (1461 * (r.end_month / 12)) / 4 + (153 * (r.end_month % 12) + 2) / 5 - 671 - r.run_start END)::bigint AS here,
           sum(CASE WHEN r.end_month = r.start_month THEN 0
                    ELSE r.run_end - ((1461 * (r.end_month / 12)) / 4 + (153 * (r.end_month % 12) + 2) / 5 - 671) + 1 END)::bigint AS spill
    FROM (SELECT c.run_start, c.run_end,
                 (4 * (c.run_start + 671) + 3) / 1461 * 12 + (5 * (c.run_start + 671 - 1461 * ((4 * (c.run_start + 671) + 3) / 1461) / 4) + 2) / 153 AS start_month,
                 (4 * (c.run_end + 671) + 3) / 1461 * 12 + (5 * (c.run_end + 671 - 1461 * ((4 * (c.run_end + 671) + 3) / 1461) / 4) + 2) / 153 AS end_month
          FROM (SELECT CASE WHEN x.previous + 7 > x.day THEN x.previous + 7 ELSE x.day END AS run_start,
                       CASE WHEN x.day + 6 < x.last_day THEN x.day + 6 ELSE x.last_day END AS run_end
                FROM (SELECT d.day, lag(d.day) OVER (PARTITION BY d.user_id ORDER BY d.day) AS previous,
                             d.last_day
                      FROM user_days d
                      WHERE d.period = 'month') AS x) AS c
          WHERE c.run_start <= c.run_end) AS r
    GROUP BY r.start_month
),
-- Per period: purchase orders and net revenue (returns included) of known customers, and the
-- customers whose first purchase (before as-of) falls in it: each customer's orders grouped by
-- period, her first purchase period by a window over them, on the workers; one pass.
money AS MATERIALIZED (
    SELECT x.n, sum(x.orders)::bigint AS orders, sum(x.revenue)::bigint AS revenue,
           sum(CASE WHEN x.n = x.first_n THEN 1 ELSE 0 END)::bigint AS first_purchases
    FROM (SELECT g.n, g.orders, g.revenue, min(CASE WHEN g.orders > 0 THEN g.n END) OVER (PARTITION BY g.user_id) AS first_n
          FROM (SELECT o.customer_key AS user_id,
                       CASE p.period WHEN 'day' THEN l.d WHEN 'week' THEN (l.d + 3) / 7
                            ELSE (4 * (l.d + 671) + 3) / 1461 * 12
                                 + (5 * (l.d + 671 - 1461 * ((4 * (l.d + 671) + 3) / 1461) / 4) + 2) / 153 END AS n,
                       sum(CASE WHEN o.kind = 'purchase' THEN 1 ELSE 0 END) AS orders, sum(o.amount_micros) AS revenue
                FROM orders o LEFT JOIN users u ON u.id = o.customer_key CROSS JOIN params p
                CROSS JOIN LATERAL (SELECT (CASE WHEN p.zone IS NULL THEN o.ordered_at ELSE extract(epoch FROM to_timestamp(o.ordered_at) AT TIME ZONE p.zone)::bigint END) / 86400 AS d) AS l
                WHERE o.user_id IS NOT NULL AND o.kind IN ('purchase', 'return') AND o.ordered_at < p.as_of
                  AND (p.country IS NULL OR u.country = p.country)
                GROUP BY 1, 2) AS g) AS x
    GROUP BY x.n
),
-- Every figure per period number in one relation: the three answers above, the active users of
-- the period before (for dormant) and the rolling WAU's runs spilling in from the month before,
-- added up by period on the coordinator. One join with the periods below instead of one per
-- answer: the planner estimates each CTE result at a thousand rows, and six joins of them made the
-- coordinator's few-row assembly look expensive enough to be JIT-compiled (0.4 s, measured).
facts AS MATERIALIZED (
    SELECT f.n, sum(f.active_users)::bigint AS active_users, sum(f.user_days)::bigint AS user_days,
           sum(f.new_users)::bigint AS new_users, sum(f.returning_users)::bigint AS returning_users,
           sum(f.resurrecting_users)::bigint AS resurrecting_users, sum(f.previous_active)::bigint AS previous_active,
           sum(f.weekly)::bigint AS weekly_user_days, sum(f.orders)::bigint AS orders, sum(f.revenue)::bigint AS revenue,
           sum(f.first_purchases)::bigint AS first_purchases
    FROM (SELECT n, active_users, user_days, new_users, returning_users, resurrecting_users, 0 AS previous_active,
                 0 AS weekly, 0 AS orders, 0 AS revenue, 0 AS first_purchases FROM per_period
          UNION ALL SELECT n + 1, 0, 0, 0, 0, 0, active_users, 0, 0, 0, 0 FROM per_period
          UNION ALL SELECT n, 0, 0, 0, 0, 0, 0, here, 0, 0, 0 FROM runs
          UNION ALL SELECT n + 1, 0, 0, 0, 0, 0, 0, spill, 0, 0, 0 FROM runs
          UNION ALL SELECT n, 0, 0, 0, 0, 0, 0, 0, orders, revenue, first_purchases FROM money) AS f
    GROUP BY f.n
),
-- The periods: from the one holding :since (else the first with activity, else the last) to the
-- one holding the instant before :until (else as-of), at least one.
span AS MATERIALIZED (
    SELECT r.first_n, greatest(r.first_n, r.last_n) AS last_n, p.period, b.end_day, b.as_of_n
    FROM (SELECT coalesce(b.since_n, (SELECT min(n) FROM per_period), b.last_n) AS first_n,
                 CASE WHEN b.until_n < b.last_n THEN b.until_n ELSE b.last_n END AS last_n
          FROM bounds b) AS r
    CROSS JOIN params p CROSS JOIN bounds b
),
-- Each period with its first day (UTC day number) and the next period's; the span's one row is
-- read by scalar subqueries, which the planner knows return one row.
spans AS (
    SELECT g.n,
           CASE (SELECT period FROM span) WHEN 'day' THEN g.n WHEN 'week' THEN g.n * 7 - 3
                ELSE (1461 * (g.n / 12)) / 4 + (153 * (g.n % 12) + 2) / 5 - 671 END AS first_day,
           CASE (SELECT period FROM span) WHEN 'day' THEN g.n + 1 WHEN 'week' THEN g.n * 7 + 4
                ELSE (1461 * ((g.n + 1) / 12)) / 4 + (153 * ((g.n + 1) % 12) + 2) / 5 - 671 END AS next_day
    FROM generate_series((SELECT first_n FROM span), (SELECT last_n FROM span)) AS g(n)
)
SELECT s.n AS period,
       to_char(DATE '1970-01-01' + CAST(s.first_day AS integer), 'YYYY-MM-DD') AS period_start,
       CASE (SELECT period FROM span)
            WHEN 'day' THEN to_char(DATE '1970-01-01' + CAST(s.first_day AS integer), 'YYYY-MM-DD')
            WHEN 'week' THEN to_char(DATE '1970-01-01' + CAST(s.first_day + 3 AS integer), 'YYYY') || '-W'
                             || lpad(((extract(doy FROM DATE '1970-01-01' + CAST(s.first_day + 3 AS integer))::integer - 1) / 7 + 1)::text, 2, '0')
            ELSE to_char(DATE '1970-01-01' + CAST(s.first_day AS integer), 'YYYY-MM')
       END AS period_label,
       CASE WHEN (SELECT end_day FROM span) < s.next_day THEN (SELECT end_day FROM span) ELSE s.next_day END - s.first_day AS days_observed,
       coalesce(x.active_users, 0) AS active_users, coalesce(x.user_days, 0) AS user_days,
       CASE WHEN (SELECT period FROM span) = 'month' THEN coalesce(x.weekly_user_days, 0) END AS weekly_user_days,
       coalesce(x.new_users, 0) AS new_users, coalesce(x.returning_users, 0) AS returning_users,
       coalesce(x.resurrecting_users, 0) AS resurrecting_users,
       coalesce(x.previous_active, 0) - coalesce(x.returning_users, 0) AS dormant_users,
       coalesce(x.first_purchases, 0) AS first_purchases, coalesce(x.orders, 0) AS orders,
       coalesce(x.revenue, 0) AS revenue_micros,
       CASE WHEN s.n < (SELECT as_of_n FROM span) THEN 1 ELSE 0 END AS complete
FROM spans s
LEFT JOIN facts x ON x.n = s.n
ORDER BY s.n;

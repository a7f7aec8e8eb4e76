-- Cohort retention: PostgreSQL's (and Citus's) counterpart of sql/retention.sql, with its
-- parameters (:as_of, :period, :cohort, :activity, :event_type, :metric, :since, :until,
-- :country, :users, :max_offset) and its result columns (cohort, cohort_start, cohort_label, k,
-- cohort_users, active_users, reached_users, orders, revenue_micros, complete), in the same order
-- and with the same values: both cohort kinds, purchases or events as activity, every period
-- and metric, with periods in the reporting time zone :zone (an IANA name; NULL: UTC), which
-- sql/retention.sql reads from reporting_offsets: here PostgreSQL's own time zone rules turn
-- each instant into its local wall-clock seconds (`AT TIME ZONE`), whose day is the local day.
-- A NULL :as_of is midnight UTC after the last order, as in sql/ (lifecycle always passes the
-- as-of, resolved in the zone).
--
-- Written for Citus's planner: "per_cell" groups the orders by the distribution column
-- (customer_key, the user id of a known customer) and period, finds each customer's first and
-- last purchase period with window functions partitioned by that column, and adds the
-- customer-periods up by (cohort, offset): the workers do all of it per shard and send partial
-- sums; the coordinator combines them and builds the triangle from a few hundred rows.
-- Recurring cohorts join each customer's periods with her own purchase periods (on the
-- distribution column, so on the workers too). No
-- correlated subquery, no bit masks (so no shift), booleans never added, bigint sums cast back.
-- SQLite's file leaves orders and revenue_micros NULL when its mask path answers (the metric is
-- users and the periods from the first purchase to as-of fit in 62 bits) and fills them
-- otherwise; "fast" below decides the same.
WITH params AS MATERIALIZED (
    SELECT coalesce(extract(epoch FROM CAST(CAST(:as_of AS text) AS timestamp))::bigint,
                    (SELECT (max(ordered_at) / 86400 + 1) * 86400 FROM orders)) AS as_of,
           CAST(:zone AS text) AS zone,
           extract(epoch FROM CAST(CAST(:since AS text) AS timestamp))::bigint AS since,
           extract(epoch FROM CAST(CAST(:until AS text) AS timestamp))::bigint AS until,
           coalesce(CAST(:period AS text), 'month') AS period,
           coalesce(CAST(:metric AS text), 'users') AS metric,
           coalesce(CAST(:cohort AS text), 'first-purchase') AS cohort,
           coalesce(CAST(:activity AS text), 'orders') AS activity,
           CAST(:event_type AS text) AS event_type,
           CAST(:country AS text) AS country,
           CASE WHEN CAST(:users AS text) IS NOT NULL
                THEN ARRAY(SELECT CAST(u AS bigint) FROM jsonb_array_elements_text(CAST(CAST(:users AS text) AS jsonb)) AS j(u)) END AS user_ids,
           CAST(:max_offset AS bigint) AS max_offset,
           CASE coalesce(CAST(:activity AS text), 'orders')
                WHEN 'events' THEN (SELECT min(occurred_at) FROM events WHERE user_id IS NOT NULL)
                ELSE (SELECT min(ordered_at) FROM orders WHERE user_id IS NOT NULL AND kind = 'purchase') END AS origin
),
-- Period numbers (local day, ISO week from Monday, or month counted from year 0) of the instants
-- that bound the question, by sql/retention.sql's expression.
marks AS MATERIALIZED (
    SELECT i.name,
           CASE p.period WHEN 'day' THEN i.d WHEN 'week' THEN (i.d + 3) / 7
                ELSE (4 * (i.d + 671) + 3) / 1461 * 12 + (5 * (i.d + 671 - 1461 * ((4 * (i.d + 671) + 3) / 1461) / 4) + 2) / 153 END AS n
    FROM params p
    CROSS JOIN LATERAL (VALUES ('last', p.as_of - 1), ('as_of', p.as_of), ('since', p.since),
                               ('until', p.until - 1), ('origin', p.origin)) AS v(name, at)
    CROSS JOIN LATERAL (SELECT v.name, (CASE WHEN p.zone IS NULL THEN v.at ELSE extract(epoch FROM to_timestamp(v.at) AT TIME ZONE p.zone)::bigint END) / 86400 AS d) AS i
),
bounds AS MATERIALIZED (
    SELECT max(n) FILTER (WHERE name = 'last') AS last_n, max(n) FILTER (WHERE name = 'as_of') AS as_of_n,
           max(n) FILTER (WHERE name = 'since') AS since_n, max(n) FILTER (WHERE name = 'until') AS until_n,
           (max(n) FILTER (WHERE name = 'last') - coalesce(max(n) FILTER (WHERE name = 'origin'), 0) <= 62
            AND (SELECT metric FROM params) = 'users') AS fast
    FROM marks
),
-- Each customer's active periods (a purchase or, with :activity 'events', an event; returns
-- only add revenue) with her first and last of them. NOT MATERIALIZED: read twice below (the
-- members and their periods), PostgreSQL would otherwise compute it once, and Citus would pull
-- that result, a row per customer and period, to the coordinator and join it there in one task
-- (EXPLAIN showed it: the coordinator's CPU grew with the data, 5.4 s of 7.8 s at 10M lines).
-- Inlined into per_cell, the join on the customer runs in the 32 shard tasks, which return
-- partial sums per cell.
customer_periods AS NOT MATERIALIZED (
    SELECT g.user_id, g.n, g.orders, g.revenue,
           min(CASE WHEN g.orders > 0 THEN g.n END) OVER (PARTITION BY g.user_id) AS first_n,
           max(CASE WHEN g.orders > 0 THEN g.n END) OVER (PARTITION BY g.user_id) AS last_n
    FROM (SELECT t.user_id,
                 CASE t.period WHEN 'day' THEN t.d WHEN 'week' THEN (t.d + 3) / 7
                      ELSE (4 * (t.d + 671) + 3) / 1461 * 12 + (5 * (t.d + 671 - 1461 * ((4 * (t.d + 671) + 3) / 1461) / 4) + 2) / 153 END AS n,
                 sum(t.purchase) AS orders, sum(t.amount) AS revenue
          FROM (SELECT o.customer_key AS user_id, (CASE WHEN p.zone IS NULL THEN o.ordered_at ELSE extract(epoch FROM to_timestamp(o.ordered_at) AT TIME ZONE p.zone)::bigint END) / 86400 AS d, p.period,
                       CASE WHEN o.kind = 'purchase' THEN 1 ELSE 0 END AS purchase, o.amount_micros AS amount
                FROM orders o JOIN users u ON u.id = o.customer_key CROSS JOIN params p
                WHERE p.activity = 'orders' AND o.user_id IS NOT NULL AND o.kind IN ('purchase', 'return') AND o.ordered_at < p.as_of
                  AND (p.country IS NULL OR u.country = p.country)
                  AND (p.user_ids IS NULL OR o.customer_key = ANY (p.user_ids))
                UNION ALL
                SELECT e.customer_key, (CASE WHEN p.zone IS NULL THEN e.occurred_at ELSE extract(epoch FROM to_timestamp(e.occurred_at) AT TIME ZONE p.zone)::bigint END) / 86400, p.period, 1, 0
                FROM events e JOIN users u ON u.id = e.customer_key CROSS JOIN params p
                WHERE p.activity = 'events' AND e.user_id IS NOT NULL AND e.occurred_at < p.as_of
                  AND (p.event_type IS NULL OR e.type = p.event_type)
                  AND (p.country IS NULL OR u.country = p.country)
                  AND (p.user_ids IS NULL OR e.customer_key = ANY (p.user_ids))) AS t
          GROUP BY t.user_id, 2) AS g
),
-- Each cohort member: a customer in the period of her first purchase, or (recurring) in every
-- period she is active in.
members AS (
    SELECT x.user_id, x.n AS c FROM customer_periods x CROSS JOIN params p
    WHERE x.orders > 0 AND (p.cohort = 'recurring' OR x.n = x.first_n)
),
-- Per cohort and offset: members active (a purchase or an event), members whose last active
-- period is there, purchases and net revenue (returns from the cohort's period on count).
per_cell AS MATERIALIZED (
    SELECT m.c, x.n - m.c AS k,
           sum(CASE WHEN x.orders > 0 THEN 1 ELSE 0 END)::bigint AS active_users,
           sum(CASE WHEN x.n = x.last_n THEN 1 ELSE 0 END)::bigint AS ending,
           sum(x.orders)::bigint AS orders, sum(x.revenue)::bigint AS revenue
    FROM members m JOIN customer_periods x ON x.user_id = m.user_id AND x.n >= m.c
    GROUP BY 1, 2
),
cohorts AS (
    SELECT c, sum(ending)::bigint AS users FROM per_cell GROUP BY c
),
-- The triangle: every cohort and offset up to the last period before as-of; unbounded retention
-- (reached) sums the endings down from the last offset.
cells AS (
    SELECT s.c, o.k, s.users AS cohort_users, coalesce(a.active_users, 0) AS active_users,
           (sum(coalesce(a.ending, 0)) OVER (PARTITION BY s.c ORDER BY o.k DESC ROWS UNBOUNDED PRECEDING))::bigint AS reached_users,
           CASE WHEN b.fast THEN NULL ELSE coalesce(a.orders, 0) END AS orders,
           CASE WHEN b.fast THEN NULL ELSE coalesce(a.revenue, 0) END AS revenue
    FROM cohorts s CROSS JOIN bounds b
    CROSS JOIN LATERAL generate_series(CAST(0 AS bigint), b.last_n - s.c) AS o(k)
    LEFT JOIN per_cell a ON a.c = s.c AND a.k = o.k
)
SELECT x.c AS cohort,
       CASE p.period WHEN 'day' THEN to_char(DATE '1970-01-01' + CAST(x.c AS integer), 'YYYY-MM-DD')
                     WHEN 'week' THEN to_char(DATE '1970-01-01' + CAST(x.c * 7 - 3 AS integer), 'YYYY-MM-DD')
                     ELSE lpad(((x.c + 23618) / 12)::text, 4, '0') || '-' || lpad(((x.c + 23618) % 12 + 1)::text, 2, '0') || '-01'
       END AS cohort_start,
       CASE p.period WHEN 'day' THEN to_char(DATE '1970-01-01' + CAST(x.c AS integer), 'YYYY-MM-DD')
                     WHEN 'week' THEN to_char(DATE '1970-01-01' + CAST(x.c * 7 AS integer), 'YYYY') || '-W'
                                      || lpad(((extract(doy FROM DATE '1970-01-01' + CAST(x.c * 7 AS integer))::integer - 1) / 7 + 1)::text, 2, '0')
                     ELSE lpad(((x.c + 23618) / 12)::text, 4, '0') || '-' || lpad(((x.c + 23618) % 12 + 1)::text, 2, '0')
       END AS cohort_label,
       x.k, x.cohort_users, x.active_users, x.reached_users, x.orders, x.revenue AS revenue_micros,
       CASE WHEN x.c + x.k < b.as_of_n THEN 1 ELSE 0 END AS complete
FROM cells x CROSS JOIN params p CROSS JOIN bounds b
WHERE (b.since_n IS NULL OR x.c >= b.since_n) AND (b.until_n IS NULL OR x.c <= b.until_n)
  AND (p.max_offset IS NULL OR x.k <= p.max_offset)
ORDER BY x.c, x.k;

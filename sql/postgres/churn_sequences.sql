-- Per-period histories for the sequence churn model: PostgreSQL's (and Citus's) counterpart of
-- sql/churn_sequences.sql, with its parameters (:as_of, :period_seconds, :periods, :first_user,
-- :last_user) and its columns (user_id, period, purchases, net_micros, returns, views, carts,
-- purchase_events, reviews, mean_review_score, days_since_activity), ordered by user_id, period.
-- Only facts strictly before :as_of are read.
--
-- Written for Citus's planner: orders and events are grouped by their distribution column
-- (customer_key, the user id of a known customer's rows), the periods are a generate_series
-- every worker has, and the running last activity is a window partitioned by the customer, so
-- each worker builds its own customers' grids; the client receives the grid rows.
WITH customers AS (
    SELECT customer_key AS user_id FROM orders
    WHERE user_id IS NOT NULL AND customer_key BETWEEN CAST(:first_user AS bigint) AND CAST(:last_user AS bigint)
      AND kind = 'purchase' AND ordered_at < CAST(:as_of AS bigint)
    GROUP BY customer_key
),
order_periods AS (
    SELECT customer_key AS user_id,
           (ordered_at - (CAST(:as_of AS bigint) - CAST(:periods AS bigint) * CAST(:period_seconds AS bigint))) / CAST(:period_seconds AS bigint) AS period,
           count(*) FILTER (WHERE kind = 'purchase') AS purchases,
           CAST(sum(amount_micros) AS bigint) AS net_micros,
           count(*) FILTER (WHERE kind = 'return') AS returns,
           max(ordered_at) AS last_at
    FROM orders
    WHERE user_id IS NOT NULL AND customer_key BETWEEN CAST(:first_user AS bigint) AND CAST(:last_user AS bigint)
      AND kind IN ('purchase', 'return')
      AND ordered_at >= CAST(:as_of AS bigint) - CAST(:periods AS bigint) * CAST(:period_seconds AS bigint)
      AND ordered_at < CAST(:as_of AS bigint)
    GROUP BY 1, 2
),
event_periods AS (
    SELECT customer_key AS user_id,
           (occurred_at - (CAST(:as_of AS bigint) - CAST(:periods AS bigint) * CAST(:period_seconds AS bigint))) / CAST(:period_seconds AS bigint) AS period,
           count(*) FILTER (WHERE type = 'view') AS views,
           count(*) FILTER (WHERE type = 'add_to_cart') AS carts,
           count(*) FILTER (WHERE type = 'purchase') AS purchase_events,
           count(*) FILTER (WHERE type = 'review') AS reviews,
           avg(CAST(value_micros AS double precision) / CAST(1e6 AS double precision)) FILTER (WHERE type = 'review') AS mean_review_score,
           max(occurred_at) AS last_at
    FROM events
    WHERE user_id IS NOT NULL AND customer_key BETWEEN CAST(:first_user AS bigint) AND CAST(:last_user AS bigint)
      AND occurred_at >= CAST(:as_of AS bigint) - CAST(:periods AS bigint) * CAST(:period_seconds AS bigint)
      AND occurred_at < CAST(:as_of AS bigint)
    GROUP BY 1, 2
),
-- The last activity before the first period, from which the first periods count their days.
earlier AS (
    SELECT a.user_id, max(a.last_at) AS last_at FROM (
        SELECT customer_key AS user_id, max(ordered_at) AS last_at FROM orders
        WHERE user_id IS NOT NULL AND customer_key BETWEEN CAST(:first_user AS bigint) AND CAST(:last_user AS bigint)
          AND kind IN ('purchase', 'return')
          AND ordered_at < CAST(:as_of AS bigint) - CAST(:periods AS bigint) * CAST(:period_seconds AS bigint)
        GROUP BY customer_key
        UNION ALL
        SELECT customer_key AS user_id, max(occurred_at) AS last_at FROM events
        WHERE user_id IS NOT NULL AND customer_key BETWEEN CAST(:first_user AS bigint) AND CAST(:last_user AS bigint)
          AND occurred_at < CAST(:as_of AS bigint) - CAST(:periods AS bigint) * CAST(:period_seconds AS bigint)
        GROUP BY customer_key) AS a
    GROUP BY a.user_id
),
grid AS (
    SELECT c.user_id, p.period,
           coalesce(o.purchases, 0) AS purchases, coalesce(o.net_micros, 0) AS net_micros,
           coalesce(o.returns, 0) AS returns, coalesce(e.views, 0) AS views, coalesce(e.carts, 0) AS carts,
           coalesce(e.purchase_events, 0) AS purchase_events, coalesce(e.reviews, 0) AS reviews,
           e.mean_review_score,
           max(coalesce(greatest(o.last_at, e.last_at), b.last_at))
               OVER (PARTITION BY c.user_id ORDER BY p.period) AS last_activity_at
    FROM customers c
    CROSS JOIN generate_series(CAST(0 AS bigint), CAST(:periods AS bigint) - 1) AS p(period)
    LEFT JOIN order_periods o ON o.user_id = c.user_id AND o.period = p.period
    LEFT JOIN event_periods e ON e.user_id = c.user_id AND e.period = p.period
    LEFT JOIN earlier b ON b.user_id = c.user_id
)
SELECT g.user_id, g.period, g.purchases, g.net_micros, g.returns, g.views, g.carts, g.purchase_events, g.reviews, g.mean_review_score,
       CAST(CAST(:as_of AS bigint) - (CAST(:periods AS bigint) - 1 - g.period) * CAST(:period_seconds AS bigint) - g.last_activity_at AS double precision)
           / CAST(86400 AS double precision) AS days_since_activity
FROM grid g
ORDER BY g.user_id, g.period;

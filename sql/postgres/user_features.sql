-- Point-in-time features of every user with a purchase before :as_of (Unix seconds UTC), from
-- facts strictly before :as_of only: PostgreSQL's (and Citus's) counterpart of
-- sql/user_features.sql, with its parameter and its result columns (those of user_features after
-- as_of), in the same order and with the same values. `lifecycle features build` on PostgreSQL
-- writes these rows with one INSERT ... SELECT (PostgresWarehouse+Features.swift). Change it
-- with sql/user_features.sql and Sources/Warehouse/Features/ (UserFeatureTally), which compute
-- the same on SQLite; CitusFeaturesConformanceTests holds them equal.
--
-- Written for Citus's planner. Each part is one customer's rows grouped by the distribution
-- column (customer_key, which is the user id of a known customer's orders and events) and joined
-- to the others and to users on it, so the whole statement, and the INSERT around it, runs on the
-- workers shard by shard; no correlated subquery, no CTE to pull to the coordinator.
-- SQLite's forms written out for PostgreSQL: counts of a condition with FILTER (never a sum of
-- booleans); money sums cast back to bigint (sum(bigint) is numeric; a total beyond bigint fails,
-- as SQLite's sum does); days as double precision divided by 86400 (never numeric); the mean of
-- the gaps and of the review scores in (time, id) order, the order the SQLite build adds them in,
-- so the doubles agree; bigint / bigint truncating toward zero, as SQLite's integer division.
SELECT u.user_id,
       (CAST(:as_of AS bigint) - u.last_at)::float8 / 86400 AS recency_days,
       u.frequency,
       u.gross_micros + coalesce(r.returned_micros, 0) AS monetary_micros,
       (CAST(:as_of AS bigint) - u.first_at)::float8 / 86400 AS tenure_days,
       u.gross_micros / u.frequency AS avg_order_value_micros,
       u.orders_30d, u.orders_90d, u.orders_365d,
       u.revenue_30d_micros, u.revenue_90d_micros, u.revenue_365d_micros,
       g.mean_gap AS mean_days_between_orders,
       g.sd_gap AS sd_days_between_orders,
       coalesce(r.returns_count, 0) AS returns_count,
       coalesce(r.returns_count, 0)::float8 / u.frequency AS return_share,
       coalesce(p.distinct_products, 0) AS distinct_products,
       coalesce(a.views_30d, 0) AS views_30d,
       coalesce(a.carts_30d, 0) AS carts_30d,
       coalesce(a.purchase_events_30d, 0) AS purchase_events_30d,
       coalesce(a.reviews_30d, 0) AS reviews_30d,
       (CAST(:as_of AS bigint) - a.last_event_at)::float8 / 86400 AS days_since_last_event,
       a.avg_review_score,
       us.country
-- Each customer's purchase orders before as-of.
FROM (SELECT o.customer_key AS user_id,
             count(*) AS frequency,
             min(o.ordered_at) AS first_at,
             max(o.ordered_at) AS last_at,
             sum(o.amount_micros)::bigint AS gross_micros,
             count(*) FILTER (WHERE o.ordered_at >= CAST(:as_of AS bigint) - 30 * 86400) AS orders_30d,
             count(*) FILTER (WHERE o.ordered_at >= CAST(:as_of AS bigint) - 90 * 86400) AS orders_90d,
             count(*) FILTER (WHERE o.ordered_at >= CAST(:as_of AS bigint) - 365 * 86400) AS orders_365d,
             coalesce(sum(o.amount_micros) FILTER (WHERE o.ordered_at >= CAST(:as_of AS bigint) - 30 * 86400), 0)::bigint AS revenue_30d_micros,
             coalesce(sum(o.amount_micros) FILTER (WHERE o.ordered_at >= CAST(:as_of AS bigint) - 90 * 86400), 0)::bigint AS revenue_90d_micros,
             coalesce(sum(o.amount_micros) FILTER (WHERE o.ordered_at >= CAST(:as_of AS bigint) - 365 * 86400), 0)::bigint AS revenue_365d_micros
      FROM orders o
      WHERE o.user_id IS NOT NULL AND o.kind = 'purchase' AND o.ordered_at < CAST(:as_of AS bigint)
      GROUP BY o.customer_key) AS u
JOIN users us ON us.id = u.user_id
-- The days between consecutive purchases (ties by order id): mean and population deviation.
LEFT JOIN (SELECT d.user_id,
                  avg(d.gap ORDER BY d.ordered_at, d.id) AS mean_gap,
                  sqrt(greatest(avg(d.gap * d.gap ORDER BY d.ordered_at, d.id)
                                - avg(d.gap ORDER BY d.ordered_at, d.id) * avg(d.gap ORDER BY d.ordered_at, d.id), 0)) AS sd_gap
           FROM (SELECT o.customer_key AS user_id, o.ordered_at, o.id,
                        (o.ordered_at - lag(o.ordered_at) OVER (PARTITION BY o.customer_key ORDER BY o.ordered_at, o.id))::float8
                            / 86400 AS gap
                 FROM orders o
                 WHERE o.user_id IS NOT NULL AND o.kind = 'purchase' AND o.ordered_at < CAST(:as_of AS bigint)) AS d
           WHERE d.gap IS NOT NULL
           GROUP BY d.user_id) AS g ON g.user_id = u.user_id
-- Return orders before as-of (their amounts are negative).
LEFT JOIN (SELECT o.customer_key AS user_id, count(*) AS returns_count, sum(o.amount_micros)::bigint AS returned_micros
           FROM orders o
           WHERE o.user_id IS NOT NULL AND o.kind = 'return' AND o.ordered_at < CAST(:as_of AS bigint)
           GROUP BY o.customer_key) AS r ON r.user_id = u.user_id
-- Distinct products over the lines of the purchase orders (lines sit with their order).
LEFT JOIN (SELECT o.customer_key AS user_id, count(DISTINCT l.product_id) AS distinct_products
           FROM orders o
           JOIN order_lines l ON l.customer_key = o.customer_key AND l.order_id = o.id
           WHERE o.user_id IS NOT NULL AND o.kind = 'purchase' AND o.ordered_at < CAST(:as_of AS bigint)
           GROUP BY o.customer_key) AS p ON p.user_id = u.user_id
-- Events before as-of: the last 30 days by type, the last event, the mean review score.
LEFT JOIN (SELECT e.customer_key AS user_id,
                  count(*) FILTER (WHERE e.type = 'view' AND e.occurred_at >= CAST(:as_of AS bigint) - 30 * 86400) AS views_30d,
                  count(*) FILTER (WHERE e.type = 'add_to_cart' AND e.occurred_at >= CAST(:as_of AS bigint) - 30 * 86400) AS carts_30d,
                  count(*) FILTER (WHERE e.type = 'purchase' AND e.occurred_at >= CAST(:as_of AS bigint) - 30 * 86400) AS purchase_events_30d,
                  count(*) FILTER (WHERE e.type = 'review' AND e.occurred_at >= CAST(:as_of AS bigint) - 30 * 86400) AS reviews_30d,
                  max(e.occurred_at) AS last_event_at,
                  avg(e.value_micros::float8 / 1000000 ORDER BY e.occurred_at, e.id)
                      FILTER (WHERE e.type = 'review' AND e.value_micros IS NOT NULL) AS avg_review_score
           FROM events e
           WHERE e.user_id IS NOT NULL AND e.occurred_at < CAST(:as_of AS bigint)
           GROUP BY e.customer_key) AS a ON a.user_id = u.user_id
ORDER BY u.user_id;

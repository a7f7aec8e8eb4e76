-- Point-in-time features of every user with a purchase before :as_of (Unix seconds UTC), from
-- facts strictly before :as_of only. Columns as in the feature_catalogue table.
-- sqlite3: .param set :as_of 1306886400   then   .read sql/user_features.sql
-- This query is the definition. `lifecycle features build` computes the same values in one pass
-- over each table (Sources/Warehouse/Features/FeatureScan.swift: this query sorts or looks up
-- millions of rows, docs/BENCHMARKS.md); FeatureScanConformanceTests holds the two equal, reals
-- bit for bit. Change both together.
WITH purchases AS (
    SELECT id, user_id, ordered_at, amount_micros
    FROM orders
    WHERE user_id IS NOT NULL AND kind = 'purchase' AND ordered_at < :as_of
),
per_user AS (
    SELECT user_id,
           count(*) AS frequency,
           min(ordered_at) AS first_at,
           max(ordered_at) AS last_at,
           sum(amount_micros) AS gross_micros,
           sum(ordered_at >= :as_of - 30 * 86400) AS orders_30d,
           sum(ordered_at >= :as_of - 90 * 86400) AS orders_90d,
           sum(ordered_at >= :as_of - 365 * 86400) AS orders_365d,
           sum(CASE WHEN ordered_at >= :as_of - 30 * 86400 THEN amount_micros ELSE 0 END) AS revenue_30d_micros,
           sum(CASE WHEN ordered_at >= :as_of - 90 * 86400 THEN amount_micros ELSE 0 END) AS revenue_90d_micros,
           sum(CASE WHEN ordered_at >= :as_of - 365 * 86400 THEN amount_micros ELSE 0 END) AS revenue_365d_micros
    FROM purchases
    GROUP BY user_id
),
gaps AS (
    SELECT user_id,
           (ordered_at - lag(ordered_at) OVER (PARTITION BY user_id ORDER BY ordered_at, id)) / 86400.0 AS gap
    FROM purchases
),
gap_stats AS (
    SELECT user_id, avg(gap) AS mean_gap, sqrt(max(avg(gap * gap) - avg(gap) * avg(gap), 0)) AS sd_gap
    FROM gaps WHERE gap IS NOT NULL
    GROUP BY user_id
),
returns AS (
    SELECT user_id, count(*) AS returns_count, sum(amount_micros) AS returned_micros
    FROM orders
    WHERE user_id IS NOT NULL AND kind = 'return' AND ordered_at < :as_of
    GROUP BY user_id
),
products AS (
    SELECT p.user_id, count(DISTINCT l.product_id) AS distinct_products
    FROM purchases p JOIN order_lines l ON l.order_id = p.id
    GROUP BY p.user_id
),
activity AS (
    SELECT user_id,
           sum(type = 'view' AND occurred_at >= :as_of - 30 * 86400) AS views_30d,
           sum(type = 'add_to_cart' AND occurred_at >= :as_of - 30 * 86400) AS carts_30d,
           sum(type = 'purchase' AND occurred_at >= :as_of - 30 * 86400) AS purchase_events_30d,
           sum(type = 'review' AND occurred_at >= :as_of - 30 * 86400) AS reviews_30d,
           max(occurred_at) AS last_event_at,
           avg(CASE WHEN type = 'review' THEN value_micros / 1e6 END) AS avg_review_score
    FROM events
    WHERE user_id IS NOT NULL AND occurred_at < :as_of
    GROUP BY user_id
)
SELECT u.user_id,
       (:as_of - u.last_at) / 86400.0 AS recency_days,
       u.frequency,
       u.gross_micros + coalesce(r.returned_micros, 0) AS monetary_micros,
       (:as_of - u.first_at) / 86400.0 AS tenure_days,
       u.gross_micros / u.frequency AS avg_order_value_micros,
       u.orders_30d, u.orders_90d, u.orders_365d,
       u.revenue_30d_micros, u.revenue_90d_micros, u.revenue_365d_micros,
       g.mean_gap AS mean_days_between_orders,
       g.sd_gap AS sd_days_between_orders,
       coalesce(r.returns_count, 0) AS returns_count,
       coalesce(r.returns_count, 0) * 1.0 / u.frequency AS return_share,
       coalesce(p.distinct_products, 0) AS distinct_products,
       coalesce(a.views_30d, 0) AS views_30d,
       coalesce(a.carts_30d, 0) AS carts_30d,
       coalesce(a.purchase_events_30d, 0) AS purchase_events_30d,
       coalesce(a.reviews_30d, 0) AS reviews_30d,
       (:as_of - a.last_event_at) / 86400.0 AS days_since_last_event,
       a.avg_review_score,
       us.country
FROM per_user u
JOIN users us ON us.id = u.user_id
LEFT JOIN gap_stats g ON g.user_id = u.user_id
LEFT JOIN returns r ON r.user_id = u.user_id
LEFT JOIN products p ON p.user_id = u.user_id
LEFT JOIN activity a ON a.user_id = u.user_id
ORDER BY u.user_id;

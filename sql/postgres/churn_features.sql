-- The rows a churn model reads: PostgreSQL's (and Citus's) counterpart of sql/churn_features.sql,
-- with its parameters (:as_of, :horizon; NULL when scoring) and its columns: every user_features
-- row of :as_of with its numeric columns, in user id order, and whether the user churned (no
-- purchase in [:as_of, :as_of + :horizon)).
--
-- Written for Citus's planner: the purchases in the label window are grouped by the orders'
-- distribution column (customer_key, the user id of a known customer's order) and joined to
-- user_features on its own (user_id), so each worker labels its own shards; the client receives
-- one row per customer.
WITH returned AS (
    SELECT o.customer_key AS user_id
    FROM orders o
    WHERE CAST(:horizon AS bigint) IS NOT NULL AND o.user_id IS NOT NULL AND o.kind = 'purchase'
      AND o.ordered_at >= CAST(:as_of AS bigint) AND o.ordered_at < CAST(:as_of AS bigint) + CAST(:horizon AS bigint)
    GROUP BY o.customer_key
)
SELECT f.user_id,
       CASE WHEN CAST(:horizon AS bigint) IS NULL THEN 0 WHEN r.user_id IS NULL THEN 1 ELSE 0 END AS churned,
       f.recency_days, f.frequency, f.monetary_micros, f.tenure_days, f.avg_order_value_micros,
       f.orders_30d, f.orders_90d, f.orders_365d, f.revenue_30d_micros, f.revenue_90d_micros, f.revenue_365d_micros,
       f.mean_days_between_orders, f.sd_days_between_orders, f.returns_count, f.return_share, f.distinct_products,
       f.views_30d, f.carts_30d, f.purchase_events_30d, f.reviews_30d, f.days_since_last_event, f.avg_review_score
FROM user_features f
LEFT JOIN returned r ON r.user_id = f.user_id
WHERE f.as_of = CAST(:as_of AS bigint)
ORDER BY f.user_id;

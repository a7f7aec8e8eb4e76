-- The rows a churn model reads (`train churn`, `score churn` of logistic and gbt models): every
-- user_features row of :as_of (Unix seconds UTC; `lifecycle features build` writes them) with
-- its numeric columns, in user id order, and whether the user churned: no purchase in
-- [:as_of, :as_of + :horizon) (seconds; NULL when scoring, where the future is not read and
-- churned is 0). The model's inputs are computed from these columns in Swift
-- (Sources/Warehouse/Churn/ChurnFeatureVector.swift), the same on both engines.
--
--   sqlite3 lifecycle.db
--   .param set :as_of 1306886400
--   .param set :horizon 7776000
--   .read sql/churn_features.sql
SELECT f.user_id,
       CASE WHEN :horizon IS NULL THEN 0
            ELSE NOT EXISTS (SELECT 1 FROM orders o
                             WHERE o.user_id = f.user_id AND o.kind = 'purchase'
                               AND o.ordered_at >= :as_of AND o.ordered_at < :as_of + :horizon) END AS churned,
       f.recency_days, f.frequency, f.monetary_micros, f.tenure_days, f.avg_order_value_micros,
       f.orders_30d, f.orders_90d, f.orders_365d, f.revenue_30d_micros, f.revenue_90d_micros, f.revenue_365d_micros,
       f.mean_days_between_orders, f.sd_days_between_orders, f.returns_count, f.return_share, f.distinct_products,
       f.views_30d, f.carts_30d, f.purchase_events_30d, f.reviews_30d, f.days_since_last_event, f.avg_review_score
FROM user_features f
WHERE f.as_of = :as_of
ORDER BY f.user_id;

-- Per-period histories for the sequence churn model (`train churn --model sequence`): for every
-- customer with a purchase before :as_of, one row per period of the :periods periods of
-- :period_seconds seconds that end at :as_of, oldest first. Only facts strictly before :as_of
-- are read: nothing at or after the as-of can change a row.
--
-- Parameters:
--   :as_of            Unix seconds UTC; the last period ends here (exclusive)
--   :period_seconds   length of a period (604800 for a week, 2592000 for a 30-day month)
--   :periods          number of periods (period 0 starts :periods × :period_seconds before :as_of)
--   :first_user, :last_user   only customers with first_user <= users.id <= last_user (the
--                     scorer reads customers in chunks; 0 and 9223372036854775807 for all)
--
-- Rows: user_id, period (0 oldest … :periods − 1), purchases (purchase orders), net_micros
-- (purchases plus returns, which are negative), returns (return orders), views, carts
-- (add_to_cart events), purchase_events, reviews, mean_review_score (NULL without a review),
-- days_since_activity (from the last order or event before the period's end to that end; NULL
-- before the customer's first activity); ordered by user_id, period.
--
--   sqlite3 lifecycle.db
--   .param set :as_of 1306886400
--   .param set :period_seconds 604800
--   .param set :periods 24
--   .param set :first_user 0
--   .param set :last_user 9223372036854775807
--   .read sql/churn_sequences.sql
WITH RECURSIVE
periods(period) AS (
    SELECT 0 UNION ALL SELECT period + 1 FROM periods WHERE period + 1 < :periods
),
customers AS (
    SELECT user_id FROM orders
    WHERE user_id BETWEEN :first_user AND :last_user AND kind = 'purchase' AND ordered_at < :as_of
    GROUP BY user_id
),
order_periods AS (
    SELECT user_id,
           (ordered_at - (:as_of - :periods * :period_seconds)) / :period_seconds AS period,
           sum(kind = 'purchase') AS purchases,
           sum(CASE WHEN kind IN ('purchase', 'return') THEN amount_micros ELSE 0 END) AS net_micros,
           sum(kind = 'return') AS returns,
           max(ordered_at) AS last_at
    FROM orders
    WHERE user_id BETWEEN :first_user AND :last_user AND kind IN ('purchase', 'return')
      AND ordered_at >= :as_of - :periods * :period_seconds AND ordered_at < :as_of
    GROUP BY user_id, period
),
event_periods AS (
    SELECT user_id,
           (occurred_at - (:as_of - :periods * :period_seconds)) / :period_seconds AS period,
           sum(type = 'view') AS views,
           sum(type = 'add_to_cart') AS carts,
           sum(type = 'purchase') AS purchase_events,
           sum(type = 'review') AS reviews,
           avg(CASE WHEN type = 'review' THEN value_micros / 1e6 END) AS mean_review_score,
           max(occurred_at) AS last_at
    FROM events
    WHERE user_id BETWEEN :first_user AND :last_user
      AND occurred_at >= :as_of - :periods * :period_seconds AND occurred_at < :as_of
    GROUP BY user_id, period
),
-- The last activity before the first period, from which the first periods count their days.
earlier AS (
    SELECT user_id, max(last_at) AS last_at FROM (
        SELECT user_id, max(ordered_at) AS last_at FROM orders
        WHERE user_id BETWEEN :first_user AND :last_user AND kind IN ('purchase', 'return')
          AND ordered_at < :as_of - :periods * :period_seconds
        GROUP BY user_id
        UNION ALL
        SELECT user_id, max(occurred_at) FROM events
        WHERE user_id BETWEEN :first_user AND :last_user AND occurred_at < :as_of - :periods * :period_seconds
        GROUP BY user_id)
    GROUP BY user_id
),
grid AS (
    SELECT c.user_id, p.period,
           coalesce(o.purchases, 0) AS purchases, coalesce(o.net_micros, 0) AS net_micros,
           coalesce(o.returns, 0) AS returns, coalesce(e.views, 0) AS views, coalesce(e.carts, 0) AS carts,
           coalesce(e.purchase_events, 0) AS purchase_events, coalesce(e.reviews, 0) AS reviews,
           e.mean_review_score,
           max(coalesce(max(o.last_at, e.last_at), o.last_at, e.last_at, b.last_at))
               OVER (PARTITION BY c.user_id ORDER BY p.period) AS last_activity_at
    FROM customers c
    CROSS JOIN periods p
    LEFT JOIN order_periods o ON o.user_id = c.user_id AND o.period = p.period
    LEFT JOIN event_periods e ON e.user_id = c.user_id AND e.period = p.period
    LEFT JOIN earlier b ON b.user_id = c.user_id
)
SELECT user_id, period, purchases, net_micros, returns, views, carts, purchase_events, reviews, mean_review_score,
       (:as_of - (:periods - 1 - period) * :period_seconds - last_activity_at) / 86400.0 AS days_since_activity
FROM grid
ORDER BY user_id, period;

-- Point-in-time user features: one row per (as_of, user) for every user with a purchase before
-- as_of, computed only from facts strictly before as_of (sql/user_features.sql). The catalogue
-- says what each column means.

CREATE TABLE feature_catalogue (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    window_days INTEGER,            -- NULL: all history before as_of
    unit TEXT NOT NULL
) STRICT;

INSERT INTO feature_catalogue (name, description, window_days, unit) VALUES
    ('recency_days', 'days from the last purchase to as_of', NULL, 'days'),
    ('frequency', 'number of purchase orders', NULL, 'orders'),
    ('monetary_micros', 'net revenue: purchases plus returns (returns are negative)', NULL, 'micro-units of currency'),
    ('tenure_days', 'days from the first purchase to as_of', NULL, 'days'),
    ('avg_order_value_micros', 'gross purchase revenue per purchase order (whole micro-units, rounded toward zero)', NULL, 'micro-units of currency'),
    ('orders_30d', 'purchase orders in the 30 days before as_of', 30, 'orders'),
    ('orders_90d', 'purchase orders in the 90 days before as_of', 90, 'orders'),
    ('orders_365d', 'purchase orders in the 365 days before as_of', 365, 'orders'),
    ('revenue_30d_micros', 'gross purchase revenue in the 30 days before as_of', 30, 'micro-units of currency'),
    ('revenue_90d_micros', 'gross purchase revenue in the 90 days before as_of', 90, 'micro-units of currency'),
    ('revenue_365d_micros', 'gross purchase revenue in the 365 days before as_of', 365, 'micro-units of currency'),
    ('mean_days_between_orders', 'mean gap between consecutive purchases (NULL with one purchase)', NULL, 'days'),
    ('sd_days_between_orders', 'population standard deviation of those gaps (NULL with one purchase)', NULL, 'days'),
    ('returns_count', 'return orders', NULL, 'orders'),
    ('return_share', 'return orders per purchase order', NULL, 'ratio'),
    ('distinct_products', 'distinct products in purchase orders', NULL, 'products'),
    ('views_30d', 'view events in the 30 days before as_of', 30, 'events'),
    ('carts_30d', 'add_to_cart events in the 30 days before as_of', 30, 'events'),
    ('purchase_events_30d', 'purchase events in the 30 days before as_of', 30, 'events'),
    ('reviews_30d', 'review events in the 30 days before as_of', 30, 'events'),
    ('days_since_last_event', 'days from the last event to as_of (NULL without events)', NULL, 'days'),
    ('avg_review_score', 'mean value of review events (NULL without reviews)', NULL, 'score 1-5'),
    ('country', 'the user''s country', NULL, 'text');

CREATE TABLE user_features (
    as_of INTEGER NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    recency_days REAL NOT NULL,
    frequency INTEGER NOT NULL,
    monetary_micros INTEGER NOT NULL,
    tenure_days REAL NOT NULL,
    avg_order_value_micros INTEGER NOT NULL,
    orders_30d INTEGER NOT NULL,
    orders_90d INTEGER NOT NULL,
    orders_365d INTEGER NOT NULL,
    revenue_30d_micros INTEGER NOT NULL,
    revenue_90d_micros INTEGER NOT NULL,
    revenue_365d_micros INTEGER NOT NULL,
    mean_days_between_orders REAL,
    sd_days_between_orders REAL,
    returns_count INTEGER NOT NULL,
    return_share REAL NOT NULL,
    distinct_products INTEGER NOT NULL,
    views_30d INTEGER NOT NULL,
    carts_30d INTEGER NOT NULL,
    purchase_events_30d INTEGER NOT NULL,
    reviews_30d INTEGER NOT NULL,
    days_since_last_event REAL,
    avg_review_score REAL,
    country TEXT,
    PRIMARY KEY (as_of, user_id)
) STRICT;
CREATE INDEX user_features_by_user ON user_features (user_id);

-- One row per built as_of: when, how many users, and what the build saw.
CREATE TABLE feature_builds (
    as_of INTEGER PRIMARY KEY,
    built_at INTEGER NOT NULL,
    users INTEGER NOT NULL,
    orders_before INTEGER NOT NULL,   -- orders with ordered_at < as_of at build time
    events_before INTEGER NOT NULL,
    seconds REAL NOT NULL
) STRICT;

-- Point-in-time user features (SQLite migration 0003): one row per (as_of, user) for every user
-- with a purchase before as_of, computed only from facts strictly before as_of
-- (sql/postgres/user_features.sql, sql/user_features.sql's definitions); one feature_builds row
-- per built as_of; and the catalogue that says what each column means. The same columns and
-- meanings as SQLite's: instants bigint Unix seconds, money bigint micro-units, days and ratios
-- double precision (SQLite's REAL).
--
-- On Citus user_features is distributed by user_id and co-located with users, orders and events,
-- so a build is one INSERT ... SELECT that each worker runs on its own shards; feature_builds and
-- feature_catalogue are small reference tables, a copy on every node.

CREATE TABLE feature_catalogue (
    name text PRIMARY KEY,
    description text NOT NULL,
    window_days bigint,                      -- NULL: all history before as_of
    unit text NOT NULL
);

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
    as_of bigint NOT NULL,
    user_id bigint NOT NULL,
    recency_days double precision NOT NULL,
    frequency bigint NOT NULL,
    monetary_micros bigint NOT NULL,
    tenure_days double precision NOT NULL,
    avg_order_value_micros bigint NOT NULL,
    orders_30d bigint NOT NULL,
    orders_90d bigint NOT NULL,
    orders_365d bigint NOT NULL,
    revenue_30d_micros bigint NOT NULL,
    revenue_90d_micros bigint NOT NULL,
    revenue_365d_micros bigint NOT NULL,
    mean_days_between_orders double precision,
    sd_days_between_orders double precision,
    returns_count bigint NOT NULL,
    return_share double precision NOT NULL,
    distinct_products bigint NOT NULL,
    views_30d bigint NOT NULL,
    carts_30d bigint NOT NULL,
    purchase_events_30d bigint NOT NULL,
    reviews_30d bigint NOT NULL,
    days_since_last_event double precision,
    avg_review_score double precision,
    country text,
    PRIMARY KEY (as_of, user_id)
);
CREATE INDEX user_features_by_user ON user_features (user_id);

-- One row per built as_of: when, how many users, and what the build saw.
CREATE TABLE feature_builds (
    as_of bigint PRIMARY KEY,
    built_at bigint NOT NULL,
    users bigint NOT NULL,
    orders_before bigint NOT NULL,           -- orders with ordered_at < as_of at build time
    events_before bigint NOT NULL,
    seconds double precision NOT NULL
);

-- Distributed before the foreign key is added, as 0002 does (its comment says why).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    PERFORM create_reference_table('feature_catalogue');
    PERFORM create_reference_table('feature_builds');
    PERFORM create_distributed_table('user_features', 'user_id', colocate_with => 'users');
END
$$;

ALTER TABLE user_features ADD FOREIGN KEY (user_id) REFERENCES users (id);

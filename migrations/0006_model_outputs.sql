-- What the lifetime-value, segment and recommendation models produce when they score users.
-- `predictions` (0004) keeps one headline number per user (churn probability, discounted
-- lifetime value); these tables keep the rest of what a scoring run says about each user.
-- Every row names the snapshot that made it and the as-of it was made at; re-scoring the same
-- snapshot and as-of replaces its rows in one transaction. docs/SCHEMA.md ("Model outputs").

-- BG/NBD + Gamma-Gamma per user: the calibration summary the model saw and what it predicts.
CREATE TABLE clv_predictions (
    snapshot_id INTEGER NOT NULL REFERENCES model_snapshots (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    as_of INTEGER NOT NULL,                  -- Unix seconds UTC: purchases before this instant
    frequency INTEGER NOT NULL CHECK (frequency >= 0),   -- repeat purchase periods x
    recency REAL NOT NULL CHECK (recency >= 0),          -- t_x, in the model's period
    age REAL NOT NULL CHECK (age >= recency),            -- T, in the model's period
    monetary_value REAL NOT NULL,            -- mean value of the repeat purchases (0 when x = 0)
    expected_purchases REAL NOT NULL CHECK (expected_purchases >= 0),  -- over the snapshot's horizon
    probability_alive REAL NOT NULL CHECK (probability_alive BETWEEN 0 AND 1),
    expected_order_value REAL NOT NULL,      -- Gamma-Gamma E[M | x, m]
    lifetime_value REAL NOT NULL,            -- discounted, over the snapshot's horizon
    PRIMARY KEY (snapshot_id, as_of, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX clv_predictions_by_user ON clv_predictions (user_id, as_of);

-- k-means: the cluster each user falls in, and how far from its centroid (clustering space).
CREATE TABLE segment_assignments (
    snapshot_id INTEGER NOT NULL REFERENCES model_snapshots (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    as_of INTEGER NOT NULL,
    cluster INTEGER NOT NULL CHECK (cluster >= 0),       -- row of the snapshot's centroids
    distance REAL NOT NULL CHECK (distance >= 0),
    PRIMARY KEY (snapshot_id, as_of, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX segment_assignments_by_user ON segment_assignments (user_id, as_of);

-- Item-to-item recommendations: each user's top products, best first, none already bought.
CREATE TABLE recommendations (
    snapshot_id INTEGER NOT NULL REFERENCES model_snapshots (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    as_of INTEGER NOT NULL,
    rank INTEGER NOT NULL CHECK (rank >= 1),
    product_id INTEGER NOT NULL REFERENCES products (id),
    score REAL NOT NULL,
    PRIMARY KEY (snapshot_id, as_of, user_id, rank),
    UNIQUE (snapshot_id, as_of, user_id, product_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX recommendations_by_user ON recommendations (user_id, as_of);

-- For people: customer and product ids as in the source, as-of as an ISO-8601 UTC date.
CREATE VIEW clv_predictions_v AS
SELECT s.name || '@' || s.version AS model, strftime('%Y-%m-%dT%H:%M:%SZ', c.as_of, 'unixepoch') AS as_of_utc,
       u.external_id AS customer, c.frequency, c.recency, c.age, c.monetary_value,
       c.expected_purchases, c.probability_alive, c.expected_order_value, c.lifetime_value
FROM clv_predictions c JOIN model_snapshots s ON s.id = c.snapshot_id JOIN users u ON u.id = c.user_id;

CREATE VIEW segment_assignments_v AS
SELECT s.name || '@' || s.version AS model, strftime('%Y-%m-%dT%H:%M:%SZ', a.as_of, 'unixepoch') AS as_of_utc,
       u.external_id AS customer, a.cluster, a.distance
FROM segment_assignments a JOIN model_snapshots s ON s.id = a.snapshot_id JOIN users u ON u.id = a.user_id;

CREATE VIEW recommendations_v AS
SELECT s.name || '@' || s.version AS model, strftime('%Y-%m-%dT%H:%M:%SZ', r.as_of, 'unixepoch') AS as_of_utc,
       u.external_id AS customer, r.rank, p.external_id AS product, p.name AS product_name, r.score
FROM recommendations r JOIN model_snapshots s ON s.id = r.snapshot_id
JOIN users u ON u.id = r.user_id JOIN products p ON p.id = r.product_id;

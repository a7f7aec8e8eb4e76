-- Customer analytics: a covering index for per-user order scans, the RFM segment grid, RFM
-- snapshots keyed by as-of, and the reporting time zone (docs/QUERIES.md).

-- RFM and cohort retention read every order of every known user in (user, time) order. With
-- kind and amount in the index those scans never touch the table (about 4x faster on 860k
-- orders; it costs about 7% more import time, docs/BENCHMARKS.md). The new index has the old
-- one's leading columns, so it replaces it.
DROP INDEX orders_by_user;
CREATE INDEX orders_by_user ON orders (user_id, ordered_at, kind, amount_micros);
-- The footnote counts the adjustments and write-offs left out through a partial index that holds
-- only those rare orders.
CREATE INDEX orders_adjustments ON orders (kind, user_id) WHERE kind IN ('adjustment', 'write_off');

-- Named segments from the R and F scores (the widely used grid). A connection can shadow it with
-- a TEMP table of the same name (`lifecycle rfm --segment-map FILE`).
CREATE TABLE rfm_segment_map (
    r INTEGER NOT NULL CHECK (r BETWEEN 1 AND 5),
    f INTEGER NOT NULL CHECK (f BETWEEN 1 AND 5),
    segment TEXT NOT NULL CHECK (segment <> ''),
    position INTEGER NOT NULL,               -- display order of the segment (1 = first)
    PRIMARY KEY (r, f)
) STRICT, WITHOUT ROWID;

INSERT INTO rfm_segment_map (r, f, segment, position) VALUES
    (5, 5, 'Champions', 1), (5, 4, 'Champions', 1),
    (4, 5, 'Loyal Customers', 2), (4, 4, 'Loyal Customers', 2), (3, 5, 'Loyal Customers', 2), (3, 4, 'Loyal Customers', 2),
    (5, 3, 'Potential Loyalists', 3), (5, 2, 'Potential Loyalists', 3), (4, 3, 'Potential Loyalists', 3), (4, 2, 'Potential Loyalists', 3),
    (5, 1, 'New Customers', 4),
    (4, 1, 'Promising', 5),
    (3, 3, 'Need Attention', 6),
    (3, 2, 'About To Sleep', 7), (3, 1, 'About To Sleep', 7),
    (2, 5, 'Can''t Lose Them', 8), (1, 5, 'Can''t Lose Them', 8),
    (2, 4, 'At Risk', 9), (2, 3, 'At Risk', 9), (1, 4, 'At Risk', 9), (1, 3, 'At Risk', 9),
    (2, 2, 'Hibernating', 10), (2, 1, 'Hibernating', 10), (1, 2, 'Hibernating', 10), (1, 1, 'Hibernating', 10);

-- One saved RFM run per as-of instant (saving again replaces it), with how the scores were made.
CREATE TABLE rfm_snapshots (
    id INTEGER PRIMARY KEY,
    as_of INTEGER NOT NULL UNIQUE,           -- Unix seconds UTC; only orders before it were used
    created_at INTEGER NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('quantiles', 'bins')),
    thresholds TEXT NOT NULL CHECK (json_valid(thresholds)),   -- bins given, or the score ranges found
    segment_map TEXT NOT NULL CHECK (json_valid(segment_map)), -- {"55": "Champions", ...} as used
    users INTEGER NOT NULL
) STRICT;

CREATE TABLE rfm_snapshot_users (
    snapshot_id INTEGER NOT NULL REFERENCES rfm_snapshots (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    recency_days INTEGER NOT NULL,
    frequency INTEGER NOT NULL,
    monetary_micros INTEGER NOT NULL,
    r INTEGER NOT NULL, f INTEGER NOT NULL, m INTEGER NOT NULL,
    segment TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX rfm_snapshot_users_by_user ON rfm_snapshot_users (user_id);

-- The reporting time zone as UTC offsets from each instant on (empty: UTC). Cohort and activity
-- periods (day, ISO week, month) are taken in this zone. A connection can shadow it with a TEMP
-- table of the same name (`--timezone ZONE` on one command).
CREATE TABLE reporting_offsets (
    starts_at INTEGER PRIMARY KEY,           -- Unix seconds UTC from which the offset applies
    offset_seconds INTEGER NOT NULL,         -- local time = UTC + offset
    zone TEXT NOT NULL
) STRICT;

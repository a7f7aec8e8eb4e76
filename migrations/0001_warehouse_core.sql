-- Lifecycle warehouse core: users, products, orders, order lines, events, and the import ledger.
-- Conventions (docs/SCHEMA.md): STRICT tables; instants are INTEGER Unix seconds UTC (*_at);
-- money is INTEGER micro-units of the row's currency (*_micros, 1 GBP = 1000000) so sums are exact;
-- natural keys (external_id) are UNIQUE so re-imports merge instead of duplicating.

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('orders', 'events', 'users')),
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,                 -- as given on the command line; '-' for stdin
    file_size INTEGER,                       -- bytes of the file as stored (compressed size for .gz)
    sha256 TEXT,                             -- of the file's bytes as stored
    options TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),  -- time zone, column map, ...
    status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
    pid INTEGER,                             -- process that runs it, to tell a live import from a killed one
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_loaded INTEGER NOT NULL DEFAULT 0,
    rows_duplicate INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    orders_created INTEGER NOT NULL DEFAULT 0,
    guest_orders INTEGER NOT NULL DEFAULT 0,
    return_orders INTEGER NOT NULL DEFAULT 0,
    resumed INTEGER NOT NULL DEFAULT 0,      -- times a killed run of this import was resumed
    error TEXT,
    CHECK (rows_read = rows_loaded + rows_duplicate + rows_rejected)
) STRICT;
CREATE INDEX imports_by_file ON imports (sha256, kind, format);

CREATE TABLE import_rejects (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    line INTEGER NOT NULL,                   -- 1-based line of the file where the record starts
    reason TEXT NOT NULL,
    raw TEXT NOT NULL                        -- the record as read (invalid UTF-8 shown as U+FFFD)
) STRICT;
CREATE INDEX import_rejects_by_import ON import_rejects (import_id, line);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    country TEXT,                            -- from a users import, else the country of the first order seen
    signed_up_at INTEGER,                    -- from a users import; NULL when unknown
    import_id INTEGER NOT NULL REFERENCES imports (id)
) STRICT;
CREATE INDEX users_by_import ON users (import_id);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,        -- stock code / SKU exactly as in the source (case kept)
    name TEXT,                               -- the first description seen
    is_merchandise INTEGER NOT NULL DEFAULT 1 CHECK (is_merchandise IN (0, 1)),  -- 0: postage, fees, adjustments...
    import_id INTEGER NOT NULL REFERENCES imports (id)
) STRICT;
CREATE INDEX products_by_import ON products (import_id);

-- One row per source order: an invoice, a return invoice, a CDNOW row.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    user_id INTEGER REFERENCES users (id),   -- NULL: guest order (no known customer)
    ordered_at INTEGER NOT NULL,             -- earliest line time, Unix seconds UTC
    kind TEXT NOT NULL CHECK (kind IN ('purchase', 'return', 'adjustment', 'write_off')),
    country TEXT,
    currency TEXT NOT NULL,
    amount_micros INTEGER NOT NULL DEFAULT 0,  -- exact sum of the lines' amounts (negative for returns)
    line_count INTEGER NOT NULL DEFAULT 0,
    item_count INTEGER NOT NULL DEFAULT 0,     -- sum of quantities
    import_id INTEGER NOT NULL REFERENCES imports (id)
) STRICT;
CREATE INDEX orders_by_user ON orders (user_id, ordered_at);
CREATE INDEX orders_by_time ON orders (ordered_at);
CREATE INDEX orders_by_import ON orders (import_id);

CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    product_id INTEGER REFERENCES products (id),   -- NULL when the source names no product (CDNOW)
    line_key INTEGER NOT NULL,               -- stable 64-bit hash of the line's content
    occurrence INTEGER NOT NULL,             -- 1, 2, ... for identical lines within one order
    quantity INTEGER NOT NULL,
    unit_price_micros INTEGER,               -- NULL when the source gives only the line total
    amount_micros INTEGER NOT NULL,          -- quantity * unit price, exact; or the source's total
    description TEXT,                        -- as in the source, spaces kept
    line_at INTEGER NOT NULL,                -- this line's own timestamp, Unix seconds UTC
    source_line INTEGER NOT NULL,            -- line in the file that first loaded it
    import_id INTEGER NOT NULL REFERENCES imports (id),
    UNIQUE (order_id, line_key, occurrence)
) STRICT;
-- The UNIQUE index above also serves order_id. product_id and import_id are deliberately not
-- indexed: no query looks lines up by product or import (product analytics scan and aggregate),
-- and keeping those two indexes costs about a third of the import time (docs/BENCHMARKS.md).

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,        -- the source's event id, or a content hash when it has none
    user_id INTEGER REFERENCES users (id),   -- NULL: anonymous event
    occurred_at INTEGER NOT NULL,
    type TEXT NOT NULL CHECK (type <> ''),   -- view, add_to_cart, purchase, review, ...
    product_id INTEGER REFERENCES products (id),
    value_micros INTEGER,                    -- exact decimal value (a price, or a review's 1-5 score)
    properties TEXT CHECK (properties IS NULL OR json_valid(properties)),
    import_id INTEGER NOT NULL REFERENCES imports (id)
) STRICT;
CREATE INDEX events_by_user ON events (user_id, occurred_at);
CREATE INDEX events_by_product ON events (product_id);
CREATE INDEX events_by_import ON events (import_id);

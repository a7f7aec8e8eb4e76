-- Lifetime totals per customer, kept by the orders import, so that RFM at the default as-of
-- (after the last order, no --since) reads one row per customer instead of grouping every
-- order (docs/QUERIES.md, "RFM"; docs/BENCHMARKS.md). A customer is a known user with at least
-- one purchase order; returns count in her net revenue. docs/SCHEMA.md ("Customer totals").

CREATE TABLE customer_totals (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    first_purchase_at INTEGER NOT NULL,      -- Unix seconds UTC
    last_purchase_at INTEGER NOT NULL,
    purchase_orders INTEGER NOT NULL CHECK (purchase_orders > 0),
    return_orders INTEGER NOT NULL CHECK (return_orders >= 0),
    net_micros INTEGER NOT NULL              -- purchases plus returns (negative), exact
) STRICT;

-- Whether the totals can be trusted: they count every order with an id up to through_order_id,
-- and there were orders_counted of those. No row: stale (the next orders import rebuilds them).
-- Queries use the totals only while both figures still describe the orders (the largest id and
-- how many there are), and otherwise group the orders themselves.
CREATE TABLE customer_totals_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    through_order_id INTEGER,                -- NULL: no orders yet
    orders_counted INTEGER NOT NULL CHECK (orders_counted >= 0),
    refreshed_at INTEGER NOT NULL            -- Unix seconds UTC
) STRICT;

-- A change to an order the totals already count makes them stale: the import's merges (an
-- invoice seen again with more lines) and edits made by hand in the sqlite3 shell alike. New
-- orders need no trigger (one on every insert would cost the import about 5%): they raise the
-- number of orders, and the largest id too unless they fill a gap, which the queries and the
-- import's refresh both compare.
CREATE TRIGGER customer_totals_stale_on_update
AFTER UPDATE OF id, user_id, ordered_at, kind, amount_micros ON orders
WHEN old.id <= (SELECT through_order_id FROM customer_totals_state) OR new.id <= (SELECT through_order_id FROM customer_totals_state)
BEGIN
    DELETE FROM customer_totals_state;
END;

CREATE TRIGGER customer_totals_stale_on_delete
AFTER DELETE ON orders
WHEN old.id <= (SELECT through_order_id FROM customer_totals_state)
BEGIN
    DELETE FROM customer_totals_state;
END;

INSERT INTO customer_totals (user_id, first_purchase_at, last_purchase_at, purchase_orders, return_orders, net_micros)
SELECT user_id, min(CASE WHEN kind = 'purchase' THEN ordered_at END), max(CASE WHEN kind = 'purchase' THEN ordered_at END),
       sum(kind = 'purchase'), sum(kind = 'return'), sum(amount_micros)
FROM orders
WHERE user_id IS NOT NULL AND kind IN ('purchase', 'return')
GROUP BY user_id
HAVING sum(kind = 'purchase') > 0;

INSERT INTO customer_totals_state (id, through_order_id, orders_counted, refreshed_at)
VALUES (1, (SELECT max(id) FROM orders), (SELECT count(*) FROM orders), unixepoch());

-- The currencies of the orders, with how many orders each, kept with customer_totals by the
-- orders import: a question tells in one read whether the warehouse holds several currencies
-- and must be asked one currency at a time (docs/QUERIES.md, "Currencies"). Like the totals,
-- the rows count the orders with an id up to customer_totals_state.through_order_id, and are
-- trusted only while that row still describes the orders (the same largest id and number of
-- orders); otherwise the currencies are read from the orders themselves.

CREATE TABLE order_currencies (
    currency TEXT PRIMARY KEY,               -- ISO 4217 code, as stored in orders.currency
    orders INTEGER NOT NULL CHECK (orders > 0)
) STRICT;

-- A counted order whose currency changes makes the kept figures stale, as changes to its
-- other columns already do (migration 0007).
CREATE TRIGGER customer_totals_stale_on_currency
AFTER UPDATE OF currency ON orders
WHEN old.id <= (SELECT through_order_id FROM customer_totals_state)
BEGIN
    DELETE FROM customer_totals_state;
END;

INSERT INTO order_currencies (currency, orders)
SELECT currency, count(*) FROM orders
WHERE id <= (SELECT through_order_id FROM customer_totals_state)
GROUP BY currency;

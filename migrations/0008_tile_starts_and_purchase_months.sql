-- Two more things kept with customer_totals by the orders import, so that the questions asked
-- most (RFM of the whole shop, monthly cohort retention) need no pass over the customers' orders
-- and no sort of the customers (docs/QUERIES.md, docs/BENCHMARKS.md, docs/SCHEMA.md).
-- Both are filled by the next orders import (CustomerTotals.refresh); until then, and whenever
-- they do not describe the question, the queries work from customer_totals or the orders as
-- before, with the same answers.

-- Each customer's months with a purchase, as bits of one integer: bit k is the month
-- purchase_months_origin + k of customer_totals_state, months taken in the reporting time zone
-- named by purchase_months_zone (NULL: UTC). NULL when a month is over 62 months after the origin.
ALTER TABLE customer_totals ADD COLUMN purchase_months INTEGER;

-- The month number (as in sql/retention.sql) of the first purchase of any customer, and the
-- reporting zone the months were taken in. NULL origin: the months are not filled in.
ALTER TABLE customer_totals_state ADD COLUMN purchase_months_origin INTEGER;
ALTER TABLE customer_totals_state ADD COLUMN purchase_months_zone TEXT;

-- Where RFM's tiles start over all customers of the shop, from customer_totals: the customer at
-- each of the four 0-based positions where scores 2..5 begin (j = 1..4), as her value (k: for
-- R the negated recency in days at as_of, for F the purchase orders, for M net micro-units)
-- and her external id (e). rfm_summary.sql and rfm_users.sql read them while they belong to the
-- totals (through_order_id and orders_counted equal the state row's) and the question is the
-- whole shop at a midnight as-of after the last order; recency keys then shift by whole days.
CREATE TABLE rfm_tile_starts (
    measure TEXT PRIMARY KEY CHECK (measure IN ('R', 'F', 'M')),
    as_of INTEGER NOT NULL,                  -- Unix seconds UTC, midnight; R's keys are at it
    through_order_id INTEGER,
    orders_counted INTEGER NOT NULL,
    k1 INTEGER, e1 TEXT, k2 INTEGER, e2 TEXT, k3 INTEGER, e3 TEXT, k4 INTEGER, e4 TEXT
) STRICT;

-- Migration 0016: RFM quintile ties are broken by a fixed shuffle of users.id, the "tie" key of
-- sql/rfm_summary.sql, instead of the external id's text (docs/QUERIES.md, "Scores"). A pseudonym
-- sorts differently from the id it stands for, so tied customers at a tile start scored
-- differently in a pseudonymised warehouse and a clear one; users.id is the same in both (ids are
-- mapped where they enter, and pseudonymising a warehouse rewrites external_id in place).
--
-- rfm_tile_starts (migration 0008) named the customer at each tile start by her external id
-- (e1..e4, text); it now holds her tie key (t1..t4, integers), so it holds no customer id
-- either. The starts kept under the old order are dropped, not converted: under the new order
-- another customer may stand at a start. The next refresh (an orders import, `imports undo`,
-- `forget`, `reporting-timezone`) takes them again, even when no order changed; until then the
-- queries find the starts themselves, with the same answers.

DROP TABLE rfm_tile_starts;

CREATE TABLE rfm_tile_starts (
    measure TEXT PRIMARY KEY CHECK (measure IN ('R', 'F', 'M')),
    as_of INTEGER NOT NULL,                  -- Unix seconds UTC, midnight; R's keys are at it
    through_order_id INTEGER,
    orders_counted INTEGER NOT NULL,
    k1 INTEGER, t1 INTEGER, k2 INTEGER, t2 INTEGER, k3 INTEGER, t3 INTEGER, k4 INTEGER, t4 INTEGER
) STRICT;

-- SQLite's migration 0019 in PostgreSQL: the purchase months kept with the customer totals are
-- gone (retention is computed from the orders in one pass, faster than it read them), so the
-- columns 0001 made for them go too. On Citus, ALTER TABLE on a distributed table reaches its
-- shards.
ALTER TABLE customer_totals DROP COLUMN purchase_months;
ALTER TABLE customer_totals_state DROP COLUMN purchase_months_origin, DROP COLUMN purchase_months_zone;

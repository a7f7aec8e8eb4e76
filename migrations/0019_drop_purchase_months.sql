-- Monthly retention no longer reads purchase months kept with the customer totals (migration
-- 0008): RetentionScan answers every retention question in one pass over the covering index
-- orders_by_user, and the default monthly triangle of the 163,411-customer shop took 0.23 s that
-- way against 0.39 s from the kept months (issue 14, docs/BENCHMARKS.md). The masks, their
-- origin and their zone go, and with them their refresh on every import and zone change.
ALTER TABLE customer_totals DROP COLUMN purchase_months;
ALTER TABLE customer_totals_state DROP COLUMN purchase_months_origin;
ALTER TABLE customer_totals_state DROP COLUMN purchase_months_zone;

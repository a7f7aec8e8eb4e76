-- RFM no longer reads the tile starts kept with the customer totals (migrations 0008 and 0016):
-- RFMScan sorts each measure's customers in memory, for every as-of, window and country alike,
-- which costs less than the queries spent reading the kept starts at the default as-of
-- (issue 14, docs/BENCHMARKS.md). The table goes, and with it its refresh on every import, zone
-- change, erasure and undo.
DROP TABLE rfm_tile_starts;

-- SQLite's migration 0020 in PostgreSQL: RFM keeps no tile starts, so the reference table 0001
-- made for them goes (on Citus, DROP TABLE drops its copies on every node).
DROP TABLE rfm_tile_starts;

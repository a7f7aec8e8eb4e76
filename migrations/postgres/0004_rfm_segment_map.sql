-- Named RFM segments from the R and F scores, as SQLite's migration 0005 defines them (the same
-- rows), for sql/postgres/rfm_users.sql and rfm_summary.sql. On Citus a reference table: a copy
-- on every node, so the scored customers join it wherever they are.
CREATE TABLE rfm_segment_map (
    r integer NOT NULL CHECK (r BETWEEN 1 AND 5),
    f integer NOT NULL CHECK (f BETWEEN 1 AND 5),
    segment text NOT NULL CHECK (segment <> ''),
    position integer NOT NULL,               -- display order of the segment (1 = first)
    PRIMARY KEY (r, f)
);

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

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        PERFORM create_reference_table('rfm_segment_map');
    END IF;
END
$$;

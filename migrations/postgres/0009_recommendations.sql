-- Item-to-item recommendations (SQLite's `recommendations`, migration 0006's): the top products
-- of each user from one scoring run of an `item_similarity` snapshot. On Citus the runs sit with
-- their users (distributed by user_id, colocated with users), as predictions do.
CREATE TABLE recommendations (
    snapshot_id bigint NOT NULL,
    user_id bigint NOT NULL,
    as_of bigint NOT NULL,
    rank bigint NOT NULL CHECK (rank >= 1),
    product_id bigint NOT NULL,
    score double precision NOT NULL,
    PRIMARY KEY (user_id, snapshot_id, as_of, rank),
    UNIQUE (user_id, snapshot_id, as_of, product_id)
);
CREATE INDEX recommendations_by_run ON recommendations (snapshot_id, as_of);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    PERFORM create_distributed_table('recommendations', 'user_id', colocate_with => 'users');
END
$$;

-- The foreign keys, after the table is distributed (as in 0002): products and the registry are
-- reference tables, users is colocated.
ALTER TABLE recommendations ADD FOREIGN KEY (snapshot_id) REFERENCES model_snapshots (id);
ALTER TABLE recommendations ADD FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE recommendations ADD FOREIGN KEY (product_id) REFERENCES products (id);

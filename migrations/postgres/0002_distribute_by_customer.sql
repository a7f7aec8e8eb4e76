-- On a server with the Citus extension, spread the warehouse over the workers (docs/SCALING.md):
-- * the customer tables are hash-distributed by customer and co-located, so one customer's user
--   row, orders, order lines and totals are in shards of the same number on the same worker, and
--   per-customer work runs there: users by id, orders and order_lines by customer_key,
--   customer_totals by user_id;
-- * the small tables that every question joins are reference tables, a full copy on every node:
--   products, the import ledger, and the kept customer-totals state, tile starts and currencies;
-- * rejected rows are distributed by their import (each import's rejects together), and the
--   natural-key lookups user_keys and order_keys by the natural key, which is what keeps those
--   keys unique across the cluster.
-- Without Citus only the foreign keys below are added: the same schema serves one PostgreSQL
-- server. Tables are distributed before any foreign key exists (Citus would otherwise turn the
-- tables referencing a new reference table into "Citus local" tables, which cannot then be
-- distributed with their identity columns), and the keys are added after, on every shard.
-- Sequential mode lets one transaction create shards and their foreign keys together.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        RETURN;
    END IF;
    PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);
    PERFORM create_reference_table('imports');
    PERFORM create_reference_table('products');
    PERFORM create_reference_table('customer_totals_state');
    PERFORM create_reference_table('rfm_tile_starts');
    PERFORM create_reference_table('order_currencies');
    PERFORM create_distributed_table('users', 'id', colocate_with => 'none');
    PERFORM create_distributed_table('orders', 'customer_key', colocate_with => 'users');
    PERFORM create_distributed_table('order_lines', 'customer_key', colocate_with => 'users');
    PERFORM create_distributed_table('customer_totals', 'user_id', colocate_with => 'users');
    PERFORM create_distributed_table('import_rejects', 'import_id', colocate_with => 'none');
    PERFORM create_distributed_table('user_keys', 'external_id', colocate_with => 'none');
    PERFORM create_distributed_table('order_keys', 'external_id', colocate_with => 'user_keys');
END
$$;

ALTER TABLE import_rejects ADD FOREIGN KEY (import_id) REFERENCES imports (id) ON DELETE CASCADE;
ALTER TABLE products ADD FOREIGN KEY (import_id) REFERENCES imports (id);
ALTER TABLE users ADD FOREIGN KEY (import_id) REFERENCES imports (id);
ALTER TABLE orders ADD FOREIGN KEY (import_id) REFERENCES imports (id);
ALTER TABLE order_lines ADD FOREIGN KEY (import_id) REFERENCES imports (id);
ALTER TABLE order_lines ADD FOREIGN KEY (product_id) REFERENCES products (id);
ALTER TABLE order_lines ADD FOREIGN KEY (customer_key, order_id) REFERENCES orders (customer_key, id);
ALTER TABLE customer_totals ADD FOREIGN KEY (user_id) REFERENCES users (id);

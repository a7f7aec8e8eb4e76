-- Views for people: ISO-8601 UTC times and exact decimal amounts, so `sqlite3 lifecycle.db`
-- reads naturally. Amount text keeps every significant decimal (at least two).

CREATE VIEW orders_v AS
SELECT o.id,
       o.external_id AS order_ref,
       u.external_id AS customer,
       strftime('%Y-%m-%dT%H:%M:%SZ', o.ordered_at, 'unixepoch') AS ordered_at_utc,
       o.kind,
       o.country,
       o.currency,
       CASE WHEN o.amount_micros < 0 THEN '-' ELSE '' END || (abs(o.amount_micros) / 1000000) || '.' ||
           substr(printf('%06d', abs(o.amount_micros) % 1000000), 1, 2) ||
           rtrim(substr(printf('%06d', abs(o.amount_micros) % 1000000), 3), '0') AS amount,
       o.line_count,
       o.item_count,
       o.import_id
FROM orders o LEFT JOIN users u ON u.id = o.user_id;

CREATE VIEW order_lines_v AS
SELECT l.id,
       o.external_id AS order_ref,
       p.external_id AS product,
       l.description,
       l.quantity,
       CASE WHEN l.unit_price_micros IS NULL THEN NULL ELSE
           CASE WHEN l.unit_price_micros < 0 THEN '-' ELSE '' END || (abs(l.unit_price_micros) / 1000000) || '.' ||
           substr(printf('%06d', abs(l.unit_price_micros) % 1000000), 1, 2) ||
           rtrim(substr(printf('%06d', abs(l.unit_price_micros) % 1000000), 3), '0') END AS unit_price,
       CASE WHEN l.amount_micros < 0 THEN '-' ELSE '' END || (abs(l.amount_micros) / 1000000) || '.' ||
           substr(printf('%06d', abs(l.amount_micros) % 1000000), 1, 2) ||
           rtrim(substr(printf('%06d', abs(l.amount_micros) % 1000000), 3), '0') AS amount,
       strftime('%Y-%m-%dT%H:%M:%SZ', l.line_at, 'unixepoch') AS line_at_utc,
       l.source_line,
       l.import_id
FROM order_lines l JOIN orders o ON o.id = l.order_id LEFT JOIN products p ON p.id = l.product_id;

CREATE VIEW events_v AS
SELECT e.id,
       e.external_id AS event_ref,
       u.external_id AS customer,
       strftime('%Y-%m-%dT%H:%M:%SZ', e.occurred_at, 'unixepoch') AS occurred_at_utc,
       e.type,
       p.external_id AS product,
       CASE WHEN e.value_micros IS NULL THEN NULL ELSE
           CASE WHEN e.value_micros < 0 THEN '-' ELSE '' END || (abs(e.value_micros) / 1000000) || '.' ||
           substr(printf('%06d', abs(e.value_micros) % 1000000), 1, 2) ||
           rtrim(substr(printf('%06d', abs(e.value_micros) % 1000000), 3), '0') END AS value,
       e.properties
FROM events e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN products p ON p.id = e.product_id;

CREATE VIEW imports_v AS
SELECT id, kind, format, file_name, file_size, sha256, status,
       strftime('%Y-%m-%dT%H:%M:%SZ', started_at, 'unixepoch') AS started_at_utc,
       strftime('%Y-%m-%dT%H:%M:%SZ', finished_at, 'unixepoch') AS finished_at_utc,
       rows_read, rows_loaded, rows_duplicate, rows_rejected,
       orders_created, guest_orders, return_orders, resumed, error
FROM imports;

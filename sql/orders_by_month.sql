-- Orders by calendar month (UTC): purchases, distinct known customers, net revenue in micro-units
-- (purchases minus returns; adjustments and write-offs included as recorded).
-- sqlite3: .param set :since 0   then   .read sql/orders_by_month.sql
SELECT strftime('%Y-%m', ordered_at, 'unixepoch') AS month,
       count(*) FILTER (WHERE kind = 'purchase') AS purchases,
       count(DISTINCT user_id) AS customers,
       sum(amount_micros) AS net_micros
FROM orders
WHERE ordered_at >= :since
GROUP BY month
ORDER BY month;

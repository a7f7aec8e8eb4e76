#!/usr/bin/env python3
"""A deterministic Online Retail style dump of the second shape issue 14 benchmarks on, which
`lifecycle generate` cannot make (its customers buy about 4 times each over 13 months):
many customers over three years, most with one or two orders, each order at a time drawn
uniformly over the three years (no seasonality, no growth), a few returns.

- customers: CUSTOMERS (default 200,000), ids 100000, 100001, ...; each has a country drawn from
  a fixed list (60% United Kingdom) and 1 order (55%), 2 (30%), 3 (10%) or 4-8 (5%);
- orders: uniform instants from 2009-01-01 00:00 to 2011-12-31 23:59 (wall clock, whole
  minutes), invoice numbers in time order; each order has 1..2 * LINES_PER_ORDER - 1 lines
  (uniform, mean LINES_PER_ORDER), products from 4,000 stock codes, quantity 1-12, a price
  from a fixed list; 3% of the orders are followed by a return (invoice C...) of one of
  their lines, 1-30 days later (dropped if that falls after the end);
- 2% guest orders (no CustomerID), as in Online Retail.

The same arguments always write the same bytes (random.Random(seed)).
Usage: python3 bench/reference/uniform_shop.py OUT.csv [CUSTOMERS] [LINES_PER_ORDER] [SEED]
Prints the lines, orders and customers written.
"""
import csv
import heapq
import random
import sys
from datetime import datetime, timedelta

START = datetime(2009, 1, 1)
MINUTES = int((datetime(2012, 1, 1) - START).total_seconds() // 60)
COUNTRIES = ["United Kingdom"] * 12 + ["Germany", "France", "EIRE", "Spain", "Netherlands", "Belgium", "Norway", "Portugal"]
PRICES = ["0.42", "0.85", "1.25", "1.65", "2.10", "2.55", "2.95", "3.39", "4.25", "4.95", "7.95", "12.75"]


def order_count(rng):
    x = rng.random()
    if x < 0.55:
        return 1
    if x < 0.85:
        return 2
    if x < 0.95:
        return 3
    return rng.randint(4, 8)


def main():
    out = sys.argv[1]
    customers = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    lines_per_order = int(sys.argv[3]) if len(sys.argv) > 3 else 14
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 42)

    orders = []  # (minute, customer id or "", country)
    for index in range(customers):
        customer, country = str(100000 + index), rng.choice(COUNTRIES)
        for _ in range(order_count(rng)):
            orders.append((rng.randrange(MINUTES), customer, country))
    for _ in range(len(orders) // 50):
        orders.append((rng.randrange(MINUTES), "", rng.choice(COUNTRIES)))
    orders.sort()

    written = returns = 0
    with open(out, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"])
        pending = []  # returns, written when their time comes (file in time order)
        for number, (minute, customer, country) in enumerate(orders):
            while pending and pending[0][0] <= minute:
                writer.writerow(heapq.heappop(pending)[2])
                written += 1
            invoice = str(1_000_000 + number)
            when = (START + timedelta(minutes=minute)).strftime("%Y-%m-%d %H:%M:%S")
            lines = []
            for _ in range(rng.randint(1, 2 * lines_per_order - 1)):
                code = str(10000 + rng.randrange(4000))
                lines.append([invoice, code, "ITEM " + code, rng.randint(1, 12), when, rng.choice(PRICES), customer, country])
            writer.writerows(lines)
            written += len(lines)
            if customer and rng.random() < 0.03:
                later = minute + rng.randint(1, 30) * 1440
                if later < MINUTES:
                    line = lines[rng.randrange(len(lines))]
                    row = ["C" + invoice, line[1], line[2], -line[3],
                           (START + timedelta(minutes=later)).strftime("%Y-%m-%d %H:%M:%S"), line[5], customer, country]
                    heapq.heappush(pending, (later, returns, row))
                    returns += 1
        while pending:
            writer.writerow(heapq.heappop(pending)[2])
            written += 1
    print(f"{out}: {written} lines, {len(orders)} orders, {returns} returns, {customers} customers")


if __name__ == "__main__":
    main()

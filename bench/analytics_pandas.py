#!/usr/bin/env python3
"""The pandas code a notebook would run for `lifecycle rfm` and `lifecycle retention --period month`,
timed, for bench/analytics.sh. Optional: needs pandas (pip install pandas); CI does not run it.

It starts from the same warehouse file as the CLI (pandas.read_sql of the orders of known
customers) and computes the same definitions (docs/QUERIES.md): RFM quintiles with ties broken by
customer id, the segment grid, and the monthly first-purchase retention triangle in UTC.

Usage: python3 bench/analytics_pandas.py WAREHOUSE.db
Prints seconds: load, rfm, retention; and a digest of the answers to compare with the CLI.
"""
import json
import sqlite3
import sys
import time

import numpy as np
import pandas as pd

GRID = {}
for cells, name in [("11 12 21 22", "Hibernating"), ("13 14 23 24", "At Risk"), ("15 25", "Can't Lose Them"),
                    ("31 32", "About To Sleep"), ("33", "Need Attention"), ("34 35 44 45", "Loyal Customers"),
                    ("41", "Promising"), ("51", "New Customers"), ("42 43 52 53", "Potential Loyalists"),
                    ("54 55", "Champions")]:
    for cell in cells.split():
        GRID[int(cell)] = name


def load(path):
    with sqlite3.connect(path) as con:
        return pd.read_sql("""
            SELECT u.external_id AS customer, o.ordered_at, o.kind, o.amount_micros
            FROM orders o JOIN users u ON u.id = o.user_id
            WHERE o.kind IN ('purchase', 'return')""", con)


def ntile5(values, ids):
    """NTILE(5) over (value, id): positions in that order, the first n % 5 tiles one larger."""
    order = np.lexsort((ids, values))
    n = len(order)
    q, rem = divmod(n, 5)
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    big = rem * (q + 1)
    return np.where(position < big, position // (q + 1) + 1, (position - big) // max(q, 1) + rem + 1)


def rfm(orders, as_of):
    before = orders[orders["ordered_at"] < as_of]
    purchases = before[before["kind"] == "purchase"]
    table = purchases.groupby("customer").agg(last=("ordered_at", "max"), frequency=("ordered_at", "size"))
    table["monetary"] = before.groupby("customer")["amount_micros"].sum().reindex(table.index)
    table["recency"] = (as_of - table["last"]) // 86400
    ids = table.index.to_numpy(dtype=str)
    table["r"] = ntile5(-table["recency"].to_numpy(), ids)
    table["f"] = ntile5(table["frequency"].to_numpy(), ids)
    table["m"] = ntile5(table["monetary"].to_numpy(), ids)
    table["segment"] = (table["r"] * 10 + table["f"]).map(GRID)
    summary = table.groupby("segment").agg(users=("r", "size"), recency=("recency", "mean"),
                                          frequency=("frequency", "mean"), revenue=("monetary", "sum"))
    summary["share"] = summary["users"] / summary["users"].sum()
    summary["revenue_share"] = summary["revenue"] / summary["revenue"].sum()
    return summary


def retention(orders, as_of):
    purchases = orders[(orders["kind"] == "purchase") & (orders["ordered_at"] < as_of)]
    when = pd.to_datetime(purchases["ordered_at"], unit="s")
    activity = pd.DataFrame({"customer": purchases["customer"].to_numpy(),
                             "month": (when.dt.year * 12 + when.dt.month - 1).to_numpy()}).drop_duplicates()
    activity["cohort"] = activity.groupby("customer")["month"].transform("min")
    activity["k"] = activity["month"] - activity["cohort"]
    counts = activity.groupby(["cohort", "k"]).size().unstack(fill_value=0)
    return counts.div(counts[0], axis=0)


def main():
    path = sys.argv[1]
    started = time.perf_counter()
    orders = load(path)
    loaded = time.perf_counter()
    as_of = (int(orders["ordered_at"].max()) // 86400 + 1) * 86400
    with sqlite3.connect(path) as con:  # the CLI's default: midnight after the last order of any kind
        as_of = (con.execute("SELECT max(ordered_at) FROM orders").fetchone()[0] // 86400 + 1) * 86400
    segments = rfm(orders, as_of)
    scored = time.perf_counter()
    triangle = retention(orders, as_of)
    done = time.perf_counter()
    print(json.dumps({
        "rows": len(orders),
        "load_seconds": round(loaded - started, 3),
        "rfm_seconds": round(scored - loaded, 3),
        "retention_seconds": round(done - scored, 3),
        "segments": {name: int(users) for name, users in segments["users"].items()},
        "triangle_k1": [round(float(x), 6) for x in triangle[1].fillna(0)] if 1 in triangle else [],
    }))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The pandas code a notebook would run for `lifecycle rfm` and `lifecycle retention --period month`,
timed, for bench/analytics.sh. Optional: needs pandas (pip install pandas); CI does not run it.

It starts from the same warehouse file as the CLI (pandas.read_sql of the orders of known
customers) and computes the same definitions (docs/QUERIES.md): RFM quintiles with ties broken by
a fixed shuffle of users.id, the segment grid, and the monthly first-purchase retention triangle in UTC.

Usage: python3 bench/analytics_pandas.py WAREHOUSE.db [ORDERS.csv]
With ORDERS.csv (the Online Retail layout the warehouse was loaded from) it also times the
notebook that starts from the dump: read_csv, invoices from lines (kind from the first line,
London time to UTC, exact amounts in millionths), then the same RFM and retention.
Prints one JSON object: seconds per step, and the segment counts and k = 1 shares to compare
with the CLI's.
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
            SELECT u.external_id AS customer, o.user_id, o.ordered_at, o.kind, o.amount_micros
            FROM orders o JOIN users u ON u.id = o.user_id
            WHERE o.kind IN ('purchase', 'return')""", con)


def ntile5(values, ties):
    """NTILE(5) over (value, tie key): positions in that order, the first n % 5 tiles one larger."""
    order = np.lexsort((ties, values))
    n = len(order)
    q, rem = divmod(n, 5)
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    big = rem * (q + 1)
    return np.where(position < big, position // (q + 1) + 1, (position - big) // max(q, 1) + rem + 1)


def load_csv(path):
    """Invoices of known customers from an Online Retail style dump."""
    raw = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str, "Description": str, "CustomerID": str,
                                   "Country": str, "UnitPrice": str}, keep_default_na=False)
    prices = {text: round(float(text) * 1_000_000) for text in raw["UnitPrice"].unique()}
    raw["amount_micros"] = raw["Quantity"].astype(np.int64) * raw["UnitPrice"].map(prices).astype(np.int64)
    local = pd.to_datetime(raw["InvoiceDate"], format="%Y-%m-%d %H:%M:%S")
    utc = local.dt.tz_localize("Europe/London", ambiguous=True, nonexistent="shift_forward").dt.tz_convert("UTC")
    raw["ordered_at"] = (utc.dt.tz_convert(None) - pd.Timestamp("1970-01-01")) // pd.Timedelta(seconds=1)
    # users.id as an import gives it: customers numbered from 1 in the order their id first occurs.
    user_ids = {customer: rank for rank, customer in enumerate(raw.loc[raw["CustomerID"] != "", "CustomerID"].drop_duplicates(), start=1)}
    grouped = raw.groupby("InvoiceNo", sort=False)
    invoices = pd.DataFrame({"customer": grouped["CustomerID"].first(), "first_quantity": grouped["Quantity"].first(),
                             "ordered_at": grouped["ordered_at"].min(), "amount_micros": grouped["amount_micros"].sum()})
    kind = np.where(invoices.index.str.startswith("C"), "return",
           np.where(invoices.index.str.startswith("A"), "adjustment",
           np.where(invoices["first_quantity"] < 0, "write_off", "purchase")))
    invoices["kind"] = kind
    last = int(invoices["ordered_at"].max())
    invoices = invoices[(invoices["customer"] != "") & invoices["kind"].isin(["purchase", "return"])]
    invoices["user_id"] = invoices["customer"].map(user_ids)
    return invoices[["customer", "user_id", "ordered_at", "kind", "amount_micros"]].reset_index(drop=True), (last // 86400 + 1) * 86400


def rfm(orders, as_of):
    before = orders[orders["ordered_at"] < as_of]
    purchases = before[before["kind"] == "purchase"]
    table = purchases.groupby("customer").agg(last=("ordered_at", "max"), frequency=("ordered_at", "size"))
    table["monetary"] = before.groupby("customer")["amount_micros"].sum().reindex(table.index)
    table["recency"] = (as_of - table["last"]) // 86400
    # The tie key (docs/QUERIES.md, "Scores"): users.id x 1327217885 modulo 2^31.
    ties = (purchases.groupby("customer")["user_id"].first().reindex(table.index) * 1327217885 % 2**31).to_numpy()
    table["r"] = ntile5(-table["recency"].to_numpy(), ties)
    table["f"] = ntile5(table["frequency"].to_numpy(), ties)
    table["m"] = ntile5(table["monetary"].to_numpy(), ties)
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


def run(orders, as_of):
    started = time.perf_counter()
    segments = rfm(orders, as_of)
    scored = time.perf_counter()
    triangle = retention(orders, as_of)
    done = time.perf_counter()
    digest = {"segments": {name: int(users) for name, users in segments["users"].items()},
              "k1": [round(float(x), 6) for x in triangle[1].fillna(0)] if 1 in triangle else []}
    return scored - started, done - scored, digest


def main():
    path = sys.argv[1]
    result = {}
    started = time.perf_counter()
    orders = load(path)
    loaded = time.perf_counter()
    with sqlite3.connect(path) as con:  # the CLI's default: midnight after the last order of any kind
        as_of = (con.execute("SELECT max(ordered_at) FROM orders").fetchone()[0] // 86400 + 1) * 86400
    rfm_seconds, retention_seconds, digest = run(orders, as_of)
    result["warehouse"] = {"rows": len(orders), "load_seconds": round(loaded - started, 3),
                           "rfm_seconds": round(rfm_seconds, 3), "retention_seconds": round(retention_seconds, 3)}
    result["digest"] = digest
    if len(sys.argv) > 2:
        started = time.perf_counter()
        invoices, csv_as_of = load_csv(sys.argv[2])
        loaded = time.perf_counter()
        rfm_seconds, retention_seconds, csv_digest = run(invoices, csv_as_of)
        result["csv"] = {"rows": len(invoices), "load_seconds": round(loaded - started, 3),
                         "rfm_seconds": round(rfm_seconds, 3), "retention_seconds": round(retention_seconds, 3),
                         "same_answers": csv_digest == digest}
    print(json.dumps(result))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Independent reference for the Online Retail conformance test (Tests/WarehouseTests/AnalyticsConformanceTests.swift).

Computes, with pandas straight from the raw CSV and without the warehouse, the RFM segment counts
and the monthly cohort retention triangle under the definitions of docs/QUERIES.md:

- an invoice is one order; its kind comes from its first line in file order: InvoiceNo starting
  with C = return, A = adjustment, otherwise a negative quantity = write-off, else purchase;
  its time is the earliest line time; InvoiceDate is London wall-clock time, converted to UTC;
- a customer is a CustomerID with at least one purchase invoice before as-of; guest invoices
  (no CustomerID), adjustments and write-offs are left out;
- as-of = midnight UTC after the last invoice (2011-12-10);
- recency = whole days from the last purchase to as-of; frequency = purchase invoices;
  monetary = net amount of purchase and return invoices, exact (integer millionths);
- scores: NTILE(5) over customers sorted by (value, tie key) -- the first n % 5 tiles one
  larger, as numpy.array_split cuts -- recency from oldest to newest (R 5 = newest); the tie key
  is a fixed shuffle of the customer's users.id, never the id's text (so a pseudonymised
  warehouse scores the same): users.id numbers customers 1, 2, ... in the order their id first
  occurs in the file, and the key is (id x 1327217885) mod 2^31;
- segments from (R, F) by the standard grid;
- cohorts: UTC calendar month of the first purchase; a customer counts at offset k when she
  has a purchase invoice in month cohort + k.

Usage: python3 bench/reference/online_retail.py ../shared/data/online-retail/online_retail.csv.gz
Prints the numbers pinned in the test, as Swift literals.
"""
import sys
from decimal import Decimal

import numpy as np
import pandas as pd

path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/online-retail/online_retail.csv.gz"
raw = pd.read_csv(path, dtype=str, keep_default_na=False)

# Exact amounts in millionths: quantity x unit price, with the price parsed as a decimal.
price_micros = {text: int(Decimal(text) * 1_000_000) for text in raw["UnitPrice"].unique()}
raw["quantity"] = raw["Quantity"].astype(np.int64)
raw["amount"] = raw["quantity"] * raw["UnitPrice"].map(price_micros).astype(np.int64)
local = pd.to_datetime(raw["InvoiceDate"], format="%Y-%m-%d %H:%M:%S")
raw["at"] = local.dt.tz_localize("Europe/London").dt.tz_convert("UTC").dt.tz_localize(None)

first = raw.groupby("InvoiceNo", sort=False).first()
invoices = pd.DataFrame({
    "customer": first["CustomerID"],
    "first_quantity": first["quantity"],
    "at": raw.groupby("InvoiceNo", sort=False)["at"].min(),
    "amount": raw.groupby("InvoiceNo", sort=False)["amount"].sum(),
})
invoices["kind"] = np.where(invoices.index.str.upper().str.startswith("C"), "return",
                   np.where(invoices.index.str.upper().str.startswith("A"), "adjustment",
                   np.where(invoices["first_quantity"] < 0, "write_off", "purchase")))

as_of = invoices["at"].max().normalize() + pd.Timedelta(days=1)
known = invoices[(invoices["customer"] != "") & (invoices["at"] < as_of)]
purchases = known[known["kind"] == "purchase"]
net = known[known["kind"].isin(["purchase", "return"])]

rfm = pd.DataFrame({
    "last": purchases.groupby("customer")["at"].max(),
    "frequency": purchases.groupby("customer").size(),
})
rfm["monetary"] = net.groupby("customer")["amount"].sum().reindex(rfm.index)
rfm["recency"] = ((as_of - rfm["last"]).dt.total_seconds() // 86400).astype(np.int64)
rfm = rfm.reset_index().rename(columns={"customer": "id"})
# The tie key: users.id is the customer's rank by first occurrence in the file, from 1.
user_id = {customer: rank for rank, customer in enumerate(raw.loc[raw["CustomerID"] != "", "CustomerID"].drop_duplicates(), start=1)}
rfm["tie"] = rfm["id"].map(user_id) * 1327217885 % 2**31


def ntile5(frame, column, descending=False):
    key = -frame[column] if descending else frame[column]
    order = frame.assign(key=key).sort_values(["key", "tie"], kind="mergesort").index.to_numpy()
    scores = pd.Series(0, index=frame.index)
    for tile, chunk in enumerate(np.array_split(order, 5), start=1):
        scores[chunk] = tile
    return scores


rfm["r"] = ntile5(rfm, "recency", descending=True)
rfm["f"] = ntile5(rfm, "frequency")
rfm["m"] = ntile5(rfm, "monetary")

grid = {}
for cells, name in [("11 12 21 22", "Hibernating"), ("13 14 23 24", "At Risk"), ("15 25", "Can't Lose Them"),
                    ("31 32", "About To Sleep"), ("33", "Need Attention"), ("34 35 44 45", "Loyal Customers"),
                    ("41", "Promising"), ("51", "New Customers"), ("42 43 52 53", "Potential Loyalists"),
                    ("54 55", "Champions")]:
    for cell in cells.split():
        grid[(int(cell[0]), int(cell[1]))] = name
rfm["segment"] = [grid[(r, f)] for r, f in zip(rfm["r"], rfm["f"])]

print(f"// as of {as_of}, {len(rfm)} customers, net revenue {rfm['monetary'].sum()} micros")
print("static let segments: [String: Int] = [")
for name, count in rfm["segment"].value_counts().sort_index().items():
    print(f'    "{name}": {count},')
print("]")
# A fingerprint of every customer's three scores: sum of customer id x RFM code (e.g. 545).
fingerprint = int(sum(int(i) * (r * 100 + f * 10 + m) for i, r, f, m in zip(rfm["id"], rfm["r"], rfm["f"], rfm["m"])))
print(f"static let scoreFingerprint = {fingerprint}")
for column in ["r", "f", "m"]:
    print(f"// {column}: " + ", ".join(f"{k}={v}" for k, v in rfm[column].value_counts().sort_index().items()))

# Monthly cohorts of first purchase (UTC months), customers active per month offset.
month = purchases["at"].dt.year * 12 + purchases["at"].dt.month - 1
activity = pd.DataFrame({"customer": purchases["customer"], "month": month}).drop_duplicates()
cohort = activity.groupby("customer")["month"].min().rename("cohort")
activity = activity.join(cohort, on="customer")
activity["k"] = activity["month"] - activity["cohort"]
triangle = activity.groupby(["cohort", "k"])["customer"].nunique().unstack(fill_value=0)
print("static let triangle: [(cohort: String, counts: [Int])] = [")
last_month = (as_of - pd.Timedelta(seconds=1)).year * 12 + (as_of - pd.Timedelta(seconds=1)).month - 1
for c, row in triangle.iterrows():
    counts = [int(row.get(k, 0)) for k in range(0, last_month - c + 1)]
    print(f'    ("{c // 12:04d}-{c % 12 + 1:02d}", {counts}),')
print("]")

#!/usr/bin/env python3
"""Independent reference for the CDNOW conformance tests in LearningTests.

Needs numpy and scipy only (no pandas, no lifetimes). Run from anywhere:

    python3 Tests/LearningTests/reference/cdnow_reference.py [path/to/CDNOW_sample.txt]

It builds the calibration summary exactly as the Swift code does (calibration ends 1997-09-30
inclusive, weeks = days / 7, same-day purchases collapsed and their values summed, monetary value =
mean value of the repeat purchase days), checks it against cdnow_customers_summary.csv, and fits
BG/NBD and Gamma-Gamma by maximum likelihood with scipy.optimize (L-BFGS-B on log-parameters,
numerical gradients, so nothing is shared with the Swift code but the data).
"""
import datetime as dt
import os
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "cdnow"))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(DATA, "CDNOW_sample.txt")
summary_path = os.path.join(os.path.dirname(path), "cdnow_customers_summary.csv")

END = dt.date(1997, 9, 30)

days = {}  # sample_id -> {date: summed value}
with open(path) as f:
    for line in f:
        parts = line.split()
        if not parts:
            continue
        sid = int(parts[1])
        d = dt.datetime.strptime(parts[2], "%Y%m%d").date()
        value = float(parts[4])
        per = days.setdefault(sid, {})
        per[d] = per.get(d, 0.0) + value

ids = sorted(days)
x, tx, T, m = [], [], [], []
for sid in ids:
    dates = sorted(d for d in days[sid] if d <= END)
    first = dates[0]
    x.append(len(dates) - 1)
    tx.append((dates[-1] - first).days / 7)
    T.append((END - first).days / 7)
    repeat = [days[sid][d] for d in dates[1:]]
    m.append(np.mean(repeat) if repeat else 0.0)
x, tx, T, m = map(np.array, (x, tx, T, m))
print(f"customers={len(ids)} repeaters={int((x > 0).sum())} sum_x={int(x.sum())}")

# Compare with the papers' summary (rounded to 2 decimals there).
pub = np.genfromtxt(summary_path, delimiter=",", names=True)
assert len(pub) == len(ids)
order = np.argsort(pub["ID"])
pub = pub[order]
assert np.all(pub["ID"] == np.array(ids))
print("frequency equal:", np.all(pub["frequency"] == x))
print("recency max |diff|:", np.abs(np.round(tx, 2) - pub["recency"]).max())
print("T max |diff|:", np.abs(np.round(T, 2) - pub["T"]).max())


def bgnbd_nll(logp, x, tx, T):
    r, alpha, a, b = np.exp(logp)
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    A3 = -(r + x) * np.log(alpha + T)
    xm = np.maximum(x, 1)
    A4 = np.where(x > 0, np.log(a) - np.log(b + xm - 1) - (r + x) * np.log(alpha + tx), -np.inf)
    ll = A1 + A2 + np.logaddexp(A3, A4)
    return -ll.sum()


fit = minimize(bgnbd_nll, np.zeros(4), args=(x, tx, T), method="L-BFGS-B",
               options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10000})
# Polish with Nelder-Mead (no gradients at all): L-BFGS-B's finite-difference gradients stop it
# a few 1e-6 short of the maximum.
fit = minimize(bgnbd_nll, fit.x, args=(x, tx, T), method="Nelder-Mead",
               options={"xatol": 1e-11, "fatol": 1e-12, "maxiter": 20000, "maxfev": 40000})
r, alpha, a, b = np.exp(fit.x)
print(f"BG/NBD r={r:.9f} alpha={alpha:.9f} a={a:.9f} b={b:.9f} LL={-fit.fun:.9f}")

# Same fit on the papers' (rounded) summary, for comparison.
fit_pub = minimize(bgnbd_nll, np.zeros(4), args=(pub["frequency"], pub["recency"], pub["T"]),
                   method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10000})
print("BG/NBD on published summary:", np.round(np.exp(fit_pub.x), 6), f"LL={-fit_pub.fun:.6f}")


def gg_nll(logp, x, m):
    p, q, v = np.exp(logp)
    ll = (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v)
          + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(x * m + v))
    return -ll.sum()


rep = x > 0
print("repeaters with m == 0:", int((m[rep] == 0).sum()))
fit_gg = minimize(gg_nll, np.zeros(3), args=(x[rep], m[rep]), method="L-BFGS-B",
                  options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10000})
fit_gg = minimize(gg_nll, fit_gg.x, args=(x[rep], m[rep]), method="Nelder-Mead",
                  options={"xatol": 1e-11, "fatol": 1e-12, "maxiter": 20000, "maxfev": 40000})
p, q, v = np.exp(fit_gg.x)
print(f"Gamma-Gamma p={p:.9f} q={q:.9f} gamma={v:.9f} LL={-fit_gg.fun:.9f}")

# Which monetary definition reproduces the published Gamma-Gamma estimates? Two alternatives:
# (b) mean over all calibration purchase days, the first included; (c) mean of repeat rows
# without collapsing same-day rows (x then counts rows).
def gg_fit(xs, ms):
    xs, ms = np.asarray(xs, float), np.asarray(ms, float)
    f = minimize(gg_nll, np.zeros(3), args=(xs, ms), method="L-BFGS-B")
    return np.round(np.exp(f.x), 2)

alt_b_x, alt_b_m, alt_c_x, alt_c_m = [], [], [], []
with open(path) as f:
    raw = {}
    for line in f:
        parts = line.split()
        d = dt.datetime.strptime(parts[2], "%Y%m%d").date()
        if d <= END:
            raw.setdefault(int(parts[1]), []).append((d, float(parts[4])))
for sid in ids:
    per_day = days[sid]
    dates = sorted(d for d in per_day if d <= END)
    if len(dates) > 1:
        alt_b_x.append(len(dates) - 1)
        alt_b_m.append(np.mean([per_day[d] for d in dates]))
    repeat_rows = [v for d, v in raw[sid] if d != dates[0]]
    if repeat_rows:
        alt_c_x.append(len(repeat_rows))
        alt_c_m.append(np.mean(repeat_rows))
print("Gamma-Gamma with (b) all days incl. first:", gg_fit(alt_b_x, alt_b_m))
print("Gamma-Gamma with (c) repeat rows, no same-day collapse:", gg_fit(alt_c_x, alt_c_m))

# Predictions used as reference values in the Swift tests, at the published (rounded) parameters
# so that the reference does not depend on how precisely either side maximised the likelihood.
r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
p, q, v = 6.25, 3.74, 15.44


def expected_new(t):
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))


def conditional(t, x, tx, T):
    hyp = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    first = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
    second = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x)
    return first / second


def p_alive(x, tx, T):
    return 1 / (1 + (x > 0) * a / (b + max(x, 1) - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def gg_mean(x, m):
    return p * (v + x * m) / (p * x + q - 1)


def clv(x, tx, T, m, months=12, discount=0.01, factor=4.345):
    """lifetimes' _customer_lifetime_value: monthly steps of `factor` weeks, discounted."""
    total = 0.0
    for i in np.arange(1, months + 1) * factor:
        n = conditional(i, x, tx, T) - conditional(i - factor, x, tx, T)
        total += gg_mean(x, m) * n / (1 + discount) ** (i / factor)
    return total


print("at r=0.243 alpha=4.414 a=0.793 b=2.426, p=6.25 q=3.74 gamma=15.44:")
for t in (1, 39, 78, 520):
    print(f"  E[X({t})]={expected_new(t)!r}")
for (cx, ctx, cT) in [(0, 0.0, 38.86), (2, 30.43, 38.86), (7, 35.0, 38.0), (1, 1.71, 38.86), (40, 38.0, 39.0)]:
    print(f"  x={cx} tx={ctx} T={cT}: E[Y(39)]={conditional(39, cx, ctx, cT)!r} P(alive)={p_alive(cx, ctx, cT)!r}")
for (cx, m_) in [(0, 0.0), (1, 20.0), (6, 45.5)]:
    print(f"  x={cx} m={m_}: E[M]={gg_mean(cx, m_)!r}")
for (cx, ctx, cT, m_) in [(0, 0.0, 38.86, 0.0), (2, 30.43, 38.86, 21.5), (7, 35.0, 38.0, 45.5)]:
    print(f"  CLV(12 months, 1%/month) x={cx} tx={ctx} T={cT} m={m_}: {clv(cx, ctx, cT, m_)!r}")

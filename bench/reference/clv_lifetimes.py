"""Reference fit for bench/clv.sh: the same BG/NBD + Gamma-Gamma fit with the Python lifetimes
package, on the customer summary `lifecycle clv summary --format csv` printed (so both sides fit
identical data). Prints the parameters and the seconds each fit took.

Usage: python3 bench/reference/clv_lifetimes.py SUMMARY.csv
Needs: pip install lifetimes (pulls in pandas, scipy, autograd).
"""
import sys
import time

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter

summary = pd.read_csv(sys.argv[1], dtype={"customer": str})
start = time.perf_counter()
bgf = BetaGeoFitter(penalizer_coef=0.0)
bgf.fit(summary["frequency"], summary["recency"], summary["T"])
bgnbd_seconds = time.perf_counter() - start

repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
start = time.perf_counter()
ggf = GammaGammaFitter(penalizer_coef=0.0)
ggf.fit(repeat["frequency"], repeat["monetary_value"])
gamma_gamma_seconds = time.perf_counter() - start

p = bgf.params_
g = ggf.params_
print(f"customers {len(summary)}, repeat buyers {len(repeat)}")
print(f"BG/NBD      r {p['r']:.4f} alpha {p['alpha']:.4f} a {p['a']:.4f} b {p['b']:.4f}   fit {bgnbd_seconds:.2f} s")
print(f"Gamma-Gamma p {g['p']:.4f} q {g['q']:.4f} gamma {g['v']:.4f}   fit {gamma_gamma_seconds:.2f} s")

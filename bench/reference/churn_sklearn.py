"""Independent reference for `lifecycle train churn`: the same features, fitted and scored by
scikit-learn. Reads user_features and orders from a warehouse file with Python's sqlite3, builds
the model's 25 inputs with numpy (written here from docs, not from the Swift code's SQL),
standardises them, fits LogisticRegression(C=1/λ) — the same objective as the Swift Newton fit:
−Σ ℓᵢ + (λ/2)‖β‖² on standardised slopes, intercept unpenalised — and prints ROC AUC and log loss
on the holdout as-of, for the model and for the recency-only baseline.

Usage: python3 bench/reference/churn_sklearn.py DB TRAIN_AS_OF EVAL_AS_OF HORIZON_DAYS [L2]
(as-ofs are YYYY-MM-DD, midnight UTC; feature rows for both must have been built).
Needs numpy and scikit-learn (pip install scikit-learn).
"""
import sqlite3
import sys
from datetime import datetime, timezone

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.preprocessing import StandardScaler


def instant(day):
    return int(datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp())


def dataset(db, as_of, horizon):
    rows = db.execute("SELECT * FROM user_features WHERE as_of = ? ORDER BY user_id", (as_of,)).fetchall()
    cols = [d[0] for d in db.execute("SELECT * FROM user_features LIMIT 0").description]
    f = {name: np.array([r[i] for r in rows], dtype=object) for i, name in enumerate(cols)}

    def num(name, fill=0.0):
        return np.array([fill if v is None else float(v) for v in f[name]])

    def present(name):
        return np.array([0.0 if v is None else 1.0 for v in f[name]])

    log1p = np.log1p
    x = np.column_stack([
        log1p(num("recency_days")), log1p(num("frequency")), np.arcsinh(num("monetary_micros") / 1e6),
        log1p(num("tenure_days")), log1p(np.maximum(num("avg_order_value_micros"), 0) / 1e6),
        log1p(num("orders_30d")), log1p(num("orders_90d")), log1p(num("orders_365d")),
        log1p(np.maximum(num("revenue_30d_micros"), 0) / 1e6), log1p(np.maximum(num("revenue_90d_micros"), 0) / 1e6),
        log1p(np.maximum(num("revenue_365d_micros"), 0) / 1e6),
        present("mean_days_between_orders"), log1p(num("mean_days_between_orders")), log1p(num("sd_days_between_orders")),
        log1p(num("returns_count")), num("return_share"), log1p(num("distinct_products")),
        log1p(num("views_30d")), log1p(num("carts_30d")), log1p(num("purchase_events_30d")), log1p(num("reviews_30d")),
        present("days_since_last_event"), log1p(num("days_since_last_event")),
        present("avg_review_score"), num("avg_review_score"),
    ])
    buyers = {u for (u,) in db.execute(
        "SELECT DISTINCT user_id FROM orders WHERE kind = 'purchase' AND ordered_at >= ? AND ordered_at < ?",
        (as_of, as_of + horizon * 86400))}
    y = np.array([0 if u in buyers else 1 for u in f["user_id"]])
    return x, y


def fit_and_score(x_train, y_train, x_test, y_test, l2):
    scaler = StandardScaler().fit(x_train)
    # Constant columns (e.g. no reviews at all) have zero spread; the Swift standardiser leaves them at 0 too.
    scaler.scale_[scaler.scale_ == 0] = 1.0
    model = LogisticRegression(C=1.0 / l2, tol=1e-12, max_iter=10000).fit(scaler.transform(x_train), y_train)
    p = model.predict_proba(scaler.transform(x_test))[:, 1]
    return roc_auc_score(y_test, p), log_loss(y_test, p)


def main():
    path, train_day, eval_day, horizon = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    l2 = float(sys.argv[5]) if len(sys.argv) > 5 else 1.0
    db = sqlite3.connect(path)
    x_train, y_train = dataset(db, instant(train_day), horizon)
    x_test, y_test = dataset(db, instant(eval_day), horizon)
    auc, loss = fit_and_score(x_train, y_train, x_test, y_test, l2)
    base_auc, base_loss = fit_and_score(x_train[:, :1], y_train, x_test[:, :1], y_test, l2)
    print(f"rows train={len(y_train)} holdout={len(y_test)}")
    print(f"model    roc_auc={auc:.10f} log_loss={loss:.10f}")
    print(f"baseline roc_auc={base_auc:.10f} log_loss={base_loss:.10f}")


if __name__ == "__main__":
    main()

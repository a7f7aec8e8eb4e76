"""Reference for `lifecycle train churn --model gbt`: the same 25 churn inputs (built from
user_features by churn_sklearn.dataset, written from the docs), fitted by LightGBM and by
scikit-learn's HistGradientBoostingClassifier with the settings `lifecycle train churn --model gbt`
uses by default (100 rounds, learning rate 0.1, 31 leaves, 20 rows per leaf, no L2, 255 bins,
early stopping on a 10% validation split after 10 rounds without improvement; then again with all
100 rounds on every training row, where no random split is involved), timed, and scored on the
holdout as-of: ROC AUC and log loss.

Usage: python3 bench/reference/churn_gbt.py DB TRAIN_AS_OF EVAL_AS_OF HORIZON_DAYS [THREADS]
(feature rows for both as-ofs must have been built, e.g. by `lifecycle train churn`).
Needs numpy, scikit-learn and lightgbm (pip install scikit-learn lightgbm).
"""
import os
import warnings
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from churn_sklearn import dataset, instant  # noqa: E402

import lightgbm as lgb  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.metrics import log_loss, roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402


def main():
    warnings.filterwarnings("ignore")
    path, train_day, eval_day, horizon = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else os.cpu_count()
    db = sqlite3.connect(path)
    x_train, y_train = dataset(db, instant(train_day), horizon)
    x_test, y_test = dataset(db, instant(eval_day), horizon)
    print(f"rows train={len(y_train)} holdout={len(y_test)} features={x_train.shape[1]} threads={threads}")

    for early in (True, False):
        label = "" if early else " (100 rounds, no early stopping)"
        start = time.perf_counter()
        hist = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20,
                                              l2_regularization=0.0, max_bins=255, early_stopping=early,
                                              validation_fraction=0.1, n_iter_no_change=10, tol=1e-7, random_state=0)
        hist.fit(x_train, y_train)
        seconds = time.perf_counter() - start
        p = hist.predict_proba(x_test)[:, 1]
        print(f"sklearn_hist  roc_auc={roc_auc_score(y_test, p):.6f} log_loss={log_loss(y_test, p):.6f} "
              f"trees={hist.n_iter_} train_seconds={seconds:.3f}{label}")

        # LightGBM: with early stopping on the same share held out, or all rounds on every row.
        start = time.perf_counter()
        booster = lgb.LGBMClassifier(n_estimators=100, learning_rate=0.1, num_leaves=31, min_child_samples=20,
                                     reg_lambda=0.0, max_bin=255, min_child_weight=1e-3, subsample=1.0, colsample_bytree=1.0,
                                     n_jobs=threads, verbose=-1)
        if early:
            fit_x, val_x, fit_y, val_y = train_test_split(x_train, y_train, test_size=0.1, stratify=y_train, random_state=0)
            booster.fit(fit_x, fit_y, eval_set=[(val_x, val_y)], eval_metric="binary_logloss",
                        callbacks=[lgb.early_stopping(10, verbose=False)])
        else:
            booster.fit(x_train, y_train)
        seconds = time.perf_counter() - start
        p = booster.predict_proba(x_test)[:, 1]
        print(f"lightgbm      roc_auc={roc_auc_score(y_test, p):.6f} log_loss={log_loss(y_test, p):.6f} "
              f"trees={booster.best_iteration_ or booster.n_estimators} train_seconds={seconds:.3f}{label}")

if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference for `lifecycle train churn --model sequence`: the same GRU trained by PyTorch on the
same histories, timed, and scored on the same holdout (outside CI: torch is gigabytes).

The histories are read with the warehouse's own `sql/churn_sequences.sql` (24 weeks by default)
and turned into the model's 10 inputs exactly as docs/LEARNING.md ("The sequence model in the
warehouse") defines them; the label is "no purchase within the horizon after the as-of" for every
customer with a purchase before it. The settings are `train churn --model sequence`'s defaults:
nn.GRU(10, 16, batch_first=True) + nn.Linear(16, 1), inputs standardised per feature over the
training periods, Adam (lr 0.01), mini-batches of 64, clip_grad_norm_(1.0), at most 30 epochs,
early stopping after 3 epochs without a lower loss on a stratified 10% of the training customers.
PyTorch runs on THREADS threads (default: every core) in float32 (what a user would pick) and
then, with --float64, in float64 (lifecycle's precision).

Usage: python3 bench/reference/sequence_torch_train.py DB TRAIN_AS_OF EVAL_AS_OF HORIZON_DAYS [THREADS] [--float64]
(dates as YYYY-MM-DD, UTC midnight). Needs numpy, scikit-learn and torch.
"""
import calendar
import datetime
import os
import sqlite3
import sys
import time

import numpy as np
import torch
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import train_test_split

PERIOD_SECONDS, PERIODS = 7 * 86400, 24
SQL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sql", "churn_sequences.sql")


def instant(day):
    return calendar.timegm(datetime.date.fromisoformat(day).timetuple())


def histories(db, as_of, horizon_days):
    """[customers, periods, 10] inputs and the churn labels, customers in user id order."""
    rows = db.execute(open(SQL).read(), {"as_of": as_of, "period_seconds": PERIOD_SECONDS, "periods": PERIODS,
                                         "first_user": 0, "last_user": 2**63 - 1}).fetchall()
    users = sorted({r[0] for r in rows})
    index = {u: i for i, u in enumerate(users)}
    x = np.zeros((len(users), PERIODS, 10))
    for (user, period, purchases, net_micros, returns, views, carts, purchase_events, reviews, mean_review,
         days_since) in rows:
        x[index[user], period] = [np.log1p(purchases), np.arcsinh(net_micros / 1e6), np.log1p(returns), np.log1p(views),
                                  np.log1p(carts), np.log1p(purchase_events), np.log1p(reviews),
                                  0.0 if mean_review is None else mean_review, 0.0 if days_since is None else 1.0,
                                  np.log1p(0.0 if days_since is None else days_since)]
    buyers = {u for (u,) in db.execute(
        "SELECT DISTINCT user_id FROM orders WHERE kind = 'purchase' AND ordered_at >= ? AND ordered_at < ?",
        (as_of, as_of + horizon_days * 86400))}
    y = np.array([0.0 if u in buyers else 1.0 for u in users])
    return x, y


class Churn(torch.nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.gru = torch.nn.GRU(d, h, batch_first=True)
        self.out = torch.nn.Linear(h, 1)

    def forward(self, x):
        _, final = self.gru(x)
        return self.out(final[0]).squeeze(1)


def fit(x, y, dtype, seed=0):
    fit_x, val_x, fit_y, val_y = train_test_split(x, y, test_size=0.1, stratify=y, random_state=seed)
    torch.manual_seed(seed)
    model = Churn(x.shape[2], 16).to(dtype)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    tx, ty = torch.tensor(fit_x, dtype=dtype), torch.tensor(fit_y, dtype=dtype)
    vx, vy = torch.tensor(val_x, dtype=dtype), torch.tensor(val_y, dtype=dtype)
    best, best_loss, stale, epochs = None, float("inf"), 0, 0
    generator = torch.Generator().manual_seed(seed)
    for epoch in range(30):
        epochs += 1
        model.train()
        for batch in torch.randperm(len(ty), generator=generator).split(64):
            optimiser.zero_grad()
            loss = loss_fn(model(tx[batch]), ty[batch])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
        model.eval()
        with torch.no_grad():
            validation = loss_fn(model(vx), vy).item()
        if validation < best_loss:
            best, best_loss, stale = {k: v.clone() for k, v in model.state_dict().items()}, validation, 0
        else:
            stale += 1
            if stale >= 3:
                break
    model.load_state_dict(best)
    return model, epochs


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path, train_day, eval_day, horizon = args[0], args[1], args[2], int(args[3])
    threads = int(args[4]) if len(args) > 4 else os.cpu_count()
    torch.set_num_threads(threads)
    db = sqlite3.connect(path)
    start = time.perf_counter()
    x_train, y_train = histories(db, instant(train_day), horizon)
    x_test, y_test = histories(db, instant(eval_day), horizon)
    read = time.perf_counter() - start
    mean = x_train.reshape(-1, x_train.shape[2]).mean(axis=0)
    sd = x_train.reshape(-1, x_train.shape[2]).std(axis=0)
    sd[sd == 0] = 1
    x_train, x_test = (x_train - mean) / sd, (x_test - mean) / sd
    print(f"torch {torch.__version__} threads={threads} histories train={len(y_train)} holdout={len(y_test)} "
          f"periods={PERIODS} inputs={x_train.shape[2]} read_seconds={read:.1f}")
    for dtype in [torch.float32] + ([torch.float64] if "--float64" in sys.argv else []):
        start = time.perf_counter()
        model, epochs = fit(x_train, y_train, dtype)
        seconds = time.perf_counter() - start
        with torch.no_grad():
            p = torch.sigmoid(model(torch.tensor(x_test, dtype=dtype))).double().numpy()
        print(f"pytorch_gru {str(dtype).replace('torch.', ''):8s} roc_auc={roc_auc_score(y_test, p):.6f} "
              f"log_loss={log_loss(y_test, p):.6f} epochs={epochs} fit_seconds={seconds:.2f} "
              f"seconds_per_epoch={seconds / epochs:.2f}")


if __name__ == "__main__":
    main()

"""Independent reference for the item-to-item neighbours of `lifecycle train recommendations`:
the same cosine similarities computed with scipy sparse matrices, timed, and compared with the
neighbours stored in a warehouse snapshot.

Reads the purchase pairs with Python's sqlite3 (purchase orders of known users before the
snapshot's as-of, merchandise products, quantity >= 1; written here from docs/SCHEMA.md, not from
the Swift code), builds the binary user × product matrix X, computes C = XᵀX (co-buyer counts),
cosine = C / √(nᵢ nⱼ) with the diagonal removed, keeps the top K per product (ties by product id),
and checks them against the snapshot's weights (docs/FORMATS.md, item_similarity layout).

Usage: python3 bench/reference/recommendations_scipy.py DB [MODEL_REF]   (default recommendations@1)
Needs numpy and scipy.
"""
import json
import sqlite3
import struct
import sys
import time

import numpy as np
import scipy.sparse as sp


def snapshot(db, reference):
    name, version = reference.split("@")
    return db.execute("SELECT training_as_of, hyperparameters, weights FROM model_snapshots WHERE name = ? AND version = ?",
                      (name, int(version))).fetchone()


def tensors(blob):
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    header.pop("__metadata__")
    out = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        out[name] = np.frombuffer(blob[8 + n + begin:8 + n + end], dtype="<f8")
    return out


def pairs(db, as_of):
    rows = db.execute("""
        SELECT DISTINCT o.user_id, l.product_id FROM orders o JOIN order_lines l ON l.order_id = o.id
        JOIN products p ON p.id = l.product_id
        WHERE o.kind = 'purchase' AND o.user_id IS NOT NULL AND p.is_merchandise = 1 AND l.quantity > 0
          AND o.ordered_at < ?""", (as_of,)).fetchall()
    return np.array(rows, dtype=np.int64)


def neighbours(data, k):
    users, user_index = np.unique(data[:, 0], return_inverse=True)
    items, item_index = np.unique(data[:, 1], return_inverse=True)
    x = sp.csr_matrix((np.ones(len(data)), (user_index, item_index)), shape=(len(users), len(items)))
    co = (x.T @ x).tocsr()
    buyers = np.asarray(x.sum(axis=0)).ravel()
    co.setdiag(0)
    co.eliminate_zeros()
    coo = co.tocoo()
    similarity = coo.data / np.sqrt(buyers[coo.row] * buyers[coo.col])
    cosine = sp.csr_matrix((similarity, (coo.row, coo.col)), shape=co.shape)
    top = {}
    for i in range(cosine.shape[0]):
        begin, end = cosine.indptr[i], cosine.indptr[i + 1]
        if begin == end:
            continue
        cols, vals = cosine.indices[begin:end], cosine.data[begin:end]
        order = np.lexsort((items[cols], -vals))[:k]
        top[int(items[i])] = (items[cols[order]], vals[order])
    return top, len(users), len(items)


def main():
    db = sqlite3.connect(sys.argv[1])
    reference = sys.argv[2] if len(sys.argv) > 2 else "recommendations@1"
    as_of, hyper, blob = snapshot(db, reference)
    k = json.loads(hyper)["neighbours"]
    data = pairs(db, as_of)
    start = time.perf_counter()
    top, n_users, n_items = neighbours(data, k)
    elapsed = time.perf_counter() - start
    print(f"scipy: {n_users} users x {n_items} products, {len(data)} pairs: top-{k} cosine neighbours in {elapsed:.3f} s")

    t = tensors(blob)
    offsets = t["neighbour_offsets"].astype(np.int64)
    stored = {int(item): (t["neighbour_items"][offsets[i]:offsets[i + 1]].astype(np.int64),
                          t["neighbour_similarities"][offsets[i]:offsets[i + 1]])
              for i, item in enumerate(t["items"])}
    same_items = set(stored) == set(top)
    same_lists = sum(1 for item in top if item in stored and np.array_equal(stored[item][0], top[item][0]))
    worst = max((np.max(np.abs(stored[i][1] - top[i][1])) for i in top if i in stored and len(stored[i][1]) == len(top[i][1])), default=0.0)
    print(f"{reference}: same products with neighbours: {same_items}; identical neighbour lists: {same_lists} of {len(top)}; "
          f"largest similarity difference: {worst:.3g}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Read a model exported by `lifecycle models export NAME@VERSION --out FILE` with numpy alone.

Usage: python3 examples/read_weights.py churn-3.safetensors [ROWS.csv]

With ROWS.csv (one row of raw feature values per line, no header) and a `gradient_boosted_trees`
model, it also prints P(y = 1) for each row, evaluating the trees with numpy alone
(`predict_gradient_boosted_trees`).

Prints the snapshot (from the FILE.json sidecar when it is there), checks the weights' sha256,
and lists each tensor with its shape and first values. The layout is documented in
docs/FORMATS.md ("Model weights"); the `safetensors` package reads the same file
(`safetensors.numpy.load_file`), but loses the tensor order, which `tensor_order` keeps.
"""
import hashlib
import json
import os
import struct
import sys

import numpy as np


def read_weights(path):
    """Return (metadata, {name: array}) with the tensors in their stored order."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__")
    order = metadata["tensor_order"].split(",") if metadata.get("tensor_order") else sorted(header)
    tensors = {}
    for name in order:
        info = header[name]
        assert info["dtype"] == "F64", info
        begin, end = info["data_offsets"]
        values = np.frombuffer(data, dtype="<f8", count=(end - begin) // 8, offset=8 + n + begin)
        tensors[name] = values.reshape(info["shape"])
    return metadata, tensors, hashlib.sha256(data).hexdigest()


def predict_gradient_boosted_trees(tensors, rows):
    """P(y = 1) of each row of raw features under a `gradient_boosted_trees` model: sigmoid of the
    baseline plus each tree's leaf value (left when x[feature] <= threshold; docs/LEARNING.md)."""
    node_feature = tensors["node_feature"].astype(int)
    threshold, value = tensors["node_threshold"], tensors["node_value"]
    left, right = tensors["node_left"].astype(int), tensors["node_right"].astype(int)
    starts = np.concatenate([[0], np.cumsum(tensors["tree_node_counts"].astype(int))[:-1]])
    rows = np.atleast_2d(rows)
    log_odds = np.full(len(rows), float(tensors["baseline"]))
    for i, x in enumerate(rows):
        for start in starts:
            node = 0
            while node_feature[start + node] >= 0:
                n = start + node
                node = left[n] if x[node_feature[n]] <= threshold[n] else right[n]
            log_odds[i] += value[start + node]
    return 1 / (1 + np.exp(-log_odds))


def main(path, rows_path=None):
    metadata, tensors, sha256 = read_weights(path)
    sidecar_path = path + ".json"
    if os.path.exists(sidecar_path):
        with open(sidecar_path) as f:
            sidecar = json.load(f)
        status = "sha256 ok" if sidecar["weights"]["sha256"] == sha256 else "SHA256 MISMATCH"
        print(f"{sidecar['reference']} ({sidecar['kind']}), trained as of {sidecar['training']['as_of']}"
              f" on {sidecar['training']['rows']} rows, {status}")
        for name, value in sidecar["metrics"].items():
            if not isinstance(value, (dict, list)):
                print(f"  metric {name} = {value}")
    else:
        print(f"{metadata['kind']} weights, sha256 {sha256}")
    for name, array in tensors.items():
        print(f"{name}: shape {array.shape}, first values {array.reshape(-1)[:4].tolist()}")
    if rows_path is not None:
        if metadata["kind"] != "gradient_boosted_trees":
            sys.exit(f"rows can be scored only with a gradient_boosted_trees model, not {metadata['kind']}")
        for p in predict_gradient_boosted_trees(tensors, np.loadtxt(rows_path, delimiter=",", ndmin=2)):
            print(f"p {float(p)!r}")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: read_weights.py FILE.safetensors [ROWS.csv]")
    main(*sys.argv[1:])

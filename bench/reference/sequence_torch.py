#!/usr/bin/env python3
"""Compares lifecycle's GRU sequence model with PyTorch on one mini-batch (outside CI).

Needs: python3 with torch (`pip install torch`; CPU is enough) and numpy. Steps:

    LEARNING_TORCH_EXPORT=/tmp/gru.json swift test --filter GRUTorchExport
    python3 bench/reference/sequence_torch.py /tmp/gru.json

The Swift test writes a batch of 32 sequences x 24 periods x 8 inputs, the initial weights under
PyTorch's names (weight_ih, weight_hh, bias_ih, bias_hh for nn.GRU(8, 16, batch_first=True); then
output_weight, output_bias for nn.Linear(16, 1)), Swift's mean log loss and gradient, and its
weights after clip_grad_norm_(0.5) and one Adam step (lr 0.01). This script builds the same model
in float64 from those weights, computes BCEWithLogitsLoss (mean), backpropagates, clips, takes one
torch.optim.Adam step, and prints the largest relative difference of each; it exits 1 if any
exceeds 1e-6.
"""
import json
import sys

import numpy as np
import torch

TOLERANCE = 1e-6


def relative(a, b):
    a, b = np.asarray(a, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel()
    return float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12)))


def main(path):
    with open(path) as f:
        data = json.load(f)
    d, h, periods, count = data["inputSize"], data["hiddenSize"], data["periods"], data["count"]
    shapes = data["shapes"]

    def tensor(values, name):
        return torch.tensor(values, dtype=torch.float64).reshape(shapes[name])

    gru = torch.nn.GRU(d, h, batch_first=True).double()
    linear = torch.nn.Linear(h, 1).double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(gru, name + "_l0").copy_(tensor(data["initial"][name], name))
        linear.weight.copy_(tensor(data["initial"]["output_weight"], "output_weight").reshape(1, h))
        linear.bias.copy_(tensor(data["initial"]["output_bias"], "output_bias").reshape(1))

    x = torch.tensor(data["sequences"], dtype=torch.float64).reshape(count, periods, d)
    y = torch.tensor(data["labels"], dtype=torch.float64)
    _, final = gru(x)                       # final: [1, count, h], h_T of each sequence
    logits = linear(final[0]).squeeze(1)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y)
    loss.backward()

    parameters = {name: getattr(gru, name + "_l0") for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    parameters["output_weight"] = linear.weight
    parameters["output_bias"] = linear.bias
    worst = {"loss": relative(loss.item(), data["loss"])}
    for name, p in parameters.items():
        worst["gradient " + name] = relative(p.grad.numpy(), data["gradient"][name])

    params = list(parameters.values())
    torch.nn.utils.clip_grad_norm_(params, data["clipNorm"])
    torch.optim.Adam(params, lr=data["learningRate"]).step()
    for name, p in parameters.items():
        worst["after one Adam step " + name] = relative(p.detach().numpy(), data["afterStep"][name])

    for what, value in worst.items():
        print(f"{what:40s} max relative difference {value:.3e}")
    failed = [what for what, value in worst.items() if value > TOLERANCE]
    print("OK: all within 1e-6" if not failed else f"DIFFERENT beyond 1e-6: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/gru.json"))

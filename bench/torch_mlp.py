#!/usr/bin/python3
"""bench/torch_mlp.py - the PyTorch side of `make bench`.

Trains one configuration of the bench matrix on Fashion-MNIST the way
tf.keras would by default, and prints one JSON object on stdout:
  glorot-uniform kernels and zero biases, Adam(1e-3, 0.9, 0.999, eps 1e-7),
  softmax + cross-entropy (CrossEntropyLoss on the logits), a fresh
  shuffle every epoch, the last partial batch kept, inputs float32 / 255.
The data stays in memory as tensors and batches are taken by indexing
(PyTorch's fastest plain loop; a DataLoader only adds overhead).

usage: torch_mlp.py --model mlp128|mlp64_32|mlp512|cnn --batch B --threads T
                    [--epochs E] [--subset N] [--seed S] [--predict] [--max-steps S]
With --max-steps an epoch runs only its first S steps and its time is
scaled to the full epoch (the accuracy is then that of a partial run).
"""
import argparse
import gzip
import json
import os
import resource
import sys
import time

import numpy as np
import torch

DATA = os.environ.get("NNSH_FASHION", "/usr/share/datasets/fashion-mnist")


def idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(subset):
    xtr = idx("train-images-idx3-ubyte.gz")
    ytr = idx("train-labels-idx1-ubyte.gz")
    xte = idx("t10k-images-idx3-ubyte.gz")
    yte = idx("t10k-labels-idx1-ubyte.gz")
    if subset:
        xtr, ytr = xtr[:subset], ytr[:subset]
    f = lambda a: torch.from_numpy((a.astype(np.float32) / np.float32(255)))
    return f(xtr), torch.from_numpy(ytr.astype(np.int64)), f(xte), torch.from_numpy(yte.astype(np.int64))


def dense(i, o):
    lin = torch.nn.Linear(i, o)
    torch.nn.init.xavier_uniform_(lin.weight)   # Keras glorot_uniform
    torch.nn.init.zeros_(lin.bias)
    return lin


def model(name):
    nn = torch.nn
    if name == "mlp128":
        return nn.Sequential(nn.Flatten(), dense(784, 128), nn.ReLU(), dense(128, 10))
    if name == "mlp64_32":
        return nn.Sequential(nn.Flatten(), dense(784, 64), nn.ReLU(), dense(64, 32), nn.ReLU(),
                             dense(32, 10))
    if name == "mlp512":
        return nn.Sequential(nn.Flatten(), dense(784, 512), nn.ReLU(), dense(512, 512), nn.ReLU(),
                             dense(512, 10))
    if name == "cnn":
        conv = nn.Conv2d(1, 32, 3)
        nn.init.xavier_uniform_(conv.weight)
        nn.init.zeros_(conv.bias)
        return nn.Sequential(conv, nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), dense(13 * 13 * 32, 128),
                             nn.ReLU(), dense(128, 10))
    raise SystemExit("unknown model " + name)


def shape_input(name, x):
    return x.reshape(-1, 1, 28, 28) if name == "cnn" else x.reshape(-1, 784)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="mlp128")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--subset", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--predict", action="store_true", help="also time predict on the test set")
    ap.add_argument("--max-steps", type=int, default=0,
                    help="run at most this many steps per epoch and extrapolate the epoch time")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr, xte, yte = load(a.subset)
    xtr, xte = shape_input(a.model, xtr), shape_input(a.model, xte)
    net = model(a.model)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    lossf = torch.nn.CrossEntropyLoss()
    n, B = xtr.shape[0], a.batch
    steps = (n + B - 1) // B
    run = min(steps, a.max_steps) if a.max_steps > 0 else steps
    times = []
    for _ in range(a.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        for s in range(run):
            ix = perm[s * B:(s + 1) * B]
            opt.zero_grad(set_to_none=True)
            loss = lossf(net(xtr[ix]), ytr[ix])
            loss.backward()
            opt.step()
        times.append((time.perf_counter() - t0) * steps / run)
    with torch.no_grad():
        pred = torch.cat([net(xte[s:s + 1000]) for s in range(0, xte.shape[0], 1000)])
        acc = (pred.argmax(1) == yte).double().mean().item()
    out = {"impl": "torch", "model": a.model, "batch": B, "threads": a.threads, "samples": n,
           "steps": steps, "epoch_times": times, "test_accuracy": acc,
           "extrapolated": run < steps}
    if a.predict:
        with torch.no_grad():
            best = None
            for _ in range(3):
                t0 = time.perf_counter()
                for s in range(0, xte.shape[0], 32):     # Keras predict's default batch
                    net(xte[s:s + 32])
                t32 = time.perf_counter() - t0
                t0 = time.perf_counter()
                net(xte)                                  # one call: PyTorch's best case
                tall = time.perf_counter() - t0
                t = min(t32, tall)
                best = t if best is None else min(best, t)
        out["predict_seconds"] = best
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

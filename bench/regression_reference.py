#!/usr/bin/env python3
"""An independent NumPy (float64) reference of our regression training recipe, to compare the framework's figures
with. A yardstick only, never a dependency of the project.

What it computes
  Data
    boston    Boston house prices (Debian python3-sklearn's boston_house_prices.csv: a count line "506,13,...", the
              header CRIM..LSTAT,MEDV, 506 rows), split as keras.datasets.boston_housing.load_data(test_split=0.2,
              seed=113) does: RandomState(113) shuffles arange(506), the first int(506 * 0.8) = 404 rows are train,
              the other 102 test. At start-up the split is checked against the figures Chollet's "Deep Learning
              with Python" prints (first ten train targets, train_data[0]), which holds only if Keras's npz keeps
              the rows in the CSV's order; the result is printed on one "split check:" line.
    penguins  penguins.json (344 records): target Body Mass (g); features Beak Length, Beak Depth, Flipper Length
              (z-scored) and Sex, Species one-hot (categories sorted, 0/1, not z-scored); rows with a missing value
              or Sex "." dropped (333 kept); 67 test rows chosen by np.random.default_rng(--split-seed).permutation.
  Recipe
    features z-scored with the train mean and population std (ddof 0); target standardized the same way on train
    (--raw-target: train on the target unscaled, as Keras does); MLP in -> 64 -> 64 -> 1 with ReLU, He init
    (standard normal * sqrt(2 / fan_in)), zero biases; loss 1/(2N) sum (y - t)^2 over the batch, so dy = (y - t)/N;
    RMSprop h = decay*h + (1-decay)*g*g, p -= lr*g/(sqrt(h) + 1e-7) (lr 0.001, decay 0.9) on every weight and bias;
    batch 16, 80 epochs, each epoch a fresh permutation of the train rows cut into batches (last one smaller).
    All randomness of a run (init, then one permutation per epoch) comes from np.random.default_rng(seed).
    After each epoch: train and test MAE and MSE in the target's original units (predictions unscaled by
    y*std + mean).

How to run it (OPENBLAS_NUM_THREADS=1 is the default set below when unset)
  python3 bench/regression_reference.py                          boston, seed 0, one line per epoch, then
                                                                 "final: test MAE X, test MSE Y"
  python3 bench/regression_reference.py --seeds 0-9 --quiet      ten runs, then mean/min/max of final test MAE
  python3 bench/regression_reference.py --raw-target             train on MEDV unscaled
  python3 bench/regression_reference.py --dataset penguins --seeds 0-9
                                                                 also prints the test MAE of predicting the train mean
  python3 bench/regression_reference.py --write-split DIR        also write DIR/boston-train.csv, DIR/boston-test.csv
                                                                 (header CRIM..MEDV, the source file's own text cells)
  python3 bench/regression_reference.py --check-grad             compare backprop with central differences first
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import csv
import json
import sys

import numpy as np

# where Debian's python3-sklearn installs it; --boston names another copy
BOSTON_CSV = "/usr/lib/python3/dist-packages/sklearn/datasets/data/boston_house_prices.csv"
PENGUINS_JSON = [os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "packages", "datasets", "data", "penguins.json")]

KERAS_SEED, KERAS_TEST_SPLIT = 113, 0.2
# What "Deep Learning with Python" prints for train_targets[:10] and train_data[0].
CHOLLET_TARGETS = [15.2, 42.3, 50.0, 21.1, 17.7, 18.5, 11.3, 15.6, 15.6, 14.4]
CHOLLET_ROW0 = [1.23247, 0., 8.14, 0., 0.538, 6.142, 91.7, 3.9769, 4., 307., 21., 396.9, 18.72]

PENGUIN_NUMERIC = ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)"]
PENGUIN_CATEGORICAL = ["Sex", "Species"]
PENGUIN_TARGET = "Body Mass (g)"
PENGUIN_TEST_ROWS = 67

HIDDEN = 64
EPS = 1e-7


# --- data ---------------------------------------------------------------------------------------------------------

class Split:
    """Train and test rows; `scaled` marks the feature columns to z-score (the others are one-hot, left as is)."""

    def __init__(self, name, x_train, y_train, x_test, y_test, scaled, columns):
        self.name, self.columns = name, columns
        self.x_train, self.y_train, self.x_test, self.y_test = x_train, y_train, x_test, y_test
        self.scaled = scaled


def read_boston_text(path):
    """The header and the 506 rows as the file's own text cells (the count line skipped)."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    count = rows[0]
    header, body = rows[1], rows[2:]
    n, d = int(count[0]), int(count[1])
    assert len(body) == n and len(header) == d + 1, (len(body), len(header))
    return header, body


def keras_order(n, seed=KERAS_SEED):
    """keras.datasets.boston_housing.load_data's row order: RandomState(seed).shuffle(arange(n))."""
    rng = np.random.RandomState(seed)
    idx = np.arange(n)
    rng.shuffle(idx)
    return idx


def load_boston(path, write_split=None):
    header, body = read_boston_text(path)
    values = np.array([[float(c) for c in row] for row in body])
    x, y = values[:, :-1], values[:, -1]
    idx = keras_order(len(body))
    n_train = int(len(body) * (1 - KERAS_TEST_SPLIT))
    train_idx, test_idx = idx[:n_train], idx[n_train:]

    targets_ok = np.allclose(y[train_idx[:10]], CHOLLET_TARGETS, rtol=0, atol=1e-9)
    row0_ok = np.allclose(x[train_idx[0]], CHOLLET_ROW0, rtol=0, atol=1e-9)
    verdict = "matches" if targets_ok and row0_ok else "DOES NOT match"
    print(f"split check: {verdict} Chollet's printed figures (first 10 train targets: "
          f"{'ok' if targets_ok else 'differ'}, train_data[0]: {'ok' if row0_ok else 'differs'}); "
          f"train {len(train_idx)} rows, test {len(test_idx)} rows; first train rows are CSV rows "
          f"{train_idx[:5].tolist()}")
    if not (targets_ok and row0_ok):
        print("  got targets", y[train_idx[:10]].tolist(), "\n  got row0", x[train_idx[0]].tolist())

    if write_split:
        os.makedirs(write_split, exist_ok=True)
        for name, rows in (("boston-train.csv", train_idx), ("boston-test.csv", test_idx)):
            with open(os.path.join(write_split, name), "w", newline="") as f:
                w = csv.writer(f, quoting=csv.QUOTE_NONE, lineterminator="\n")
                w.writerow(header)
                for i in rows:
                    w.writerow(body[i])
        print(f"wrote {write_split}/boston-train.csv and boston-test.csv")

    return Split("boston", x[train_idx], y[train_idx], x[test_idx], y[test_idx],
                 scaled=np.ones(x.shape[1], bool), columns=header[:-1])


def load_penguins(split_seed, test_records=None):
    path = next((p for p in PENGUINS_JSON if os.path.exists(p)), None)
    if path is None:
        sys.exit("penguins.json not found in " + " or ".join(PENGUINS_JSON))
    with open(path) as f:
        records = json.load(f)
    numbers = [k + 1 for k, r in enumerate(records) if all(v is not None for v in r.values()) and r["Sex"] != "."]
    kept = [records[k - 1] for k in numbers]

    columns, blocks, scaled = [], [], []
    for name in PENGUIN_NUMERIC:
        blocks.append(np.array([[float(r[name])] for r in kept]))
        columns.append(name)
        scaled.append(True)
    for name in PENGUIN_CATEGORICAL:
        cats = sorted({r[name] for r in kept})
        blocks.append(np.array([[1.0 if r[name] == c else 0.0 for c in cats] for r in kept]))
        columns += [f"{name}={c}" for c in cats]
        scaled += [False] * len(cats)
    x = np.hstack(blocks)
    y = np.array([float(r[PENGUIN_TARGET]) for r in kept])

    if test_records is not None:
        # the framework's split: the 1-based record numbers of its test rows
        chosen = set(test_records)
        test_idx = np.array([i for i, k in enumerate(numbers) if k in chosen])
        train_idx = np.array([i for i, k in enumerate(numbers) if k not in chosen])
        assert len(test_idx) == len(chosen), "a test record is not among the kept rows"
    else:
        perm = np.random.default_rng(split_seed).permutation(len(kept))
        test_idx, train_idx = perm[:PENGUIN_TEST_ROWS], perm[PENGUIN_TEST_ROWS:]
    print(f"penguins: {path}, {len(kept)} of {len(records)} rows kept, train {len(train_idx)}, "
          f"test {len(test_idx)} (split seed {split_seed}); features {columns}")
    return Split("penguins", x[train_idx], y[train_idx], x[test_idx], y[test_idx],
                 scaled=np.array(scaled), columns=columns)


def standardize(split, raw_target):
    """Z-score the scaled feature columns with train mean and population std; the target likewise unless raw."""
    mean = np.where(split.scaled, split.x_train.mean(axis=0), 0.0)
    std = np.where(split.scaled, split.x_train.std(axis=0), 1.0)
    x_train = (split.x_train - mean) / std
    x_test = (split.x_test - mean) / std
    if raw_target:
        y_mean, y_std = 0.0, 1.0
    else:
        y_mean, y_std = split.y_train.mean(), split.y_train.std()
    return x_train, x_test, y_mean, y_std


# --- the network --------------------------------------------------------------------------------------------------

def init_params(rng, sizes):
    """He init: standard normal * sqrt(2 / fan_in) for each W, zeros for each b (drawn W1, W2, W3 in turn)."""
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"] = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        params[f"b{i}"] = np.zeros(fan_out)
    return params


def forward(params, x):
    a1 = x @ params["W1"] + params["b1"]
    h1 = np.maximum(a1, 0.0)
    a2 = h1 @ params["W2"] + params["b2"]
    h2 = np.maximum(a2, 0.0)
    y = h2 @ params["W3"] + params["b3"]
    return y[:, 0], (x, a1, h1, a2, h2)


def loss_and_grads(params, x, t):
    """Loss 1/(2N) sum (y - t)^2 and its gradients by backprop."""
    y, (x, a1, h1, a2, h2) = forward(params, x)
    n = len(t)
    loss = 0.5 * np.sum((y - t) ** 2) / n
    dy = ((y - t) / n)[:, None]
    g = {"W3": h2.T @ dy, "b3": dy.sum(axis=0)}
    da2 = (dy @ params["W3"].T) * (a2 > 0)
    g["W2"], g["b2"] = h1.T @ da2, da2.sum(axis=0)
    da1 = (da2 @ params["W2"].T) * (a1 > 0)
    g["W1"], g["b1"] = x.T @ da1, da1.sum(axis=0)
    return loss, g


class RMSprop:
    def __init__(self, lr, decay):
        self.lr, self.decay, self.h = lr, decay, None

    def update(self, params, grads):
        if self.h is None:
            self.h = {k: np.zeros_like(v) for k, v in params.items()}
        for k in params:
            self.h[k] = self.decay * self.h[k] + (1 - self.decay) * grads[k] * grads[k]
            params[k] -= self.lr * grads[k] / (np.sqrt(self.h[k]) + EPS)


def check_grad(n_in):
    """Backprop against central differences on a small random problem; prints the worst relative error."""
    rng = np.random.default_rng(12345)
    params = init_params(rng, [n_in, 7, 5, 1])
    for k in params:  # nonzero biases so that every gradient is exercised
        if k.startswith("b"):
            params[k] = rng.standard_normal(params[k].shape) * 0.1
    x, t = rng.standard_normal((9, n_in)), rng.standard_normal(9)
    _, g = loss_and_grads(params, x, t)
    worst, h = 0.0, 1e-6
    for k, p in params.items():
        num = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            lp, _ = loss_and_grads(params, x, t)
            p[i] = old - h
            lm, _ = loss_and_grads(params, x, t)
            p[i] = old
            num[i] = (lp - lm) / (2 * h)
        err = np.max(np.abs(num - g[k]) / np.maximum(1e-8, np.abs(num) + np.abs(g[k])))
        worst = max(worst, err)
    print(f"gradient check: worst relative error {worst:.2e} ({'ok' if worst < 1e-5 else 'BAD'})")


# --- training -----------------------------------------------------------------------------------------------------

def metrics(params, x, t, y_mean, y_std):
    """MAE and MSE in the target's original units."""
    y, _ = forward(params, x)
    err = (y * y_std + y_mean) - t
    return np.mean(np.abs(err)), np.mean(err ** 2)


def train(split, seed, epochs, batch, lr, decay, raw_target, quiet):
    x_train, x_test, y_mean, y_std = standardize(split, raw_target)
    t_train = (split.y_train - y_mean) / y_std
    rng = np.random.default_rng(seed)
    params = init_params(rng, [x_train.shape[1], HIDDEN, HIDDEN, 1])
    opt = RMSprop(lr, decay)
    n = len(x_train)
    for epoch in range(1, epochs + 1):
        perm = rng.permutation(n)
        loss_sum = 0.0
        for start in range(0, n, batch):
            rows = perm[start:start + batch]
            loss, grads = loss_and_grads(params, x_train[rows], t_train[rows])
            loss_sum += loss * len(rows)
            opt.update(params, grads)
        tr_mae, tr_mse = metrics(params, x_train, split.y_train, y_mean, y_std)
        te_mae, te_mse = metrics(params, x_test, split.y_test, y_mean, y_std)
        if not quiet:
            print(f"seed {seed} epoch {epoch:3d}: batch loss {loss_sum / n:.6f}, train MAE {tr_mae:.4f}, "
                  f"train MSE {tr_mse:.4f}, test MAE {te_mae:.4f}, test MSE {te_mse:.4f}")
    print(f"seed {seed} final: test MAE {te_mae:.6f}, test MSE {te_mse:.6f} "
          f"(train MAE {tr_mae:.6f}, train MSE {tr_mse:.6f})")
    return te_mae, te_mse


def parse_seeds(text):
    """'0-9' or '0,3,5' or '7'."""
    seeds = []
    for part in text.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            seeds += range(int(lo), int(hi) + 1)
        else:
            seeds.append(int(part))
    return seeds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", choices=["boston", "penguins"], default="boston")
    ap.add_argument("--seed", type=int, default=0, help="seed of one run (default 0)")
    ap.add_argument("--seeds", help="several runs, e.g. 0-9 or 0,3,5; prints mean/min/max of final test MAE")
    ap.add_argument("--epochs", type=int, default=80)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=0.001)
    ap.add_argument("--decay", type=float, default=0.9, help="RMSprop decay (default 0.9)")
    ap.add_argument("--raw-target", action="store_true", help="train on the target unscaled (as Keras does)")
    ap.add_argument("--split-seed", type=int, default=0, help="penguins: seed of the test-row permutation")
    ap.add_argument("--test-records", help="penguins: the 1-based record numbers of the test rows, comma-separated "
                    "(the framework's split), instead of --split-seed")
    ap.add_argument("--boston", default=BOSTON_CSV, help=f"boston_house_prices.csv (default {BOSTON_CSV})")
    ap.add_argument("--write-split", metavar="DIR", help="boston: write DIR/boston-train.csv and boston-test.csv")
    ap.add_argument("--check-grad", action="store_true", help="check backprop against central differences first")
    ap.add_argument("--quiet", action="store_true", help="no per-epoch lines")
    args = ap.parse_args()

    if args.dataset == "boston":
        split = load_boston(args.boston, args.write_split)
    else:
        if args.write_split:
            sys.exit("--write-split is for boston")
        records = [int(k) for k in args.test_records.split(",")] if args.test_records else None
        split = load_penguins(args.split_seed, records)
        baseline = np.mean(np.abs(split.y_test - split.y_train.mean()))
        print(f"baseline: test MAE of predicting the train mean {baseline:.6f}")
    if args.check_grad:
        check_grad(split.x_train.shape[1])

    seeds = parse_seeds(args.seeds) if args.seeds else [args.seed]
    print(f"recipe: {split.name}, MLP {split.x_train.shape[1]}-{HIDDEN}-{HIDDEN}-1 ReLU, He init, "
          f"RMSprop lr {args.lr} decay {args.decay}, batch {args.batch}, epochs {args.epochs}, "
          f"target {'raw' if args.raw_target else 'standardized'}, seeds {seeds}")
    finals = [train(split, s, args.epochs, args.batch, args.lr, args.decay, args.raw_target, args.quiet)
              for s in seeds]
    maes = np.array([m for m, _ in finals])
    mses = np.array([m for _, m in finals])
    if len(seeds) == 1:
        print(f"final: test MAE {maes[0]:.6f}, test MSE {mses[0]:.6f}")
    else:
        print(f"final over {len(seeds)} seeds: test MAE mean {maes.mean():.6f}, min {maes.min():.6f}, "
              f"max {maes.max():.6f}; test MSE mean {mses.mean():.6f}, min {mses.min():.6f}, "
              f"max {mses.max():.6f}")


if __name__ == "__main__":
    main()

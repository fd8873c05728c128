#!/usr/bin/python3
"""Writes sklearn_folds.json: scikit-learn's test folds for the inputs below, which
resample's tests compare against fold for fold.

Run from this directory with Debian's scikit-learn (apt-get install -y python3-sklearn):

    /usr/bin/python3 sklearn_folds.py > sklearn_folds.json
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold


def folds(splitter, n, y=None, groups=None):
    X = np.zeros((n, 1))
    return [te.tolist() for _, te in splitter.split(X, y, groups)]


def distinct_sizes(rng, n_groups):
    groups = np.repeat(np.arange(n_groups) * 3 + 100, np.arange(1, n_groups + 1))
    return rng.permutation(groups).tolist()


def main():
    rng = np.random.default_rng(20261201)
    cases = []
    for n, k in [(10, 3), (10, 2), (7, 7), (100, 6), (13, 5), (2, 2), (1000, 10)]:
        cases.append({"method": "KFold", "n": n, "k": k, "folds": folds(KFold(k), n)})

    strat = [
        ("balanced", [0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2], 3),
        ("first appearance order", ["b", "a", "b", "c", "a", "a", "c", "b", "a", "c", "c", "b", "a"], 4),
        ("a class smaller than k", ["x"] * 9 + ["y"] * 2, 3),
        ("unbalanced random", rng.choice(["p", "q", "r", "s"], size=200, p=[0.5, 0.3, 0.15, 0.05]).tolist(), 5),
        ("two classes, many folds", rng.choice(["no", "yes"], size=97, p=[0.8, 0.2]).tolist(), 10),
    ]
    for name, labels, k in strat:
        with_warnings = folds(StratifiedKFold(k), len(labels), y=np.array(labels))
        cases.append({"method": "StratifiedKFold", "name": name, "labels": [str(l) for l in labels],
                      "k": k, "folds": with_warnings})

    group = [
        ("distinct sizes", [1, 1, 1, 1, 2, 2, 2, 3, 3, 4], 2),
        ("equal sizes", [5, 5, 3, 3, 9, 9, 1, 1, 7, 7, 2, 2], 3),
        ("unordered group values", [30, 10, 20, 10, 30, 30, 40, 20, 10, 50, 50, 40], 3),
        ("random, few groups", rng.integers(0, 8, size=60).tolist(), 4),
        ("random, 16 groups with ties", rng.integers(0, 16, size=200).tolist(), 5),
        ("30 groups of distinct sizes, rows shuffled", distinct_sizes(rng, 30), 7),
    ]
    # Not compared: more than 16 groups with equal sizes. scikit-learn orders groups with
    # NumPy's default argsort, which is not stable beyond 16 elements, so the order of
    # equal-sized groups (and the folds) depends on NumPy's version and the CPU.
    for name, groups, k in group:
        cases.append({"method": "GroupKFold", "name": name, "groups": groups, "k": k,
                      "folds": folds(GroupKFold(k), len(groups), groups=np.array(groups))})

    json.dump({"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": cases},
              sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""pandas counterpart of the dataframe package's Go benchmarks.

Reads the same CSV the Go benchmarks use (columns id, g, x1, x2, y; create
it with `DATAFRAME_BENCH_CSV=PATH go test -run X -bench ReadCSV$
-benchtime 1x ./dataframe/`) and times, single-threaded as pandas is:

  read_csv           pandas.read_csv(path)
  groupby_mean       df.groupby("g")["y"].mean()
  group_ols          per group, least squares of y on (1, x1, x2) by QR
                     (numpy.linalg.qr + solve_triangular equivalent)

Prints one line per measure with the best of --repeat runs, in seconds.
Usage: python3 pandas_bench.py PATH [--repeat N]
"""
import argparse
import time

import numpy as np
import pandas as pd


def best(fn, repeat):
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def ols(group):
    x = np.column_stack([np.ones(len(group)), group["x1"].to_numpy(), group["x2"].to_numpy()])
    q, r = np.linalg.qr(x)
    return np.linalg.solve(r, q.T @ group["y"].to_numpy())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t, df = best(lambda: pd.read_csv(args.path), args.repeat)
    print(f"pandas {pd.__version__} rows={len(df)} groups={df['g'].nunique()}")
    print(f"read_csv      {t:.3f} s")
    t, _ = best(lambda: df.groupby("g")["y"].mean(), args.repeat)
    print(f"groupby_mean  {t:.3f} s")
    t, coef = best(lambda: [ols(g) for _, g in df.groupby("g")], args.repeat)
    print(f"group_ols     {t:.3f} s  (first group beta={np.round(coef[0], 3).tolist()})")


if __name__ == "__main__":
    main()

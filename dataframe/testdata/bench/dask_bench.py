#!/usr/bin/env python3
"""Dask DataFrame counterpart of the lazy-frame Go benchmarks.

Times, on the threads scheduler with 1 and 2 workers, best of --repeat:

  read_csv      dd.read_csv(path, blocksize=64 MiB) and the row count
                (BenchmarkLazyReadCSV)
  groupby_mean  the mean of y per g on the table in memory as 16 partitions
                (BenchmarkLazyGroupByMean)
  group_ols     least squares of y on (1, x1, x2) per group with
                groupby("g").apply on 8 partitions, a shuffle, as in
                BenchmarkGroupOLSLazy

Usage: python3 dask_bench.py PATH [--repeat N]
"""
import argparse
import time

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def ols(group):
    x = np.column_stack([np.ones(len(group)), group["x1"].to_numpy(), group["x2"].to_numpy()])
    q, r = np.linalg.qr(x)
    return pd.Series(np.linalg.solve(r, q.T @ group["y"].to_numpy()), index=["b0", "b1", "b2"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    df = pd.read_csv(args.path)
    print(f"dask {dask.__version__} pandas {pd.__version__} rows={len(df)}")
    in_memory = dd.from_pandas(df, npartitions=16)
    for workers in (1, 2):
        cfg = {"scheduler": "threads", "num_workers": workers}
        with dask.config.set(**cfg):
            t = best(lambda: len(dd.read_csv(args.path, blocksize=64 << 20)), args.repeat)
            print(f"read_csv      workers={workers} {t:.3f} s")
            t = best(lambda: in_memory.groupby("g")["y"].mean().compute(), args.repeat)
            print(f"groupby_mean  workers={workers} {t:.3f} s")
            meta = {"b0": "f8", "b1": "f8", "b2": "f8"}
            t = best(lambda: dd.from_pandas(df, npartitions=8).groupby("g").apply(ols, meta=meta).compute(), args.repeat)
            print(f"group_ols     workers={workers} {t:.3f} s")


if __name__ == "__main__":
    main()

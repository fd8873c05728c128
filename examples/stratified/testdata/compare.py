#!/usr/bin/python3
"""Check examples/stratified against statsmodels, side by side.

Run it with Debian's interpreter (the one python3-statsmodels and python3-pandas install into):

    /usr/bin/python3 examples/stratified/testdata/compare.py

It
  1. draws a small stratified data set with NumPy and writes it to strata.csv: 14 regions,
     y ~ 1 + x1 + x2 + x3 with coefficients of their own in each, where y and x3 hold whole
     numbers (integer columns), a few values are missing, one row has no region, an unused
     string column rides along, and the rows are shuffled. Two regions cannot be fitted: "kiln"
     has 3 rows for 4 coefficients, and x2 is constant within "lake" (a singular design);
  2. fits statsmodels' OLS with a constant in every other region, on its complete rows, and
     writes the coefficients and R² to statsmodels_fits.csv;
  3. runs the Go example on strata.csv (with `go run`, if Go is on the PATH) and prints both
     sides with their largest relative difference.

The Go tests (examples/stratified/main_test.go) compare against the committed CSV files, so they
need neither Python nor these packages; rerun this script only to regenerate or recheck them.
"""
import io
import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
X = ["x1", "x2", "x3"]
# Region names and sizes: "kiln" is too small to fit, "moor" has one row more than it needs.
SIZES = {"alpine": 150, "bay": 90, "coast": 60, "delta": 40, "east": 25, "fen": 18, "glen": 12,
         "harbor": 200, "isle": 33, "junction": 75, "kiln": 3, "lake": 30, "moor": 5, "north": 110}


def simulate():
    rng = np.random.default_rng(20261121)
    frames = []
    for region, n in SIZES.items():
        a, b1, b2, b3 = 10 + 3 * rng.normal(), 2 + rng.normal(), -1 + rng.normal(), 0.5 * rng.normal()
        x1 = rng.normal(size=n)
        x2 = 0.5 * x1 + rng.normal(size=n)
        if region == "lake":
            x2 = np.full(n, 1.5)  # constant: collinear with the intercept
        x3 = rng.poisson(4.0, size=n)
        y = np.round(a + b1 * x1 + b2 * x2 + b3 * x3 + 2 * rng.normal(size=n))
        frames.append(pd.DataFrame({"region": region, "y": y, "x1": x1, "x2": x2, "x3": x3,
                                    "note": rng.choice(["ok", "late", "checked"], size=n)}))
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.sample(frac=1, random_state=7).reset_index(drop=True)  # shuffle the rows
    frame["y"] = frame["y"].astype("Int64")  # whole numbers, with room for a missing one
    frame["x3"] = frame["x3"].astype("Int64")
    frame.loc[[3, 50], "x1"] = np.nan
    frame.loc[[10], "y"] = pd.NA
    frame.loc[[20], "x3"] = pd.NA
    frame.loc[[30], "region"] = None
    return frame


def statsmodels_fits(frame):
    rows = []
    complete = frame.dropna(subset=["region", "y"] + X)
    for region, group in sorted(complete.groupby("region"), key=lambda kv: kv[0]):
        design = sm.add_constant(group[X].astype(float), has_constant="add")
        if len(group) <= design.shape[1]:
            print(f"statsmodels side: {region} left out: {len(group)} rows", file=sys.stderr)
            continue
        if np.linalg.matrix_rank(design.to_numpy()) < design.shape[1]:
            print(f"statsmodels side: {region} left out: singular design", file=sys.stderr)
            continue
        fit = sm.OLS(group["y"].astype(float), design).fit()
        rows.append([region, len(group), *fit.params.to_numpy(), fit.rsquared])
    return pd.DataFrame(rows, columns=["group", "n", "intercept", *X, "r2"])


def run_go():
    if shutil.which("go") is None:
        print("go is not on the PATH: skipping the side-by-side run", file=sys.stderr)
        return None
    out = subprocess.run(
        ["go", "run", "./examples/stratified", "-data", os.path.join(HERE, "strata.csv"),
         "-group", "region", "-y", "y", "-x", ",".join(X)],
        check=True, capture_output=True, text=True, cwd=REPO)
    print(out.stderr, file=sys.stderr, end="")
    return pd.read_csv(io.StringIO(out.stdout))


def main():
    frame = simulate()
    frame.to_csv(os.path.join(HERE, "strata.csv"), index=False, float_format="%.17g", na_rep="NA")
    fits = statsmodels_fits(frame)
    fits.to_csv(os.path.join(HERE, "statsmodels_fits.csv"), index=False, float_format="%.17g")
    print(f"statsmodels OLS per region of strata.csv ({len(frame)} rows):")
    print(fits.to_string(index=False, float_format="%.10g"))

    go = run_go()
    if go is None:
        return
    both = fits.merge(go, on="group", suffixes=("_statsmodels", "_lazygraph"), how="outer")
    worst = 0.0
    for col in ["intercept", *X, "r2"]:
        a, b = both[col + "_statsmodels"], both[col + "_lazygraph"]
        worst = max(worst, ((a - b).abs() / a.abs().clip(lower=1)).max())
    print("\nside by side (statsmodels, lazygraph):")
    cols = ["group"] + [f"{c}_{s}" for c in ["n", "intercept", *X, "r2"] for s in ("statsmodels", "lazygraph")]
    print(both[cols].to_string(index=False, float_format="%.10g"))
    print(f"\nsame groups: {sorted(fits.group) == sorted(go.group)}; same n: {(both.n_statsmodels == both.n_lazygraph).all()}; "
          f"largest relative difference: {worst:.3g}")
    print("(the example prints 10 significant digits; go test -v -run Exactly ./examples/stratified compares all of them)")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Check examples/cv against statsmodels and scikit-learn, side by side.

Run it with Debian's interpreter (the one python3-statsmodels, python3-sklearn and
python3-pandas install into):

    /usr/bin/python3 examples/cv/testdata/compare.py

It
  1. draws the tutorial's data with NumPy (n=300 rows, p=8 predictors, y = x1 + sqrt(|x2*x3|)
     + x2 - x3 + noise; x8 holds whole numbers, to exercise integer columns) and writes it to
     tutorial.csv;
  2. fits statsmodels' OLS with a constant on all rows and writes the coefficients to
     statsmodels_ols.csv;
  3. runs scikit-learn's KFold(7) (not shuffled) with LinearRegression, Ridge(alpha=10) and
     KNeighborsRegressor(10) and writes each fold's MSE to sklearn_kfold.csv;
  4. runs the Go example on tutorial.csv (with `go run`, if Go is on the PATH) and prints both
     sides with their largest relative difference.

The Go tests (examples/cv/main_test.go) compare against the committed CSV files, so they need
neither Python nor these packages; rerun this script only to regenerate or recheck them.
Shuffled folds are not compared: lazygraph's shuffle draws from Go's PCG, not NumPy's generator.
"""
import csv
import io
import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import KFold
from sklearn.neighbors import KNeighborsRegressor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
N, P, FOLDS, LAMBDA, K = 300, 8, 7, 10.0, 10


def simulate():
    rng = np.random.default_rng(20261121)
    x = rng.normal(size=(N, P))
    x[:, P - 1] = rng.poisson(3.0, size=N)  # an integer column
    y = x[:, 0] + np.sqrt(np.abs(x[:, 1] * x[:, 2])) + x[:, 1] - x[:, 2] + rng.normal(size=N)
    frame = pd.DataFrame(x, columns=[f"x{j + 1}" for j in range(P)])
    frame[f"x{P}"] = frame[f"x{P}"].astype(np.int64)
    frame.insert(0, "y", y)
    return frame


def statsmodels_ols(frame):
    fit = sm.OLS(frame["y"], sm.add_constant(frame.drop(columns="y"))).fit()
    return pd.DataFrame({"term": fit.params.index, "estimate": fit.params.values})


def sklearn_kfold(frame):
    x, y = frame.drop(columns="y").to_numpy(float), frame["y"].to_numpy()
    methods = {
        "ols": LinearRegression,
        "ridge": lambda: Ridge(alpha=LAMBDA),
        "knn": lambda: KNeighborsRegressor(n_neighbors=K, algorithm="brute"),
    }
    rows = []
    for fold, (train, test) in enumerate(KFold(n_splits=FOLDS).split(x), start=1):
        for name, make in methods.items():
            model = make().fit(x[train], y[train])
            rows.append((fold, name, len(test), mean_squared_error(y[test], model.predict(x[test]))))
    return pd.DataFrame(rows, columns=["fold", "method", "n_test", "mse"])


def run_go():
    if shutil.which("go") is None:
        print("go is not on the PATH: skipping the side-by-side run", file=sys.stderr)
        return None
    out = subprocess.run(
        ["go", "run", "./examples/cv", "-data", os.path.join(HERE, "tutorial.csv"), "-y", "y",
         "-folds", str(FOLDS), "-methods", "ols,ridge,knn", "-lambda", str(LAMBDA), "-k", str(K)],
        check=True, capture_output=True, text=True, cwd=REPO)
    return pd.read_csv(io.StringIO(out.stdout))


def main():
    frame = simulate()
    frame.to_csv(os.path.join(HERE, "tutorial.csv"), index=False, float_format="%.17g")
    ols = statsmodels_ols(frame)
    ols.to_csv(os.path.join(HERE, "statsmodels_ols.csv"), index=False, float_format="%.17g")
    kfold = sklearn_kfold(frame)
    kfold.to_csv(os.path.join(HERE, "sklearn_kfold.csv"), index=False, float_format="%.17g")
    print(f"statsmodels OLS on tutorial.csv (n={N}, p={P}):")
    print(ols.to_string(index=False, float_format="%.12f"))

    go = run_go()
    if go is None:
        return
    both = kfold.merge(go, on=["fold", "method"], suffixes=("_sklearn", "_lazygraph"))
    both["rel_diff"] = (both.mse_lazygraph - both.mse_sklearn).abs() / both.mse_sklearn
    print(f"\nKFold({FOLDS}) mean squared errors, scikit-learn against lazygraph's examples/cv:")
    print(both.to_string(index=False, float_format="%.12g"))
    print(f"\nlargest relative difference: {both.rel_diff.max():.3g}; "
          f"n_test equal in every fold: {(both.n_test_sklearn == both.n_test_lazygraph).all()}")
    print("(the example prints 10 significant digits; go test -v -run Exactly ./examples/cv compares all of them)")


if __name__ == "__main__":
    main()

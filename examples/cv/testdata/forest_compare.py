#!/usr/bin/python3
"""Compare examples/cv's random forest with scikit-learn's RandomForestRegressor, side by side.

Run it with Debian's interpreter (apt-get install -y python3-sklearn python3-pandas):

    /usr/bin/python3 examples/cv/testdata/forest_compare.py [path/to/cv-binary]

It draws data with binary predictors (y = x1 + 2·x2 − x3 + noise, x1..x4 each 0 or 1, x4
noise), where a node's drawn features are often constant, writes it to a temporary CSV file,
runs scikit-learn's RandomForestRegressor (100 trees, max_features=1 = a third of the
predictors, min_samples_leaf=5, bootstrap) on KFold(10) folds, not shuffled, and the Go example
(`-methods forest -folds 10`) on the same file, and prints both mean squared errors. The forests
draw different random numbers, so the errors agree only to within the forests' own noise.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import KFold

N, P, FOLDS = 2000, 4, 10


def main():
    rng = np.random.default_rng(16)
    x = rng.integers(0, 2, size=(N, P)).astype(np.float64)
    y = x[:, 0] + 2 * x[:, 1] - x[:, 2] + rng.normal(size=N)
    frame = pd.DataFrame(x, columns=[f"x{j + 1}" for j in range(P)])
    frame.insert(0, "y", y)
    path = os.path.join(tempfile.mkdtemp(), "binary.csv")
    frame.to_csv(path, index=False)

    errors = []
    for train, test in KFold(FOLDS).split(x):
        forest = RandomForestRegressor(n_estimators=100, max_features=P // 3, min_samples_leaf=5,
                                       bootstrap=True, random_state=1)
        forest.fit(x[train], y[train])
        errors.append(mean_squared_error(y[test], forest.predict(x[test])))
    print(f"scikit-learn RandomForestRegressor: CV MSE {np.mean(errors):.4f} (noise variance 1)")

    cmd = sys.argv[1:] or ["go", "run", "./examples/cv"]
    out = subprocess.run(cmd + ["-data", path, "-methods", "forest", "-folds", str(FOLDS)],
                         capture_output=True, text=True, check=True,
                         cwd=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
    folds = [float(line.split(",")[3]) for line in out.stdout.splitlines()[1:] if line]
    print(f"lazygraph examples/cv forest:        CV MSE {np.mean(folds):.4f} ({len(folds)} folds)")


if __name__ == "__main__":
    main()

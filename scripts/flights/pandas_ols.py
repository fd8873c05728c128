#!/usr/bin/python3
"""The pandas + statsmodels side of the flights comparison (see compare.sh): read the three
columns used, drop rows with a missing value, fit delay ~ 1 + distance by OLS per origin, and
write group,n,intercept,distance,r2 sorted by origin, as examples/stratified does.

    /usr/bin/python3 scripts/flights/pandas_ols.py /tmp/flights.csv > pandas.csv
"""
import sys

import pandas as pd
import statsmodels.api as sm


def main():
    frame = pd.read_csv(sys.argv[1], usecols=["origin", "delay", "distance"]).dropna()
    out = ["group,n,intercept,distance,r2"]
    for origin, g in frame.groupby("origin", sort=True):
        if len(g) <= 2:
            continue
        fit = sm.OLS(g["delay"].to_numpy(float), sm.add_constant(g["distance"].to_numpy(float))).fit()
        out.append(f"{origin},{len(g)},{fit.params[0]:.10g},{fit.params[1]:.10g},{fit.rsquared:.10g}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()

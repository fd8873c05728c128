#!/bin/sh
# Per-origin OLS of delay on distance over a 3M-row flights CSV: examples/stratified (reading
# only origin, delay and distance) against pandas + statsmodels (usecols), in the same run,
# each under /usr/bin/time -v (wall clock, CPU, max RSS). Needs python3-pandas and
# python3-statsmodels (Debian). The CSV is generated once (not committed):
#
#   scripts/flights/compare.sh [/tmp/flights.csv] [scheduler]
set -eu
csv=${1:-/tmp/flights.csv}
scheduler=${2:-threads}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
[ -f "$csv" ] || /usr/bin/python3 "$here/generate.py" "$csv"
(cd "$here/../.." && go build -o "$out/stratified" ./examples/stratified)
cat "$csv" > /dev/null # both read it from the page cache
/usr/bin/time -v "$out/stratified" -data "$csv" -group origin -y delay -x distance -scheduler "$scheduler" \
  > "$out/go.csv" 2> "$out/go.err"
/usr/bin/time -v /usr/bin/python3 "$here/pandas_ols.py" "$csv" > "$out/pandas.csv" 2> "$out/pandas.err"
for side in go pandas; do
  printf '%-7s' "$side"
  awk -F': ' '/Elapsed \(wall/ {w=$2} /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {r=$2}
    END {printf "wall %s  cpu %.2f s  max RSS %.0f MB\n", w, u+s, r/1024}' "$out/$side.err"
done
# Same strata, same coefficients (relative difference).
/usr/bin/python3 - "$out/go.csv" "$out/pandas.csv" <<'PY'
import sys
def load(p):
    rows = [l.strip().split(",") for l in open(p)][1:]
    return {r[0]: [float(x) for x in r[1:]] for r in rows}
g, p = load(sys.argv[1]), load(sys.argv[2])
assert g.keys() == p.keys(), (len(g), len(p))
worst = max(abs(a - b) / max(abs(b), 1e-12) for k in g for a, b in zip(g[k], p[k]))
print(f"{len(g)} strata on both sides; largest relative difference {worst:.2e}")
PY
rm -rf "$out"

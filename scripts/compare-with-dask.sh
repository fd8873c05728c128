#!/usr/bin/env bash
# Runs lazygraph's benchmark shapes and Dask's anchor scripts one after the other on this
# machine, so that the two are compared in one session (ratios, not absolute times).
#
#   scripts/compare-with-dask.sh [DASK_ANCHORS_DIR] [N]
#
# DASK_ANCHORS_DIR holds overhead.py, shared_data.py and load_balance.py (default
# ../shared/anchors/dask); N is the task count for the overhead shapes (default 10000, as in
# Dask's published figures; lazygraph also runs 100000). Dask comes from Debian's packages:
#   apt-get install -y python3-dask python3-distributed python3-numpy
set -euo pipefail
cd "$(dirname "$0")/.."
anchors=${1:-../shared/anchors/dask}
n=${2:-10000}
bin=$(mktemp -d)/lazygraph
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/lazygraph

echo "# lazygraph overhead (2 workers)"
for size in "$n" 100000; do
  for shape in wide chain; do
    "$bin" bench -scheduler synchronous -shape "$shape" -n "$size"
    "$bin" bench -scheduler threads -workers 2 -shape "$shape" -n "$size"
    "$bin" bench -scheduler processes -workers 2 -shape "$shape" -n "$size"
    "$bin" bench -scheduler processes -workers 2 -chunksize 1 -shape "$shape" -n "$size"
    "$bin" bench -scheduler distributed -workers 2 -shape "$shape" -n "$size"
  done
done
"$bin" bench -scheduler threads -workers 2 -shape wide -n 1000000
"$bin" bench -scheduler processes -workers 2 -shape chain -n 1000000
"$bin" bench -scheduler distributed -workers 2 -shape wide -n 1000000

echo "# lazygraph large shared input (400 MB, 8 tasks, 2 workers)"
for s in threads processes distributed; do
  "$bin" bench -scheduler "$s" -workers 2 -shape shared -size 50000000 -tasks 8
done

echo "# lazygraph load balancing (4 x 1 s + 12 x 0.05 s, ideal 2.30 s)"
"$bin" bench -scheduler processes -workers 2 -shape balance
"$bin" bench -scheduler processes -workers 2 -chunksize 1 -shape balance
"$bin" bench -scheduler threads -workers 2 -shape balance
"$bin" bench -scheduler distributed -workers 2 -shape balance

if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import dask, distributed' 2>/dev/null; then
  echo "# Dask, same machine, same session"
  (cd "$anchors" && /usr/bin/python3 overhead.py "$n" && /usr/bin/python3 shared_data.py && /usr/bin/python3 load_balance.py)
else
  echo "# Dask is not installed: apt-get install -y python3-dask python3-distributed python3-numpy" >&2
fi

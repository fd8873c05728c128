#!/usr/bin/env bash
# Runs every fuzz target of the module (every `func FuzzX` in a _test.go file) for a while each:
# 5 minutes by default, the bar a decoder must pass clean.
#
#   scripts/fuzz.sh [DURATION]          e.g. scripts/fuzz.sh 30s
#
# A failing input is saved under the package's testdata/fuzz/ and makes the script exit 1 (after
# the other targets have run); `go test ./pkg` then replays it as a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-5m}
status=0
targets=$(grep -rH --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . |
  sed -E 's#^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)\(.*#\1 \2#' | sort -u)
while read -r dir name; do
  [ -n "$dir" ] || continue
  echo "fuzz: $name (./$dir) for $duration"
  log=$(mktemp)
  if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$duration" "./$dir" 2>&1 | tee "$log"; then
    :
  elif ! grep -q 'Failing input written' "$log" && grep -q 'context deadline exceeded' "$log"; then
    # The fuzzing engine's own time-out at the end of -fuzztime, with an input still running on a
    # loaded machine: no failing input was found, so it is reported, not counted as a failure.
    echo "fuzz: $name (./$dir) ended with the engine's deadline and no failing input" >&2
  else
    echo "fuzz: $name (./$dir) FAILED" >&2
    status=1
  fi
  rm -f "$log"
done <<<"$targets"
exit $status

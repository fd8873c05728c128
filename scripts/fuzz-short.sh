#!/usr/bin/env bash
# The short fuzz run of CI: every fuzz target for 10 seconds (scripts/fuzz.sh runs them longer).
set -euo pipefail
exec "$(dirname "$0")/fuzz.sh" "${1:-10s}"

#!/usr/bin/env bash
# "My data" under load: starts `riik up`, signs SESSIONS browser sessions in to the
# citizen portal, and compares the portal's /data with the same seven registry calls
# made directly through the exchange, in the same run (bench/portal_bench.cc).
#
#   bench/portal_bench.sh BUILD_DIR [SESSIONS] [SECONDS] [ROUNDS]
set -euo pipefail
BUILD=${1:?usage: portal_bench.sh BUILD_DIR [SESSIONS] [SECONDS] [ROUNDS]}
SESSIONS=${2:-100}
SECONDS_PER_SIDE=${3:-10}
ROUNDS=${4:-3}
WORK=$(mktemp -d /tmp/riik-portalbench-XXXXXX)
cleanup() {
  [ -n "${UP:-}" ] && kill "$UP" 2>/dev/null && wait "$UP" 2>/dev/null || true
  [ -n "${KEEP:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
D="$WORK/state"
"$BUILD/riik" up --dir "$D" --port-base 0 --population 3000 >"$WORK/up.out" 2>"$WORK/up.err" &
UP=$!
for _ in $(seq 1 600); do [ -s "$D/endpoints.json" ] && break; sleep 0.1; done
[ -s "$D/endpoints.json" ] || { cat "$WORK/up.err" >&2; echo "riik up did not start" >&2; exit 1; }
"$BUILD/bench/portal_bench" --dir "$D" --sessions "$SESSIONS" --seconds "$SECONDS_PER_SIDE" --rounds "$ROUNDS"
echo "riik up's threads: $(ls /proc/$UP/task | wc -l)"

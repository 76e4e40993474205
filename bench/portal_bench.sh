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
source "$(dirname "$0")/up_lib.sh"
bench_up "$BUILD/riik" portalbench 3000
EMBASSY=$(cat "$D"/embassy-*/embassy.pid)
# CPU seconds (user + system) a process has used so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
threads() { ls "/proc/$UP/task" | wc -l; }
echo "riik up's threads at rest: $(threads)"
# The most threads riik up runs while loaded, sampled every half second.
( peak=0; while :; do n=$(threads); [ "$n" -gt "$peak" ] && peak=$n && echo "$peak" >"$WORK/peak"; sleep 0.5; done ) &
SAMPLER=$!
up0=$(cpu "$UP") embassy0=$(cpu "$EMBASSY") t0=$(date +%s.%N)
"$BUILD/bench/portal_bench" --dir "$D" --sessions "$SESSIONS" --seconds "$SECONDS_PER_SIDE" --rounds "$ROUNDS"
up1=$(cpu "$UP") embassy1=$(cpu "$EMBASSY") t1=$(date +%s.%N)
kill "$SAMPLER"
echo "riik up's threads at the most, sampled every 0.5 s under load: $(cat "$WORK/peak")"
# Where the two cores went (the sign-ins included): the state, and the embassy beside it.
awk -v a="$up0" -v b="$up1" -v c="$embassy0" -v d="$embassy1" -v s="$t0" -v e="$t1" 'BEGIN {
  printf "CPU over the run: riik up %.0f%% of a core, the embassy %.0f%%\n", 100 * (b - a) / (e - s), 100 * (d - c) / (e - s) }'

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
"$BUILD/bench/portal_bench" --dir "$D" --sessions "$SESSIONS" --seconds "$SECONDS_PER_SIDE" --rounds "$ROUNDS"
echo "riik up's threads: $(ls /proc/$UP/task | wc -l)"

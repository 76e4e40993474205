# Shared by the wrk-driven benchmarks (source it): one checked wrk run, and medians.

# wrk_checked OUT ARGS…: runs `wrk ARGS…` with its report in OUT, and fails the benchmark,
# showing the report, if wrk fails or saw any answer but 2xx/3xx or any socket error: a
# figure made of errors measures nothing.
wrk_checked() {
  local out=$1
  shift
  if ! wrk "$@" >"$out" 2>&1; then
    echo "wrk failed ($*):" >&2
    cat "$out" >&2
    exit 1
  fi
  if grep -q "Non-2xx or 3xx responses\|Socket errors" "$out"; then
    echo "errors under load, so the round measures nothing (wrk $*):" >&2
    cat "$out" >&2
    exit 1
  fi
}

# wrk_rps OUT: the requests per second of a report wrk_checked wrote.
wrk_rps() { awk '/^Requests\/sec:/{print $2}' "$1"; }

# median: of the numbers on standard input, one per line.
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

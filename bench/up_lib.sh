# Shared by the benchmarks that run against a whole `riik up` (source it).

# bench_up RIIK NAME POPULATION: a work directory WORK (removed on exit unless KEEP is
# set), `riik up` started in WORK/state (D) with POPULATION citizens on free ports, its
# pid in UP; returns once its endpoints.json is written (or fails, showing its log).
bench_up() {
  local riik=$1 name=$2 population=$3
  WORK=$(mktemp -d "/tmp/riik-$name-XXXXXX")
  trap bench_up_cleanup EXIT
  D="$WORK/state"
  "$riik" up --dir "$D" --port-base 0 --population "$population" >"$WORK/up.out" 2>"$WORK/up.err" &
  UP=$!
  for _ in $(seq 1 600); do [ -s "$D/endpoints.json" ] && break; sleep 0.1; done
  [ -s "$D/endpoints.json" ] || { cat "$WORK/up.err" >&2; echo "riik up did not start" >&2; exit 1; }
}

bench_up_cleanup() {
  [ -n "${UP:-}" ] && kill "$UP" 2>/dev/null && wait "$UP" 2>/dev/null || true
  [ -n "${KEEP:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}

#!/usr/bin/env bash
# The tour `riik up` prints (README.md's, with this run's ports: e2e_help checks they are
# the same text) works as written: pasted whole into a shell it runs to the end, every
# command succeeds, and no call answers an error.
source "$(dirname "$0")/lib.sh"

DIR="$WORK/state"
start_up "$DIR"
# riik up prints the tour just after it writes endpoints.json: wait for its last line.
for _ in $(seq 1 300); do grep -q "Stop with Ctrl-C" "$WORK/up.out" && break; sleep 0.1; done
grep -q "Stop with Ctrl-C" "$WORK/up.out" || fail "riik up printed no whole tour within 30 s: $(cat "$WORK/up.out")"
awk '/^The tour, as README.md shows it/ {on = 1; next} on && /^Demo citizens/ {exit} on {print}' "$WORK/up.out" \
  >"$WORK/tour.sh"
[ "$(grep -c . "$WORK/tour.sh")" -gt 20 ] || fail "riik up printed no tour: $(cat "$WORK/up.out")"
# The tour writes its files where it runs, and restores into mktemp's directories.
cd "$WORK"
if ! TMPDIR="$WORK" bash -e -o pipefail "$WORK/tour.sh" >"$WORK/tour.out" 2>"$WORK/tour.err"; then
  fail "the tour stops: $(tail -5 "$WORK/tour.err")"
fi
if grep -q '"message":' "$WORK/tour.out"; then fail "a call of the tour answered an error: $(grep '"message":' "$WORK/tour.out")"; fi
grep -q "verifies against" "$WORK/tour.out" || fail "the evidence of the tour's call did not verify: $(cat "$WORK/tour.out")"
grep -q "restored registry_population" "$WORK/tour.out" || fail "the tour's restore did not report"
pass "the tour runs as printed ($(grep -c . "$WORK/tour.sh") lines): every call answered, evidence verified, restored, drilled"

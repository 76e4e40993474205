#!/usr/bin/env bash
# `riik vote verify` as a user runs it, on the record of an election held in the tests
# (a 3-of-5 ceremony, 30 voters, re-votes, a paper vote, a refusal: tests/election/
# record_test.cc): the record verifies and the result is printed; a doctored count, a
# dropped board entry and a missing file are each refused with the reason and exit 1.
source "$(dirname "$0")/lib.sh"

RECORD="$WORK/record"
RIIK_RECORD_DIR="$RECORD" RIIK_RECORD_ROOT="$WORK/root.pem" "$ELECTION_TEST" --gtest_also_run_disabled_tests \
  --gtest_filter='*WriteRecordForTheCli' >"$WORK/writer.txt" 2>&1 || { cat "$WORK/writer.txt"; fail "the test election did not run"; }
expected=$(awk '$1 == "council-1/101" {print $2}' "$WORK/writer.txt")
[ -n "$expected" ] || fail "the test election printed no expected count"

"$RIIK" vote verify "$RECORD" --ca "$WORK/root.pem" >"$WORK/out.txt" 2>"$WORK/err.txt" || {
  cat "$WORK/err.txt"
  fail "riik vote verify refused an honest record"
}
grep -q "the record verifies" "$WORK/out.txt" || fail "no verdict printed"
grep -q "29 of 30 listed voters counted" "$WORK/out.txt" || fail "the counts of the board are not printed"
awk -v want="$expected" '$1 == "101" {found = 1; if ($(NF-1) != want && $NF != want) exit 1} END {exit !found}' \
  "$WORK/out.txt" || fail "option 101's count is not $expected: $(grep '^  101' "$WORK/out.txt")"
pass "an honest record verifies and shows its result"

cp -r "$RECORD" "$WORK/doctored"
sed -i 's/"count":\([0-9]*\)/"count":9\1/' "$WORK/doctored/tally.json"
if "$RIIK" vote verify "$WORK/doctored" --ca "$WORK/root.pem" >/dev/null 2>"$WORK/err.txt"; then
  fail "a doctored count verified"
fi
grep -q "the published count" "$WORK/err.txt" || fail "a doctored count refused without the reason: $(cat "$WORK/err.txt")"

rm -rf "$WORK/doctored" && cp -r "$RECORD" "$WORK/doctored"
sed -i '3d' "$WORK/doctored/board.jsonl"
if "$RIIK" vote verify "$WORK/doctored" --ca "$WORK/root.pem" >/dev/null 2>"$WORK/err.txt"; then
  fail "a board with an entry dropped verified"
fi
grep -q "dropped" "$WORK/err.txt" || fail "a dropped entry refused without the reason: $(cat "$WORK/err.txt")"

rm "$WORK/doctored/tally.json"
if "$RIIK" vote verify "$WORK/doctored" --ca "$WORK/root.pem" >/dev/null 2>&1; then fail "a record without its tally verified"; fi
pass "a doctored count, a dropped entry and a missing file are refused with the reason"

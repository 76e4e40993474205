#!/usr/bin/env bash
# `riik vote verify` as a user runs it, on the record of an election held in the tests
# (a 3-of-5 ceremony, 30 voters, re-votes, a paper vote, a refusal: tests/election/
# record_test.cc): the record verifies and the result is printed; a doctored count, a
# dropped board entry and a missing file are each refused with the reason and exit 1.
source "$(dirname "$0")/lib.sh"

RECORD="$WORK/record"
export RIIK_RECORD_SIGNER="$WORK/board-signer"  # both test runs sign as one vote server
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

# The trustees' side with the CLI: a 3-of-5 key ceremony through files, then a board
# made under that key, decrypted by trustees 1, 3 and 5 and tallied; the record verifies.
CER="$WORK/ceremony"
mkdir -p "$CER"
cp "$RECORD/manifest.json" "$CER/manifest.json"
for t in 1 2 3 4 5; do
  RIIK_TRUSTEE_PASSPHRASE="passphrase of trustee $t" "$RIIK" vote ceremony keys --manifest "$CER/manifest.json" \
    --trustee $t --dir "$CER" --key "$WORK/trustee-$t/transport.json" --kdf interactive >/dev/null ||
    fail "trustee $t: ceremony keys"
done
[ "$(stat -c %a "$WORK/trustee-1/transport.json")" = 600 ] || fail "a trustee's sealed transport key is not 0600"
[ "$(stat -c %a "$WORK/trustee-1")" = 700 ] || fail "a trustee's own directory is not 0700"
extra=$(find "$CER" -mindepth 1 -maxdepth 1 ! -name '*.pub.json' ! -name manifest.json -printf '%f ')
[ -z "$extra" ] || fail "more than public keys in the shared directory: $extra"
# Never into the shared directory or below it, however spelled, even one not made yet.
for spelled in "$CER|$CER/../ceremony/t1.json" "$CER|$CER/private/t1.json" "$WORK/fresh/|$WORK/fresh/t1.json"; do
  if RIIK_TRUSTEE_PASSPHRASE="passphrase of trustee 1" "$RIIK" vote ceremony keys --manifest "$CER/manifest.json" \
    --trustee 1 --dir "${spelled%%|*}" --key "${spelled#*|}" --kdf interactive >/dev/null 2>"$WORK/err.txt"; then
    fail "a sealed transport key was written into the shared directory (${spelled#*|})"
  fi
  grep -q "whose files go to the other trustees" "$WORK/err.txt" ||
    fail "a key in --dir refused without the reason: $(cat "$WORK/err.txt")"
done
"$RIIK" vote ceremony fingerprint --manifest "$CER/manifest.json" --dir "$CER" >"$WORK/fingerprint.txt" ||
  fail "ceremony fingerprint"
agreed=$(awk '/^all 5:/ {print $3}' "$WORK/fingerprint.txt")
[ ${#agreed} = 64 ] || fail "no fingerprint of all keys: $(cat "$WORK/fingerprint.txt")"
if RIIK_TRUSTEE_PASSPHRASE="passphrase of trustee 1" "$RIIK" vote ceremony commit --manifest "$CER/manifest.json" \
  --trustee 1 --dir "$CER" --key "$WORK/trustee-1/transport.json" --expect-keys "$(printf '%064d' 0)" >/dev/null 2>"$WORK/err.txt"; then
  fail "a commit went ahead with keys nobody agreed on"
fi
grep -q "not the one read out" "$WORK/err.txt" || fail "other keys refused without the reason: $(cat "$WORK/err.txt")"
[ ! -e "$CER/share-1-to-2.json" ] || fail "a share was sealed before the keys were agreed"
for t in 1 2 3 4 5; do
  RIIK_TRUSTEE_PASSPHRASE="passphrase of trustee $t" "$RIIK" vote ceremony commit --manifest "$CER/manifest.json" \
    --trustee $t --dir "$CER" --key "$WORK/trustee-$t/transport.json" --expect-keys "$agreed" >/dev/null ||
    fail "trustee $t: ceremony commit"
done
cp "$CER/share-2-to-4.json" "$WORK/share-2-to-4.json"
cp "$CER/share-3-to-4.json" "$CER/share-2-to-4.json"  # a box meant for 4, but from 3
if RIIK_TRUSTEE_PASSPHRASE="passphrase of trustee 4" "$RIIK" vote ceremony finish --manifest "$CER/manifest.json" \
  --trustee 4 --dir "$CER" --key "$WORK/trustee-4/transport.json" --out "$WORK/trustee-4/key-share.json" --kdf interactive >/dev/null 2>"$WORK/err.txt"; then
  fail "trustee 4 accepted a share box from the wrong trustee"
fi
grep -q "share-2-to-4.json" "$WORK/err.txt" || fail "a wrong share box refused without naming it: $(cat "$WORK/err.txt")"
cp "$WORK/share-2-to-4.json" "$CER/share-2-to-4.json"
if RIIK_TRUSTEE_PASSPHRASE="passphrase of trustee 4" "$RIIK" vote ceremony finish --manifest "$CER/manifest.json" \
  --trustee 4 --dir "$CER" --key "$WORK/trustee-4/transport.json" --out "$CER/key-share-4.json" --kdf interactive \
  >/dev/null 2>"$WORK/err.txt"; then
  fail "a sealed key share was written into the shared directory"
fi
grep -q "keep the sealed key share elsewhere" "$WORK/err.txt" || fail "a share in --dir refused without the reason: $(cat "$WORK/err.txt")"
keys=""
for t in 1 2 3 4 5; do
  RIIK_TRUSTEE_PASSPHRASE="passphrase of trustee $t" "$RIIK" vote ceremony finish --manifest "$CER/manifest.json" \
    --trustee $t --dir "$CER" --key "$WORK/trustee-$t/transport.json" --out "$WORK/trustee-$t/key-share.json" \
    --kdf interactive >"$WORK/finish.txt" ||
    fail "trustee $t: ceremony finish"
  keys="$keys $(awk '/^election key:/ {print $3}' "$WORK/finish.txt")"
done
[ "$(echo $keys | tr ' ' '\n' | sort -u | wc -l)" = 1 ] || fail "the trustees computed different election keys: $keys"
if RIIK_TRUSTEE_PASSPHRASE="passphrase of trustee 1" "$RIIK" vote ceremony commit --manifest "$CER/manifest.json" \
  --trustee 1 --dir "$CER" --key "$WORK/trustee-1/transport.json" --expect-keys "$agreed" >/dev/null 2>"$WORK/err.txt"; then
  fail "a second commit replaced the commitments the others rely on"
fi
grep -q "exists" "$WORK/err.txt" || fail "a second commit refused without the reason: $(cat "$WORK/err.txt")"
pass "a 3-of-5 key ceremony through files: every trustee checks every share and gets the same key"

BOARD="$WORK/board-record"
RIIK_CEREMONY="$CER/ceremony.json" RIIK_RECORD_DIR="$BOARD" RIIK_RECORD_ROOT="$WORK/root2.pem" "$ELECTION_TEST" \
  --gtest_also_run_disabled_tests --gtest_filter='*WriteBoardForTheCli' >"$WORK/board.txt" 2>&1 ||
  { cat "$WORK/board.txt"; fail "the test board was not written"; }
if RIIK_TRUSTEE_PASSPHRASE="not the passphrase" "$RIIK" vote decrypt "$BOARD" --trustee 1 --ca "$WORK/root2.pem" \
  --key-share "$WORK/trustee-1/key-share.json" --out "$WORK/part-1.json" >/dev/null 2>"$WORK/err.txt"; then
  fail "a key share opened with a wrong passphrase"
fi
grep -q "does not open" "$WORK/err.txt" || fail "a wrong passphrase refused without the reason: $(cat "$WORK/err.txt")"
for t in 1 3 5; do
  RIIK_TRUSTEE_PASSPHRASE="passphrase of trustee $t" "$RIIK" vote decrypt "$BOARD" --trustee $t --ca "$WORK/root2.pem" \
    --key-share "$WORK/trustee-$t/key-share.json" --out "$WORK/part-$t.json" >/dev/null || fail "trustee $t: decrypt"
done
if "$RIIK" vote tally "$BOARD" --ca "$WORK/root2.pem" --part "$WORK/part-1.json" --part "$WORK/part-3.json" \
  >/dev/null 2>"$WORK/err.txt"; then
  fail "two trustees' parts made a tally"
fi
grep -q "needs 3" "$WORK/err.txt" || fail "too few parts refused without the reason: $(cat "$WORK/err.txt")"
"$RIIK" vote tally "$BOARD" --ca "$WORK/root2.pem" --part "$WORK/part-1.json" --part "$WORK/part-3.json" \
  --part "$WORK/part-5.json" >/dev/null || fail "vote tally"
"$RIIK" vote verify "$BOARD" --ca "$WORK/root2.pem" >"$WORK/out2.txt" || fail "the trustees' tally does not verify"
counted=0
while read -r option n; do
  counted=$((counted + 1))
  id=${option#*/}
  awk -v id="$id" -v want="$n" '$1 == id {found = 1; if ($(NF-1) != want && $NF != want) exit 1} END {exit !found}' \
    "$WORK/out2.txt" || fail "option $option: expected $n in: $(grep "^  $id " "$WORK/out2.txt")"
done < <(grep -E '^[a-z]+-[0-9]/' "$WORK/board.txt")
[ "$counted" -gt 0 ] || fail "the harness printed no expected counts: $(head -5 "$WORK/board.txt")"
pass "trustees 1, 3 and 5 decrypt, the tally combines their parts, and the record verifies with the expected counts"

#!/usr/bin/env bash
# The base registries as `riik up` runs them: the tax board pre-fills a citizen's return
# from its own employer data and the bank's interest fetched through the exchange on the
# citizen's behalf; the citizen signs it with PIN2 and submits it (once, through the
# signature validation service); the bank's data tracker lists the tax
# board's access with proofs that verify offline, and a record removed from the
# tracker's store behind the registry's back is detected. Bad input gets clear 4xx.
source "$(dirname "$0")/lib.sh"

DIR="$WORK/state"
start_up "$DIR" --population 300
EP="$DIR/endpoints.json"
url() { jq -r --arg r "$1" '.roles[$r].url' "$EP"; }
CODE=38001085718  # Jaak-Kristjan Jõeorg, a demo citizen
ME=(-H "X-Road-UserId: EE$CODE")
YEAR=2024

# Before anyone has read the bank, its tracker says so instead of failing.
"$RIIK" tracker list $(ss_tls bank) --url "$(url registry-bank)" --code "$CODE" >"$WORK/t0.out" 2>&1 ||
  fail "tracker list of a registry nobody has read failed: $(cat "$WORK/t0.out")"
grep -q "Nobody has looked at the data of $CODE" "$WORK/t0.out" || fail "an unread tracker is not named: $(cat "$WORK/t0.out")"
pass "a registry nobody has read yet says so (exit 0)"

# The pre-filled return, and what it was built from, asked for separately.
ss_curl tax -s "${ME[@]}" "$(url registry-tax)/return/$CODE/$YEAR" >"$WORK/return.json"
jq -e '.status == "draft"' "$WORK/return.json" >/dev/null || fail "no draft: $(cat "$WORK/return.json")"
ss_curl tax -s "${ME[@]}" "$(url registry-tax)/income/$CODE?year=$YEAR" >"$WORK/income.json"
is_curl tax -s "${ME[@]}" -H 'X-Road-Client: EE/GOV/70000349/tax' -H 'X-Road-Issue: e2e check' \
  "$(url ss-tax)/r1/EE/COM/10060701/bank/interest/$CODE?year=$YEAR" >"$WORK/interest.json"
income=$(jq .total_cents "$WORK/income.json"); interest=$(jq .total_cents "$WORK/interest.json")
[ "$income" -gt 0 ] && [ "$interest" -gt 0 ] || fail "the demo citizen has no income or interest: $income / $interest"
[ "$(jq .income_total_cents "$WORK/return.json")" = "$income" ] || fail "the return's income is not the employer data: $(cat "$WORK/return.json")"
[ "$(jq .interest_total_cents "$WORK/return.json")" = "$interest" ] || fail "the return's interest is not the bank's: $(cat "$WORK/return.json")"
XID=$(jq -r .interest_source.x_road_id "$WORK/return.json")
[ -n "$XID" ] && [ "$XID" != null ] || fail "the return does not name the call that fetched the interest"
pass "pre-filled return: income $income (tax board's own data) + interest $interest (fetched from the bank, X-Road-Id $XID)"

# That call is in both security servers' message logs, with evidence.
for role in ss-tax ss-bank; do
  for _ in $(seq 1 75); do
    "$RIIK" exchange evidence --dir "$DIR" --name "$role" --id "$XID" --out "$WORK/$role.json" >"$WORK/ev.out" 2>&1 && break
    sleep 0.2
  done
  "$RIIK" exchange evidence verify "$WORK/$role.json" --ca "$DIR/trust/root.pem" >/dev/null || fail "evidence of $role: $(cat "$WORK/ev.out")"
done
pass "the interest call's evidence verifies at both security servers"
# Without --name, a data directory of several security servers names them.
if "$RIIK" exchange evidence --dir "$DIR" --id "$XID" >"$WORK/noname.out" 2>&1; then fail "evidence without --name chose a server"; fi
grep -q "holds several security servers (ss-bank, ss-business, ss-education, ss-population, ss-sign, ss-tax): choose one with --name" \
  "$WORK/noname.out" || fail "evidence without --name does not list the servers: $(cat "$WORK/noname.out")"
pass "without --name, the security servers to choose from are named"

# The citizen signs the draft exactly as the board gave it (PIN2) and submits the
# container; the board takes it only as the validation service judges it, through the
# exchange. Unsigned, or signed by someone else, it is refused with the reason.
submit() {  # submit FILE [CURL ARGS…]: the HTTP status, the answer in $WORK/submitted
  local file=$1; shift
  ss_curl tax -s -o "$WORK/submitted" -w '%{http_code}' -X POST "${ME[@]}" "$@" \
    -H 'Content-Type: application/vnd.etsi.asic-e+zip' --data-binary @"$file" "$(url registry-tax)/return/$CODE/$YEAR/submit"
}
sign_as() { RIIK_PIN2=01497 "$RIIK" sign --dir "$DIR" --token "$DIR/citizens/$1" --in "$WORK/return.json" --out "$2" >/dev/null; }
sign_as "$CODE" "$WORK/return.asice" || fail "signing the return with PIN2"
OTHER=$(jq -r --arg c "$CODE" '[.identities[].code | select(. != $c)][0]' "$EP")
sign_as "$OTHER" "$WORK/other.asice" || fail "signing the return as $OTHER"
code=$(ss_curl tax -s -o "$WORK/s0" -w '%{http_code}' -X POST "${ME[@]}" "$(url registry-tax)/return/$CODE/$YEAR/submit")
[ "$code" = 415 ] && grep -q "submit the return signed" "$WORK/s0" || fail "an unsigned submission: $code $(cat "$WORK/s0")"
code=$(submit "$WORK/other.asice")
[ "$code" = 400 ] && grep -q "no valid signature of $CODE covers the draft" "$WORK/submitted" ||
  fail "another citizen's signature: $code $(cat "$WORK/submitted")"
code=$(submit "$WORK/return.asice")
[ "$code" = 200 ] && jq -e --arg s "PNOEE-$CODE" '.status == "submitted" and (.submitted_at | length > 0) and
  .signature.signer_id == $s and (.signature.validation.x_road_id | length > 0) and
  (.signature.validation.record.log_id == "validation:EE/GOV/70006317/sign")' "$WORK/submitted" >/dev/null ||
  fail "the signed submission: $code $(cat "$WORK/submitted")"
VXID=$(jq -r .signature.validation.x_road_id "$WORK/submitted")
code=$(submit "$WORK/return.asice")
[ "$code" = 409 ] && grep -q "submitted already" "$WORK/submitted" || fail "a second submission: $code $(cat "$WORK/submitted")"
pass "the return signed with PIN2 is taken through the validation service (X-Road-Id $VXID); unsigned 415, another's signature 400, a second submission 409"

# Bad input, through the exchange.
call() { is_curl tax -s -o "$WORK/b" -w '%{http_code}' -H 'X-Road-Client: EE/GOV/70000349/tax' "$@"; }
POP="$(url ss-tax)/r1/EE/GOV/70000013/population/person"
[ "$(call "${ME[@]}" "$POP/38001085719")" = 400 ] && grep -q "fails the checksum" "$WORK/b" || fail "a bad check digit: $(cat "$WORK/b")"
[ "$(call "${ME[@]}" "$POP/38002305718")" = 400 ] || fail "an impossible date (30 February): $(cat "$WORK/b")"
[ "$(call "${ME[@]}" "$POP/18912310006")" = 404 ] || fail "an unknown person: $(cat "$WORK/b")"
[ "$(call "$POP/$CODE")" = 403 ] && jq -e '.type == "purpose_required"' "$WORK/b" >/dev/null || fail "no purpose: $(cat "$WORK/b")"
pass "a bad check digit and an impossible date 400, an unknown person 404, no stated purpose 403"

# The bank's data tracker: the tax board's access for the return, with proofs.
BANK=$(url registry-bank)
for _ in $(seq 1 75); do  # the heads' timestamps are asynchronous
  "$RIIK" tracker list $(ss_tls bank) --url "$BANK" --code "$CODE" --out "$WORK/t1.json" 2>"$WORK/t.err" && break
  sleep 0.2
done
[ -s "$WORK/t1.json" ] || fail "tracker list: $(cat "$WORK/t.err")"
jq -e --arg x "$XID" '[.entries[].record | select(.client == "EE/GOV/70000349/tax" and .xroad_id == $x and
  .user_id == "EE38001085718" and (.issue | test("Income Tax Act")))] | length == 1' "$WORK/t1.json" >/dev/null ||
  fail "the tax board's access is not in the bank's tracker: $(jq -c '[.entries[].record]' "$WORK/t1.json")"
"$RIIK" tracker verify "$WORK/t1.json" --ca "$DIR/trust/root.pem" >"$WORK/v1.out" || fail "the listing does not verify: $(cat "$WORK/v1.out")"
"$RIIK" tracker log verify --dir "$DIR" --registry bank | grep -q verifies || fail "the bank's tracker log does not verify"
pass "the bank's tracker lists the tax board's access ($(grep -c ' asked ' "$WORK/v1.out") accesses), verified offline"

# More accesses, then a listing that extends the first.
code=$(is_curl tax -s -o /dev/null -w '%{http_code}' "${ME[@]}" -H 'X-Road-Client: EE/GOV/70000349/tax' \
  -H 'X-Road-Issue: e2e second access' "$(url ss-tax)/r1/EE/COM/10060701/bank/interest/$CODE")
[ "$code" = 200 ] || fail "the second access answered $code"
for _ in $(seq 1 75); do
  "$RIIK" tracker list $(ss_tls bank) --url "$BANK" --code "$CODE" --since "$WORK/t1.json" --out "$WORK/t2.json" 2>"$WORK/t.err" &&
    [ "$(jq '.entries | length' "$WORK/t2.json")" -gt "$(jq '.entries | length' "$WORK/t1.json")" ] && break
  sleep 0.2
done
[ "$(jq '.entries | length' "$WORK/t2.json")" -gt "$(jq '.entries | length' "$WORK/t1.json")" ] ||
  fail "the tracker did not list the second access: $(cat "$WORK/t.err")"
"$RIIK" tracker verify "$WORK/t2.json" --previous "$WORK/t1.json" --ca "$DIR/trust/root.pem" >/dev/null ||
  fail "the second listing does not extend the first"
echo '{"current":{"head":{"tree_size":1e300}}}' >"$WORK/not-a-listing.json"
if "$RIIK" tracker list $(ss_tls bank) --url "$BANK" --code "$CODE" --since "$WORK/not-a-listing.json" \
  --out "$WORK/t-bad.json" 2>"$WORK/t.err"; then
  fail "a --since file that is not a listing was taken"
fi
grep -q "is not an earlier listing: current.head.tree_size: expected an integer" "$WORK/t.err" ||
  fail "the bad --since file is not named: $(cat "$WORK/t.err")"
pass "a later listing proves the log only grew since the first"

# Someone with database access removes the tax board's record from the bank's tracker's
# key index, so that listings no longer find it.
LEAF=$(jq --arg x "$XID" '[.entries[] | select(.record.xroad_id == $x)][0].leaf_index' "$WORK/t1.json")
sqlite3 "$DIR/registry_bank/store.db" "PRAGMA busy_timeout=5000; DELETE FROM signed_log_keys WHERE log_id LIKE 'tracker:%' AND leaf_index = $LEAF;" >/dev/null
"$RIIK" tracker list $(ss_tls bank) --url "$BANK" --code "$CODE" --since "$WORK/t2.json" --out "$WORK/t3.json" 2>"$WORK/t.err" || fail "tracker list: $(cat "$WORK/t.err")"
if "$RIIK" tracker verify "$WORK/t3.json" --previous "$WORK/t2.json" --ca "$DIR/trust/root.pem" >"$WORK/v3.out" 2>&1; then
  fail "a listing without the removed record verified against the previous one"
fi
grep -q "record $LEAF, listed before, is missing now" "$WORK/v3.out" || fail "the removal is not named: $(cat "$WORK/v3.out")"
if "$RIIK" tracker log verify --dir "$DIR" --registry bank >"$WORK/lv.out" 2>&1; then fail "the tracker log verified with a record gone"; fi
grep -q "leaf $LEAF is missing" "$WORK/lv.out" || fail "log verify does not name the gap: $(cat "$WORK/lv.out")"
pass "the removed record is detected by the citizen's listing check and by the log check"

# Change propagation: an address change reaches the tax board, the bank and the school
# through the exchange; the bank is unreachable during it (its security server refuses
# the population register) and gets every event, in order, once it is back.
# The bank onboards the citizen from the population register: nothing typed in.
code=$(ss_curl bank -s -o "$WORK/kyc.json" -w '%{http_code}' -X POST "${ME[@]}" -H 'X-Road-Issue: opening an account' \
  "$(url registry-bank)/customers/$CODE")
[ "$code" = 200 ] && jq -e '.surname == "Jõeorg" and .birth_date == "1980-01-08" and (.kyc_x_road_id | length > 0)' \
  "$WORK/kyc.json" >/dev/null || fail "onboarding: $code $(cat "$WORK/kyc.json")"
pass "the bank's customer data came from the population register (X-Road-Id $(jq -r .kyc_x_road_id "$WORK/kyc.json"))"

REV=(--dir "$DIR" --name ss-bank --service EE/COM/10060701/bank/notify --client EE/GOV/70000013/population --method POST)
"$RIIK" exchange revoke "${REV[@]}" >/dev/null || fail "taking the bank off the exchange"
move() {  # move SETTLEMENT STREET HOUSE
  ss_curl population -s -o "$WORK/m" -w '%{http_code}' -X POST -H 'Content-Type: application/json' -H 'X-Road-Issue: e2e: moving house' \
    "$(url registry-population)/address/$CODE" -d "{\"settlement\":\"$1\",\"street\":\"$2\",\"house\":$3}"
}
events() { ss_curl "$1" -s -H 'X-Road-Issue: e2e check' "$(url "registry-$1")/notifications/$CODE" | jq '.events | length'; }
start_ms=$(date +%s%3N)
[ "$(move Tartu 'Rüütli tn' 5)" = 200 ] || fail "moving: $(cat "$WORK/m")"
# How fast is a benchmark's question (docs/benchmarks.md); here only that it arrives, within
# 10 s even on a loaded machine under a sanitizer.
for r in tax education; do
  for _ in $(seq 1 500); do [ "$(events $r)" = 1 ] && break; sleep 0.02; done
  [ "$(events $r)" = 1 ] || fail "the $r registry was not told of the move"
done
took=$(( $(date +%s%3N) - start_ms ))
code=$(ss_curl population -s -o "$WORK/m" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -H 'X-Road-UserId: EE49403136526' "$(url registry-population)/address/$CODE" -d '{"settlement":"Tartu","street":"Pikk tn","house":1}')
[ "$code" = 403 ] && grep -q "only their own address" "$WORK/m" || fail "a move on someone else's behalf: $code $(cat "$WORK/m")"
pass "a person moves only themself: a change on another person's behalf is refused (403)"
[ "$(move Tartu 'Pikk tn' 7)" = 200 ] || fail "moving again: $(cat "$WORK/m")"
sleep 1
[ "$(events bank)" = 0 ] || fail "the bank got events while off the exchange"
"$RIIK" exchange grant "${REV[@]}" >/dev/null || fail "bringing the bank back"
for _ in $(seq 1 100); do [ "$(events bank)" = 2 ] && break; sleep 0.1; done
ss_curl bank -s -H 'X-Road-Issue: e2e check' "$(url registry-bank)/notifications/$CODE" >"$WORK/bank-events.json"
jq -e '[.events[].seq] == [1, 2] and .events[1].address.street == "Pikk tn"' "$WORK/bank-events.json" >/dev/null ||
  fail "the bank did not catch up in order: $(cat "$WORK/bank-events.json")"
for r in tax education; do [ "$(events $r)" = 2 ] || fail "the $r registry missed the second move"; done
jq -e '.current.street == "Pikk tn"' <(is_curl tax -s -H 'X-Road-Issue: e2e check' -H 'X-Road-Client: EE/GOV/70000349/tax' \
  "$(url ss-tax)/r1/EE/GOV/70000013/population/address/$CODE") >/dev/null || fail "the population register's address"
pass "the move reached the tax board and the school in $took ms; the bank, off the exchange meanwhile, caught up with both events in order"
ss_curl bank -s "${ME[@]}" "$(url registry-bank)/customers/$CODE" | jq -e '.address | test("Pikk tn 7")' >/dev/null ||
  fail "the bank's customer record did not follow the move"
pass "the bank's customer record follows the address change"

# Every notification gave out the person's address: each is in the population register's tracker.
for _ in $(seq 1 75); do
  "$RIIK" tracker list $(ss_tls population) --url "$(url registry-population)" --code "$CODE" --out "$WORK/pop.json" 2>"$WORK/t.err" && break
  sleep 0.2
done
"$RIIK" tracker verify "$WORK/pop.json" --ca "$DIR/trust/root.pem" >/dev/null || fail "the population tracker listing: $(cat "$WORK/t.err")"
for who in EE/GOV/70000349/tax EE/COM/10060701/bank EE/GOV/70000740/education; do
  n=$(jq --arg c "$who" '[.entries[].record | select(.client == $c and .service == "address_changed")] | length' "$WORK/pop.json")
  [ "$n" = 2 ] || fail "the population tracker has $n notifications to $who, expected 2"
done
pass "the population register's tracker lists both notifications to each subscriber, verified"

# The school district follows the pupil's address in the population register.
PUPIL=$(sqlite3 "$DIR/registry_education/store.db" "SELECT person FROM pupils ORDER BY person LIMIT 1")
ss_curl education -s -H 'X-Road-Issue: e2e check' "$(url registry-education)/pupil/$PUPIL" >"$WORK/pupil.json"
jq -e '(.district.municipality | length > 0) and (.district.x_road_id | length > 0)' "$WORK/pupil.json" >/dev/null ||
  fail "no school district: $(cat "$WORK/pupil.json")"
# The tax board's rules are its to set; drafts made afterwards use them.
code=$(op_curl "$DIR/registry_tax/admin-token" -s -o "$WORK/r" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' "$(url registry-tax)/rules/2025" \
  -d '{"flat_rate_basis_points":2200,"basic_exemption_cents":784800}')
[ "$code" = 200 ] || fail "setting the 2025 rules: $code $(cat "$WORK/r")"
code=$(op_curl "$DIR/registry_tax/admin-token" -s -o "$WORK/r" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' "$(url registry-tax)/rules/2025" \
  -d '{"flat_rate_basis_points":20000,"basic_exemption_cents":0}')
[ "$code" = 400 ] || fail "a rate above 100% was accepted: $code"
[ "$(ss_curl tax -s "${ME[@]}" "$(url registry-tax)/return/$CODE/2025" | jq .rules.flat_rate_basis_points)" = 2200 ] ||
  fail "the 2025 draft does not use the 2025 rules"
pass "the pupil's school district from the population register ($(jq -r .district.municipality "$WORK/pupil.json")); tax rules set per year"

#!/usr/bin/env bash
# `riik up` end to end: every URL in endpoints.json answers /healthz with 200 (TLS
# ones with the listed CA), the examples work, SIGTERM/SIGINT stop cleanly, a second
# run resumes with the data intact, and the journal verifies.
source "$(dirname "$0")/lib.sh"

DIR="$WORK/state"
start_up "$DIR"
EP="$DIR/endpoints.json"
CA=$(jq -r '.ca_certificates.dev_tls' "$EP")
[ -f "$CA" ] || fail "endpoints.json names CA $CA, which does not exist"
# The status listener's development certificate, and the state root for the exchange's
# and the registries' listeners.
cat "$CA" "$(jq -r '.ca_certificates.root' "$EP")" >"$WORK/cas.pem"
n=0
for url in $(jq -r '.roles[].healthz' "$EP"); do
  curl_ok "$url" --cacert "$WORK/cas.pem"
  n=$((n + 1))
done
[ "$n" -ge 3 ] || fail "expected at least 3 roles in endpoints.json, found $n"
pass "all $n /healthz URLs answer 200"

for role in $(jq -r '.roles | keys[]' "$EP"); do
  example=$(jq -r --arg r "$role" '.roles[$r].example // empty' "$EP")
  [ -n "$example" ] || continue
  out=$(eval "$example" 2>&1) || fail "example for $role failed: $example: $out"
  if [ "$(jq -r --arg r "$role" '.roles[$r].kind' "$EP")" = trust ]; then
    grep -q ": good" <<<"$out" && grep -q "Response verify OK" <<<"$out" ||
      fail "the trust example did not get a verified good OCSP answer: $out"
  elif [ "$(jq -r --arg r "$role" '.roles[$r].kind' "$EP")" = rp ]; then
    grep -q "You are not signed in" <<<"$out" || fail "the demo service $role did not show its page: $out"
  elif [ "$(jq -r --arg r "$role" '.roles[$r].kind' "$EP")" = portal ]; then
    grep -q 'id="sign-in"' <<<"$out" || fail "the portal did not show its home page: $out"
  elif [ "$(jq -r --arg r "$role" '.roles[$r].kind' "$EP")" = registry ]; then
    echo "$out" | jq -e 'type == "object" and (has("type") | not)' >/dev/null ||
      fail "the call to $role through the exchange failed: $example: $out"
  else
    echo "$out" | jq -e . >/dev/null || fail "example for $role did not return JSON: $out"
  fi
done
[ "$(jq '[.roles[] | select(.kind == "registry")] | length' "$EP")" = 5 ] || fail "expected five registries in endpoints.json"
pass "the examples in endpoints.json work (JSON from status and auth, a verified OCSP answer from trust, each registry through the exchange, the demo services' and the portal's pages)"

TRUST=$(jq -r '.roles.trust.url' "$EP")
curl -sf "$TRUST/ca/root.crt" | openssl x509 -inform der -noout -subject | grep -q "Root CA" ||
  fail "GET /ca/root.crt is not the root certificate"
cmp -s <(curl -sf "$TRUST/ca/org.crt") <(openssl x509 -in "$(jq -r .ca_certificates.org "$EP")" -outform der) ||
  fail "GET /ca/org.crt differs from the org.pem in endpoints.json"
T="$(dirname "$(jq -r .ca_certificates.root "$EP")")"
openssl ocsp -issuer "$T/org.pem" -cert "$T/ocsp-org.pem" -reqout "$WORK/req.der" -no_nonce >/dev/null 2>&1
curl -sf "$TRUST/ocsp/$(base64 -w0 "$WORK/req.der" | sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')" -o "$WORK/resp.der" ||
  fail "GET /ocsp/{request} failed"
openssl ocsp -respin "$WORK/resp.der" -resp_text -noverify | grep -q "Cert Status: good" || fail "GET OCSP answer"
pass "trust role: CA certificates over HTTP, OCSP by POST and GET"

echo "a document to timestamp" >"$WORK/doc"
openssl ts -query -data "$WORK/doc" -sha256 -cert -out "$WORK/q.tsq" 2>/dev/null
curl -sf -H 'Content-Type: application/timestamp-query' --data-binary @"$WORK/q.tsq" \
  "$(jq -r .roles.trust.tsa "$EP")" -o "$WORK/r.tsr" || fail "POST /tsa failed"
openssl ts -verify -in "$WORK/r.tsr" -queryfile "$WORK/q.tsq" -CAfile "$T/root.pem" -untrusted "$T/org.pem" 2>&1 |
  grep -q "Verification: OK" || fail "openssl ts -verify refused the token"
pass "trust role: a timestamp token that openssl ts -verify accepts"

# The operator issues and revokes through the running role (it owns the CA's store).
"$RIIK" ca issue --dir "$DIR" --profile tls-client --cn "member EE/GOV/70000349" --out "$WORK/member" \
  >"$WORK/issue.out" || fail "ca issue through the running trust role"
serial=$(awk '/^issued/{print $4}' "$WORK/issue.out")
ocsp() { openssl ocsp -issuer "$T/org.pem" -cert "$WORK/member.pem" -url "$(jq -r .roles.trust.ocsp "$EP")" \
  -CAfile "$T/root.pem" -resp_text 2>&1; }
ocsp | grep -q "member.pem: good" || fail "OCSP did not say good for the new certificate: $(ocsp)"
"$RIIK" ca revoke --dir "$DIR" --serial "$serial" --reason keyCompromise >/dev/null || fail "ca revoke via the role"
out=$(ocsp)
grep -q "member.pem: revoked" <<<"$out" && grep -q "Reason: keyCompromise" <<<"$out" &&
  grep -q "Response verify OK" <<<"$out" || fail "OCSP after revoke: $out"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"serial":"01"}' \
  "$TRUST/admin/revoke")
[ "$code" = 401 ] || fail "an admin call without the token answered $code"
pass "riik ca issue/revoke reach the running role; openssl ocsp says good, then revoked; no token, no admin"

# Demo citizens: software eIDs enrolled through the trust role; sign with PIN2, check
# with openssl cms; a lost card (riik ca revoke --code) shows as revoked over OCSP.
n=$(jq '.identities | length' "$EP")
[ "$n" -ge 3 ] || fail "endpoints.json lists $n demo citizens"
CODE=$(jq -r '.identities[0].code' "$EP")
TOKEN=$(jq -r '.identities[0].token' "$EP")
"$RIIK" id show --token "$TOKEN" | grep -q "PNOEE-$CODE" || fail "riik id show: $("$RIIK" id show --token "$TOKEN")"
echo "the tax return of $CODE" >"$WORK/doc.txt"
RIIK_PIN2=$(jq -r '.identities[0].pin2' "$EP") "$RIIK" id sign --token "$TOKEN" --in "$WORK/doc.txt" >/dev/null ||
  fail "riik id sign"
openssl cms -verify -binary -inform DER -in "$WORK/doc.txt.p7s" -content "$WORK/doc.txt" -CAfile "$T/eid-chain.pem" \
  -purpose any -out /dev/null 2>&1 | grep -q "Verification successful" || fail "openssl cms rejects the signature"
set +e
RIIK_PIN2=99999 "$RIIK" id sign --token "$TOKEN" --in "$WORK/doc.txt" 2>"$WORK/pin.err"
rc=$?
set -e
[ $rc = 1 ] && grep -q "wrong PIN2, 2 tries left" "$WORK/pin.err" || fail "a wrong PIN2: rc $rc, $(cat "$WORK/pin.err")"
eid_ocsp() { openssl ocsp -issuer "$T/eid.pem" -cert "$TOKEN/auth.pem" -url "$(jq -r .roles.trust.ocsp "$EP")" \
  -CAfile "$T/root.pem" 2>&1; }
eid_ocsp | grep -q "auth.pem: good" || fail "OCSP for an eID: $(eid_ocsp)"
"$RIIK" ca revoke --dir "$DIR" --code "$CODE" --reason keyCompromise | grep -c revoked | grep -q 2 ||
  fail "ca revoke --code did not revoke both certificates"
out=$(eid_ocsp)
grep -q "auth.pem: revoked" <<<"$out" && grep -q "Response verify OK" <<<"$out" || fail "eID OCSP after revoke: $out"
pass "demo eIDs: show, sign (openssl cms verifies), wrong PIN counted, revoke --code, OCSP revoked"

# The central authority: a signed global configuration that verifies with the anchor,
# and a registry change through the running role gives a newer version.
# (Into files first: head would stop reading early, and the writer's SIGPIPE fail the pipe.)
"$RIIK" central show --dir "$DIR" >"$WORK/conf1.txt" 2>&1 || fail "riik central show: $(cat "$WORK/conf1.txt")"
v1=$(head -1 "$WORK/conf1.txt" | awk '{print $5}' | tr -d ,)
[ -n "$v1" ] || fail "riik central show: $(cat "$WORK/conf1.txt")"
"$RIIK" central member --dir "$DIR" --id EE/NGO/80000001 --name "Test NGO" >/dev/null || fail "central member via the role"
"$RIIK" central show --dir "$DIR" >"$WORK/conf2.txt" 2>&1 || fail "riik central show: $(cat "$WORK/conf2.txt")"
v2=$(head -1 "$WORK/conf2.txt" | awk '{print $5}' | tr -d ,)
[ "$v2" -gt "$v1" ] || fail "the configuration version did not grow: $v1 -> $v2"
out=$("$RIIK" central member --dir "$DIR" --id EE/NGO/80000001 --name again 2>&1 || true)
grep -q "already registered" <<<"$out" || fail "a duplicate member was not refused: $out"
pass "central: global configuration v$v1 -> v$v2 verifies with the anchor; duplicates refused"

STATUS=$(jq -r '.roles.status.url' "$EP")
seq_before=$(curl -s "$STATUS/v1/stores" | jq '.stores[] | select(.store=="node") | .seq')
[ "$seq_before" -ge 2 ] || fail "node store head is $seq_before, expected >= 2"
# (Into a file first: grep -q would stop reading early, and curl's SIGPIPE fail the pipe.)
curl -s "$STATUS/metrics" >"$WORK/metrics.txt"
grep -q '^riik_journal_head_seq{node="node"} ' "$WORK/metrics.txt" || fail "/metrics lacks riik_journal_head_seq"
# The whole state in one process fits the machine: one event loop per core shared by
# every listener, no thread per waiting call (issue 14: 303 threads before). At most 64
# on two cores; each further core adds its loop.
threads=$(awk '$1 == "riik_process_threads" {print $2}' "$WORK/metrics.txt")
limit=$((62 + $(nproc)))
[ -n "$threads" ] && [ "$threads" -le "$limit" ] || fail "riik up runs ${threads:-?} threads (at most $limit)"
OPERATOR="Authorization: Bearer $(cat "$DIR/operator-token")"
code=$(curl -s -o "$WORK/err.json" -w '%{http_code}' -H "$OPERATOR" "$STATUS/v1/stores/node/journal?limit=0")
[ "$code" = 400 ] && jq -e '.type and .message' "$WORK/err.json" >/dev/null || fail "bad limit gave $code"
curl -sf -H "$OPERATOR" "$STATUS/v1/stores/node/journal?limit=2" | jq -e '.entries | length == 2' >/dev/null ||
  fail "the operator could not read a journal page"
pass "status API, metrics ($threads threads), journal pages for the operator and a JSON 400"

"$RIIK" journal verify --dir "$DIR" --node node | grep -q "chain intact" || fail "verify while serving"
pass "journal verify works read-only while riik up owns the store"

stop_pid "$UP_PID" TERM
grep -q "stopped cleanly" "$WORK/up.err" || fail "no clean-stop message on SIGTERM"
pass "SIGTERM stops cleanly"

start_up "$DIR"
STATUS=$(jq -r '.roles.status.url' "$DIR/endpoints.json")
events=$(curl -s "$STATUS/v1/status" | jq '.stores[] | select(.store=="node") | .seq')
[ "$events" -gt "$seq_before" ] || fail "after restart the head is $events, not beyond $seq_before: data lost?"
"$RIIK" embassy status --dir "$DIR" >"$WORK/embassy-status.out" || fail "embassy status after a restart"
if grep -Eq "acked [1-9][0-9]* \(never\)" "$WORK/embassy-status.out"; then
  fail "after a restart, entries acked before it show as never acknowledged: $(cat "$WORK/embassy-status.out")"
fi
stop_pid "$UP_PID" INT
pass "a second run resumes (head $seq_before -> $events) and SIGINT stops cleanly"

"$RIIK" journal verify --dir "$DIR" --node node | grep -q "chain intact" || fail "journal verify failed"
"$RIIK" journal show --dir "$DIR" --node node --limit 1 | jq -e '.seq == 1' >/dev/null || fail "journal show"
pass "journal verify passes after two runs"

# Tamper with a stored entry: verify must name it.
sqlite3 "$DIR/node/store.db" "UPDATE riik_journal SET time_us = time_us + 1 WHERE seq = 2"
set +e
out=$("$RIIK" journal verify --dir "$DIR" --node node)
rc=$?
set -e
[ $rc = 1 ] || fail "verify of a tampered journal exited $rc, expected 1"
grep -q "BROKEN at seq 2" <<<"$out" || fail "verify did not name seq 2: $out"
pass "a tampered entry is reported: $out"

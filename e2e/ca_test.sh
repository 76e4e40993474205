#!/usr/bin/env bash
# `riik ca` end to end, checked with openssl alone: init, issue, verify, list, revoke,
# and the errors a user meets.
source "$(dirname "$0")/lib.sh"

D="$WORK/state"
echo "a long enough passphrase" >"$WORK/pass"
"$RIIK" ca init --dir "$D" --passphrase-file "$WORK/pass" --ocsp-url http://127.0.0.1:7010/ocsp >/dev/null ||
  fail "ca init"
"$RIIK" ca issue --dir "$D" --passphrase-file "$WORK/pass" --profile tls-server --cn registry \
  --dns localhost --ip 127.0.0.1 --out "$WORK/reg" >"$WORK/issue.out" || fail "ca issue"
out=$(openssl verify -purpose sslserver -CAfile "$D/trust/root.pem" -untrusted "$D/trust/org.pem" "$WORK/reg.pem")
[ "$out" = "$WORK/reg.pem: OK" ] || fail "openssl verify: $out"
[ "$(stat -c %a "$WORK/reg.key")" = 600 ] || fail "issued key is not 0600"
openssl x509 -noout -ocsp_uri -in "$WORK/reg.pem" | grep -qx 'http://127.0.0.1:7010/ocsp' || fail "no AIA OCSP URL"
pass "issued a TLS certificate that openssl verifies, with its AIA"

serial=$(awk '/^issued/{print $4}' "$WORK/issue.out")
"$RIIK" ca list --dir "$D" | grep "$serial" | grep -q good || fail "list does not show $serial as good"
"$RIIK" ca revoke --dir "$D" --passphrase-file "$WORK/pass" --serial "$serial" --reason keyCompromise >/dev/null ||
  fail "revoke"
"$RIIK" ca list --dir "$D" | grep "$serial" | grep -q revoked || fail "list does not show $serial as revoked"
"$RIIK" journal verify --dir "$D" --node trust | grep -q "chain intact" || fail "trust journal"
pass "revocation is listed and journaled"

set +e
"$RIIK" ca issue --dir "$D" --cn x --out "$WORK/x" 2>"$WORK/err"; rc=$?
set -e
[ $rc = 2 ] && grep -q "passphrase" "$WORK/err" || fail "issue without passphrase: rc $rc, $(cat "$WORK/err")"
echo "wrong passphrase!!" >"$WORK/bad"
set +e
"$RIIK" ca issue --dir "$D" --passphrase-file "$WORK/bad" --cn x --ip 127.0.0.1 --out "$WORK/x" 2>"$WORK/err"; rc=$?
set -e
[ $rc != 0 ] && grep -q "does not open" "$WORK/err" || fail "wrong passphrase: rc $rc, $(cat "$WORK/err")"
pass "missing and wrong passphrases are refused with the reason"

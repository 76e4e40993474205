#!/usr/bin/env bash
# The data exchange end to end, as `riik up` runs it: the tax board's security server
# calls the population register's through mutual TLS (X-Road REST 1.0 headers checked),
# a call without a grant is refused, a grant through the running role opens it, both
# message logs give evidence that verifies offline and fails when a byte changes, and
# once the provider's certificate is revoked the consumer refuses to talk to it within
# the OCSP freshness. (Expired and forged configurations: tests/exchange/security_server_test.cc.)
source "$(dirname "$0")/lib.sh"

DIR="$WORK/state"
start_up "$DIR" --ocsp-freshness-s 2 --population 300
EP="$DIR/endpoints.json"
TAX=$(jq -r '.roles["ss-tax"].url' "$EP")
POP=$(jq -r '.roles["ss-population"].url' "$EP")
PERSON=/r1/EE/GOV/70000013/population/person/38001085718
call() {  # call BASE CLIENT [extra curl args…]: status code; headers in $WORK/h, body in $WORK/b
  local base=$1 client=$2 is=tax
  shift 2
  [ "$client" = EE/GOV/70000013/population ] && is=population
  is_curl "$is" -s -D "$WORK/h" -o "$WORK/b" -w '%{http_code}' ${client:+-H "X-Road-Client: $client"} \
    -H 'X-Road-Issue: e2e test of the exchange' "$@" "$base$PERSON"
}
header() { grep -i "^$1:" "$WORK/h" | head -1 | cut -d' ' -f2- | tr -d '\r'; }

code=$(call "$TAX" EE/GOV/70000349/tax -H 'X-Road-Id: tax-return-2026-0042' -H 'X-Road-UserId: EE38001085718' \
  -H 'X-Road-Issue: pre-filled tax return')
[ "$code" = 200 ] || fail "the granted call answered $code: $(cat "$WORK/b")"
jq -e '.code == "38001085718" and .surname == "Jõeorg"' "$WORK/b" >/dev/null || fail "unexpected body: $(cat "$WORK/b")"
[ "$(header X-Road-Client)" = EE/GOV/70000349/tax ] || fail "X-Road-Client: $(header X-Road-Client)"
[ "$(header X-Road-Service)" = EE/GOV/70000013/population/person ] || fail "X-Road-Service: $(header X-Road-Service)"
[ "$(header X-Road-Id)" = tax-return-2026-0042 ] || fail "X-Road-Id: $(header X-Road-Id)"
[ -n "$(header X-Road-Request-Id)" ] && [ -n "$(header X-Road-Request-Hash)" ] || fail "no request id/hash: $(cat "$WORK/h")"
pass "a granted call through both security servers, with every X-Road header"

code=$(call "$POP" EE/GOV/70000013/population)
[ "$code" = 403 ] && [ "$(header X-Road-Error)" = Server.ServerProxy.AccessDenied ] ||
  fail "a call without a grant: $code $(header X-Road-Error) $(cat "$WORK/b")"
jq -e '.type == "Server.ServerProxy.AccessDenied" and (.message | length > 0)' "$WORK/b" >/dev/null || fail "error body: $(cat "$WORK/b")"
code=$(call "$TAX" "")
[ "$code" = 400 ] && [ "$(header X-Road-Error)" = Client.MissingHeader ] || fail "no X-Road-Client: $code $(header X-Road-Error)"
code=$(is_curl tax -s -o "$WORK/b" -w '%{http_code}' -H 'X-Road-Client: EE/GOV/70000349/tax' "$TAX/r1/EE/GOV/70000013/population/nosuch/1")
[ "$code" = 404 ] || fail "an unknown service answered $code: $(cat "$WORK/b")"
"$RIIK" exchange grant --dir "$DIR" --name ss-population --service EE/GOV/70000013/population/person \
  --client EE/GOV/70000013/population --method GET >/dev/null || fail "grant through the running role"
code=$(call "$POP" EE/GOV/70000013/population)
[ "$code" = 200 ] || fail "after the grant the call answered $code: $(cat "$WORK/b")"
pass "deny by default (AccessDenied), missing header, unknown service; a grant opens it"

for role in ss-tax ss-population; do
  # Export waits for the tree head's timestamp (asynchronous): poll up to 15 s.
  for _ in $(seq 1 75); do
    "$RIIK" exchange evidence --dir "$DIR" --name "$role" --id tax-return-2026-0042 --out "$WORK/$role.json" \
      >"$WORK/ev.out" 2>&1 && break
    sleep 0.2
  done
  [ -s "$WORK/$role.json" ] || fail "evidence from $role: $(cat "$WORK/ev.out")"
  "$RIIK" exchange evidence verify "$WORK/$role.json" --ca "$DIR/trust/root.pem" >/dev/null || fail "evidence of $role does not verify"
  sed 's/"status":200/"status":201/' "$WORK/$role.json" >"$WORK/$role-forged.json"
  if "$RIIK" exchange evidence verify "$WORK/$role-forged.json" --ca "$DIR/trust/root.pem" >/dev/null 2>&1; then
    fail "altered evidence of $role verified"
  fi
  "$RIIK" exchange log verify --dir "$DIR" --name "$role" | grep -q verifies || fail "log verify $role"
done
pass "both logs: evidence verifies offline, an altered status is caught, the whole logs verify"

# Between security servers: TLS 1.3 and a client certificate, nothing less.
prov=$(curl -s "$(jq -r .roles.central.url "$EP")/globalconf" |
  jq -r '.conf.security_servers[] | select(.owner == "EE/GOV/70000013") | .address' | sed 's|https://||')
echo | openssl s_client -connect "$prov" -tls1_2 >"$WORK/tls12.out" 2>&1 && fail "the provider listener accepted TLS 1.2"
# (Without a client certificate the server then ends it: s_client's exit code varies.)
echo | openssl s_client -connect "$prov" -tls1_3 -CAfile "$DIR/trust/root.pem" >"$WORK/tls13.out" 2>&1 || true
grep -q "TLSv1.3" "$WORK/tls13.out" || fail "no TLS 1.3 handshake with the provider listener: $(cat "$WORK/tls13.out")"
if curl -s -o /dev/null --cacert "$DIR/trust/root.pem" "https://$prov$PERSON"; then
  fail "the provider listener answered a caller without a client certificate"
fi
# A certificate of the state's own CA, valid, but not a registered security server's.
code=$(is_curl tax -s -o "$WORK/b" -w '%{http_code}' "https://$prov$PERSON") || true
[ "$code" = 403 ] && grep -q "is not the authentication certificate of a security server" "$WORK/b" ||
  fail "an unregistered certificate at the provider listener: $code $(cat "$WORK/b")"
pass "the provider listener ($prov) speaks TLS 1.3 only; no certificate, or an unregistered one, gets nothing"

serial=$(openssl x509 -in "$DIR/ss_population/auth.pem" -noout -serial | cut -d= -f2)
"$RIIK" ca revoke --dir "$DIR" --serial "$serial" --reason keyCompromise >/dev/null || fail "revoking the provider's certificate"
for _ in $(seq 1 50); do
  code=$(call "$TAX" EE/GOV/70000349/tax)
  [ "$code" = 200 ] || break
  sleep 0.2
done
[ "$code" = 502 ] && [ "$(header X-Road-Error)" = Server.ClientProxy.SslAuthenticationFailed ] ||
  fail "after revocation: $code $(header X-Road-Error) $(cat "$WORK/b")"
grep -q "revoked (keyCompromise)" "$WORK/b" || fail "the refusal does not say why: $(cat "$WORK/b")"
pass "the provider's certificate revoked: cut off within the OCSP freshness ($(jq -r .message "$WORK/b"))"

#!/usr/bin/env bash
# An attacker on the same machine against `riik up` (issue 13's findings, replayed): each
# door must stay shut with a clear reason. Every unauthenticated GET route is crawled for
# key material, admin tokens and personal codes; stores, keys and tokens are private;
# a secret file others may read stops the start, naming it.
source "$(dirname "$0")/lib.sh"

DIR="$WORK/state"
start_up "$DIR" --population 300
EP="$DIR/endpoints.json"
url() { jq -r --arg r "$1" '.roles[$r].url' "$EP"; }
ROOT="$DIR/trust/root.pem"
CODE=38001085718
# status CODE_EXPECTED TYPE_EXPECTED CURL ARGS…: the answer's code and JSON type.
expect() {
  local want=$1 type=$2
  shift 2
  local got
  got=$(curl -s -o "$WORK/b" -w '%{http_code}' "$@") || true
  [ "$got" = "$want" ] || fail "$* answered $got, expected $want: $(head -c 300 "$WORK/b")"
  [ -z "$type" ] || jq -e --arg t "$type" '.type == $t and (.message | length > 10)' "$WORK/b" >/dev/null ||
    fail "$* did not say why ($type): $(head -c 300 "$WORK/b")"
}

# 1. The status role: heads and digests for all, journal pages for the operator, the
#    vault never.
STATUS=$(url status)
expect 401 unauthenticated "$STATUS/v1/stores/vault/journal?limit=1000"
expect 401 unauthenticated "$STATUS/v1/stores/registry_population/journal"
expect 401 unauthenticated -H "Authorization: Bearer $(cat "$DIR/ss_tax/admin-token")" "$STATUS/v1/stores/node/journal"
expect 403 never_served -H "Authorization: Bearer $(cat "$DIR/operator-token")" "$STATUS/v1/stores/vault/journal"
expect 200 "" -H "Authorization: Bearer $(cat "$DIR/operator-token")" "$STATUS/v1/stores/node/journal?limit=1"
expect 200 "" "$STATUS/v1/stores/registry_population/digest"
pass "status: journal pages need the operator's token (another role's token is not it); the vault's never served"

# The crawl: every GET route a stranger can reach, nothing secret or personal in them.
for f in "$DIR"/operator-token "$DIR"/*/admin-token "$DIR"/trust/passphrase; do
  printf '%s\n' "$(head -c 64 "$f")"
done >"$WORK/secrets"
# A code stands alone or after "EE"; eleven digits inside a hex digest or base64 are not one
# (a globalconf's hashes held such a run once).
code_re='(^|[^0-9A-Za-z]|EE)[1-6][0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{4}([^0-9A-Za-z]|$)'
stores=$(jq -r '.stores[].name' "$EP")
# The roles' TLS certificates chain to the state root or to the development TLS CA; curl
# takes one --cacert, so both go in one bundle.
cat "$(jq -r .ca_certificates.dev_tls "$EP")" "$ROOT" >"$WORK/cas.pem"
# Every GET route that takes no credential (the routers' tables: grep '"GET"' src/),
# with a plausible argument; each must be served by some role, so a stale entry shows.
paths=(/ /healthz /metrics /v1/status /v1/stores /v1/embassy /globalconf /ca/root.crt /ca/eid.crt
  /ca/org.crt /anchor /tsl.xml /ocsp/MAMGAQ /data /address /address/status /static/portal.js "/lang?to=et&back=/data"
  /vote /manifest /board/head "/board/consistency?from=1&to=2" /check/00112233445566778899aabbccddeeff
  /record/voters.jsonl /record/board.jsonl /record/board_heads.jsonl /record/tally.json /election /voters
  /.well-known/openid-configuration /jwks /authorize /login /logout /callback /userinfo /company
  "/app/v1/requests?subject=EE$CODE" /validations/0000000000000000000000000000000000000000000000000000000000000000)
declare -A served=()
n=0
for role in $(jq -r '.roles | keys[]' "$EP"); do
  base=$(url "$role")
  # One curl per role fetches all its pages over one kept-alive connection.
  urls=()
  for path in "${paths[@]}"; do
    urls+=("$base$path")
  done
  for store in $stores; do urls+=("$base/v1/stores/$store/digest"); done
  rm -rf "$WORK/crawl" && mkdir "$WORK/crawl"
  args=()
  for i in "${!urls[@]}"; do args+=("${urls[$i]}" -o "$WORK/crawl/$i"); done
  curl -s --max-time 10 --cacert "$WORK/cas.pem" -w '%{http_code}\n' "${args[@]}" >"$WORK/crawl/codes" || true
  mapfile -t codes <"$WORK/crawl/codes"
  pages=()
  for i in "${!urls[@]}"; do
    [ "${codes[$i]:-000}" != 000 ] || fail "${urls[$i]} did not answer"
    # Served: answered by a route, not with the router's own 404 for a path it has none
    # for (which every listener gives, before any credential is asked for).
    [ "$i" -ge "${#paths[@]}" ] || grep -q '"no such resource: ' "$WORK/crawl/$i" || served[${paths[$i]}]=1
    touch "$WORK/crawl/$i"  # curl writes no file for an empty body
    pages+=("$WORK/crawl/$i")
  done
  # page_url FILE: the URL a page was fetched from. first_page GREP-ARGS…: the first page
  # that matches, if any (a page grep cannot read fails the test, not passes it).
  page_url() { echo "${urls[${1##*/}]}"; }
  first_page() {
    local out rc=0
    out=$(grep -l "$@" "${pages[@]}") || rc=$?
    [ "$rc" -le 1 ] || fail "grep could not read the crawled pages ($rc)"
    echo "${out%%$'\n'*}"
  }
  found=$(first_page "PRIVATE KEY")
  [ -z "$found" ] || fail "$(page_url "$found") serves key material"
  found=$(first_page -E "$code_re")
  [ -z "$found" ] || fail "$(page_url "$found") serves an 11-digit personal code: $(grep -oE "$code_re" "$found" | head -1)"
  found=$(first_page -F -f "$WORK/secrets")
  [ -z "$found" ] || fail "$(page_url "$found") serves a token or passphrase"
  n=$((n + ${#pages[@]}))
done
for path in "${paths[@]}"; do
  [ -n "${served[$path]:-}" ] || fail "no role serves $path: the crawl's list is stale"
done
pass "crawled $n unauthenticated GETs: no key material, token, passphrase or personal code"

# 2. Registries answer their own security server only.
REG=$(url registry-population)
expect 403 exchange_only --cacert "$ROOT" -H 'X-Road-Client: EE/GOV/99999999/made-up' -H 'X-Road-Issue: x' \
  "$REG/person/$CODE"
expect 403 exchange_only --cacert "$ROOT" -H 'X-Road-UserId: EE38001085718' "$REG/tracker/$CODE"
# Another member's certificate, CA-issued and valid, is not the registry's security server.
code=$(is_curl tax -s -o "$WORK/b" -w '%{http_code}' "$REG/person/$CODE" -H 'X-Road-Issue: income tax return') || true
[ "$code" = 403 ] && jq -e '.type == "client_certificate_refused"' "$WORK/b" >/dev/null ||
  fail "the population register and the tax board's own certificate: $code $(head -c 200 "$WORK/b")"
expect 401 unauthenticated --cacert "$ROOT" -X PUT -H 'Content-Type: application/json' \
  -d '{"flat_rate_basis_points":0,"basic_exemption_cents":0}' "$(url registry-tax)/rules/2099"
expect 403 exchange_only --cacert "$ROOT" -X POST -H 'Content-Type: application/json' \
  -d '{"source":"EE/GOV/70000013/population","seq":1,"event":"address_changed","person":"38001085718"}' \
  "$(url registry-bank)/notify"
pass "registries: no certificate or another member's gets nothing; rules need the operator; /notify only via the exchange"

# 2b. The citizen portal shows a person's data only in their own signed-in session: a
#     stranger is asked to sign in, and no one can name whose data to read or change.
PORTAL=$(url portal)
for path in /data /address; do
  code=$(curl -s -o "$WORK/b" -w '%{http_code}' --cacert "$ROOT" "$PORTAL$path") || true
  [ "$code" = 401 ] && grep -q 'id="sign-in"' "$WORK/b" || fail "the portal's $path without a session: $code"
done
expect 401 unauthenticated --cacert "$ROOT" "$PORTAL/address/status"
expect 401 unauthenticated --cacert "$ROOT" -H 'X-Road-UserId: EE38001085718' "$PORTAL/address/status"
code=$(curl -s -o "$WORK/b" -w '%{http_code}' --cacert "$ROOT" -X POST -H 'Content-Type: application/x-www-form-urlencoded' \
  --data 'csrf=x&settlement=Tartu&street=Pikk+tn&house=1' "$PORTAL/address") || true
[ "$code" = 401 ] || fail "the portal's address change without a session: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$ROOT" -H 'Cookie: __Host-portal_session=guess' "$PORTAL/data") || true
[ "$code" = 401 ] || fail "the portal's /data with a guessed session cookie: $code"
location=$(curl -s -o /dev/null -w '%{redirect_url}' --cacert "$ROOT" "$PORTAL/lang?to=et&back=https://evil.example/") || true
[ "$location" = "$PORTAL/" ] || fail "the portal's language switch redirects elsewhere: $location"
pass "portal: no session, no data; a guessed cookie or X-Road-UserId from the browser counts for nothing; no open redirect"

# The signature validation service, like a registry, answers its own security server only.
SIGN=$(url sign)
expect 403 exchange_only --cacert "$ROOT" -X POST -H 'Content-Type: application/vnd.etsi.asic-e+zip' \
  --data-binary 'PK' "$SIGN/validate"
code=$(is_curl tax -s -o "$WORK/b" -w '%{http_code}' "$SIGN/validations/$(printf '0%.0s' $(seq 64))") || true
[ "$code" = 403 ] && jq -e '.type == "client_certificate_refused"' "$WORK/b" >/dev/null ||
  fail "the validation service and the tax board's own certificate: $code $(head -c 200 "$WORK/b")"
expect 403 exchange_only --cacert "$ROOT" -X POST -H 'Content-Type: application/vnd.etsi.asic-e+zip' \
  -H 'X-Road-Client: EE/GOV/70000349/tax' -H 'X-Road-UserId: EE38001085718' --data-binary 'PK' "$SIGN/signing"
expect 403 exchange_only --cacert "$ROOT" -H 'X-Road-Client: EE/GOV/70000349/tax' "$SIGN/signing/any-session"
pass "the validation service: no certificate or a member's own gets nothing (validation, remote signing); members reach it through the exchange"

# The vote service: the voters' routes through its security server only; the check and the
# board for anyone; paper votes and the closing for the operator.
VOTE=$(url vote)
expect 403 exchange_only --cacert "$ROOT" -H 'X-Road-UserId: EE38001085718' "$VOTE/election"
expect 403 exchange_only --cacert "$ROOT" -X POST -H 'Content-Type: application/vnd.etsi.asic-e+zip' \
  -H 'X-Road-UserId: EE38001085718' --data-binary 'PK' "$VOTE/ballots"
code=$(is_curl tax -s -o "$WORK/b" -w '%{http_code}' -H 'X-Road-UserId: EE38001085718' "$VOTE/election") || true
[ "$code" = 403 ] && jq -e '.type == "client_certificate_refused"' "$WORK/b" >/dev/null ||
  fail "the vote service and the tax board's own certificate: $code $(head -c 200 "$WORK/b")"
expect 401 unauthenticated --cacert "$ROOT" -X POST -H 'Content-Type: application/json' -d '{}' "$VOTE/admin/close"
expect 401 unauthenticated --cacert "$ROOT" -X POST -H 'Content-Type: application/json' -d '{"tally":"{}"}' \
  "$VOTE/admin/result"
expect 404 not_found --cacert "$ROOT" "$VOTE/record/..%2Fpseudonym.key"
expect 401 unauthenticated --cacert "$ROOT" -X POST -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $(cat "$DIR/ss_tax/admin-token")" -d '{"code":"38001085718"}' "$VOTE/admin/paper"
expect 400 invalid_argument --cacert "$ROOT" "$VOTE/check/..%2F..%2Fetc"
expect 404 not_found --cacert "$ROOT" "$VOTE/check/$(printf '0%.0s' $(seq 32))"
expect 200 "" --cacert "$ROOT" "$VOTE/board/head"
# Through the exchange, only the portal may ask for a voter's election.
code=$(is_curl tax -s -o "$WORK/b" -w '%{http_code}' -H 'X-Road-Client: EE/GOV/70000349/tax' \
  -H 'X-Road-UserId: EE38001085718' "$(url ss-tax)/r1/EE/GOV/74000026/vote/election") || true
[ "$code" = 403 ] || fail "the tax board asked the vote service for a voter's election: $code $(head -c 200 "$WORK/b")"
pass "the vote service: voters only through the portal and its security server; the check and the board public; the operator's routes need its token"

# Purpose and identity checks that mean something (through the exchange, as the tax board).
POP="$(url ss-tax)/r1/EE/GOV/70000013/population/person/$CODE"
as_tax() { is_curl tax -s -o "$WORK/b" -w '%{http_code}' -H 'X-Road-Client: EE/GOV/70000349/tax' "$@"; }
[ "$(as_tax -H 'X-Road-Issue: x' "$POP")" = 400 ] && grep -q "X-Road-Issue" "$WORK/b" || fail "X-Road-Issue: x: $(cat "$WORK/b")"
[ "$(as_tax -H 'X-Road-UserId: 38001085718' "$POP")" = 400 ] && grep -q "X-Road-UserId" "$WORK/b" ||
  fail "a user id without its country: $(cat "$WORK/b")"
[ "$(as_tax -H 'X-Road-UserId: EE38001085719' "$POP")" = 400 ] || fail "a user id failing its check digit: $(cat "$WORK/b")"
[ "$(as_tax -H 'X-Road-Issue: income tax return 2024' "$POP")" = 200 ] || fail "a real purpose: $(cat "$WORK/b")"
# The tax board's information system cannot notify the bank as the population register.
code=$(is_curl tax -s -o "$WORK/b" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -H 'X-Road-Client: EE/GOV/70000013/population' -H 'X-Road-Issue: a forged change event' \
  -d '{"source":"EE/GOV/70000013/population","seq":1,"event":"address_changed","person":"38001085718"}' \
  "$(url ss-tax)/r1/EE/COM/10060701/bank/notify")
[ "$code" = 403 ] && grep -q SslAuthenticationFailed "$WORK/b" || fail "a forged notification: $code $(cat "$WORK/b")"
pass "X-Road-Issue says a purpose, X-Road-UserId is EE and a valid code; nobody notifies as another subsystem"

# 3. The consumer side authenticates the information system (X-Road's SSLAUTH).
code=$(curl -s -o "$WORK/b" -w '%{http_code}' --cacert "$ROOT" -H 'X-Road-Client: EE/GOV/70000349/tax' \
  -H 'X-Road-Issue: income tax return 2024' "$POP")
[ "$code" = 403 ] && grep -q SslAuthenticationFailed "$WORK/b" || fail "no client certificate: $code $(cat "$WORK/b")"
code=$(is_curl bank -s -o "$WORK/b" -w '%{http_code}' -H 'X-Road-Client: EE/GOV/70000349/tax' \
  -H 'X-Road-Issue: income tax return 2024' "$POP")
# (Refused at the handshake: the bank's certificate is not registered at the tax board's server.)
[ "$code" = 403 ] && grep -qE 'SslAuthenticationFailed|client_certificate_refused' "$WORK/b" ||
  fail "the bank's certificate as the tax board: $code $(cat "$WORK/b")"
plain=$(url ss-tax | sed 's|https://|http://|')
if curl -s -o /dev/null -H 'X-Road-Client: EE/GOV/70000349/tax' "$plain/r1/EE/GOV/70000013/population/person/$CODE" \
  --max-time 5 -w '%{http_code}' | grep -q 200; then fail "the consumer side answered plain HTTP"; fi
pass "security servers: no certificate, or another subsystem's, is refused with SslAuthenticationFailed; no plain HTTP"

# 4. The embassy: its senders alone, over TLS 1.3, each for its own nodes.
EMB=$(jq -r .embassy.url "$EP")
code=$(is_curl tax -s -o "$WORK/b" -w '%{http_code}' "$EMB/v1/embassy/nodes") || true
[ "$code" = 403 ] && jq -e '.type == "client_certificate_refused"' "$WORK/b" >/dev/null ||
  fail "the embassy and a member's certificate that is not a sender: $code $(head -c 200 "$WORK/b")"
if curl -s -o /dev/null --tls-max 1.2 --cacert "$ROOT" --cert "$DIR/shipping/auth.pem" --key "$DIR/shipping/auth.key" \
  "$EMB/v1/embassy/nodes"; then fail "the embassy spoke TLS 1.2"; fi
SHIP=(--cacert "$ROOT" --cert "$DIR/shipping/auth.pem" --key "$DIR/shipping/auth.key")
code=$(curl -s -o "$WORK/b" -w '%{http_code}' "${SHIP[@]}" -X POST -H 'Content-Type: application/octet-stream' \
  --data-binary 'not a segment' "$EMB/v1/embassy/nodes/someone_else/segments") || true
[ "$code" = 403 ] && grep -q "may ship only" "$WORK/b" || fail "a sender writing another node: $code $(cat "$WORK/b")"
code=$(curl -s -o "$WORK/b" -w '%{http_code}' "${SHIP[@]}" -X PUT --data-binary @"$DIR/ss_tax/signing.pem" \
  "$EMB/v1/embassy/nodes/node/signer") || true
[ "$code" = 403 ] && jq -e '.type == "untrusted_signer"' "$WORK/b" >/dev/null ||
  fail "a signer other than the configured one: $code $(cat "$WORK/b")"
pass "embassy: other certificates refused at the handshake, TLS 1.2 refused, a sender writes its own nodes with its own signer"

# 7. Stores, keys and tokens are the operator's alone.
bad=$(find "$DIR" -type d ! -perm 700 | head -5)
[ -z "$bad" ] || fail "directories open to others: $bad"
bad=$(find "$DIR" -type f \( -name '*.db*' -o -name '*.key' -o -name '*token*' -o -name passphrase -o -name '*.pin' \
  -o -name 'share-*' \) ! -perm 600 | head -5)
[ -z "$bad" ] || fail "secret files open to others: $bad"
pass "every directory is 0700 and every store, key, token, PIN and share 0600"

stop_pid "$UP_PID" TERM
chmod 644 "$DIR/trust/passphrase"
if "$RIIK" up --dir "$DIR" --port-base 0 --population 300 >"$WORK/up2.out" 2>"$WORK/up2.err"; then fail "riik up started with a passphrase open to others"; fi
grep -q "$DIR/trust/passphrase is open to others" "$WORK/up2.err" || fail "the refusal does not name the file: $(cat "$WORK/up2.err")"
chmod 600 "$DIR/trust/passphrase"
pass "a secret file others may read stops the start, named"

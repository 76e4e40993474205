#!/usr/bin/env bash
# Sign-in end to end over HTTPS, as a browser (curl with a cookie jar) and the citizen's
# app (`riik id approve`) do it against `riik up`: demo service A sends the browser to
# the sign-in service, the person types a personal code, the app shows the same
# verification code and confirms with PIN1, A shows who signed in; demo service B
# signs the same browser in without asking (single sign-on); signing out of B signs
# out of A too (back-channel logout). Then the ID-card (a Web eID token from
# `riik id webeid`); acting for a company (board seats read through the exchange, the
# company in the ID token, the service's call for it carrying X-Road-Represented-Party
# into the message log's evidence); remote signing (a container co-signed in the app
# with PIN2, through the signatures service; one person's fourth at once refused); and
# refusals: a replayed token, a wrong verification code, a revoked eID, an unregistered
# redirect URI, a short state, a missing CSRF token, a wrong client secret, a code used
# twice.
source "$(dirname "$0")/lib.sh"

DIR="$WORK/state"
start_up "$DIR" --population 200
E="$DIR/endpoints.json"
AUTH=$(jq -r '.roles.auth.url' "$E")
A=$(jq -r '.roles["rp-a"].url' "$E")
B=$(jq -r '.roles["rp-b"].url' "$E")
JAAK="$DIR/citizens/38001085718"
MARI="$DIR/citizens/49403136526"
TONU="$DIR/citizens/36107212142"  # on a company's board
C() { curl -s --cacert "$DIR/trust/root.pem" -b "$WORK/jar" -c "$WORK/jar" "$@"; }
redirect() { C -o /dev/null -w '%{redirect_url}' "$@"; }
status() { C -o /dev/null -w '%{http_code}' "$@"; }

# Starts a sign-in at service $1 (its /login$2): sets REQ (the sign-in's id) and CSRF.
begin() {
  local authorize login
  authorize=$(redirect "$1/login${2:-}")
  [[ "$authorize" == "$AUTH/authorize?"* ]] || fail "$1/login sent the browser to '$authorize'"
  login=$(redirect -D "$WORK/authorize-headers" "$authorize")
  [[ "$login" == "$AUTH/login/"* ]] || fail "/authorize sent the browser to '$login'"
  REQ=${login##*/login/}
  C -D "$WORK/headers" "$login" >"$WORK/page.html"
  CSRF=$(grep -o 'data-csrf="[^"]*"' "$WORK/page.html" | head -1 | cut -d'"' -f2)
  [ -n "$CSRF" ] || fail "the sign-in page has no CSRF token"
}

# --- The app, single sign-on, sign-out everywhere ---
rm -f "$WORK/jar"
begin "$A"
grep -qi "^content-security-policy: default-src 'none'; script-src 'self'" "$WORK/headers" || fail "no strict CSP on the sign-in page"
cookie=$(grep -i "^set-cookie: __Host-riik_browser=" "$WORK/authorize-headers") || fail "/authorize set no browser cookie"
for attribute in "; Secure" "; HttpOnly" "; Path=/" "; SameSite="; do
  grep -qiF "$attribute" <<<"$cookie" || fail "the browser cookie lacks $attribute: $cookie"
done
grep -q '__Host-riik_browser' "$WORK/jar" || fail "no __Host- browser cookie"
grep -q 'lang="en"' "$WORK/page.html" && grep -q 'for="personal_code"' "$WORK/page.html" || fail "the page lacks its language or labels"
C "$AUTH/login/$REQ?lang=et" | grep -q 'lang="et"' || fail "no Estonian page"
cp "$WORK/jar" "$WORK/jar-known"  # the cookie the browser came with, as someone who set it knows it
[ "$(status -H "Origin: https://127.0.0.1:1" -d "personal_code=38001085718&csrf=$CSRF" "$AUTH/login/$REQ/app")" = 403 ] ||
  fail "a form posted from another site's page was taken"
[ "$(status -d "personal_code=38001085718&csrf=$CSRF" "$AUTH/login/$REQ/app")" = 303 ] || fail "the personal code was not taken"
known() { curl -s --cacert "$DIR/trust/root.pem" -b "$WORK/jar-known" -o /dev/null -w '%{http_code}' "$@"; }
[ "$(known "$AUTH/login/$REQ")" = 404 ] || fail "the cookie from before the app's start still opens the sign-in"
CODE=$(C "$AUTH/login/$REQ" | grep -o 'id="verification-code">[0-9]*' | grep -o '[0-9]*$')
[[ "$CODE" =~ ^[0-9]{4}$ ]] || fail "no 4-digit verification code on the page"
RIIK_PIN1=0090 "$RIIK" id approve --token "$JAAK" --auth "$AUTH" --ca "$DIR/trust/root.pem" --expect-code "$CODE" \
  >"$WORK/approve.out" 2>&1 || fail "riik id approve: $(cat "$WORK/approve.out")"
grep -q "Verification code: $CODE" "$WORK/approve.out" || fail "the app showed another code: $(cat "$WORK/approve.out")"
[ "$(known -d "csrf=$CSRF" "$AUTH/login/$REQ/app/continue")" = 403 ] || fail "the cookie from before followed the sign-in"
CB=$(redirect -d "csrf=$CSRF" "$AUTH/login/$REQ/app/continue")
[[ "$CB" == "$A/callback?code="* ]] || fail "after the app, the browser went to '$CB'"
[ "$(redirect "$CB")" = "$A/" ] || fail "service A did not take the code"
C "$A/" | grep -q 'Signed in as <strong>JAAK-KRISTJAN JÕEORG</strong> (EE38001085718)' || fail "A does not show who signed in"
C "$A/" | grep -q 'id="amr">app<' || fail "A does not show the app method"
pass "the app flow: the same verification code in the browser and the app; service A knows the person; the cookie from before the start opens nothing"

SSO=$(redirect "$(redirect "$B/login")")
[[ "$SSO" == "$B/callback?code="* ]] || fail "service B asked again instead of single sign-on: '$SSO'"
redirect "$SSO" >/dev/null
C "$B/" | grep -q 'EE38001085718' || fail "B does not show who signed in"
pass "single sign-on: service B signed the browser in without asking"

OUT_CSRF=$(C "$B/" | grep -o 'name="csrf" value="[^"]*"' | cut -d'"' -f4)
[ "$(status -d "csrf=wrong" "$B/logout")" = 403 ] || fail "sign-out without the form's token was not refused"
LOGOUT=$(redirect -d "csrf=$OUT_CSRF" "$B/logout")
[[ "$LOGOUT" == "$AUTH/logout?id_token_hint="* ]] || fail "B's sign-out went to '$LOGOUT'"
[ "$(redirect "$LOGOUT")" = "$B/" ] || fail "the sign-in service did not send the browser back to B"
for _ in $(seq 1 50); do C "$A/" | grep -q "You are not signed in" && break; sleep 0.1; done
C "$A/" | grep -q "You are not signed in" || fail "A still has a session after signing out of B (back-channel logout)"
C "$B/" | grep -q "You are not signed in" || fail "B still has a session"
[[ "$(redirect "$(redirect "$A/login")")" == "$AUTH/login/"* ]] || fail "after signing out, A got a code without asking"
pass "signing out of B signed the person out of A too (back-channel logout)"

# --- The ID-card (Web eID) ---
rm -f "$WORK/jar"
begin "$A"
NONCE=$(C -X POST -H "X-CSRF-Token: $CSRF" "$AUTH/login/$REQ/idcard/challenge" | jq -r .nonce)
[ "$(printf %s "$NONCE" | base64 -d | wc -c)" -ge 32 ] || fail "the challenge nonce is not 32 random bytes in base64"
TOKEN=$(RIIK_PIN1=0090 "$RIIK" id webeid --token "$MARI" --origin "$AUTH" --nonce "$NONCE")
echo "$TOKEN" | jq -e '.format == "web-eid:1.0" and .algorithm == "ES384"' >/dev/null || fail "riik id webeid made: $TOKEN"
ANSWER=$(C -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d "$TOKEN" "$AUTH/login/$REQ/idcard")
CB=$(echo "$ANSWER" | jq -r .redirect)
[[ "$CB" == "$A/callback?code="* ]] || fail "the ID-card sign-in answered: $ANSWER"
redirect "$CB" >/dev/null
C "$A/" | grep -q 'MARI-LIIS MÄNNIK' || fail "A does not show the ID-card holder"
C "$A/" | grep -q 'id="acr">high<' || fail "the ID-card did not give level high"
C -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d "$TOKEN" "$AUTH/login/$REQ/idcard" |
  jq -e '.error == "challenge_unknown"' >/dev/null || fail "a replayed Web eID token was not refused"
pass "the ID-card: a Web eID token signs in with level high; replayed, it is refused"

# --- A shared computer: the next person signs in, the first one's services end ---
cp "$WORK/jar" "$WORK/jar-first"
AUTHORIZE=$(redirect "$A/login")
LOGIN=$(redirect "$AUTHORIZE&prompt=login")
[[ "$LOGIN" == "$AUTH/login/"* ]] || fail "/authorize with prompt=login sent the browser to '$LOGIN'"
REQ=${LOGIN##*/login/}
CSRF=$(C "$LOGIN" | grep -o 'data-csrf="[^"]*"' | head -1 | cut -d'"' -f2)
NONCE=$(C -X POST -H "X-CSRF-Token: $CSRF" "$AUTH/login/$REQ/idcard/challenge" | jq -r .nonce)
TOKEN=$(RIIK_PIN1=0090 "$RIIK" id webeid --token "$JAAK" --origin "$AUTH" --nonce "$NONCE")
CB=$(C -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d "$TOKEN" "$AUTH/login/$REQ/idcard" | jq -r .redirect)
[[ "$CB" == "$A/callback?code="* ]] || fail "the second person's sign-in went to '$CB'"
redirect "$CB" >/dev/null
C "$A/" | grep -q 'EE38001085718' || fail "A does not show the second person"
first_at_a() { curl -s --cacert "$DIR/trust/root.pem" -b "$WORK/jar-first" "$A/"; }
for _ in $(seq 1 50); do first_at_a | grep -q "You are not signed in" && break; sleep 0.1; done
first_at_a | grep -q "You are not signed in" || fail "the first person's session at A survived the next person's sign-in"
pass "a shared computer: the next person's sign-in ends the first one's session at the services they used"

# --- Acting for a company ---
rm -f "$WORK/jar"
begin "$A" "?for=company"
NONCE=$(C -X POST -H "X-CSRF-Token: $CSRF" "$AUTH/login/$REQ/idcard/challenge" | jq -r .nonce)
TOKEN=$(RIIK_PIN1=0090 "$RIIK" id webeid --token "$TONU" --origin "$AUTH" --nonce "$NONCE")
CHOICE=$(C -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d "$TOKEN" "$AUTH/login/$REQ/idcard" | jq -r .redirect)
[ "$CHOICE" = "$AUTH/login/$REQ" ] || fail "after the ID-card, acting for a company went to '$CHOICE', not the choice"
C "$CHOICE" >"$WORK/choice.html"
grep -q 'Whom do you act for?' "$WORK/choice.html" || fail "no choice of whom to act for: $(head -c 600 "$WORK/choice.html")"
COMPANY=$(grep -o 'id="party-[0-9]\{8\}"' "$WORK/choice.html" | head -1 | grep -o '[0-9]\{8\}')
[ -n "$COMPANY" ] || fail "the business register named no board seat of Tõnu Tamm's: $(grep -o '<main.*' "$WORK/choice.html")"
C "$CHOICE?lang=et" | grep -q 'Kelle nimel tegutsed?' || fail "no Estonian choice page"
C "$CHOICE?lang=en" >/dev/null
C -d "csrf=$CSRF&party=10000001" "$AUTH/login/$REQ/represent" | grep -q 'does not name you on that company' ||
  fail "a company the register did not name was not refused: $(C -d "csrf=$CSRF&party=10000001" "$AUTH/login/$REQ/represent")"
CB=$(redirect -d "csrf=$CSRF&party=$COMPANY" "$AUTH/login/$REQ/represent")
[[ "$CB" == "$A/callback?code="* ]] || fail "the choice went to '$CB'"
redirect "$CB" >/dev/null
C "$A/" | grep -q "id=\"acting-for\">Acting for <strong>.*</strong> (registry code $COMPANY)" ||
  fail "A does not show the company from the ID token: $(C "$A/")"
C "$A/company" >"$WORK/company.html"
grep -q "id=\"represented-party\">COM/$COMPANY<" "$WORK/company.html" || fail "A's call for the company: $(cat "$WORK/company.html")"
XID=$(grep -o 'id="xroad-id">[^<]*' "$WORK/company.html" | cut -d'>' -f2)
for _ in $(seq 1 75); do
  "$RIIK" exchange evidence --dir "$DIR" --name ss-business --id "$XID" --out "$WORK/company.json" >"$WORK/ev.out" 2>&1 && break
  sleep 0.2
done
"$RIIK" exchange evidence verify "$WORK/company.json" --ca "$DIR/trust/root.pem" >/dev/null ||
  fail "no evidence of the call for the company: $(cat "$WORK/ev.out")"
grep -q "\"represented_party\":\"COM/$COMPANY\"" "$WORK/company.json" || fail "the evidence does not name the company acted for"
pass "acting for a company: board seats read live, the company in the ID token, X-Road-Represented-Party in the evidence"

# --- Remote signing: co-signing a container in the app with PIN2 ---
# Mari-Liis signs with her card; a service (here the tax board, through the exchange)
# then asks Jaak-Kristjan to co-sign it in his app: the app sends his signing
# certificate, the signatures service prepares the signature around it, the app shows
# the verification code the service shows and signs with PIN2.
printf 'Income 2026: 41250 EUR\n' >"$WORK/return.txt"
RIIK_PIN2=01497 "$RIIK" sign --dir "$DIR" --token "$MARI" --in "$WORK/return.txt" --out "$WORK/return.asice" \
  >"$WORK/sign.out" 2>&1 || fail "riik sign: $(cat "$WORK/sign.out")"
SIGNING="$(jq -r '.roles["ss-tax"].url' "$E")/r1/EE/GOV/70006317/sign/signing"
X() { is_curl tax -s -H 'X-Road-Client: EE/GOV/70000349/tax' "$@"; }
START=$(X -H 'X-Road-UserId: EE38001085718' -H 'Content-Type: application/vnd.etsi.asic-e+zip' \
  --data-binary @"$WORK/return.asice" "$SIGNING?description=tax%20return%202026")
SESSION=$(echo "$START" | jq -r .session)
[ -n "$SESSION" ] && [ "$SESSION" != null ] || fail "no remote signing session: $START"
RIIK_PIN1=0090 RIIK_PIN2=01497 "$RIIK" id approve --token "$JAAK" --auth "$AUTH" --ca "$DIR/trust/root.pem" \
  >"$WORK/approve.out" 2>&1 &
APPROVE=$!
STATE=
for _ in $(seq 1 150); do
  STATE=$(X "$SIGNING/$SESSION")
  echo "$STATE" | jq -e '.state == "signed" or .state == "refused"' >/dev/null && break
  sleep 0.2
done
wait "$APPROVE" || fail "the app did not sign: $(cat "$WORK/approve.out") (the service: $STATE)"
echo "$STATE" | jq -e '.state == "signed"' >/dev/null || fail "remote signing ended: $STATE"
grep -q "sent the signing certificate" "$WORK/approve.out" || fail "the app sent no certificate: $(cat "$WORK/approve.out")"
grep -q "asks you to sign EE/GOV/70000349/tax: tax return 2026" "$WORK/approve.out" ||
  fail "the app did not say who asks to sign what: $(cat "$WORK/approve.out")"
grep -q "return.txt" "$WORK/approve.out" && fail "the app's request names the person's file (the services describe documents without it)"
grep -q "Verification code: $(echo "$STATE" | jq -r .verification_code)" "$WORK/approve.out" ||
  fail "the app and the service show different verification codes: $STATE / $(cat "$WORK/approve.out")"
X -o "$WORK/cosigned.asice" "$SIGNING/$SESSION/container"
"$RIIK" verify --dir "$DIR" --json "$WORK/cosigned.asice" >"$WORK/verify.json" || fail "the co-signed container: $(cat "$WORK/verify.json")"
jq -e '.verdict == "VALID" and (.signatures | length) == 2 and .signatures[1].signer_id == "PNOEE-38001085718"' \
  "$WORK/verify.json" >/dev/null || fail "the co-signed container's report: $(cat "$WORK/verify.json")"
[ "$(X -o /dev/null -w '%{http_code}' "$SIGNING/not-a-session")" = 404 ] || fail "an unknown signing session was not 404"
# One person holds at most 3 of a member's signings waiting in their app; a fourth is
# refused, saying so, and the member goes on serving everyone else. (Tõnu and
# 49002124277 are left with signings waiting for 5 minutes: no later step signs as them.)
start_signing() {
  X -H "X-Road-UserId: EE$1" -H 'Content-Type: application/vnd.etsi.asic-e+zip' -w ' %{http_code}' \
    --data-binary @"$WORK/return.asice" "$SIGNING?description=waiting"
}
for i in 1 2 3; do
  start_signing 36107212142 | grep -q ' 201$' || fail "signing $i for one person was not started"
done
start_signing 36107212142 | grep -q 'has 3 signings waiting in their app already: they decline there.* 409$' ||
  fail "a fourth signing for one person: $(start_signing 36107212142)"
start_signing 49002124277 | grep -q ' 201$' || fail "another person's signing was not started beside them"
# The signing API itself serves registered clients only: no credentials, or a wrong secret, get nothing.
SIGNING_API="$AUTH/signing/v1/sessions"
[ "$(status -H 'Content-Type: application/json' -d '{"personal_code":"38001085718","description":"x"}' "$SIGNING_API")" = 401 ] ||
  fail "the signing API answered without client credentials"
[ "$(status -u "EE%2FGOV%2F70006317%2Fsign:wrong" -H 'Content-Type: application/json' \
  -d '{"personal_code":"38001085718","description":"x"}' "$SIGNING_API")" = 401 ] || fail "the signing API took a wrong secret"
pass "remote signing: the app gave the certificate, showed the service's code, signed with PIN2; the container verifies; one person's fourth at once is refused; the signing API refuses unknown clients"

# --- Refusals ---
rm -f "$WORK/jar"
begin "$A"
[ "$(status -H "X-CSRF-Token: nope" -X POST "$AUTH/login/$REQ/idcard/challenge")" = 403 ] || fail "a challenge without the CSRF token"
NONCE=$(C -X POST -H "X-CSRF-Token: $CSRF" "$AUTH/login/$REQ/idcard/challenge" | jq -r .nonce)
EVIL=$(RIIK_PIN1=0090 "$RIIK" id webeid --token "$MARI" --origin "https://evil.example" --nonce "$NONCE")
C -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d "$EVIL" "$AUTH/login/$REQ/idcard" |
  jq -e '.error == "bad_signature"' >/dev/null || fail "a token made for another site was not refused"
C -d "personal_code=38001085719&csrf=$CSRF" "$AUTH/login/$REQ/app" | grep -q "not a valid personal code" ||
  fail "a personal code with a wrong check digit was not explained"
status -d "personal_code=38001085718&csrf=$CSRF" "$AUTH/login/$REQ/app" >/dev/null
RIIK_PIN1=0090 "$RIIK" id approve --token "$JAAK" --auth "$AUTH" --ca "$DIR/trust/root.pem" --expect-code 0000 \
  >"$WORK/approve.out" 2>&1 && fail "approve confirmed a request whose code differs"
grep -q "not confirmed" "$WORK/approve.out" || fail "approve did not refuse the foreign code: $(cat "$WORK/approve.out")"
# Only the person's device sees what waits: its binding (PIN1) was shown once, each look
# is signed by it. A stranger who knows the personal code sees nothing.
[ "$(status "$AUTH/app/v1/requests?subject=EE38001085718")" = 401 ] || fail "a stranger listed a person's requests"
[ "$(status -H 'Authorization: RiikDevice id="x", time="1", signature="AA=="' "$AUTH/app/v1/requests")" = 401 ] ||
  fail "a malformed device signature listed requests"
# A binding without its device key's signature is refused: the app's file copied, less
# its key, or a binding of someone's device key made by another person, opens nothing.
[ "$(status -H 'Content-Type: application/json' -d "$(jq -c .binding "$JAAK/app-device.json")" \
  "$AUTH/app/v1/devices")" = 401 ] || fail "a binding was taken without its device key's signature"
[ "$(stat -c %a "$JAAK/app-device.json")" = 600 ] || fail "the app's device file is not 0600"
# The binding names the sign-in service it is for (its discovery document's issuer); a
# file from before bindings named one is bound again with PIN1, and the app says why.
ISSUER=$(C "$AUTH/.well-known/openid-configuration" | jq -r .issuer)
[ "$(jq -r .binding.issuer "$JAAK/app-device.json")" = "$ISSUER" ] || fail "the binding does not name $ISSUER"
jq 'del(.binding.issuer)' "$JAAK/app-device.json" >"$WORK/unnamed.json" && cat "$WORK/unnamed.json" >"$JAAK/app-device.json"
RIIK_PIN1=0090 "$RIIK" id approve --token "$JAAK" --auth "$AUTH" --ca "$DIR/trust/root.pem" --list \
  >"$WORK/rebind.out" 2>&1 || fail "an app file naming no service: $(cat "$WORK/rebind.out")"
grep -q "names no sign-in service" "$WORK/rebind.out" && grep -qF "bound this app's device key to you with PIN1, for $ISSUER" \
  "$WORK/rebind.out" || fail "the app did not say it bound again, or why: $(cat "$WORK/rebind.out")"
[ "$(jq -r .binding.issuer "$JAAK/app-device.json")" = "$ISSUER" ] || fail "the new binding does not name $ISSUER"
# A file bound to another service (a test system's) is bound again for this one.
jq '.binding.issuer = "https://signin.test.example"' "$JAAK/app-device.json" >"$WORK/elsewhere.json" &&
  cat "$WORK/elsewhere.json" >"$JAAK/app-device.json"
RIIK_PIN1=0090 "$RIIK" id approve --token "$JAAK" --auth "$AUTH" --ca "$DIR/trust/root.pem" --list \
  >"$WORK/rebind.out" 2>&1 || fail "an app file bound to another service: $(cat "$WORK/rebind.out")"
grep -qF "was bound to another sign-in service (https://signin.test.example)" "$WORK/rebind.out" ||
  fail "the app did not say its file was another service's: $(cat "$WORK/rebind.out")"
[ "$(jq -r .binding.issuer "$JAAK/app-device.json")" = "$ISSUER" ] || fail "the binding was not made again for $ISSUER"
# The app names the service it was pointed at, and only if the service names itself so:
# the same service under another name (localhost), or with a path, is refused; a final /
# is the same URL.
approve_at() { RIIK_PIN1=0090 "$RIIK" id approve --token "$JAAK" --auth "$1" --ca "$DIR/trust/root.pem" --list 2>&1; }
if getent ahostsv4 localhost | grep -q '^127\.0\.0\.1 '; then  # the listener is on 127.0.0.1 only
  approve_at "https://localhost:${AUTH##*:}" >"$WORK/other-name.out" &&
    fail "the app took a service under a name it does not give itself"
  grep -q "does not name itself so" "$WORK/other-name.out" || fail "the app did not say why: $(cat "$WORK/other-name.out")"
fi
approve_at "$AUTH/tenant" >"$WORK/path.out" && fail "the app took a sign-in service URL with a path"
grep -q "no path" "$WORK/path.out" || fail "the app did not say why: $(cat "$WORK/path.out")"
approve_at "$AUTH/" >"$WORK/slash.out" || fail "the app refused the service's URL with a final /: $(cat "$WORK/slash.out")"
list_as_jaak() {
  RIIK_PIN1=0090 "$RIIK" id approve --token "$JAAK" --auth "$AUTH" --ca "$DIR/trust/root.pem" --list
}
APP_ID=$(list_as_jaak | jq -r '.id' | head -1)
[ -n "$APP_ID" ] && [ "$APP_ID" != null ] || fail "the request no longer waits after a foreign code"
# A stranger who learns a request's id (over a shoulder) still ends nothing.
[ "$(status -H 'Content-Type: application/json' -d '{"decline":true}' "$AUTH/app/v1/requests/$APP_ID")" = 400 ] ||
  fail "an unsigned decline was taken"
[ "$(status -H 'Content-Type: application/json' -d '{"certificate":"AA==","signature":"AA=="}' \
  "$AUTH/app/v1/requests/$APP_ID")" = 400 ] || fail "a garbage answer was taken"
list_as_jaak | jq -se --arg id "$APP_ID" '[.[].id] | index($id) != null' >/dev/null ||
  fail "a stranger's decline or answer ended the person's sign-in"
RIIK_PIN1=0090 "$RIIK" id approve --token "$JAAK" --auth "$AUTH" --ca "$DIR/trust/root.pem" --decline \
  >"$WORK/approve.out" 2>&1 || fail "the person's own decline: $(cat "$WORK/approve.out")"
C -H "X-CSRF-Token: $CSRF" "$AUTH/login/$REQ/app/wait" | jq -e '.state == "refused" and .reason == "user_cancel"' \
  >/dev/null || fail "the page did not learn that the app declined"
pass "refused: a missing CSRF token, another site's token, a wrong check digit, a foreign verification code, a stranger's look at the requests or decline"

"$RIIK" ca revoke --dir "$DIR" --passphrase-file "$DIR/trust/passphrase" --code 49403136526 --reason keyCompromise \
  >"$WORK/revoke.out" 2>&1 || fail "could not revoke Mari-Liis's eID: $(cat "$WORK/revoke.out")"
rm -f "$WORK/jar"
begin "$A"
NONCE=$(C -X POST -H "X-CSRF-Token: $CSRF" "$AUTH/login/$REQ/idcard/challenge" | jq -r .nonce)
TOKEN=$(RIIK_PIN1=0090 "$RIIK" id webeid --token "$MARI" --origin "$AUTH" --nonce "$NONCE")
C -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d "$TOKEN" "$AUTH/login/$REQ/idcard" |
  jq -e '.error == "certificate_revoked"' >/dev/null || fail "a revoked eID signed in"
grep -q "sign-in refused: client=EE/GOV/70006317/demo-a method=idcard reason=certificate_revoked" "$WORK/up.err" ||
  fail "the refusal is not in the log"
grep -q "sign-in refused.*49403136526" "$WORK/up.err" && fail "a personal code reached the log"
pass "a revoked eID is refused, with the reason in the log and no personal code"

CHALLENGE="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
Q="response_type=code&scope=openid&client_id=EE%2FGOV%2F70006317%2Fdemo-a&code_challenge=$CHALLENGE&code_challenge_method=S256"
[ "$(status "$AUTH/authorize?$Q&state=long-enough-state&redirect_uri=https%3A%2F%2Fevil.example%2Fcb")" = 400 ] ||
  fail "an unregistered redirect URI was not refused with a page"
SHORT=$(redirect "$AUTH/authorize?$Q&state=short&redirect_uri=$(jq -rn --arg u "$A/callback" '$u|@uri')")
[[ "$SHORT" == "$A/callback?error=invalid_request"* ]] || fail "a short state went to '$SHORT'"
H=(-H 'Content-Type: application/x-www-form-urlencoded')
C "${H[@]}" -u "EE%2FGOV%2F70006317%2Fdemo-a:wrong" -d "grant_type=authorization_code&code=x" "$AUTH/token" |
  jq -e '.error == "invalid_client"' >/dev/null || fail "a wrong client secret was not invalid_client"
pass "refused: an unregistered redirect URI (no redirect), a short state, a wrong client secret"

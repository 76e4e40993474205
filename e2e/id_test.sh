#!/usr/bin/env bash
# `riik id` end to end, as the police desk and the citizen use it: enrollment on a
# SoftHSM2 token (PKCS#11) and on a software token, show, sign (checked with openssl
# cms), three wrong PINs block, the PUK unblocks, and bad input is refused with the
# reason. OpenSC's pkcs11-tool sees the enrolled token.
source "$(dirname "$0")/lib.sh"

MODULE=/usr/lib/softhsm/libsofthsm2.so
[ -f "$MODULE" ] || fail "SoftHSM2 is not installed (scripts/install-deps installs it)"
DIR="$WORK/state"
echo "an e2e passphrase" >"$WORK/pass"
"$RIIK" ca init --dir "$DIR" --passphrase-file "$WORK/pass" >/dev/null
T="$DIR/trust"
export RIIK_CA_PASSPHRASE="an e2e passphrase"

# A private SoftHSM2 token directory.
mkdir -p "$WORK/softhsm"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$WORK/softhsm" >"$WORK/softhsm2.conf"
export SOFTHSM2_CONF="$WORK/softhsm2.conf"
URI="pkcs11:token=EE49403136526?module-path=$MODULE"

RIIK_PIN1=1234 RIIK_PIN2=12345 RIIK_PUK=87654321 \
  "$RIIK" id enroll --dir "$DIR" --code 49403136526 --given Mari-Liis --surname Männik --token "$URI" >"$WORK/enroll.out" ||
  fail "enroll on SoftHSM2: $(cat "$WORK/enroll.out")"
grep -q "enrolled 49403136526" "$WORK/enroll.out" || fail "enroll output: $(cat "$WORK/enroll.out")"
grep -q "PIN envelope" "$WORK/enroll.out" && fail "given PINs must not be printed"
"$RIIK" id show --token "$URI" | grep -q "SN=MÄNNIK" || fail "id show on SoftHSM2: $("$RIIK" id show --token "$URI")"
pkcs11-tool --module "$MODULE" -L 2>/dev/null | grep -q "EE49403136526 (PIN2)" || fail "pkcs11-tool does not list the PIN2 token"
pass "enrollment on SoftHSM2; pkcs11-tool lists the tokens"

echo "application for a building permit" >"$WORK/app.txt"
# verify CODE: the signature `id sign` just wrote (each sign below starts from no file)
# verifies, and its signer is the holder of personal code CODE.
verify() {
  openssl cms -verify -binary -inform DER -in "$WORK/app.txt.p7s" -content "$WORK/app.txt" -CAfile "$T/eid-chain.pem" \
    -purpose any -out /dev/null -signer "$WORK/signer.pem" 2>&1 | grep -q "Verification successful" &&
    openssl x509 -in "$WORK/signer.pem" -noout -subject | grep -q "PNOEE-$1"
}
sign() { rm -f "$WORK/app.txt.p7s" "$WORK/signer.pem"; "$RIIK" id sign "$@" --in "$WORK/app.txt"; }
RIIK_PIN2=12345 sign --token "$URI" >/dev/null || fail "sign on SoftHSM2"
verify 49403136526 || fail "openssl cms rejects the SoftHSM2 signature"
RIIK_PUK=87654321 RIIK_NEW_PIN=54321 "$RIIK" id unblock --token "$URI" --pin 2 >/dev/null || fail "unblock on SoftHSM2"
RIIK_PIN2=54321 sign --token "$URI" >/dev/null || fail "sign with the new PIN2"
verify 49403136526 || fail "openssl cms rejects the signature after the PIN change"
pass "signing on SoftHSM2 (openssl cms verifies), PIN2 changed with the PUK"

# A software token: the envelope is drawn and printed when no PINs are given.
SOFT="$WORK/citizen"
"$RIIK" id enroll --dir "$DIR" --code 38001085718 --given Jaak-Kristjan --surname Jõeorg --token "$SOFT" >"$WORK/soft.out" ||
  fail "software enroll"
PIN1=$(awk '/PIN1/{print $2}' "$WORK/soft.out")
PUK=$(awk '/PUK/{print $2}' "$WORK/soft.out")
[ ${#PIN1} = 4 ] && [ ${#PUK} = 8 ] || fail "the PIN envelope: $(cat "$WORK/soft.out")"
openssl pkcs12 -in "$SOFT/auth.p12" -passin "pass:$PIN1" -nokeys 2>/dev/null | grep -q "PNOEE-38001085718" ||
  fail "openssl pkcs12 cannot read auth.p12 with PIN1"
[ "$(stat -c %a "$SOFT/auth.p12")" = 600 ] || fail "auth.p12 is not 0600"
for i in 1 2 3; do RIIK_PIN2=00000 sign --token "$SOFT" 2>/dev/null && fail "wrong PIN2 signed"; done
[ ! -e "$WORK/app.txt.p7s" ] || fail "a wrong PIN2 left a signature"
"$RIIK" id show --token "$SOFT" | grep -q "signing (PIN2): BLOCKED" || fail "PIN2 not blocked: $("$RIIK" id show --token "$SOFT")"
RIIK_PUK="$PUK" RIIK_NEW_PIN=24680 "$RIIK" id unblock --token "$SOFT" --pin 2 >/dev/null || fail "unblock"
RIIK_PIN2=24680 sign --token "$SOFT" >/dev/null || fail "sign after unblock"
verify 38001085718 || fail "openssl cms rejects the software-token signature"
pass "software token: openssl pkcs12 reads it, 3 wrong PINs block, the PUK unblocks"

set +e
out=$(RIIK_PIN1=1234 RIIK_PIN2=12345 RIIK_PUK=87654321 "$RIIK" id enroll --dir "$DIR" --code 38001085719 \
  --given A --surname B --token "$WORK/bad" 2>&1)
rc=$?
set -e
[ $rc = 2 ] && grep -q "fails the checksum" <<<"$out" || fail "a bad personal code: rc $rc, $out"
pass "a bad personal code is refused: $out"

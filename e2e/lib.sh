# Helpers for the end-to-end tests: a temporary directory cleaned up on exit, starting
# riik in the background, waiting for endpoints.json, and checks that say what failed.
set -euo pipefail
# As a careful operator does: files the tests make (passphrases, PIN files) are the
# owner's alone; riik refuses a secret file others may read.
umask 077

RIIK=${RIIK:?set RIIK to the riik binary}
WORK=$(mktemp -d /tmp/riik-e2e-XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# On failure, the end of riik up's log (if one runs) says what the state saw.
fail() {
  echo "FAIL: $*" >&2
  if [ -s "$WORK/up.err" ]; then tail -15 "$WORK/up.err" | sed 's/^/  riik up: /' >&2; fi
  exit 1
}
pass() { echo "ok: $*"; }

# start_up DIR [ARGS…]: runs `riik up --dir DIR --port-base 0 ARGS…` and waits for its
# endpoints.json. --port-base 0 picks free ports at random and binds them a moment later,
# so another test's `riik up` running beside this one can take one first: then riik up
# stops, naming the port, and this starts it again on other ports (at most three times).
start_up() {
  local dir=$1 attempt
  shift
  for attempt in 1 2 3; do
    rm -f "$dir/endpoints.json"
    "$RIIK" up --dir "$dir" --port-base 0 "$@" >"$WORK/up.out" 2>"$WORK/up.err" &
    UP_PID=$!
    PIDS+=("$UP_PID")
    # 2-3 s in a release build; sanitizer builds beside other e2e tests take several times that.
    local exited=
    for _ in $(seq 1 300); do
      [ -s "$dir/endpoints.json" ] && return 0
      kill -0 "$UP_PID" 2>/dev/null || { exited=1; break; }
      sleep 0.1
    done
    [ -n "$exited" ] || fail "riik up wrote no endpoints.json within 30 s"
    wait "$UP_PID" 2>/dev/null || true
    if [ "$attempt" -lt 3 ] && grep -q "Address already in use" "$WORK/up.err"; then
      echo "note: another test took one of riik up's ports; starting it again" >&2
      continue
    fi
    cat "$WORK/up.err" >&2
    fail "riik up exited early"
  done
}

# stop_pid PID SIGNAL: sends the signal and waits up to 30 s (sanitizer builds beside
# other tests are slow to stop a dozen TLS listeners) for a clean exit 0.
stop_pid() {
  local pid=$1 sig=$2
  kill "-$sig" "$pid"
  for _ in $(seq 1 300); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" && return 0
      fail "process $pid exited with status $? after SIG$sig"
    fi
    sleep 0.1
  done
  fail "process $pid did not stop within 30 s of SIG$sig"
}

# curl_ok URL [CURL ARGS…]: the URL answers 200.
curl_ok() {
  local url=$1; shift
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url") || true
  [ "$code" = 200 ] || fail "$url answered $code, expected 200"
}

# Calls as the parties of `riik up` in DIR authenticate, over mutual TLS:
# is_curl NAME ARGS…: as registry NAME's information system (its own certificate, which
# its security server knows it by); ss_curl NAME ARGS…: as security server ss-NAME (the
# only caller registry NAME answers); op_curl TOKEN_FILE ARGS…: as an operator.
# (STATE_DIR, if set, is the state directory instead of DIR: a restored site.)
is_curl() { local n=$1 d=${STATE_DIR:-$DIR}; shift; curl --cacert "$d/trust/root.pem" --cert "$d/registry_$n/tls.pem" --key "$d/registry_$n/tls.key" "$@"; }
ss_curl() { local n=$1 d=${STATE_DIR:-$DIR}; shift; curl --cacert "$d/trust/root.pem" --cert "$d/ss_$n/auth.pem" --key "$d/ss_$n/auth.key" "$@"; }
op_curl() { local t=$1; shift; curl --cacert "${STATE_DIR:-$DIR}/trust/root.pem" -H "Authorization: Bearer $(cat "$t")" "$@"; }
# ss_tls NAME: the tracker list options that present security server ss-NAME's certificate.
ss_tls() { local d=${STATE_DIR:-$DIR}; echo --cacert "$d/trust/root.pem" --cert "$d/ss_$1/auth.pem" --key "$d/ss_$1/auth.key"; }

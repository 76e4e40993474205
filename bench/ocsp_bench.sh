#!/usr/bin/env bash
# OCSP responses per second: riik's trust role against OpenSSL's own responder
# (`openssl ocsp -index … -port …`), like for like: the same request with a nonce (so
# both sign every answer), `Connection: close` for both (OpenSSL's responder has no
# keep-alive), the same two cores and wrk load, alternating rounds. riik's other cases
# follow as what they are: a nonce over keep-alive, and the nonce-less RFC 5019 request
# it answers from its one-second cache. Also prints the share of `openssl speed
# ecdsap256`'s signing rate reached. Any non-2xx answer or socket error fails the run.
#
#   bench/ocsp_bench.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS]
set -euo pipefail
BUILD=${1:?usage: ocsp_bench.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS]}
ROUNDS=${2:-3}
SECS=${3:-5}
CONNS=${4:-32}
RIIK="$BUILD/riik"
WORK=$(mktemp -d /tmp/riik-ocspbench-XXXXXX)
cleanup() {
  for p in ${PIDS:-}; do kill "$p" 2>/dev/null || true; done
  # openssl ocsp -multi forks (and re-forks) workers: end its whole process group.
  stop_ossl
  sleep 0.2
  [ -n "${KEEP:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  shuf -i 20000-60000 -n 1; }

echo "a benchmark passphrase" >"$WORK/pass"
chmod 600 "$WORK/pass"  # riik refuses a secret file others may read
D="$WORK/state"
"$RIIK" ca init --dir "$D" --passphrase-file "$WORK/pass" >/dev/null
"$RIIK" ca issue --dir "$D" --passphrase-file "$WORK/pass" --profile tls-client --cn bench --out "$WORK/leaf" >/dev/null
T="$D/trust"

RIIK_PORT=$(free_port)
cat >"$WORK/riik.toml" <<TOML
data_dir = "$D"
[log]
level = "warn"
[[role]]
kind = "trust"
listen = "127.0.0.1:$RIIK_PORT"
threads = 2
passphrase_file = "$WORK/pass"
TOML
"$RIIK" serve --config "$WORK/riik.toml" >/dev/null 2>"$WORK/riik.err" &
PIDS="$!"
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$RIIK_PORT/healthz" >/dev/null && break; sleep 0.1; done

# OpenSSL's responder with the same delegated signer and an index of the same certificate.
serial=$(openssl x509 -noout -serial -in "$WORK/leaf.pem" | cut -d= -f2)
expiry=$(date -u -d "$(openssl x509 -noout -enddate -in "$WORK/leaf.pem" | cut -d= -f2)" +%y%m%d%H%M%SZ)
subject=$(openssl x509 -noout -subject -nameopt compat -in "$WORK/leaf.pem" | sed 's/^subject=//')
printf 'V\t%s\t\t%s\tunknown\t%s\n' "$expiry" "$serial" "$subject" >"$WORK/index.txt"
# (openssl ocsp takes only a port and listens on every address; the load goes to
# 127.0.0.1. It has no keep-alive, so its clients send Connection: close. Its workers
# can wedge after a round of load, so each round gets a fresh responder.)
start_ossl() {
  OSSL_PORT=$(free_port)
  set -m  # its own process group, so that stop_ossl can end every worker
  openssl ocsp -index "$WORK/index.txt" -port "$OSSL_PORT" -rsigner "$T/ocsp-org.pem" -rkey "$T/ocsp-org.key" \
    -passin "file:$WORK/pass" -CA "$T/org.pem" -nmin 1 -multi 2 -timeout 1 >/dev/null 2>"$WORK/ossl.err" &
  OSSL_PID=$!
  set +m
  for _ in $(seq 1 50); do
    openssl ocsp -issuer "$T/org.pem" -cert "$WORK/leaf.pem" -no_nonce -url "http://127.0.0.1:$OSSL_PORT/" \
      -CAfile "$T/root.pem" 2>&1 | grep -q ": good" && return 0
    sleep 0.1
  done
  echo "openssl ocsp did not answer good" >&2
  cat "$WORK/ossl.err" >&2
  exit 1
}
stop_ossl() {
  if [ -n "${OSSL_PID:-}" ]; then
    kill -- "-$OSSL_PID" 2>/dev/null || true
    sleep 0.2
    kill -9 -- "-$OSSL_PID" 2>/dev/null || true
    wait "$OSSL_PID" 2>/dev/null || true
    OSSL_PID=""
  fi
}

openssl ocsp -issuer "$T/org.pem" -cert "$WORK/leaf.pem" -no_nonce -reqout "$WORK/req.der" >/dev/null 2>&1
openssl ocsp -issuer "$T/org.pem" -cert "$WORK/leaf.pem" -reqout "$WORK/req-nonce.der" >/dev/null 2>&1
openssl ocsp -issuer "$T/org.pem" -cert "$WORK/leaf.pem" -no_nonce -url "http://127.0.0.1:$RIIK_PORT/ocsp" \
  -CAfile "$T/root.pem" 2>&1 | grep -q ": good" || { echo "riik does not answer good" >&2; exit 1; }
# Request bodies: with a nonce (signed every time) and without (riik's cached form).
for mode in nonce-close nonce cached; do
  req="$WORK/req-nonce.der"
  [ "$mode" = cached ] && req="$WORK/req.der"
  cat >"$WORK/post-$mode.lua" <<LUA
local f = io.open("$req", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/ocsp-request"
if "$mode" == "nonce-close" then wrk.headers["Connection"] = "close" end
LUA
done

source "$(dirname "$0")/wrk_lib.sh"
rps() { wrk_checked "$WORK/wrk.out" -t2 -c"$CONNS" -d"${SECS}s" -s "$WORK/post-$2.lua" "$1" && wrk_rps "$WORK/wrk.out"; }
: >"$WORK/ossl.rps"
: >"$WORK/riik-close.rps"
: >"$WORK/riik-nonce.rps"
: >"$WORK/riik-cached.rps"
for r in $(seq 1 "$ROUNDS"); do
  start_ossl
  rps "http://127.0.0.1:$OSSL_PORT/" nonce-close >>"$WORK/ossl.rps"
  stop_ossl
  rps "http://127.0.0.1:$RIIK_PORT/ocsp" nonce-close >>"$WORK/riik-close.rps"
  rps "http://127.0.0.1:$RIIK_PORT/ocsp" nonce >>"$WORK/riik-nonce.rps"
  rps "http://127.0.0.1:$RIIK_PORT/ocsp" cached >>"$WORK/riik-cached.rps"
  echo "round $r: openssl ocsp $(tail -1 "$WORK/ossl.rps")/s; riik $(tail -1 "$WORK/riik-close.rps")/s like for like," \
    "$(tail -1 "$WORK/riik-nonce.rps")/s over keep-alive, $(tail -1 "$WORK/riik-cached.rps")/s cached" >&2
done
O=$(median <"$WORK/ossl.rps")
L=$(median <"$WORK/riik-close.rps")
N=$(median <"$WORK/riik-nonce.rps")
C=$(median <"$WORK/riik-cached.rps")
SIGN=$(openssl speed -seconds 3 -multi 2 ecdsap256 2>/dev/null | awk '/256 bits ecdsa \(nistp256\)/{print $(NF-1)}' | tail -1)
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f%%", 100 * a / b}'; }
echo "ocsp_bench: wrk -t2 -c$CONNS -d${SECS}s, POST of one OCSP request, medians of $ROUNDS rounds"
echo "like for like (a nonce in every request, so every answer signed; Connection: close):"
echo "  openssl ocsp -multi 2              $O responses/s"
echo "  riik trust role                    $L responses/s"
echo "  ratio riik / openssl               $(awk -v r="$L" -v o="$O" 'BEGIN {printf "%.2f", r / o}')"
echo "riik's other cases (no OpenSSL peer: its responder has neither keep-alive nor a cache):"
echo "  a nonce, keep-alive (signed)       $N responses/s"
echo "  no nonce, keep-alive (cached 1 s)  $C responses/s"
echo "openssl speed ecdsap256, 2 processes: $SIGN signs/s; riik signing every answer reaches $(pct "$N" "$SIGN") of it" \
  "over keep-alive ($(pct "$L" "$SIGN") with a connection per request)"

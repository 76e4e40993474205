#!/usr/bin/env bash
# OCSP responses per second: riik's trust role against OpenSSL's own responder
# (`openssl ocsp -index … -port …`), same request (no nonce, the cacheable RFC 5019
# form), same two cores, same wrk load, alternating rounds. Also prints the share of
# `openssl speed ecdsap256` signing rate reached.
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
  sleep 0.2
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  shuf -i 20000-60000 -n 1; }

echo "a benchmark passphrase" >"$WORK/pass"
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
OSSL_PORT=$(free_port)
openssl ocsp -index "$WORK/index.txt" -port "127.0.0.1:$OSSL_PORT" -rsigner "$T/ocsp-org.pem" -rkey "$T/ocsp-org.key" \
  -passin "file:$WORK/pass" -CA "$T/org.pem" -nmin 1 -multi 2 >/dev/null 2>"$WORK/ossl.err" &
PIDS="$PIDS $!"
sleep 1

openssl ocsp -issuer "$T/org.pem" -cert "$WORK/leaf.pem" -no_nonce -reqout "$WORK/req.der" >/dev/null 2>&1
for url in "http://127.0.0.1:$RIIK_PORT/ocsp" "http://127.0.0.1:$OSSL_PORT/"; do
  openssl ocsp -issuer "$T/org.pem" -cert "$WORK/leaf.pem" -no_nonce -url "$url" -CAfile "$T/root.pem" 2>&1 |
    grep -q ": good" || { echo "responder at $url does not answer good" >&2; cat "$WORK/ossl.err" >&2; exit 1; }
done
cat >"$WORK/post.lua" <<LUA
local f = io.open("$WORK/req.der", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/ocsp-request"
LUA

rps() { wrk -t2 -c"$CONNS" -d"${SECS}s" -s "$WORK/post.lua" "$1" | awk '/^Requests\/sec:/{print $2}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >"$WORK/riik.rps"
: >"$WORK/ossl.rps"
for r in $(seq 1 "$ROUNDS"); do
  rps "http://127.0.0.1:$OSSL_PORT/" >>"$WORK/ossl.rps"
  rps "http://127.0.0.1:$RIIK_PORT/ocsp" >>"$WORK/riik.rps"
  echo "round $r: openssl ocsp $(tail -1 "$WORK/ossl.rps")/s, riik $(tail -1 "$WORK/riik.rps")/s" >&2
done
R=$(median <"$WORK/riik.rps")
O=$(median <"$WORK/ossl.rps")
SIGN=$(openssl speed -seconds 3 -multi 2 ecdsap256 2>/dev/null | awk '/256 bits ecdsa \(nistp256\)/{print $(NF-1)}' | tail -1)
echo "ocsp_bench: wrk -t2 -c$CONNS -d${SECS}s, POST of one nonce-less request, medians of $ROUNDS rounds"
echo "openssl ocsp -multi 2  $O responses/s"
echo "riik trust role        $R responses/s"
echo "ratio riik / openssl   $(awk -v r="$R" -v o="$O" 'BEGIN {printf "%.2f", r / o}')"
echo "openssl speed ecdsap256 (2 processes): $SIGN signs/s; riik reaches $(awk -v r="$R" -v s="$SIGN" 'BEGIN {printf "%.0f%%", 100 * r / s}') of it"

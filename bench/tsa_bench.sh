#!/usr/bin/env bash
# Timestamp tokens per second: RFC 3161 queries POSTed by wrk to riik's trust role
# (`riik serve`, 2 threads, POST /tsa), every token signed (ECDSA P-256), against the
# machine's signing limit `openssl speed -multi 2 ecdsap256` taken in the same run.
# One response is checked with `openssl ts -verify` before and after the load.
#
#   bench/tsa_bench.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS]
set -euo pipefail
BUILD=${1:?usage: tsa_bench.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS]}
ROUNDS=${2:-3}
SECS=${3:-5}
CONNS=${4:-32}
RIIK="$BUILD/riik"
WORK=$(mktemp -d /tmp/riik-tsabench-XXXXXX)
cleanup() {
  if [ -n "${RIIK_PID:-}" ]; then
    kill "$RIIK_PID" 2>/dev/null || true
    wait "$RIIK_PID" 2>/dev/null || true
  fi
  [ -n "${KEEP:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  shuf -i 20000-60000 -n 1; }

echo "a benchmark passphrase" >"$WORK/pass"
chmod 600 "$WORK/pass"  # riik refuses a secret file others may read
D="$WORK/state"
"$RIIK" ca init --dir "$D" --passphrase-file "$WORK/pass" >/dev/null
T="$D/trust"

PORT=$(free_port)
cat >"$WORK/riik.toml" <<TOML
data_dir = "$D"
[log]
level = "warn"
[[role]]
kind = "trust"
listen = "127.0.0.1:$PORT"
threads = 2
passphrase_file = "$WORK/pass"
TOML
"$RIIK" serve --config "$WORK/riik.toml" >/dev/null 2>"$WORK/riik.err" &
RIIK_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT/tsa"

# One query (SHA-256 imprint, a nonce, certReq); every answer is still a fresh token
# with its own serial, time and signature.
head -c 4096 /dev/urandom >"$WORK/doc.bin"
openssl ts -query -data "$WORK/doc.bin" -sha256 -cert -out "$WORK/query.tsq" 2>/dev/null
check() {
  curl -sf -H "Content-Type: application/timestamp-query" --data-binary "@$WORK/query.tsq" "$URL" -o "$WORK/reply.tsr"
  openssl ts -verify -in "$WORK/reply.tsr" -queryfile "$WORK/query.tsq" -CAfile "$T/root.pem" \
    -untrusted "$T/org.pem" 2>&1 | grep -q "Verification: OK" || {
    echo "riik's timestamp token does not verify ($1)" >&2
    openssl ts -reply -in "$WORK/reply.tsr" -text >&2 || true
    cat "$WORK/riik.err" >&2
    exit 1
  }
}
check "before the load"

cat >"$WORK/post.lua" <<LUA
local f = io.open("$WORK/query.tsq", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/timestamp-query"
LUA

source "$(dirname "$0")/wrk_lib.sh"
rps() { wrk_checked "$WORK/wrk.out" -t2 -c"$CONNS" -d"${SECS}s" -s "$WORK/post.lua" "$URL" && wrk_rps "$WORK/wrk.out"; }
: >"$WORK/tsa.rps"
for r in $(seq 1 "$ROUNDS"); do
  rps >>"$WORK/tsa.rps"
  echo "round $r: riik $(tail -1 "$WORK/tsa.rps") tokens/s" >&2
done
check "after the load"
N=$(median <"$WORK/tsa.rps")
SIGN=$(openssl speed -seconds 3 -multi 2 ecdsap256 2>/dev/null | awk '/256 bits ecdsa \(nistp256\)/{print $(NF-1)}' | tail -1)
echo "tsa_bench: wrk -t2 -c$CONNS -d${SECS}s, POST of one SHA-256 query with nonce and certReq, median of $ROUNDS rounds"
echo "riik trust role                        $N tokens/s"
echo "openssl speed ecdsap256, 2 processes   $SIGN signs/s"
echo "ratio (goal >= 50%)                    $(awk -v n="$N" -v s="$SIGN" 'BEGIN {printf "%.0f%%", 100 * n / s}')"

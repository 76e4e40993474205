#!/usr/bin/env bash
# The data exchange's full round trip: client -> consumer security server -> (mutual TLS)
# -> provider security server -> backend and back, with every request and response
# signed (batch signatures) and durably logged by both servers, against nginx set up as
# the same two-hop chain (plain HTTP in, mutual TLS between the hops with the same
# certificates, keep-alive everywhere) in front of the same backend. wrk drives both in
# the same run, alternating rounds; prints medians, the ratio and p50/p99 latency.
#
#   bench/exchange_bench.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS]
#   LOG_BATCH_DELAY_US=N  the servers' log_batch_delay_us (default 0)
#   LOG_CHECKPOINT_PAGES=N  the servers' log_checkpoint_pages (default 1000; 16384 for the
#                         bulk stores' checkpoints, docs/benchmarks.md "The p99")
#   LOG_HEAD_INTERVAL_MS=N  the servers' log_head_interval_ms (default the role's, 100; 0
#                         for a signed tree head per batch, as before 2026-12-07)
#   MESSAGE_LOG=off       relay without logging (message_log = "off-for-benchmark-only"):
#                         the relay's own cost, to tell it from the log's; never in service
#   WARMUP=N              seconds of each chain before the rounds, not counted (default 2)
set -euo pipefail
BUILD=${1:?usage: exchange_bench.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS]}
ROUNDS=${2:-3}
SECS=${3:-5}
CONNS=${4:-32}
RIIK="$BUILD/riik"
command -v wrk >/dev/null || { echo "wrk is missing: run make deps" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "nginx is missing: run make deps" >&2; exit 1; }

WORK=$(mktemp -d /tmp/riik-xbench-XXXXXX)
chmod 755 "$WORK"
cleanup() {
  for p in ${RIIK_PID:-} ${BACKEND_PID:-}; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  sleep 0.3
  [ -n "${KEEP:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  shuf -i 20000-60000 -n 1; }
BACKEND=$(free_port); TRUST=$(free_port); CENTRAL=$(free_port)
CONSUMER=$(free_port); CONSUMER_PROV=$(free_port); PROVIDER=$(free_port); PROVIDER_PROV=$(free_port)
NGINX_FRONT=$(free_port); NGINX_BACK=$(free_port)

# The state: a CA, the central authority's and both servers' certificates.
D="$WORK/state"
echo "a benchmark passphrase" >"$WORK/pass"
chmod 600 "$WORK/pass"  # riik refuses a secret file others may read
export RIIK_CA_PASSPHRASE="a benchmark passphrase"
"$RIIK" ca init --dir "$D" --passphrase-file "$WORK/pass" >/dev/null
issue() { "$RIIK" ca issue --dir "$D" --passphrase-file "$WORK/pass" "$@" >/dev/null; }
issue --profile signing --cn "EE central authority" --out "$WORK/central"
for s in consumer provider; do
  issue --profile auth --cn "$s" --ip 127.0.0.1 --dns localhost --out "$WORK/$s-auth"
  issue --profile signing --cn "$s" --out "$WORK/$s-sign"
done
printf '{"instance":"EE","certificates":[%s]}\n' "$(jq -Rs . <"$WORK/central.pem")" >"$WORK/anchor.json"

# The registry: member 1 provides hello, member 2 calls it.
central() { "$RIIK" central "$@" --dir "$D" >/dev/null; }
central member --id EE/GOV/1 --name Provider
central member --id EE/GOV/2 --name Consumer
central subsystem --id EE/GOV/1/p
central subsystem --id EE/GOV/2/c
central service --id EE/GOV/1/p/hello --description bench
central server --owner EE/GOV/2 --code ss --address "https://127.0.0.1:$CONSUMER_PROV" --auth-cert "$WORK/consumer-auth.pem" --client EE/GOV/2/c
central server --owner EE/GOV/1 --code ss --address "https://127.0.0.1:$PROVIDER_PROV" --auth-cert "$WORK/provider-auth.pem" --client EE/GOV/1/p
"$RIIK" exchange grant --dir "$D" --name provider --service EE/GOV/1/p/hello --client EE/GOV/2/c >/dev/null

server_role() {  # NAME ID PORT PROVIDER_PORT
  cat <<TOML
[[role]]
kind = "exchange"
name = "$1"
listen = "127.0.0.1:$3"
threads = 1
server_id = "$2"
central_url = "http://127.0.0.1:$CENTRAL"
anchor = "$WORK/anchor.json"
trust_root = "$D/trust/root.pem"
auth_cert = "$WORK/$1-auth.pem"
auth_key = "$WORK/$1-auth.key"
tls_cert = "$WORK/$1-auth.pem"
tls_key = "$WORK/$1-auth.key"
provider_listen = "127.0.0.1:$4"
signing_cert = "$WORK/$1-sign.pem"
signing_key = "$WORK/$1-sign.key"
# One client drives all the load here: lift its admission limits (they guard against
# one client starving others, which is not what this measures).
client_rate_per_s = "10000000"
client_burst = "10000000"
client_max_in_flight = "4096"
log_batch_delay_us = "${LOG_BATCH_DELAY_US:-0}"
log_checkpoint_pages = "${LOG_CHECKPOINT_PAGES:-1000}"
$([ -n "${LOG_HEAD_INTERVAL_MS:-}" ] && echo "log_head_interval_ms = \"$LOG_HEAD_INTERVAL_MS\"")
message_log = "$([ "${MESSAGE_LOG:-on}" = off ] && echo off-for-benchmark-only || echo on)"
# The client's hop is plain HTTP in both chains (nginx's front too): like for like. A
# deployment authenticates its information systems by certificate (docs/security.md).
plain_http_clients = "EE/GOV/2/c"
TOML
}
{
  cat <<TOML
data_dir = "$D"
[log]
level = "warn"
[[role]]
kind = "trust"
listen = "127.0.0.1:$TRUST"
passphrase_file = "$WORK/pass"
[[role]]
kind = "central"
listen = "127.0.0.1:$CENTRAL"
signing_cert = "$WORK/central.pem"
signing_key = "$WORK/central.key"
TOML
  server_role consumer EE/GOV/2/ss "$CONSUMER" "$CONSUMER_PROV"
  server_role provider EE/GOV/1/ss "$PROVIDER" "$PROVIDER_PROV"
  printf '[role.backend]\n"EE/GOV/1/p/hello" = "http://127.0.0.1:%s/hello"\n' "$BACKEND"
} >"$WORK/riik.toml"

# The same backend for both chains: riik's HTTP server with a fixed 6-byte answer.
"$BUILD/bench/http_bench_server" "$BACKEND" 1 >/dev/null &
BACKEND_PID=$!
"$RIIK" serve --config "$WORK/riik.toml" >"$WORK/riik.out" 2>"$WORK/riik.err" &
RIIK_PID=$!
URL_RIIK="http://127.0.0.1:$CONSUMER/r1/EE/GOV/1/p/hello"
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Road-Client: EE/GOV/2/c' "$URL_RIIK")" = 200 ] && break
  sleep 0.1
done
curl -sf -H 'X-Road-Client: EE/GOV/2/c' "$URL_RIIK" | grep -q hello ||
  { echo "the riik chain does not answer:" >&2; curl -s -H 'X-Road-Client: EE/GOV/2/c' "$URL_RIIK" >&2; cat "$WORK/riik.err" >&2; exit 1; }

# nginx as the same chain: front (plain HTTP) -> back (TLS 1.3, client certificate
# required and verified) -> backend, keep-alive on every hop.
cat "$D/trust/root.pem" "$D/trust/org.pem" >"$WORK/cas.pem"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $WORK;
  proxy_temp_path $WORK;
  upstream back { server 127.0.0.1:$NGINX_BACK; keepalive 64; }
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_FRONT;
    location / {
      proxy_pass https://back;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_ssl_certificate $WORK/consumer-auth.pem;
      proxy_ssl_certificate_key $WORK/consumer-auth.key;
      proxy_ssl_trusted_certificate $WORK/cas.pem;
      proxy_ssl_verify on;
      proxy_ssl_name localhost;  # nginx checks DNS names only; the certificate has DNS:localhost
      proxy_ssl_protocols TLSv1.3;
      proxy_ssl_session_reuse on;
    }
  }
  server {
    listen 127.0.0.1:$NGINX_BACK ssl;
    ssl_protocols TLSv1.3;
    ssl_certificate $WORK/provider-auth.pem;
    ssl_certificate_key $WORK/provider-auth.key;
    ssl_client_certificate $WORK/cas.pem;
    ssl_verify_client on;
    ssl_verify_depth 2;
    location / {
      rewrite ^ /hello break;  # as the provider maps the service to the backend's /hello
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf"
URL_NGINX="http://127.0.0.1:$NGINX_FRONT/r1/EE/GOV/1/p/hello"
sleep 0.3
curl -sf "$URL_NGINX" | grep -q hello || { echo "the nginx chain does not answer" >&2; cat "$WORK/nginx-error.log" >&2; exit 1; }

cat >"$WORK/client.lua" <<'LUA'
wrk.headers["X-Road-Client"] = "EE/GOV/2/c"
LUA
# One wrk run: "requests/s p50_ms p99_ms". Any answer but 200 fails the benchmark.
source "$(dirname "$0")/wrk_lib.sh"
measure() {
  wrk_checked "$WORK/wrk.out" -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$WORK/client.lua" "$1"
  awk '
    /^Requests\/sec:/ {rps=$2}
    /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    END {printf "%s %.2f %.2f\n", rps, ms(p50), ms(p99)}' "$WORK/wrk.out"
}
# utime + stime of the riik process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$RIIK_PID/stat"; }
: >"$WORK/riik.txt"
: >"$WORK/nginx.txt"
: >"$WORK/riik_cpu.txt"
# A warm-up of each chain, not counted (WARMUP seconds, 0 for none): connections, TLS
# sessions and OCSP answers made, the logs' files grown to their working size. The first
# seconds' p99 is about four times the rest's in riik (docs/benchmarks.md).
WARMUP=${WARMUP:-2}
[[ $WARMUP =~ ^[0-9]+$ ]] || { echo "WARMUP must be whole seconds, not '$WARMUP'" >&2; exit 1; }
if [ "$WARMUP" -gt 0 ]; then
  for url in "$URL_NGINX" "$URL_RIIK"; do wrk_checked "$WORK/wrk.out" -t2 -c"$CONNS" -d"${WARMUP}s" -s "$WORK/client.lua" "$url"; done
fi
for r in $(seq 1 "$ROUNDS"); do
  measure "$URL_NGINX" >>"$WORK/nginx.txt"
  before=$(cpu_ticks)
  measure "$URL_RIIK" >>"$WORK/riik.txt"
  after=$(cpu_ticks)
  # The riik process's CPU (both security servers, user and system) per call relayed.
  awk -v b="$before" -v a="$after" -v hz="$(getconf CLK_TCK)" -v s="$SECS" -v rps="$(tail -1 "$WORK/riik.txt" | cut -d' ' -f1)" \
    'BEGIN {printf "%.0f\n", (a - b) / hz / (rps * s) * 1e6}' >>"$WORK/riik_cpu.txt"
  echo "round $r: nginx $(tail -1 "$WORK/nginx.txt"), riik $(tail -1 "$WORK/riik.txt") (req/s p50 p99 ms)," \
    "riik CPU $(tail -1 "$WORK/riik_cpu.txt") us/call" >&2
done
col() { awk -v c="$2" '{print $c}' "$1" | median; }
RN=$(col "$WORK/nginx.txt" 1); RR=$(col "$WORK/riik.txt" 1)
echo "exchange_bench: wrk -t2 -c$CONNS -d${SECS}s, medians of $ROUNDS rounds after ${WARMUP} s of warm-up; chain: wrk -> consumer -> mTLS -> provider -> backend"
echo "nginx two-hop chain          $RN req/s   p50 $(col "$WORK/nginx.txt" 2) ms   p99 $(col "$WORK/nginx.txt" 3) ms"
echo "riik security servers        $RR req/s   p50 $(col "$WORK/riik.txt" 2) ms   p99 $(col "$WORK/riik.txt" 3) ms"
echo "riik CPU per call            $(median <"$WORK/riik_cpu.txt") us (user + system, both servers)"
echo "ratio riik / nginx           $(awk -v r="$RR" -v n="$RN" 'BEGIN {printf "%.2f", r / n}')"
echo "riik p99 overhead over nginx $(awk -v r="$(col "$WORK/riik.txt" 3)" -v n="$(col "$WORK/nginx.txt" 3)" 'BEGIN {printf "%.2f ms", r - n}')"
if [ "${MESSAGE_LOG:-on}" = off ]; then
  echo "MESSAGE_LOG=off: relayed without logging (the relay's cost alone; no evidence)"
else
  echo "messages logged and signed by each server: $("$RIIK" exchange log verify --dir "$D" --name provider 2>&1 | tail -1)"
fi

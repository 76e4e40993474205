#!/usr/bin/env bash
# HTTP server throughput: riik's HttpServer against nginx serving the same 6-byte
# response, both on 127.0.0.1 with 2 workers, measured by wrk in the same run,
# alternating rounds. Prints medians and the ratio riik/nginx.
#
#   bench/http_bench.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS]
set -euo pipefail
BUILD=${1:?usage: http_bench.sh BUILD_DIR [ROUNDS] [SECONDS] [CONNECTIONS]}
ROUNDS=${2:-5}
SECS=${3:-5}
CONNS=${4:-64}
WORKERS=2
command -v wrk >/dev/null || { echo "wrk is missing: run make deps" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "nginx is missing: run make deps" >&2; exit 1; }

WORK=$(mktemp -d /tmp/riik-httpbench-XXXXXX)
chmod 755 "$WORK"
cleanup() {
  [ -n "${RIIK_PID:-}" ] && kill "$RIIK_PID" 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  sleep 0.2
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  shuf -i 20000-60000 -n 1; }
NGINX_PORT=$(free_port)
RIIK_PORT=$(free_port)

cat >"$WORK/nginx.conf" <<CONF
worker_processes $WORKERS;
pid $WORK/nginx.pid;
error_log $WORK/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $WORK;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /hello { default_type text/plain; return 200 "hello\n"; }
  }
}
CONF
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf"
"$BUILD/bench/http_bench_server" "$RIIK_PORT" "$WORKERS" >"$WORK/riik.url" &
RIIK_PID=$!
sleep 0.5
curl -sf "http://127.0.0.1:$NGINX_PORT/hello" >/dev/null || { echo "nginx did not start" >&2; cat "$WORK/error.log" >&2; exit 1; }
curl -sf "http://127.0.0.1:$RIIK_PORT/hello" >/dev/null || { echo "riik bench server did not start" >&2; exit 1; }

source "$(dirname "$0")/wrk_lib.sh"
rps() { wrk_checked "$WORK/wrk.out" -t2 -c"$CONNS" -d"${SECS}s" "$1" && wrk_rps "$WORK/wrk.out"; }

: >"$WORK/nginx.rps"
: >"$WORK/riik.rps"
for r in $(seq 1 "$ROUNDS"); do
  rps "http://127.0.0.1:$NGINX_PORT/hello" >>"$WORK/nginx.rps"
  rps "http://127.0.0.1:$RIIK_PORT/hello" >>"$WORK/riik.rps"
  echo "round $r: nginx $(tail -1 "$WORK/nginx.rps") req/s, riik $(tail -1 "$WORK/riik.rps") req/s" >&2
done
N=$(median <"$WORK/nginx.rps")
R=$(median <"$WORK/riik.rps")
RATIO=$(awk -v r="$R" -v n="$N" 'BEGIN {printf "%.2f", r / n}')
echo "http_bench: wrk -t2 -c$CONNS -d${SECS}s, $WORKERS workers each, medians of $ROUNDS rounds"
echo "nginx      $N req/s"
echo "riik       $R req/s"
echo "ratio      $RATIO (riik / nginx)"

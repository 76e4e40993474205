#!/usr/bin/env bash
# `riik serve --config FILE`: roles from a TOML file, with the node store on
# PostgreSQL when the test cluster is available, JSON logs, and config errors.
source "$(dirname "$0")/lib.sh"

PG_URL=""
if [ -n "${RIIK_TEST_PG_URL_FILE:-}" ]; then
  # Under ctest the pg fixture has started a cluster: a missing URL is a failure.
  [ -s "$RIIK_TEST_PG_URL_FILE" ] || fail "no PostgreSQL test cluster at $RIIK_TEST_PG_URL_FILE"
  ADMIN=$(cat "$RIIK_TEST_PG_URL_FILE")
  DB="serve_$$"
  psql -q "$ADMIN" -c "CREATE DATABASE $DB" || fail "cannot create database $DB"
  PG_URL="${ADMIN%/*}/$DB"
fi

cat >"$WORK/riik.toml" <<TOML
data_dir = "$WORK/data"
[log]
format = "json"
$( [ -n "$PG_URL" ] && printf '[stores]\nnode = "%s"\n' "$PG_URL" )
[[role]]
kind = "status"
listen = "127.0.0.1:0"
threads = 2
TOML

"$RIIK" serve --config "$WORK/riik.toml" >"$WORK/serve.out" 2>"$WORK/serve.err" &
PID=$!
PIDS+=("$PID")
for _ in $(seq 1 100); do grep -q '^status ' "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(awk '/^status /{print $3}' "$WORK/serve.out")
[ -n "$URL" ] || { cat "$WORK/serve.err" >&2; fail "serve printed no URL"; }
curl_ok "$URL/healthz"
engine=$(curl -s "$URL/v1/stores" | jq -r '.stores[0].engine')
if [ -n "$PG_URL" ]; then
  [ "$engine" = postgresql ] || fail "node store engine is $engine, expected postgresql"
fi
head -1 "$WORK/serve.err" | jq -e '.level and .msg and .time' >/dev/null || fail "log line is not JSON: $(head -1 "$WORK/serve.err")"
stop_pid "$PID" TERM
pass "serve runs a role from TOML (store engine: $engine), logs JSON, stops on SIGTERM"

if [ -n "$PG_URL" ]; then
  "$RIIK" journal verify --node node --store "$PG_URL" | grep -q "chain intact" || fail "verify on PostgreSQL"
  pass "journal verify on PostgreSQL"
fi

printf '[[role]]\nkind = "oracle"\n' >"$WORK/bad.toml"
set +e
"$RIIK" serve --config "$WORK/bad.toml" 2>"$WORK/bad.err"
rc=$?
set -e
[ $rc = 2 ] || fail "a bad config exited $rc, expected 2"
grep -q "'oracle' is not a role" "$WORK/bad.err" || fail "bad config message: $(cat "$WORK/bad.err")"
pass "a bad config is refused with the reason"

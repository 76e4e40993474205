#!/usr/bin/env bash
# Complete ID-card sign-ins per second (the Web eID token's checks with a live OCSP
# question, the code, the token exchange for an ES256 ID token) against `riik up`'s
# sign-in service, and the limit the P-384 signature check sets: `openssl speed
# ecdsap384`'s verifications per second on both cores, in the same run. Prints the
# wall-clock rate with its ratio to that limit, and the server's CPU per sign-in (the
# rate two server cores would give with the load generator elsewhere).
#
#   bench/signin_bench.sh BUILD_DIR [ROUNDS] [SIGNINS] [THREADS]
#
# PROFILE=1 also samples the server with `perf record -g` during the last round and
# prints where its CPU went, by library (the profile in docs/benchmarks.md).
set -euo pipefail
BUILD=${1:?usage: signin_bench.sh BUILD_DIR [ROUNDS] [SIGNINS] [THREADS]}
ROUNDS=${2:-3}
SIGNINS=${3:-2000}
THREADS=${4:-8}
RIIK="$BUILD/riik"
source "$(dirname "$0")/up_lib.sh"
bench_up "$RIIK" signinbench 100

# A service registered for ES256 ID tokens (RS256's RSA signature alone would cost as
# much as the check it measures).
CLIENT=EE/GOV/70006317/bench
"$RIIK" central subsystem --dir "$D" --id "$CLIENT" >/dev/null
"$RIIK" central signin-client --dir "$D" --client-id "$CLIENT" --name "Benchmark" --alg ES256 \
  --redirect-uri https://bench.invalid/callback --secret-file "$WORK/bench.secret" >/dev/null
AUTH=$(jq -r '.roles.auth.url' "$D/endpoints.json")
# The sign-in service reads registrations every 10 s.
for _ in $(seq 1 300); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$D/trust/root.pem" \
    "$AUTH/authorize?client_id=$CLIENT&redirect_uri=https%3A%2F%2Fbench.invalid%2Fcallback&response_type=code&scope=openid&state=0123456789&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256")
  [ "$code" = 303 ] && break
  sleep 0.1
done

limit() { openssl speed -seconds 2 -multi 2 ecdsap384 2>/dev/null | awk '/^ *384 bits ecdsa/ {print $NF}' | tail -1; }
rates=() cpus=() limits=() ratios=()
for r in $(seq 1 "$ROUNDS"); do
  PERF=
  if [ -n "${PROFILE:-}" ] && [ "$r" = "$ROUNDS" ]; then
    perf record -q -F 499 -g -p "$UP" -o "$WORK/perf.data" >/dev/null 2>&1 &
    PERF=$!
    sleep 0.5
  fi
  out=$("$BUILD/bench/signin_bench" --dir "$D" --client-id "$CLIENT" --secret-file "$WORK/bench.secret" \
    --redirect-uri https://bench.invalid/callback --signins "$SIGNINS" --threads "$THREADS" --server-pid "$UP" |
    tee "$WORK/client.out" | tail -1)
  if [ -n "$PERF" ]; then
    kill -INT "$PERF" && wait "$PERF" || true
    echo "the server's CPU in round $r, by library (perf):"
    perf report -i "$WORK/perf.data" --no-children --sort dso -g none 2>/dev/null | grep '%' | head -8
  fi
  rate=$(awk '{for (i = 1; i < NF; i++) if ($i == "rate") print $(i+1)}' <<<"$out" | tr -d '/s')
  cpu=$(awk '{for (i = 1; i < NF; i++) if ($i == "server_cpu_ms_per_signin") print $(i+1)}' <<<"$out")
  lim=$(limit)
  ratio=$(awk -v a="$rate" -v b="$lim" 'BEGIN {printf "%.2f", a / b}')
  echo "round $r: $rate sign-ins/s, server CPU $cpu ms each; openssl speed ecdsap384 (2 cores) $lim verify/s; ratio $ratio"
  rates+=("$rate") cpus+=("$cpu") limits+=("$lim") ratios+=("$ratio")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
m_rate=$(median "${rates[@]}") m_cpu=$(median "${cpus[@]}") m_lim=$(median "${limits[@]}") m_ratio=$(median "${ratios[@]}")
server=$(awk -v c="$m_cpu" 'BEGIN {printf "%.0f", 2000 / c}')
echo "median: $m_rate sign-ins/s on this machine (client included) = $m_ratio of the P-384 verify limit ($m_lim/s);"
echo "        server CPU $m_cpu ms per sign-in = $server sign-ins/s on two server cores = $(awk -v s="$server" -v l="$m_lim" 'BEGIN {printf "%.2f", s / l}') of the limit"

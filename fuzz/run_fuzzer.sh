#!/bin/sh
# One fuzzer as a ctest test (fuzz/CMakeLists.txt):
#   run_fuzzer.sh FUZZER CORPUS WORK BUDGET MAX_LEN
# First the seeds named valid_* alone, which the harness must accept (fuzz/seeds.h: a
# corpus gone stale fails here instead of stopping every input at the first check), then
# libFuzzer from a copy of the whole corpus for BUDGET (-max_total_time=SECONDS or
# -runs=INPUTS): it runs every seed first, under ASan and UBSan, and then mutates.
# Crashing inputs of that run land in WORK/artifacts/.
set -eu
unset RIIK_FUZZ_SEEDS_VALID  # set below for the valid_ seeds' run only
fuzzer=$1 corpus=$2 work=$3 budget=$4 max_len=$5
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
cp "$corpus"/* "$work/corpus/"
set -- "$corpus"/valid_*
if [ -e "$1" ]; then
  # (libFuzzer keeps no artifact of a run over named files: its log names the seed.)
  echo "the $# valid_ seeds, each of which must be accepted:"
  # Each once: a leak check would run an input a second time, and a harness that keeps
  # state (the token endpoint's replay cache) refuses it then. The fuzzing run below
  # checks these seeds for leaks.
  RIIK_FUZZ_SEEDS_VALID=1 "$fuzzer" -detect_leaks=0 "$@"
else
  echo "no valid_ seeds in $corpus"
fi
exec "$fuzzer" "$work/corpus" "$budget" -max_len="$max_len" \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1

#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time: FUZZER SEEDS WORKDIR SECONDS. New inputs go to
# WORKDIR (in the build tree), never into the seed corpus in the source tree; a crash leaves its
# input in WORKDIR/crash-* and fails the test (turn it into a unit test).
set -eu
fuzzer=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work/corpus"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
	-artifact_prefix="$work/" "$work/corpus" "$seeds"

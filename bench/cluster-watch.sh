#!/usr/bin/env bash
# Watch-mode benchmark: `palisade cluster --watch --write-reports` against the test API
# server (real kube-rs client, TLS), with a cluster of N pods over 50 namespaces; a
# privileged pod is created and deleted ten times in another namespace and the time from
# the change on the server to the applied PolicyReport reflecting it is printed (median,
# max), with the time to judge one namespace again. The debounce (200 ms) is included.
#
#   bash bench/cluster-watch.sh [PODS...]        (default: 2000 20000)
#   PROFILE=debug bash bench/cluster-watch.sh    (no release build)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${*:-2000 20000}
PROFILE_FLAG=--release
[ "${PROFILE:-release}" = debug ] && PROFILE_FLAG=
for n in $SIZES; do
  PALISADE_BENCH_PODS=$n cargo test $PROFILE_FLAG -q -p palisade-cli --test cluster_watch \
    -- --ignored --nocapture bench_watch_latency 2>&1 | grep -E 'pods:|judging'
done

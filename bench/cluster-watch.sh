#!/usr/bin/env bash
# Watch-mode benchmark: `palisade cluster --watch --write-reports` against the test API
# server (real kube-rs client, TLS), with a cluster of N pods over 50 namespaces; a
# privileged pod is created and deleted ten times in another namespace and the time from
# the change on the server to the applied PolicyReport reflecting it is printed (median,
# max), with the time to judge one namespace again. The debounce (200 ms) is included.
#
#   bash bench/cluster-watch.sh [PODS...]        (default: 2000 20000)
#   PROFILE=debug bash bench/cluster-watch.sh    (no release build)
#
# PALISADE_BENCH_IN=ns0 makes the changes in a namespace that holds its share of the pods
# (PALISADE_BENCH_NAMESPACES of them, default 50), and PALISADE_BENCH_BIN=PATH measures
# another build of palisade; the objects judged and read per evaluation are printed.
#
# With --memory: the peak resident memory (VmHWM) of `palisade cluster --watch
# --write-reports` once its first evaluation is written, and again after twenty changes
# written, on a generated cluster of N objects (bench/gen-cluster.py, as bench/cluster.sh).
# Only the palisade binary is built in release (`cargo build --release -p palisade-cli`);
# the test API server runs in the debug test harness.
#
#   bash bench/cluster-watch.sh --memory [OBJECTS...]   (default: 10000 25000 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --memory ]; then
  shift
  SIZES=${*:-10000 25000 50000}
  WORK=${WORK:-$(mktemp -d /tmp/palisade-bench-watch.XXXXXX)}
  trap 'rm -rf "$WORK"' EXIT
  cargo build --release -q -p palisade-cli
  BIN=$(cargo metadata --format-version 1 --no-deps \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/palisade
  echo "$(nproc) cores; $BIN"
  for n in $SIZES; do
    python3 bench/gen-cluster.py "$n" "$WORK/cluster-$n.json"
    PALISADE_BENCH_DUMP="$WORK/cluster-$n.json" PALISADE_BENCH_BIN="$BIN" cargo test -q \
      -p palisade-cli --test integration -- --ignored --nocapture cluster_watch::bench_watch_memory 2>&1 \
      | grep -E 'objects: peak RSS'
  done
  exit 0
fi
SIZES=${*:-2000 20000}
PROFILE_FLAG=--release
[ "${PROFILE:-release}" = debug ] && PROFILE_FLAG=
for n in $SIZES; do
  PALISADE_BENCH_PODS=$n cargo test $PROFILE_FLAG -q -p palisade-cli --test integration \
    -- --ignored --nocapture cluster_watch::bench_watch_latency 2>&1 | grep -E 'pods:|judging'
done

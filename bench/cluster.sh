#!/usr/bin/env bash
# Live-cluster benchmark: a generated cluster (bench/gen-cluster.py: Deployments with their
# ReplicaSets and Pods, Services, ConfigMaps, ServiceAccounts, RBAC, NetworkPolicies)
# served over HTTPS by the test API server of crates/palisade-cli/tests/kube_api (the
# Kubernetes list semantics: pages, continue tokens), read by the real `palisade cluster`
# and its kube-rs client; then `palisade cluster --from-dump` on the same objects. Prints
# wall time, peak memory and findings at 10k, 25k and 50k objects (or the sizes given).
#
#   bash bench/cluster.sh [SIZES...]        (default: 10000 25000 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${*:-10000 25000 50000}
WORK=${WORK:-$(mktemp -d /tmp/palisade-bench-cluster.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT
echo "$(nproc) cores"
for n in $SIZES; do
  python3 bench/gen-cluster.py "$n" "$WORK/cluster-$n.json"
  PALISADE_BENCH_DUMP="$WORK/cluster-$n.json" cargo test --release -q -p palisade-cli \
    --test integration -- --ignored --nocapture cluster_live::bench_live_cluster_against_its_dump 2>&1 \
    | grep -E 'objects|palisade cluster|same findings'
done

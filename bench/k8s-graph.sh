#!/usr/bin/env bash
# Benchmark of the cross-object Kubernetes analyses on a generated cluster state
# (2,000 workloads, 200 namespaces, 1,000 NetworkPolicies, 3,000 RBAC objects):
#   palisade netpol matrix, rbac who-can / graph, and palisade scan with the RBAC/NET rules.
# Targets: matrix and RBAC analysis each under 2 s, peak RSS under 500 MB.
# No installed peer computes reachability or who-can offline (kubescape, kube-linter and
# kubectl are not available from a registry here); Trivy and Checkov, which check the same
# RBAC objects one at a time, are timed on the same folder for scale.
#
# usage: bench/k8s-graph.sh [OUT_DIR]   (needs hyperfine; peers from /opt/peers/env.sh if present)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-/tmp/palisade-k8s-graph}
rm -rf "$OUT"
python3 bench/gen-k8s-graph.py "$OUT"
cargo build --release -q -p palisade-cli
P=$PWD/target/release/palisade
echo "input: $(ls "$OUT" | wc -l) files, $(cat "$OUT"/*.yaml | wc -c) bytes"

peak() { # prints "seconds peak_MB" of one run
  /usr/bin/time -f "%e %M" "$@" >/dev/null 2>/tmp/palisade-bench-time || true
  tail -1 /tmp/palisade-bench-time | awk '{printf "%.2f s, peak %.0f MB\n", $1, $2/1024}'
}

declare -A CMDS=(
  [matrix-json]="$P netpol matrix --format json -o /dev/null $OUT"
  [matrix-html]="$P netpol matrix --format html -o /dev/null $OUT"
  [who-can]="$P rbac who-can get secrets -n ns-3 --format json $OUT"
  [rbac-graph]="$P rbac graph --format dot -o /dev/null $OUT"
  [scan-rbac-net]="$P scan --quiet --practice RBAC,NET,SEC --fail-on never -f json -o /dev/null $OUT"
)
for name in matrix-json matrix-html who-can rbac-graph scan-rbac-net; do
  printf '%-14s %s\n' "$name" "$(peak ${CMDS[$name]})"
done

hyperfine --warmup 1 --runs 5 --export-json /tmp/palisade-k8s-graph.json \
  -n matrix "${CMDS[matrix-json]}" -n who-can "${CMDS[who-can]}" -n scan "${CMDS[scan-rbac-net]}"

if [ -f /opt/peers/env.sh ]; then
  # shellcheck disable=SC1091
  source /opt/peers/env.sh
  PEERS=()
  command -v trivy >/dev/null && PEERS+=(-n trivy-config "trivy config --timeout 30m --skip-check-update --skip-version-check --disable-telemetry -q -f json -o /dev/null $OUT")
  command -v checkov >/dev/null && PEERS+=(-n checkov-k8s "checkov -d $OUT --skip-download --framework kubernetes --compact --quiet -o json --output-file-path /tmp/palisade-bench-checkov || true")
  if [ ${#PEERS[@]} -gt 0 ]; then
    hyperfine --warmup 0 --runs 2 -i --export-json /tmp/palisade-k8s-graph-peers.json \
      -n palisade-scan "${CMDS[scan-rbac-net]}" "${PEERS[@]}"
    python3 - <<'PY'
import json
runs = {r["command"]: r["mean"] for r in json.load(open("/tmp/palisade-k8s-graph-peers.json"))["results"]}
base = runs.get("palisade-scan")
for name, t in runs.items():
    if name != "palisade-scan" and base:
        print(f"{name}: {t:.2f} s = {t / base:.1f}x palisade scan ({base:.2f} s); it does not compute reachability or who-can")
PY
  fi
fi

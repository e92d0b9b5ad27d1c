#!/usr/bin/env bash
# Kustomize rendering benchmark: 200 generated overlays (bench/gen-kustomize.py: a base
# of 3 Deployments + Services + a ConfigMap generator, an overlay with prefix, namespace,
# labels, images, replicas, strategic-merge and JSON 6902 patches, generators) rendered
# and scanned by palisade, against `kubectl kustomize` on the same overlays, one process
# per overlay for both; prints totals, per-overlay means and the ratios.
#
#   bash bench/render.sh [OVERLAYS]        (default 200; needs kubectl with kustomize v5,
#                                          .ci/install.d/45-kubectl.sh installs it)
#   PALISADE=path/to/palisade bash bench/render.sh   (skip the release build)
#
# Then N Helm charts: copies of the corpus's test charts (helm-template-golden: those
# `palisade render` renders), each with its own values (replica count, image tag, a
# label), rendered and scanned one process per chart, and `helm template` on the same
# charts when a `helm` binary is on the PATH (it is not installed by this project: without
# it the comparison is said to be not measured).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
WORK=${WORK:-$(mktemp -d /tmp/palisade-bench-render.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT

if [ -z "${PALISADE:-}" ]; then
  cargo build --release -q -p palisade-cli
  PALISADE=$PWD/target/release/palisade
fi
command -v kubectl >/dev/null || { echo "kubectl not found: run .ci/install.d/45-kubectl.sh" >&2; exit 2; }

python3 bench/gen-kustomize.py "$N" "$WORK/overlays"
OVERLAYS=$(find "$WORK/overlays" -mindepth 2 -maxdepth 2 -name overlay | sort)

# the outputs must agree before timing means anything
mismatch=0
for o in $(echo "$OVERLAYS" | head -5); do
  kubectl kustomize "$o" > "$WORK/k.yaml" 2>/dev/null
  "$PALISADE" render "$o" > "$WORK/p.yaml"
  python3 - "$WORK/k.yaml" "$WORK/p.yaml" <<'PY' || mismatch=1
import sys, yaml
a = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
b = [d for d in yaml.safe_load_all(open(sys.argv[2])) if d]
sys.exit(0 if a == b else 1)
PY
done
[ "$mismatch" = 0 ] && echo "outputs of 5 overlays agree with kubectl kustomize" || echo "WARNING: outputs differ from kubectl kustomize"

# time_loop NAME CMD... : runs CMD once per overlay (overlay path appended), prints seconds
time_loop() {
  local name=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  for o in $OVERLAYS; do "$@" "$o" > /dev/null 2>&1 || true; done
  t1=$(date +%s.%N)
  SECS=$(echo "$t1 - $t0" | bc -l)
  printf '%-36s %8.3f s total  %7.2f ms/overlay\n' "$name" "$SECS" "$(echo "$SECS * 1000 / $N" | bc -l)"
}

echo "== $N overlays, one process per overlay"
time_loop "kubectl kustomize" kubectl kustomize; K=$SECS
time_loop "palisade render" "$PALISADE" render; R=$SECS
time_loop "palisade scan (misconfig)" "$PALISADE" scan --quiet --format json --scanners misconfig; S=$SECS
time_loop "palisade scan (all scanners)" "$PALISADE" scan --quiet --format json; A=$SECS
echo "== one palisade scan over all $N overlays"
t0=$(date +%s.%N)
"$PALISADE" scan "$WORK/overlays" --quiet --format json > "$WORK/all.json" 2>/dev/null || true
t1=$(date +%s.%N)
W=$(echo "$t1 - $t0" | bc -l)
printf '%-36s %8.3f s\n' "palisade scan DIR (all scanners)" "$W"
echo "== ratios (kubectl kustomize time / palisade time; >1 means palisade is faster)"
printf 'render only:                 %6.1fx\n' "$(echo "$K / $R" | bc -l)"
printf 'render + scan (misconfig):   %6.1fx\n' "$(echo "$K / $S" | bc -l)"
printf 'render + scan (all):         %6.1fx\n' "$(echo "$K / $A" | bc -l)"
printf 'one scan of the whole tree:  %6.1fx\n' "$(echo "$K / $W" | bc -l)"

# Helm: N charts made from the corpus's test charts, each with its own values
CORPUS=${PALISADE_CORPUS:-../shared/corpus}
CHARTS_SRC=$CORPUS/helm-template-golden/pkg/cmd/testdata/testcharts
if [ ! -d "$CHARTS_SRC" ]; then
  echo "== Helm charts not measured: $CHARTS_SRC not found"
  exit 0
fi
SOURCES=()
for c in "$CHARTS_SRC"/*/; do
  [ -f "$c/Chart.yaml" ] || continue
  "$PALISADE" render "$c" > /dev/null 2>&1 && SOURCES+=("$c")
done
mkdir -p "$WORK/charts"
for i in $(seq 1 "$N"); do
  src=${SOURCES[$(( (i - 1) % ${#SOURCES[@]} ))]}
  dst=$WORK/charts/chart-$i
  cp -r "$src" "$dst"
  printf 'replicaCount: %d\nimage:\n  tag: "1.%d.0"\nbench: "%d"\n' $(( i % 5 + 1 )) "$i" "$i" > "$dst/bench-values.yaml"
done
CHARTS=$(find "$WORK/charts" -mindepth 1 -maxdepth 1 -type d | sort)
# chart_loop NAME CMD... : runs `CMD CHART -f CHART/bench-values.yaml` per chart
chart_loop() {
  local name=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  for c in $CHARTS; do "$@" "$c" -f "$c/bench-values.yaml" > /dev/null 2>&1 || true; done
  t1=$(date +%s.%N)
  SECS=$(echo "$t1 - $t0" | bc -l)
  printf '%-36s %8.3f s total  %7.2f ms/chart\n' "$name" "$SECS" "$(echo "$SECS * 1000 / $N" | bc -l)"
}
echo "== $N Helm charts (${#SOURCES[@]} corpus charts, varied values), one process per chart"
chart_loop "palisade render" "$PALISADE" render; HR=$SECS
t0=$(date +%s.%N)
for c in $CHARTS; do
  "$PALISADE" scan "$c" --helm-values "$c/bench-values.yaml" --quiet --format json --scanners misconfig > /dev/null 2>&1 || true
done
t1=$(date +%s.%N)
HS=$(echo "$t1 - $t0" | bc -l)
printf '%-36s %8.3f s total  %7.2f ms/chart\n' "palisade scan (misconfig)" "$HS" "$(echo "$HS * 1000 / $N" | bc -l)"
if command -v helm >/dev/null; then
  chart_loop "helm template" helm template; H=$SECS
  printf 'helm template / palisade render:  %6.1fx\n' "$(echo "$H / $HR" | bc -l)"
  printf 'helm template / palisade scan:    %6.1fx\n' "$(echo "$H / $HS" | bc -l)"
else
  echo "helm template: not measured (no helm binary on this machine)"
fi

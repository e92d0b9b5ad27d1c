#!/usr/bin/env bash
# Dockerfile benchmark: palisade scan vs hadolint vs trivy config on the same generated
# Dockerfiles (bench/gen-dockerfiles.py), printing wall time, peak memory and the ratios,
# and palisade's cost at 1,000 / 2,500 / N files to show it grows linearly.
#
#   bash bench/dockerfile.sh [FILES]       (default 5000; peers from ../shared/tools/install-peers.sh)
#   SKIP_PEERS=1 bash bench/dockerfile.sh   (palisade only)
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${1:-5000}
WORK=${WORK:-$(mktemp -d /tmp/palisade-bench-docker.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT

cargo build --release -q -p palisade-cli
PALISADE=$PWD/target/release/palisade

# measure NAME CMD... -> prints "NAME seconds max_rss_mb", sets SECS and RSS
measure() {
  local name=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$WORK/rss" "$@" > /dev/null 2> "$WORK/stderr" || true
  t1=$(date +%s.%N)
  SECS=$(echo "$t1 - $t0" | bc -l)
  RSS=$(( $(tail -1 "$WORK/rss") / 1024 ))
  printf '%-24s %8.3f s %6d MB\n' "$name" "$SECS" "$RSS"
}

echo "== generating Dockerfiles"
for n in 1000 2500 "$FILES"; do
  python3 bench/gen-dockerfiles.py "$n" "$WORK/df-$n"
done
echo "$FILES files, $(du -sh "$WORK/df-$FILES" | cut -f1)"

echo "== palisade scaling (warm cache, best of 3)"
for n in 1000 2500 "$FILES"; do
  best=999; rss=0
  for _ in 1 2 3; do
    measure "palisade ($n files)" "$PALISADE" scan "$WORK/df-$n" --format json --quiet
    best=$(echo "if ($SECS < $best) $SECS else $best" | bc -l); rss=$RSS
  done
  printf '  %5d files: %.3f s, %.1f µs/file, %d MB\n' "$n" "$best" "$(echo "$best * 1000000 / $n" | bc -l)" "$rss"
  P_SECS=$best; P_RSS=$rss
done

if [ "${SKIP_PEERS:-}" = 1 ] || [ ! -f /opt/peers/env.sh ]; then
  echo "peers skipped (install with ../shared/tools/install-peers.sh)"; exit 0
fi
# shellcheck disable=SC1091
source /opt/peers/env.sh
echo "== peers on $FILES files"
find "$WORK/df-$FILES" -name Dockerfile | sort > "$WORK/list"
measure "hadolint" xargs -a "$WORK/list" hadolint --no-fail -f json
H_SECS=$SECS; H_RSS=$RSS
measure "trivy config" trivy config --skip-check-update --disable-telemetry -q -f json -o "$WORK/trivy.json" "$WORK/df-$FILES"
T_SECS=$SECS; T_RSS=$RSS
echo "== ratios (peer time / palisade time)"
printf 'hadolint:     %6.1fx, memory %d MB (palisade) vs %d MB (largest hadolint process)\n' "$(echo "$H_SECS / $P_SECS" | bc -l)" "$P_RSS" "$H_RSS"
printf 'trivy config: %6.1fx, memory %d MB vs %d MB\n' "$(echo "$T_SECS / $P_SECS" | bc -l)" "$P_RSS" "$T_RSS"

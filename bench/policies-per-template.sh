#!/usr/bin/env bash
# Where the time of the Gatekeeper library goes: each library template with its sample
# constraints, alone, over N generated workloads (bench/gen-k8s.py), slowest first, next to
# the same scan without policies.
#
#   bash bench/policies-per-template.sh [WORKLOADS] [TOP]     (defaults 5000, 12)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000}
TOP=${2:-12}
CORPUS=${PALISADE_CORPUS:-../shared/corpus}
LIBRARY=$CORPUS/policies-gatekeeper-library/library
WORK=$(mktemp -d /tmp/palisade-bench-templates.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

cargo build --release -q -p palisade-cli
PALISADE=$PWD/target/release/palisade
python3 bench/gen-k8s.py "$N" "$WORK/k8s" > /dev/null

seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > /dev/null 2>&1 || true
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

printf '%8.3f s  %s\n' "$(seconds "$PALISADE" scan "$WORK/k8s" --scanners misconfig -f json --quiet)" "(no policy)"
for template in $(find "$LIBRARY" -name template.yaml | sort); do
  dir=$(dirname "$template")
  policy=$WORK/policy
  rm -rf "$policy" && mkdir -p "$policy"
  cp "$template" "$policy/"
  i=0
  for c in $(find "$dir" -path '*samples*' -name 'constraint*.yaml'); do
    i=$((i + 1)); cp "$c" "$policy/constraint-$i.yaml"
  done
  printf '%8.3f s  %s\n' "$(seconds "$PALISADE" scan "$WORK/k8s" --scanners misconfig --policy "$policy" -f json --quiet)" "$(basename "$dir")"
done | sort -rn | head -n "$TOP"

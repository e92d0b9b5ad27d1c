#!/usr/bin/env bash
# User-policy benchmark: every Gatekeeper library template with its sample constraints
# (../shared/corpus/policies-gatekeeper-library) over N generated workloads
# (bench/gen-k8s.py): `palisade scan --policy` against the same scan without policies,
# wall time and peak memory; the difference is the cost of the policies.
#
#   bash bench/policies.sh [WORKLOADS]     (default 5000)
#
# Peers: gator (Gatekeeper's CLI) and conftest are Go binaries published only as GitHub
# release downloads or Go sources, not in the package registries this project installs
# from, so no peer runs here.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000}
CORPUS=${PALISADE_CORPUS:-../shared/corpus}
LIBRARY=$CORPUS/policies-gatekeeper-library/library
WORK=${WORK:-$(mktemp -d /tmp/palisade-bench-policies.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT

cargo build --release -q -p palisade-cli
PALISADE=$PWD/target/release/palisade

measure() {
  local name=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$WORK/rss" "$@" > "$WORK/out.json" 2> "$WORK/stderr" || true
  t1=$(date +%s.%N)
  SECS=$(echo "$t1 - $t0" | bc -l)
  RSS=$(( $(tail -1 "$WORK/rss") / 1024 ))
  printf '%-36s %8.3f s %6d MB\n' "$name" "$SECS" "$RSS"
}

python3 bench/gen-k8s.py "$N" "$WORK/k8s" > /dev/null
templates=$(find "$LIBRARY" -name template.yaml | wc -l)
constraints=$(find "$LIBRARY" -path '*samples*' -name 'constraint*.yaml' | wc -l)
echo "$N workloads; $templates templates, $constraints sample constraints; $(nproc) cores"

best() { # NAME CMD... : best of 3
  local name=$1; shift; local b=999 r=0
  for _ in 1 2 3; do
    measure "$name" "$@" > /dev/null
    if (( $(echo "$SECS < $b" | bc -l) )); then b=$SECS; fi; r=$RSS
  done
  printf '%-36s %8.3f s %6d MB (best of 3)\n' "$name" "$b" "$r"
  BEST=$b
}

best "scan, built-in rules only" "$PALISADE" scan "$WORK/k8s" --scanners misconfig --format json --quiet
BASE=$BEST
best "scan --policy <library>" "$PALISADE" scan "$WORK/k8s" --scanners misconfig --policy "$LIBRARY" --format json --quiet
python3 - "$WORK/out.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
pol = [f for f in report["findings"] if f["rule_id"].startswith("POL:")]
print(f"policy findings: {len(pol)} from {len({f['rule_id'] for f in pol})} constraints; "
      f"policy errors: {sum(1 for e in report['errors'])}")
PY
printf 'cost of the policies: %.3f s\n' "$(echo "$BEST - $BASE" | bc -l)"

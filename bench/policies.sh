#!/usr/bin/env bash
# User-policy benchmark: every Gatekeeper library template with its sample constraints
# (../shared/corpus/policies-gatekeeper-library) over N generated workloads
# (bench/gen-k8s.py): `palisade scan --policy` against the same scan without policies,
# wall time and peak memory; the difference is the cost of the policies. Then the same
# with the templates' CEL engines only, and with Kyverno's pod-security ValidatingPolicies.
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

# The same workloads under CEL: every library template that carries a K8sNativeValidation
# engine, rewritten to carry only that engine so the scan runs it, and Kyverno's
# pod-security ValidatingPolicies (auto-generated for controllers).
CEL=$WORK/cel
mkdir -p "$CEL"
for t in $(grep -l K8sNativeValidation $(find "$LIBRARY" -name template.yaml)); do
  d=$(dirname "$t"); n=$(basename "$d")
  # keep only the CEL engine, so the scan runs it instead of the Rego one
  python3 - "$t" "$CEL/$n-template.yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for target in doc["spec"]["targets"]:
    target.pop("rego", None); target.pop("libs", None)
    target["code"] = [c for c in target.get("code", []) if c["engine"] == "K8sNativeValidation"]
yaml.safe_dump(doc, open(sys.argv[2], "w"))
PY
  i=0; for c in $(find "$d" -path '*samples*' -name 'constraint*.yaml'); do i=$((i+1)); cp "$c" "$CEL/$n-constraint-$i.yaml"; done
done
echo "$(ls "$CEL"/*-template.yaml | wc -l) CEL-only templates, $(ls "$CEL"/*-constraint-*.yaml | wc -l) constraints"
best "scan --policy <library, CEL engine>" "$PALISADE" scan "$WORK/k8s" --scanners misconfig --policy "$CEL" --format json --quiet
printf 'cost of the CEL policies: %.3f s\n' "$(echo "$BEST - $BASE" | bc -l)"
KYVERNO=$CORPUS/policies-kyverno/pod-security-vpol
best "scan --policy <kyverno pod-security-vpol>" "$PALISADE" scan "$WORK/k8s" --scanners misconfig --policy "$KYVERNO" --format json --quiet
printf 'cost of %d Kyverno ValidatingPolicies: %.3f s\n' "$(grep -rl 'kind: ValidatingPolicy' "$KYVERNO" --include='*.yaml' | grep -v kyverno-test | wc -l)" "$(echo "$BEST - $BASE" | bc -l)"

#!/usr/bin/env bash
# Benchmark: `palisade scan` vs `checkov -d` and `trivy config` on 2,000 generated
# serverless templates (CloudFormation YAML/JSON, SAM, Serverless Framework, Terraform).
# Prints wall-clock seconds per tool and Palisade's speed-up. Targets: >= 50x Checkov,
# >= 10x Trivy. Usage: bench/serverless.sh [--platform] [N] (needs /opt/peers/env.sh,
# see ../shared/tools/PEERS.md; builds palisade in release mode).
#
# --platform scans N generated root modules and stacks of platform resources instead
# (bench/gen-platform.py: clusters, registries, buckets, firewalls, IAM, databases,
# tables, user pools, state machines, load balancers, flow logs; AWS in Terraform and
# CloudFormation, Azure and Google Cloud in Terraform). Targets: >= 100x Checkov,
# >= 20x Trivy, Palisade under 200 MB.
#
# SAMPLE=K (optional) times Checkov on K randomly chosen template folders instead of all
# N and extrapolates its time linearly to N (Checkov spends ~1 s per template, so the full
# run takes over half an hour; its cost per folder is flat, as every folder is one small
# template). Palisade and Trivy always scan all N. The output says when a figure is
# extrapolated.
set -euo pipefail
MODE=serverless
if [[ "${1:-}" == "--platform" ]]; then
  MODE=platform
  shift
fi
N=${1:-2000}
SAMPLE=${SAMPLE:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_DIR:-/tmp/palisade-bench-serverless}
# shellcheck disable=SC1091
source /opt/peers/env.sh
rm -rf "$WORK" && mkdir -p "$WORK"
if [[ $MODE == platform ]]; then
  python3 "$ROOT/bench/gen-platform.py" "$WORK/templates" "$N"
  FRAMEWORKS=(cloudformation terraform)
  TARGET_CHECKOV=100
  TARGET_TRIVY=20
else
  python3 "$ROOT/bench/gen-serverless.py" "$WORK/templates" "$N"
  FRAMEWORKS=(cloudformation serverless terraform)
  TARGET_CHECKOV=50
  TARGET_TRIVY=10
fi
(cd "$ROOT" && cargo build --release -q -p palisade-cli)
PALISADE="$ROOT/target/release/palisade"

time_it() { # name, command...
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || true
  end=$(date +%s.%N)
  python3 -c "print(round($end - $start, 2))"
}

echo "palisade: $("$PALISADE" --version 2>/dev/null || echo dev)"
t_pal=$(hyperfine --warmup 1 --runs 5 --export-json "$WORK/palisade.json" \
  "$PALISADE scan --quiet --format json $WORK/templates -o /dev/null || true" >/dev/null 2>&1 \
  && python3 -c "import json;print(json.load(open('$WORK/palisade.json'))['results'][0]['mean'])")
echo "palisade scan     ${t_pal}s (mean of 5)"
t_trivy=$(time_it trivy trivy config --quiet --format json "$WORK/templates")
echo "trivy config      ${t_trivy}s"
if [[ -n "$SAMPLE" && "$SAMPLE" -lt "$N" ]]; then
  mkdir -p "$WORK/checkov-sample"
  # A seeded shuffle, so a rerun times the same folders.
  find "$WORK/templates" -mindepth 1 -maxdepth 1 -type d | sort \
    | python3 -c "import random,sys; l=sys.stdin.read().split(); random.Random(7).shuffle(l); print('\n'.join(l[:$SAMPLE]))" \
    | while read -r d; do cp -r "$d" "$WORK/checkov-sample/"; done
  t_sample=$(time_it checkov checkov -d "$WORK/checkov-sample" --quiet --compact -o json \
    --framework "${FRAMEWORKS[@]}")
  t_checkov=$(python3 -c "print(round($t_sample * $N / $SAMPLE, 1))")
  echo "checkov -d        ${t_checkov}s (EXTRAPOLATED: ${t_sample}s on a random sample of $SAMPLE of $N folders, x $N/$SAMPLE)"
else
  t_checkov=$(time_it checkov checkov -d "$WORK/templates" --quiet --compact -o json \
    --framework "${FRAMEWORKS[@]}")
  echo "checkov -d        ${t_checkov}s"
fi
python3 - "$t_pal" "$t_trivy" "$t_checkov" "$TARGET_CHECKOV" "$TARGET_TRIVY" <<'PY'
import sys
p, t, c, tc, tt = map(float, sys.argv[1:])
print(f"speed-up vs checkov: {c/p:.1f}x (target >= {tc:.0f}x)")
print(f"speed-up vs trivy:   {t/p:.1f}x (target >= {tt:.0f}x)")
PY
/usr/bin/time -f "%M" -o "$WORK/palisade.rss" "$PALISADE" scan --quiet --format json \
  "$WORK/templates" -o /dev/null >/dev/null 2>&1 || true
echo "palisade peak RSS  $(( $(tail -1 "$WORK/palisade.rss") / 1024 )) MB"
"$PALISADE" scan --quiet --format json "$WORK/templates" -o "$WORK/palisade-findings.json" || true
python3 -c "
import json; r=json.load(open('$WORK/palisade-findings.json'))
print('palisade findings:', len(r.get('findings', [])), 'errors:', len(r.get('errors', [])))"

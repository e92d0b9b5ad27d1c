#!/usr/bin/env bash
# Side by side: runs `palisade scan`, `checkov -d` and `trivy config` over the same
# real-world serverless templates and lists, per concept (wildcard IAM, tracing, function
# URL auth...), the files every tool flags (agreements) and the files only some flag
# (differences). Usage: bench/serverless-side-by-side.sh [DIR...]
# (default: the corpus' serverless-framework-examples, cfn-lint templates and a slice of
# the SAM translator inputs, copied to a temp dir). Needs /opt/peers/env.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${PALISADE_CORPUS:-$ROOT/../shared/corpus}
WORK=${SIDE_DIR:-/tmp/palisade-side-by-side}
# shellcheck disable=SC1091
source /opt/peers/env.sh
rm -rf "$WORK" && mkdir -p "$WORK/in"
if [ "$#" -gt 0 ]; then
  for d in "$@"; do cp -r "$d" "$WORK/in/"; done
else
  cp -r "$CORPUS/serverless-framework-examples" "$WORK/in/sls"
  cp -r "$CORPUS/cfn-lint-templates/templates/good" "$WORK/in/cfn"
  mkdir -p "$WORK/in/sam"
  find "$CORPUS/sam-translator-aws-sam/input" -name '*.yaml' ! -name 'error_*' | sort | head -150 \
    | while read -r f; do cp "$f" "$WORK/in/sam/"; done
fi
(cd "$ROOT" && cargo build --release -q -p palisade-cli)
"$ROOT/target/release/palisade" scan --quiet --format json -o "$WORK/palisade.json" "$WORK/in" || true
checkov -d "$WORK/in" --quiet --compact -o json --framework cloudformation serverless terraform \
  >"$WORK/checkov.json" 2>/dev/null || true
trivy config --quiet --format json -o "$WORK/trivy.json" "$WORK/in" 2>/dev/null || true
python3 "$ROOT/bench/side_by_side.py" "$WORK"

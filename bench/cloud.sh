#!/usr/bin/env bash
# `palisade cloud aws` against moto: N functions (default 2,000), each with its own role, an
# inline policy and an attached customer-managed policy, created through the APIs
# (crates/palisade-cli/tests/cloud/seed.py). Prints the seeding time, then, for two scans,
# wall time, peak memory and CPU time of `palisade cloud aws`, and the API calls per
# function. Every call is a loopback round trip to moto (single-threaded Python), so the
# wall time is mostly moto's; Palisade's CPU time bounds its own work.
#
#   bash bench/cloud.sh [FUNCTIONS]
#   PALISADE=target/debug/palisade bash bench/cloud.sh 500    (another build, fewer functions)
#   MOTO_ENDPOINT=http://127.0.0.1:PORT bash bench/cloud.sh   (a moto seeded before: no seeding)
#
# moto: $PALISADE_MOTO_SERVER, else ~/.cache/palisade-ref/venv-moto/bin/moto_server
# (.ci/install.d/45-moto.sh). Prowler is measured only when `prowler` is on PATH, never in
# CI (`python3 -m venv /tmp/venv-prowler && /tmp/venv-prowler/bin/pip install prowler`,
# then PATH=/tmp/venv-prowler/bin:$PATH); Prowler 5.46 runs against moto through
# AWS_ENDPOINT_URL. If it fails, its last lines are printed instead of figures.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
REF_DIR=${PALISADE_REF_DIR:-$HOME/.cache/palisade-ref}
MOTO=${PALISADE_MOTO_SERVER:-$REF_DIR/venv-moto/bin/moto_server}
[ -x "$MOTO" ] || MOTO=/opt/peers/venv-moto/bin/moto_server
[ -x "$MOTO" ] || { echo "moto_server not found: run .ci/install.d/45-moto.sh" >&2; exit 2; }
PY=$(dirname "$MOTO")/python
WORK=$(mktemp -d /tmp/palisade-bench-cloud.XXXXXX)
if [ -z "${PALISADE:-}" ]; then
  cargo build --release -q -p palisade-cli
  PALISADE=$PWD/target/release/palisade
fi

if [ -n "${MOTO_ENDPOINT:-}" ]; then
  PORT=${MOTO_ENDPOINT##*:}
  trap 'rm -rf "$WORK"' EXIT
  echo "== using the moto at $MOTO_ENDPOINT as seeded"
else
  PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$MOTO" -H 127.0.0.1 -p "$PORT" > "$WORK/moto.log" 2>&1 &
  MOTO_PID=$!
  trap 'kill $MOTO_PID 2>/dev/null; rm -rf "$WORK"' EXIT
  for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/moto-api/" && break; sleep 0.2; done
  echo "== seeding $N functions (each: role, inline policy, customer-managed policy, function)"
  t0=$(date +%s.%N)
  "$PY" crates/palisade-cli/tests/cloud/seed.py "http://127.0.0.1:$PORT" bench "$N" > /dev/null
  t1=$(date +%s.%N)
  printf 'seeding: %.1f s\n' "$(echo "$t1 - $t0" | bc -l)"
fi

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_CONFIG_FILE=$WORK/none AWS_SHARED_CREDENTIALS_FILE=$WORK/none AWS_EC2_METADATA_DISABLED=true
echo "== palisade cloud aws ($PALISADE)"
for run in 1 2; do
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M %U %S' -o "$WORK/rss" "$PALISADE" cloud aws --endpoint-url "http://127.0.0.1:$PORT" \
    --format json --output "$WORK/report.json" 2> "$WORK/stderr" || true
  t1=$(date +%s.%N)
  read -r RSS USER SYS < <(tail -1 "$WORK/rss")
  printf 'run %d: wall %.2f s, peak RSS %d MB, CPU user %.2f s + sys %.2f s\n' "$run" \
    "$(echo "$t1 - $t0" | bc -l)" $((RSS / 1024)) "$USER" "$SYS"
done
grep '^note:' "$WORK/stderr" || cat "$WORK/stderr"
"$PY" - "$WORK/report.json" <<'EOF'
import collections, json, sys
r = json.load(open(sys.argv[1]))
c = collections.Counter(f["rule_id"] for f in r["findings"])
print("findings:", len(r["findings"]), dict(sorted(c.items())), "errors:", len(r["errors"]))
EOF
echo "(Palisade's CPU time above bounds its own work: mapping, rules and report; the rest of"
echo " the wall time is waiting for moto, a single-threaded Python server.)"

if command -v prowler > /dev/null 2>&1; then
  echo "== prowler aws (Lambda and IAM checks) on the same endpoint"
  t0=$(date +%s.%N)
  # Exit code 3 means failed checks (findings), not a failed run; its files go to $WORK.
  AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" /usr/bin/time -f '%M %U %S' -o "$WORK/rss" \
    prowler aws --services awslambda iam --region us-east-1 --no-banner --ignore-exit-code-3 \
    --output-formats csv --output-directory "$WORK/prowler-out" > "$WORK/prowler.log" 2>&1 \
    && { t1=$(date +%s.%N); read -r RSS USER SYS < <(tail -1 "$WORK/rss")
         printf 'prowler: wall %.2f s, peak RSS %d MB, CPU user %.2f s + sys %.2f s, %d result rows\n' \
           "$(echo "$t1 - $t0" | bc -l)" $((RSS / 1024)) "$USER" "$SYS" \
           "$(cat "$WORK"/prowler-out/*.csv 2>/dev/null | tail -n +2 | wc -l)"; } \
    || echo "prowler did not complete against moto (see its log); not measured: $(tail -3 "$WORK/prowler.log" | tr '\n' ' ')"
else
  echo "== prowler: not installed (pip install prowler); not measured"
fi

#!/usr/bin/env bash
# Per-request latency and memory of `palisade serve` (release build) on loopback:
# N sequential AdmissionReviews of a Deployment (half compliant, half denied) to /validate
# over one HTTPS connection, then N to /mutate (half patched), then the server's resident
# memory (now and peak).
#
#   bash bench/webhook.sh [N]        # N defaults to 1000
set -euo pipefail
N=${1:-1000}
cd "$(dirname "$0")/.."
cargo build --release --quiet -p palisade-cli --bin palisade
cargo build --release --quiet -p palisade-server --example webhook_load
TARGET=${CARGO_TARGET_DIR:-target}/release
WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
"$TARGET/examples/webhook_load" certs "$WORK"
PORT=$((20000 + RANDOM % 20000))
"$TARGET/palisade" serve --tls-cert "$WORK/tls.crt" --tls-key "$WORK/tls.key" \
    --listen "127.0.0.1:$PORT" --mutate --quiet 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 100); do
    grep -q listening "$WORK/server.log" 2>/dev/null && break
    sleep 0.05
done
if ! grep -q listening "$WORK/server.log"; then
    echo "palisade serve did not start:" >&2
    cat "$WORK/server.log" >&2
    exit 1
fi
rss() { awk -v k="$1" '$1 == k":" {print $2 " kB"}' "/proc/$SERVER/status"; }
echo "server RSS at start  $(rss VmRSS)"
"$TARGET/examples/webhook_load" run "https://127.0.0.1:$PORT/validate" "$WORK/ca.crt" "$N"
"$TARGET/examples/webhook_load" run "https://127.0.0.1:$PORT/mutate" "$WORK/ca.crt" "$N"
echo "server RSS after     $(rss VmRSS)"
echo "server peak RSS      $(rss VmHWM)"

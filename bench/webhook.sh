#!/usr/bin/env bash
# Latency, errors and memory of `palisade serve` (release build) on loopback under a fixed
# request rate: a mix of Pods, Deployments, CronJobs, Roles and NetworkPolicies (half
# compliant) sent open-loop to /validate over a pool of HTTPS connections, latency counted
# from each request's due time (no coordinated omission).
#
#   bash bench/webhook.sh [SECONDS] [CONNECTIONS]   # 60 s per rate, 32 connections
#
# 1. SECONDS at 1,000 requests/s, then SECONDS at 5,000 requests/s: p50, p99, p99.9,
#    errors and the server's peak RSS (VmHWM) after each.
# 2. The highest rate held with p99 under 10 ms and no error: steps of max(SECONDS/6, 5) s,
#    rates raised by half until a step fails, then bisected four times.
set -euo pipefail
SECONDS_PER_RATE=${1:-60}
CONNECTIONS=${2:-32}
cd "$(dirname "$0")/.."
cargo build --release --quiet -p palisade-cli --bin palisade
cargo build --release --quiet -p palisade-server --example webhook_load
TARGET=${CARGO_TARGET_DIR:-target}/release
WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
"$TARGET/examples/webhook_load" certs "$WORK"
PORT=$((20000 + RANDOM % 20000))
"$TARGET/palisade" serve --tls-cert "$WORK/tls.crt" --tls-key "$WORK/tls.key" \
    --listen "127.0.0.1:$PORT" --quiet 2>"$WORK/server.log" &
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
URL="https://127.0.0.1:$PORT/validate"
rss() { awk -v k="$1" '$1 == k":" {print int($2 / 1024) " MB"}' "/proc/$SERVER/status"; }
field() { awk -v k="$1" '$1 == k {print $2}' "$WORK/step"; }
# load RATE SECONDS: one open-loop run, its report in $WORK/step.
load() {
    "$TARGET/examples/webhook_load" rate "$URL" "$WORK/ca.crt" "$1" "$2" "$CONNECTIONS" >"$WORK/step"
}
echo "server RSS at start: $(rss VmRSS); $CONNECTIONS connections; $(nproc) CPUs"
printf '%8s %6s %8s %8s %8s %8s %7s %10s\n' rate/s secs sent p50_ms p99_ms p99.9_ms errors peak_RSS
for rate in 1000 5000; do
    load "$rate" "$SECONDS_PER_RATE"
    printf '%8s %6s %8s %8s %8s %8s %7s %10s\n' "$rate" "$SECONDS_PER_RATE" "$(field sent)" \
        "$(field p50_ms)" "$(field p99_ms)" "$(field p99.9_ms)" "$(field errors)" "$(rss VmHWM)"
    if [ -n "$(field first_error)" ]; then grep first_error "$WORK/step"; fi
done

STEP=$((SECONDS_PER_RATE / 6 > 5 ? SECONDS_PER_RATE / 6 : 5))
# held RATE: p99 under 10 ms and no error over one step.
held() {
    load "$1" "$STEP"
    printf '  step %6s/s: p99 %s ms, errors %s\n' "$1" "$(field p99_ms)" "$(field errors)"
    awk '$1 == "p99_ms" {p = $2} $1 == "errors" {e = $2} END {exit !(p < 10 && e == 0)}' "$WORK/step"
}
echo "step search ($STEP s per step): highest rate with p99 under 10 ms and no error"
low=0
high=1000
while held "$high"; do
    low=$high
    high=$((high * 3 / 2))
done
for _ in 1 2 3 4; do
    mid=$(((low + high) / 2))
    if held "$mid"; then low=$mid; else high=$mid; fi
done
echo "highest rate held: $low requests/s (p99 < 10 ms, no error); server peak RSS $(rss VmHWM)"

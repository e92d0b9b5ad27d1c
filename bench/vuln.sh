#!/usr/bin/env bash
# Vulnerability database and matcher benchmark: import every corpus advisory into a fresh
# SQLite database, then match a generated 20,000-package inventory.
# Reports import time, database size, database open time, match time (wall clock, and time
# on a CPU, which stays meaningful when other work shares the machine) and peak memory.
# Usage: bench/vuln.sh [PACKAGES]   (corpus from $PALISADE_CORPUS or ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-20000}"
CORPUS="${PALISADE_CORPUS:-$(pwd)/../shared/corpus}"
[ -d "$CORPUS" ] || { echo "corpus not found at $CORPUS (set PALISADE_CORPUS)"; exit 1; }
cargo build --release -q -p palisade-vuln --example vuln_bench
BIN=target/release/examples/vuln_bench
DB="$(mktemp -d)/osv.db"
/usr/bin/time -v "$BIN" "$DB" "$N" \
  "$CORPUS/advisories-pypi-osv" "$CORPUS/advisories-go-osv" \
  "$CORPUS/advisories-rustsec/osv" "$CORPUS/advisories-maven-ghsa-osv-scalibr" \
  2> >(grep -E "Maximum resident" | sed 's/^\s*/peak memory: /' >&2)
rm -rf "$(dirname "$DB")"

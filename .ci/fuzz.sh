#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for a short budget (FUZZ_SECONDS, default 20 s each).
#
# With a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`), each target runs
# under libFuzzer, starting from fuzz/seeds/<target> (when present) and keeping what it
# finds in fuzz/corpus/<target>; a crash fails the script and leaves its input in
# fuzz/artifacts/<target>/. Without them, the same harnesses run on stable over the seed
# corpus and its cut and bit-flipped variants (`cargo test --no-default-features`), and
# the script says that no fuzzing happened.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

budget="${FUZZ_SECONDS:-20}"
targets=(kubernetes_loader dockerfile registry_response image_archive lockfile terraform cloudformation)

if cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "== building the fuzz targets (nightly, cargo-fuzz)"
    cargo +nightly fuzz build
    for t in "${targets[@]}"; do
        echo "== fuzz $t for ${budget}s"
        mkdir -p "corpus/$t"
        dirs=("corpus/$t")
        [ -d "seeds/$t" ] && dirs+=("seeds/$t")
        cargo +nightly fuzz run "$t" "${dirs[@]}" -- \
            -max_total_time="$budget" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1
    done
else
    echo "== cargo-fuzz or a nightly toolchain is missing: no fuzzing, only the seed corpus"
    echo "   (install: rustup toolchain install nightly && cargo install cargo-fuzz)"
    # the main workspace's target folder: the same locked versions, so its build is reused
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../target}" cargo test --no-default-features --locked
fi

#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ under libFuzzer for a short budget (FUZZ_SECONDS, default
# 20 s each), starting from fuzz/seeds/<target> (when present) and keeping what it finds in
# fuzz/corpus/<target>; a crash, a panic, an overflow (debug assertions are on), a timeout
# or running out of memory fails the script and leaves its input in fuzz/artifacts/<target>/.
#
# cargo-fuzz is installed when missing (`cargo install cargo-fuzz --locked`, half a minute).
# With a nightly toolchain the targets are built with AddressSanitizer; on the stable
# toolchain, which is all CI has, with `--sanitizer none`: libFuzzer's coverage guidance
# works the same, and safe Rust needs AddressSanitizer little (FUZZ_SANITIZER=none picks
# this way where a nightly is installed too). The seed corpus also runs as
# `cargo test --no-default-features` (its cut and bit-flipped variants), fast, first.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

budget="${FUZZ_SECONDS:-20}"
targets=(kubernetes_loader dockerfile registry_response image_archive lockfile terraform cloudformation)

echo "== the seed corpus and its variants (cargo test --no-default-features)"
# the main workspace's target folder: the same locked versions, so its build is reused
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../target}" cargo test --no-default-features --locked

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked --version 0.13.2
fi
# An installed nightly only: asking rustup for one that is missing may try to download it.
if [ "${FUZZ_SANITIZER:-address}" != none ] && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    fuzz=(cargo +nightly fuzz)
    sanitizer="${FUZZ_SANITIZER:-address}"
else
    fuzz=(cargo fuzz)
    sanitizer=none
fi
echo "== building the fuzz targets (sanitizer: $sanitizer)"
"${fuzz[@]}" build --sanitizer "$sanitizer"
for t in "${targets[@]}"; do
    echo "== fuzz $t for ${budget}s"
    mkdir -p "corpus/$t"
    dirs=("corpus/$t")
    [ -d "seeds/$t" ] && dirs+=("seeds/$t")
    "${fuzz[@]}" run --sanitizer "$sanitizer" "$t" "${dirs[@]}" -- \
        -max_total_time="$budget" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1
done

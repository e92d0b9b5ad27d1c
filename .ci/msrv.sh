#!/usr/bin/env bash
# Checks that `rust-version` in Cargo.toml is the real minimum Rust version of the build:
# the highest `rust-version` any locked dependency of the build (normal and build
# dependencies of the workspace; dev-dependencies too) declares. A dependency update that
# raises it fails here until Cargo.toml (and the README's set-up section) say so.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo metadata --format-version 1 --locked | python3 -c '
import json, sys
meta = json.load(sys.stdin)
packages = {p["id"]: p for p in meta["packages"]}
resolved = {n["id"] for n in meta["resolve"]["nodes"]}
def key(v):
    parts = [int(x) for x in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))
needed = max(
    ((key(p["rust_version"]), p["name"], p["version"], p["rust_version"])
     for i in resolved
     for p in [packages[i]]
     if p.get("rust_version") and p.get("source")),
    default=None,
)
ours = {packages[m].get("rust_version") for m in meta["workspace_members"]}
if len(ours) != 1 or None in ours:
    sys.exit(f"every crate must take rust-version from the workspace; found {sorted(map(str, ours))}")
ours = ours.pop()
if needed is None:
    sys.exit("no dependency declares a rust-version")
if key(ours) < needed[0]:
    sys.exit(f"rust-version {ours} is too low: {needed[1]} {needed[2]} needs {needed[3]}")
if key(ours) > needed[0]:
    print(f"note: rust-version {ours} is above what the dependencies need ({needed[3]}, {needed[1]} {needed[2]})")
print(f"rust-version {ours}: the locked dependencies need {needed[3]} ({needed[1]} {needed[2]})")
'

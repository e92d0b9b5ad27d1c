#!/usr/bin/env bash
# jq: README examples pipe reports through it, and crates/palisade-cli/tests/readme.rs runs
# them as written (without jq that test fails when CI is set).
set -euo pipefail
command -v jq >/dev/null 2>&1 && exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends jq >/dev/null

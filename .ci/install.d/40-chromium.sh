#!/usr/bin/env bash
# Headless Chromium for the tests that render `palisade netpol matrix --format html` and
# `palisade rbac graph --format html` (crates/palisade-cli/tests/k8s_graph.rs).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null

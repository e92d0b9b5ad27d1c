#!/usr/bin/env bash
# palisade-vuln: the Go toolchain (Debian's golang-go) builds a real Go program at test
# time, offline (vendored dependency, GOPROXY=off), whose build info the tests read.
set -euo pipefail
command -v go >/dev/null 2>&1 && exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends golang-go

#!/usr/bin/env bash
# Reference implementations the palisade-vuln version-ordering tests compare against:
# dpkg (and its Perl Dpkg::Version), rpm's Lua rpm.vercmp, Ruby's Gem::Version, Python's
# packaging.version, npm's semver. Maven's ComparableVersion comes from the Maven install.
# The CVSS v4.0 scores are compared with Red Hat's `cvss` Python package.
# Idempotent: installs only what is missing.
set -euo pipefail

need_apt=()
command -v rpm >/dev/null 2>&1 || need_apt+=(rpm)
command -v ruby >/dev/null 2>&1 || need_apt+=(ruby)
command -v dpkg >/dev/null 2>&1 || need_apt+=(dpkg)
# dpkg's own Perl implementation of the ordering, usable in batches (Dpkg::Version)
perl -MDpkg::Version -e1 >/dev/null 2>&1 || need_apt+=(libdpkg-perl)
if [ "${#need_apt[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

python3 -c 'import packaging.version' 2>/dev/null || python3 -m pip install --quiet 'packaging==24.2'
python3 -c 'import cvss' 2>/dev/null || python3 -m pip install --quiet 'cvss==3.6'

# npm's semver lives in a prefix of its own; the tests find it through this path.
REF_DIR="${PALISADE_REF_DIR:-$HOME/.cache/palisade-ref}"
if [ ! -f "$REF_DIR/node_modules/semver/package.json" ]; then
  mkdir -p "$REF_DIR"
  npm install --silent --no-audit --no-fund --prefix "$REF_DIR" semver@7.6.3
fi

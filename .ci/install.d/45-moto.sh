#!/usr/bin/env bash
# moto (the Python implementation of the AWS APIs) for the `palisade cloud aws` tests
# (crates/palisade-cli/tests/cloud_aws.rs) and bench/cloud.sh: moto_server and boto3 in a
# venv of their own, because Debian's python3 refuses `pip install` outside one (PEP 668).
# The tests find it at $PALISADE_MOTO_SERVER or $REF_DIR/venv-moto/bin/moto_server.
# Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
MOTO_VERSION=5.1.18
REF_DIR="${PALISADE_REF_DIR:-$HOME/.cache/palisade-ref}"
VENV="$REF_DIR/venv-moto"
if [ -x "$VENV/bin/moto_server" ] && "$VENV/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  exit 0
fi
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv
fi
mkdir -p "$REF_DIR"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"

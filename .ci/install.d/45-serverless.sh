#!/usr/bin/env bash
# The Serverless Framework CLI v3 (MIT; v4 needs a login) for the cloud parity test
# (crates/palisade-cli/tests/cloud_parity.rs), which turns each Serverless Framework example
# into CloudFormation with `serverless package`, offline. Installed with `npm ci` from the
# lock file in .ci/serverless/, so every machine gets the same 546 packages; their install
# scripts only print messages and are not run. The test finds it at $PALISADE_SERVERLESS or
# $REF_DIR/serverless3/node_modules/.bin/serverless.
# Idempotent: does nothing when the installed tree matches the lock file.
set -euo pipefail
cd "$(dirname "$0")/../serverless"
REF_DIR="${PALISADE_REF_DIR:-$HOME/.cache/palisade-ref}"
DEST="$REF_DIR/serverless3"
if [ -x "$DEST/node_modules/.bin/serverless" ] && cmp -s package-lock.json "$DEST/package-lock.json"; then
  exit 0
fi
mkdir -p "$DEST"
cp package.json package-lock.json "$DEST/"
npm ci --silent --no-audit --no-fund --ignore-scripts --prefix "$DEST"

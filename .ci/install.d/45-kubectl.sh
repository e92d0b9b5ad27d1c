#!/usr/bin/env bash
# kubectl with kustomize v5, the reference renderer of the Kustomize conformance tests
# (crates/palisade-kustomize/tests/conformance.rs) and of bench/render.sh.
#
# Debian's own package is `kubernetes-client` (bookworm: kubectl 1.20, kustomize v2), too
# old to compare with. The `kubectl` package on these machines comes from Google's Cloud
# SDK apt repository (package `kubectl`, /usr/bin/kubectl -> google-cloud-sdk/bin/kubectl,
# kubectl 1.32 with kustomize v5.5), so that repository is added when kubectl is missing.
set -euo pipefail
if command -v kubectl >/dev/null 2>&1 && kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5'; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-cache policy kubectl 2>/dev/null | grep -q 'packages.cloud.google.com'; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends ca-certificates curl gnupg >/dev/null
  curl -fsSL https://packages.cloud.google.com/apt/doc/apt-key.gpg \
    | $SUDO gpg --dearmor --yes -o /usr/share/keyrings/cloud.google.gpg
  . /etc/os-release
  echo "deb [signed-by=/usr/share/keyrings/cloud.google.gpg] https://packages.cloud.google.com/apt cloud-sdk-${VERSION_CODENAME} main" \
    | $SUDO tee /etc/apt/sources.list.d/google-cloud-sdk.list >/dev/null
  $SUDO apt-get update -qq
fi
$SUDO apt-get install -y -qq --no-install-recommends kubectl >/dev/null
kubectl version --client | grep -q 'Kustomize Version: v5'

#!/usr/bin/env bash
# palisade-artifact: real images built without a Docker daemon (debootstrap, umoci, skopeo,
# rpm, buildah), a real registry (docker-registry) with htpasswd (apache2-utils), and
# db5.3-util to write a Berkeley DB rpm database (Debian's rpm reads but cannot write one).
# The images are built once per CI run into target/realimg (a few minutes: debootstrap).
set -euo pipefail
cd "$(dirname "$0")/../.."
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
missing=()
for pkg in debootstrap umoci skopeo rpm buildah docker-registry apache2-utils python3 db5.3-util openssl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ -n "$SUDO" ]; then
  OUT=target/realimg sudo -E bash crates/palisade-artifact/tests/make-real-images.sh
else
  OUT=target/realimg bash crates/palisade-artifact/tests/make-real-images.sh
fi

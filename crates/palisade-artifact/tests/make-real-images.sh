#!/usr/bin/env bash
# Builds the real images palisade-artifact's tests read, without a Docker daemon:
#   debootstrap (minbase bookworm) -> umoci (OCI layout) -> skopeo (docker-archive);
#   a single-layer image whose rpm 4.18 sqlite database was written by rpm itself;
#   a Dockerfile-built image on top of bookworm with buildah (real history and config).
# Output in $OUT (default: <repo>/target/realimg). The rootfs is reused when present, so a
# CI run debootstraps once. Needs root and the Debian packages of .ci/install.d/50-images.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$HERE/../../../target/realimg}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)

if [ ! -f "$OUT/rootfs/.done" ]; then
  rm -rf "$OUT/rootfs"
  debootstrap --variant=minbase --include=openssl,curl,ca-certificates bookworm "$OUT/rootfs" \
    > "$OUT/debootstrap.log" 2>&1 || { tail -30 "$OUT/debootstrap.log" >&2; exit 1; }
  rm -rf "$OUT/rootfs/var/cache/apt/archives/"*.deb "$OUT/rootfs/var/lib/apt/lists/"* "$OUT/rootfs/debootstrap"
  touch "$OUT/rootfs/.done"
fi

if [ ! -f "$OUT/debian-bookworm.docker.tar" ]; then
  rm -rf "$OUT/oci"
  umoci init --layout "$OUT/oci"
  umoci new --image "$OUT/oci:bookworm"
  tar --numeric-owner --xattrs -C "$OUT/rootfs" --exclude=./.done -cf "$OUT/layer.tar" .
  umoci raw add-layer --image "$OUT/oci:bookworm" "$OUT/layer.tar"
  rm -f "$OUT/layer.tar"
  umoci config --image "$OUT/oci:bookworm" --os linux --architecture amd64 --config.cmd /bin/bash \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --author palisade-tests
  umoci gc --layout "$OUT/oci"
  skopeo copy --quiet "oci:$OUT/oci:bookworm" "docker-archive:$OUT/debian-bookworm.docker.tar:debian:bookworm"
fi

if [ ! -f "$OUT/rpmdb.docker.tar" ]; then
  RB="$OUT/rpmbuild"; rm -rf "$RB" "$OUT/rpmroot" "$OUT/oci-rpmdb"
  mkdir -p "$RB"/{SPECS,BUILD,RPMS,SOURCES,SRPMS} "$OUT/rpmroot/etc"
  spec() {
    cat > "$RB/SPECS/$1.spec" <<SPEC
Name: $1
Version: $2
Release: $3
Epoch: $4
Summary: fixture $1
License: MIT
BuildArch: noarch
%description
fixture $1
%install
mkdir -p %{buildroot}/usr/share/doc/$1
echo "$1" > %{buildroot}/usr/share/doc/$1/VERSION
%files
/usr/share/doc/$1/VERSION
SPEC
    rpmbuild --quiet --define "_topdir $RB" -bb "$RB/SPECS/$1.spec" >/dev/null
  }
  spec openssl-libs 3.0.1 43.el9_0 1
  spec bash 5.1.8 4.el9 0
  spec curl 7.76.1 14.el9 0
  printf 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.0"\nPRETTY_NAME="Rocky Linux 9.0 (Blue Onyx)"\n' > "$OUT/rpmroot/etc/os-release"
  rpm --root "$OUT/rpmroot" --dbpath /var/lib/rpm --initdb
  rpm --root "$OUT/rpmroot" --dbpath /var/lib/rpm -i --nodeps --ignoreos --ignorearch --nosignature "$RB"/RPMS/noarch/*.rpm 2>/dev/null
  python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()' "$OUT/rpmroot/var/lib/rpm/rpmdb.sqlite"
  rm -f "$OUT/rpmroot/var/lib/rpm/.rpm.lock" "$OUT/rpmroot/var/lib/rpm/rpmdb.sqlite-shm" "$OUT/rpmroot/var/lib/rpm/rpmdb.sqlite-wal"
  umoci init --layout "$OUT/oci-rpmdb"; umoci new --image "$OUT/oci-rpmdb:rpmdb"
  tar --numeric-owner -C "$OUT/rpmroot" -cf "$OUT/rpmlayer.tar" .
  umoci raw add-layer --image "$OUT/oci-rpmdb:rpmdb" "$OUT/rpmlayer.tar"; rm -f "$OUT/rpmlayer.tar"
  umoci config --image "$OUT/oci-rpmdb:rpmdb" --os linux --architecture amd64 --author palisade-tests
  umoci gc --layout "$OUT/oci-rpmdb"
  skopeo copy --quiet "oci:$OUT/oci-rpmdb:rpmdb" "docker-archive:$OUT/rpmdb.docker.tar:local/rocky-rpmdb:9"
fi

if [ ! -f "$OUT/app.docker.tar" ] && command -v buildah >/dev/null; then
  B=(buildah --root "$OUT/containers-storage" --runroot "$OUT/containers-run" --storage-driver vfs)
  rm -rf "$OUT/app-ctx"; mkdir -p "$OUT/app-ctx"
  cat > "$OUT/app-ctx/Dockerfile" <<DF
FROM oci:$OUT/oci:bookworm
RUN echo 'print("hi")' > /app.py && useradd -m app
ENV API_TOKEN=ghp_1234567890abcdefghijklmnopqrstuvwxyz12
EXPOSE 22
USER root
CMD ["/bin/bash"]
DF
  "${B[@]}" bud -q --isolation chroot -t localhost/app:1 "$OUT/app-ctx" >/dev/null
  "${B[@]}" push -q localhost/app:1 "docker-archive:$OUT/app.docker.tar:localhost/app:1"
  "${B[@]}" rmi -a -f >/dev/null 2>&1 || true
  rm -rf "$OUT/containers-storage" "$OUT/containers-run"
fi
ls -la "$OUT" >&2

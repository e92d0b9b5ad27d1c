#!/usr/bin/env bash
# Image benchmark: `palisade image` vs `trivy image --input` vs `syft` (package inventory),
# and the floor: decompressing the layers (`gzip -dc` to /dev/null). Prints wall time, peak
# memory and ratios.
#
# Same work on both sides: OS packages matched against a database plus secrets in every
# layer. Trivy reads its fixture DB (../shared/tools/trivydb-fixture, installed in
# /opt/peers/trivy-fixture-cache) -- without a DB `--scanners vuln --skip-db-update` exits at
# once, which an earlier version of this script timed as if it were a scan. Palisade reads
# the same advisories as OSV records (bench/image-osv). A peer that exits with an error is
# reported as FAILED, not timed.
#
# Inputs: the real Debian image (target/realimg, from crates/palisade-artifact/tests/
# make-real-images.sh) and a generated multi-layer gzip image of GEN_MB megabytes
# (default 1024) of mixed text and binary files.
#
#   bash bench/image.sh            SKIP_PEERS=1 bash bench/image.sh     GEN_MB=256 bash bench/image.sh
set -euo pipefail
cd "$(dirname "$0")/.."
GEN_MB=${GEN_MB:-1024}
WORK=${WORK:-$(mktemp -d /tmp/palisade-bench-image.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT
# syft and trivy unpack layers under TMPDIR: keep that inside WORK so it is removed too
export TMPDIR=$WORK/tmp; mkdir -p "$TMPDIR"
[ -f /opt/peers/env.sh ] && source /opt/peers/env.sh

cargo build --release -q -p palisade-cli
PALISADE=$PWD/target/release/palisade
TRIVY_CACHE=${TRIVY_CACHE:-/opt/peers/trivy-fixture-cache}
"$PALISADE" db import bench/image-osv --db "$WORK/osv.db" > /dev/null

# measure NAME CMD... -> prints "NAME seconds max_rss_mb", sets SECS, RSS and RC
measure() {
  local name=$1; shift
  RC=0
  /usr/bin/time -f '%e %M %x' -o "$WORK/time" "$@" > /dev/null 2> "$WORK/stderr" || RC=$?
  SECS=$(tail -1 "$WORK/time" | cut -d' ' -f1); RSS=$(( $(tail -1 "$WORK/time" | cut -d' ' -f2) / 1024 ))
  if [ "$RC" -ne 0 ]; then
    printf '%-34s FAILED (exit %d): %s\n' "$name" "$RC" "$(grep -m1 -i 'fatal\|error' "$WORK/stderr" | cut -c1-160)"
  else
    printf '%-34s %8.2f s %6d MB\n' "$name" "$SECS" "$RSS"
  fi
}
ratio() { echo "scale=2; $1 / $2" | bc -l; }

echo "== generating a ${GEN_MB} MB multi-layer gzip image"
python3 - "$WORK/gen" "$GEN_MB" <<'PY'
import gzip, hashlib, io, json, os, random, sys, tarfile
out, total_mb = sys.argv[1], int(sys.argv[2])
random.seed(7)
blobs = os.path.join(out, "blobs/sha256"); os.makedirs(blobs)
def put(b):
    d = hashlib.sha256(b).hexdigest(); open(os.path.join(blobs, d), "wb").write(b); return "sha256:" + d, len(b)
words = [("w%d" % i).encode() for i in range(5000)]
layers, diff_ids, history = [], [], []
per_layer = max(1, total_mb // 8) << 20
for n in range(8):
    raw = io.BytesIO(); t = tarfile.open(fileobj=raw, mode="w"); size = 0; i = 0
    while size < per_layer:
        if i % 4 == 0:
            data = os.urandom(random.randint(4 << 10, 512 << 10))       # binaries, incompressible
        else:
            data = b" ".join(random.choice(words) for _ in range(random.randint(2000, 60000)))  # text
        info = tarfile.TarInfo("layer%d/dir%d/file%d.txt" % (n, i % 50, i)); info.size = len(data)
        t.addfile(info, io.BytesIO(data)); size += len(data); i += 1
    t.close(); tar = raw.getvalue()
    diff_ids.append("sha256:" + hashlib.sha256(tar).hexdigest())
    d, s = put(gzip.compress(tar, 6))
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": s})
    history.append({"created_by": "COPY layer%d /layer%d" % (n, n)})
cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {}, "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history}).encode()
cd, cs = put(cfg)
m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs}, "layers": layers}).encode()
md, ms = put(m)
open(os.path.join(out, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": ms,
    "annotations": {"org.opencontainers.image.ref.name": "gen"}}]}, open(os.path.join(out, "index.json"), "w"))
PY
echo "compressed: $(du -sh "$WORK/gen/blobs" | cut -f1)"

T="--skip-version-check --disable-telemetry --skip-db-update --skip-java-db-update --cache-backend memory -q"
bench_one() {  # NAME PALISADE_TARGET TRIVY_INPUT SYFT_SOURCE LAYER_BLOBS...
  local name=$1 ptarget=$2 tinput=$3 ssource=$4; shift 4
  echo "== $name"
  measure "decompress (gzip -dc / cat)" bash -c 'for f in "$@"; do if [ "$(head -c2 "$f" | od -An -tx1 | tr -d " ")" = 1f8b ]; then gzip -dc "$f"; else cat "$f"; fi; done > /dev/null' _ "$@"
  local floor=$SECS
  measure "palisade image (vuln+secret+config)" "$PALISADE" image "$ptarget" --db "$WORK/osv.db" -f json -q --fail-on never
  local ours=$SECS ours_rss=$RSS
  echo "   palisade / decompression: $(ratio "$ours" "$floor")x  (target <= 1.5x), peak ${ours_rss} MB (target < 150)"
  if [ -z "${SKIP_PEERS:-}" ] && command -v trivy >/dev/null; then
    if [ ! -f "$TRIVY_CACHE/db/trivy.db" ]; then
      echo "   (no Trivy fixture DB in $TRIVY_CACHE: Trivy is not compared)"
    else
      measure "trivy image --input (vuln,secret)" trivy image --input "$tinput" $T --cache-dir "$TRIVY_CACHE" --scanners vuln,secret -f json -o "$WORK/trivy.json"
      [ "$RC" -eq 0 ] && echo "   trivy / palisade: $(ratio "$SECS" "$ours")x, peak ${RSS} MB"
    fi
    measure "syft (packages)" syft scan "$ssource" -q -o json="$WORK/syft.json"
    [ "$RC" -eq 0 ] && echo "   syft / palisade: $(ratio "$SECS" "$ours")x, peak ${RSS} MB"
    measure "palisade sbom (packages)" "$PALISADE" sbom "$ptarget" -o "$WORK/ours.cdx.json"
    [ "$RC" -eq 0 ] && echo "   palisade sbom / decompression: $(ratio "$SECS" "$floor")x"
  fi
}

# Every tool reads the same gzip-compressed OCI layout that the decompression floor reads
# (the docker-archive holds uncompressed layers, which would flatter the readers).
if [ -d target/realimg/oci ]; then
  mapfile -t blobs < <(find target/realimg/oci/blobs/sha256 -type f -size +1M)
  bench_one "real Debian bookworm (OCI layout, gzip)" target/realimg/oci:bookworm \
    target/realimg/oci oci-dir:target/realimg/oci "${blobs[@]}"
else
  echo "(no target/realimg: run crates/palisade-artifact/tests/make-real-images.sh for the Debian image)"
fi
mapfile -t blobs < <(find "$WORK/gen/blobs/sha256" -type f -size +1M)
bench_one "generated ${GEN_MB} MB, 8 gzip layers (OCI layout)" "$WORK/gen:gen" "$WORK/gen" "oci-dir:$WORK/gen" "${blobs[@]}"

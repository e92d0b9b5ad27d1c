#!/usr/bin/env bash
# Side by side on the same real images (target/realimg: Debian bookworm docker-archive and
# the Rocky 9 rpmdb image): the OS package list of `palisade sbom` vs `syft` vs
# `trivy image --input`, and the vulnerability matches of `palisade image` vs Trivy, both
# given the same advisories (Trivy's fixture DB in ../shared/tools, and its OSV twin in
# bench/image-osv). Prints the differences; exits 1 when a list differs.
#
#   bash bench/image-compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f /opt/peers/env.sh ] || { echo "no /opt/peers/env.sh (peers not installed)"; exit 2; }
source /opt/peers/env.sh
IMG=target/realimg
[ -f $IMG/debian-bookworm.docker.tar ] || { echo "no $IMG (run crates/palisade-artifact/tests/make-real-images.sh)"; exit 2; }
WORK=$(mktemp -d /tmp/palisade-image-compare.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cargo build --release -q -p palisade-cli
P=$PWD/target/release/palisade
TRIVY_CACHE=${TRIVY_CACHE:-/opt/peers/trivy-fixture-cache}
T="--skip-version-check --disable-telemetry --skip-db-update --skip-java-db-update --cache-backend memory -q"

"$P" db import bench/image-osv --db "$WORK/osv.db" > /dev/null
status=0
compare() {  # NAME PALISADE_TARGET TRIVY_INPUT SYFT_SOURCE
  local name=$1 target=$2 tinput=$3 ssource=$4
  echo "== $name"
  "$P" sbom "$target" -o "$WORK/ours.cdx.json"
  "$P" image "$target" --db "$WORK/osv.db" -f json -q --fail-on never > "$WORK/ours.json"
  syft scan "$ssource" -q -o json="$WORK/syft.json"
  trivy image --input "$tinput" $T --cache-dir "$TRIVY_CACHE" --scanners vuln --list-all-pkgs \
    -f json -o "$WORK/trivy.json"
  python3 - "$WORK" <<'PY' || status=1
import json, sys
w = sys.argv[1]
ours_doc = json.load(open(f"{w}/ours.cdx.json"))
ours = {(c["name"], c["version"]) for c in ours_doc["components"] if c["type"] == "library"}
syft = {(a["name"], a["version"]) for a in json.load(open(f"{w}/syft.json"))["artifacts"]
        if a.get("type") in ("deb", "rpm", "apk")}
trivy_doc = json.load(open(f"{w}/trivy.json"))
def trivy_version(p):
    v = p.get("Version", "")
    if p.get("Release"):
        v += "-" + p["Release"]
    if p.get("Epoch"):
        v = f"{p['Epoch']}:{v}"
    return v
trivy = set()
trivy_vulns = set()
for r in trivy_doc.get("Results", []):
    if r.get("Class") != "os-pkgs":
        continue
    for p in r.get("Packages") or []:
        trivy.add((p["Name"], trivy_version(p)))
    for v in r.get("Vulnerabilities") or []:
        trivy_vulns.add((v["VulnerabilityID"], v["PkgName"]))
ok = True
for peer, theirs in (("syft", syft), ("trivy", trivy)):
    only_ours, only_theirs = sorted(ours - theirs), sorted(theirs - ours)
    print(f"  packages: palisade {len(ours)}, {peer} {len(theirs)}, common {len(ours & theirs)}")
    for p in only_ours:
        print(f"    only palisade: {p[0]} {p[1]}")
    for p in only_theirs:
        print(f"    only {peer}: {p[0]} {p[1]}")
    ok &= not only_ours and not only_theirs
report = json.load(open(f"{w}/ours.json"))
ours_vulns = set()
for f in report["findings"]:
    pkg = f.get("package")
    if not pkg:
        continue
    cves = [a for a in [f["rule_id"], *f.get("aliases", [])] if a.startswith("CVE-")]
    for c in cves[:1] or [f["rule_id"]]:
        ours_vulns.add((c, pkg["name"]))
print(f"  vulnerabilities: palisade {len(ours_vulns)}, trivy {len(trivy_vulns)}, common {len(ours_vulns & trivy_vulns)}")
for v in sorted(ours_vulns - trivy_vulns):
    print(f"    only palisade: {v[0]} {v[1]}")
for v in sorted(trivy_vulns - ours_vulns):
    print(f"    only trivy: {v[0]} {v[1]}")
ok &= ours_vulns == trivy_vulns
sys.exit(0 if ok else 1)
PY
}

compare "Debian bookworm (docker-archive)" $IMG/debian-bookworm.docker.tar \
  $IMG/debian-bookworm.docker.tar docker-archive:$IMG/debian-bookworm.docker.tar
if [ -f $IMG/rpmdb.docker.tar ]; then
  compare "Rocky 9 rpmdb (docker-archive)" $IMG/rpmdb.docker.tar \
    $IMG/rpmdb.docker.tar docker-archive:$IMG/rpmdb.docker.tar
fi
exit $status

#!/usr/bin/env bash
# Secret scanning benchmark: throughput, peak memory and recall on planted secrets of
# `palisade scan --scanners secret` against trivy, gitleaks and detect-secrets on the
# same generated tree (realistic text, a few hundred planted secrets).
#
#   bench/secrets.sh                 # 1024 MiB tree in $BENCH_DIR (default /tmp/palisade-bench-secrets)
#   SIZE_MB=200 bench/secrets.sh     # smaller tree
#   SKIP_DS=1 bench/secrets.sh       # leave detect-secrets out (it is the slowest by far)
#
# Each tool runs twice; the second (warm page cache) run is reported (RUNS=1: once, after
# a `cat` of the tree warmed the cache). Peers come from /opt/peers (shared/tools/PEERS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZE_MB=${SIZE_MB:-1024}
BENCH_DIR=${BENCH_DIR:-/tmp/palisade-bench-secrets}
TREE=$BENCH_DIR/tree
OUT=$BENCH_DIR/out
mkdir -p "$OUT"
[ -f /opt/peers/env.sh ] && source /opt/peers/env.sh

if [ ! -f "$BENCH_DIR/.size-$SIZE_MB" ]; then
  rm -rf "$TREE" "$BENCH_DIR"/.size-*
  echo "== generating a ${SIZE_MB} MiB tree in $TREE"
  python3 bench/secrets_tree.py "$TREE" "$SIZE_MB"
  touch "$BENCH_DIR/.size-$SIZE_MB"
fi
BYTES=$(du -sb "$TREE" | cut -f1)
PLANTED=$BENCH_DIR/planted.tsv

echo "== building palisade (release)"
cargo build --release -q -p palisade-cli
PALISADE=$ROOT/target/release/palisade
find "$TREE" -type f -exec cat {} + >/dev/null

# run NAME CMD...: runs twice, keeps /usr/bin/time -v of the second run.
run() {
  local name=$1; shift
  if [ "${RUNS:-2}" = 2 ]; then "$@" >/dev/null 2>&1 || true; fi
  /usr/bin/time -v -o "$OUT/$name.time" "$@" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr" || true
}

run palisade "$PALISADE" scan --scanners secret --format json --quiet --fail-on never -o "$OUT/palisade.json" "$TREE"
if command -v trivy >/dev/null; then
  run trivy trivy fs --scanners secret --format json --quiet --output "$OUT/trivy.json" "$TREE"
fi
if command -v gitleaks >/dev/null; then
  run gitleaks gitleaks dir "$TREE" --report-format json --report-path "$OUT/gitleaks.json" --no-banner --exit-code 0
fi
DS=${DETECT_SECRETS:-detect-secrets}
if [ -z "${SKIP_DS:-}" ] && command -v "$DS" >/dev/null; then
  (cd "$TREE" && run detect-secrets "$DS" scan --all-files .)
  cp "$OUT/detect-secrets.stdout" "$OUT/detect-secrets.json"
fi

python3 - "$OUT" "$BYTES" "$PLANTED" "$TREE" <<'PY'
import json, os, re, sys
out, nbytes, planted_path, tree = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
planted = {}
for line in open(planted_path):
    rel, ln, kind = line.rstrip("\n").split("\t")
    planted[(rel, int(ln))] = kind

def rel(p):
    p = p.replace(tree + "/", "").lstrip("./")
    return p

def found(name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    data = json.load(open(path))
    hits = set()
    if name == "palisade":
        for f in data.get("findings", []):
            loc = f["location"]
            hits.add((rel(loc["path"]), loc.get("line", 0)))
    elif name == "trivy":
        for r in data.get("Results", []) or []:
            for s in r.get("Secrets", []) or []:
                for l in range(s["StartLine"], s["EndLine"] + 1):
                    hits.add((rel(r["Target"]), l))
    elif name == "gitleaks":
        for s in data:
            for l in range(s["StartLine"], s["EndLine"] + 1):
                hits.add((rel(s["File"]), l))
    elif name == "detect-secrets":
        for f, items in data.get("results", {}).items():
            for s in items:
                hits.add((rel(f), s["line_number"]))
    return hits

def time_of(name):
    t = open(os.path.join(out, name + ".time")).read()
    wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", t).group(1)
    parts = [float(x) for x in wall.split(":")]
    secs = parts[-1] + (parts[-2] * 60 if len(parts) > 1 else 0) + (parts[-3] * 3600 if len(parts) > 2 else 0)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
    cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1)) + float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
    return secs, rss / 1024, cpu

rows = []
for name in ["palisade", "trivy", "gitleaks", "detect-secrets"]:
    if not os.path.exists(os.path.join(out, name + ".time")):
        continue
    hits = found(name)
    secs, rss, cpu = time_of(name)
    if hits is None:
        rows.append((name, secs, rss, cpu, None, None))
        continue
    recalled = sum(1 for k in planted if k in hits)
    other = len({h for h in hits if h not in planted})
    rows.append((name, secs, rss, cpu, recalled, other))

mb = nbytes / 1e6
print(f"\ntree: {mb:.0f} MB, {len(planted)} planted secrets (planted.tsv lists the first line of each), 2 cores, warm cache")
print("MB/s is wall-clock; MB/cpu-s divides by user+system CPU time, which stays meaningful on a shared, loaded machine")
print(f"{'tool':<16}{'seconds':>9}{'MB/s':>9}{'cpu s':>8}{'MB/cpu-s':>10}{'peak MB':>9}{'recall':>9}{'other lines':>13}{'cpu vs palisade':>17}")
base = rows[0][3] if rows and rows[0][0] == "palisade" else None
for name, secs, rss, cpu, recalled, other in rows:
    rec = f"{100 * recalled / len(planted):.1f}%" if recalled is not None else "n/a"
    oth = f"{other}" if other is not None else "n/a"
    ratio = f"{cpu / base:.1f}x" if base and name != "palisade" else "-"
    print(f"{name:<16}{secs:>9.2f}{mb / secs:>9.1f}{cpu:>8.2f}{mb / max(cpu, 0.001):>10.1f}{rss:>9.0f}{rec:>9}{oth:>13}{ratio:>17}")
missed = {}
pal = found("palisade") or set()
for k, kind in planted.items():
    if k not in pal:
        missed.setdefault(kind, 0)
        missed[kind] += 1
if missed:
    print("palisade missed planted:", missed)
PY

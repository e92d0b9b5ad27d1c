#!/usr/bin/env bash
# Side-by-side comparison on the labelled secret corpora: runs palisade, trivy, gitleaks
# and detect-secrets over the CredSweeper samples, the detect-secrets test data and the
# gitleaks rule literals (written one per line into a scratch folder), then lists every
# line that some tool reports and others do not.
#
#   bench/secrets-compare.sh            # corpus from $PALISADE_CORPUS or ../shared/corpus
#
# The explanation of each case where a peer finds a real secret that Palisade does not
# report is kept in bench/secrets-compare.md, next to the figures of the last run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CORPUS=${PALISADE_CORPUS:-$ROOT/../shared/corpus}
WORK=${WORK:-/tmp/palisade-secrets-compare}
[ -f /opt/peers/env.sh ] && source /opt/peers/env.sh
rm -rf "$WORK" && mkdir -p "$WORK/tree" "$WORK/out"
cp -r "$CORPUS/secrets-credsweeper/samples" "$WORK/tree/credsweeper"
cp -r "$CORPUS/secrets-detect-secrets/test_data" "$WORK/tree/detect-secrets"
python3 - "$CORPUS/secrets-gitleaks/rule_literal_tps_fps.json" "$WORK/tree/gitleaks" <<'PY'
import json, os, sys
os.makedirs(sys.argv[2], exist_ok=True)
for r in json.load(open(sys.argv[1])):
    for kind in ("tps", "fps"):
        if r[kind]:
            with open(os.path.join(sys.argv[2], f"{r['rule_id']}.{kind}.txt"), "w") as f:
                f.write("\n".join(s.replace("\n", " ") for s in r[kind]) + "\n")
PY

cargo build --release -q -p palisade-cli
"$ROOT/target/release/palisade" scan --scanners secret --format json --quiet --fail-on never -o "$WORK/out/palisade.json" "$WORK/tree" || true
command -v trivy >/dev/null && trivy fs --scanners secret --format json --quiet --output "$WORK/out/trivy.json" "$WORK/tree" || true
command -v gitleaks >/dev/null && gitleaks dir "$WORK/tree" --report-format json --report-path "$WORK/out/gitleaks.json" --no-banner --exit-code 0 2>/dev/null || true
DS=${DETECT_SECRETS:-detect-secrets}
command -v "$DS" >/dev/null && (cd "$WORK/tree" && "$DS" scan --all-files . > "$WORK/out/detect-secrets.json") || true

python3 - "$WORK" <<'PY'
import json, os, sys
work = sys.argv[1]
tree = os.path.join(work, "tree")
def rel(p):
    p = p.replace(tree + "/", "")
    return p[2:] if p.startswith("./") else p
def load(name):
    path = os.path.join(work, "out", name + ".json")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    data = json.load(open(path))
    hits = {}
    if name == "palisade":
        for f in data.get("findings", []):
            hits[(rel(f["location"]["path"]), f["location"].get("line", 0))] = f["rule_id"]
    elif name == "trivy":
        for r in data.get("Results", []) or []:
            for s in r.get("Secrets", []) or []:
                hits[(rel(r["Target"]), s["StartLine"])] = s["RuleID"]
    elif name == "gitleaks":
        for s in data:
            hits[(rel(s["File"]), s["StartLine"])] = s["RuleID"]
    elif name == "detect-secrets":
        for f, items in data.get("results", {}).items():
            for s in items:
                hits[(rel(f), s["line_number"])] = s["type"]
    return hits
tools = {n: h for n in ["palisade", "trivy", "gitleaks", "detect-secrets"] if (h := load(n)) is not None}
keys = sorted(set().union(*[set(h) for h in tools.values()]))
print(f"{'tool':<16}{'lines reported':>16}{'only this tool':>16}")
for n, h in tools.items():
    only = [k for k in h if all(k not in o for m, o in tools.items() if m != n)]
    print(f"{n:<16}{len(h):>16}{len(only):>16}")
def line_text(path, line):
    try:
        return open(os.path.join(tree, path), errors="replace").read().split("\n")[line - 1].strip()[:90]
    except Exception:
        return ""
for n in tools:
    if n == "palisade":
        continue
    missed = [k for k in tools[n] if k not in tools["palisade"]]
    print(f"\n== reported by {n}, not by palisade ({len(missed)})")
    for k in missed:
        print(f"  {k[0]}:{k[1]} [{tools[n][k]}] {line_text(*k)}")
only = [k for k in tools["palisade"] if all(k not in o for m, o in tools.items() if m != "palisade")]
print(f"\n== reported only by palisade ({len(only)})")
for k in only:
    print(f"  {k[0]}:{k[1]} [{tools['palisade'][k]}] {line_text(*k)}")
PY

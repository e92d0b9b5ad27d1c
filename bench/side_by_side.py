#!/usr/bin/env python3
"""Compares palisade.json, checkov.json and trivy.json in WORK per concept and file."""
import json, os, sys
from collections import defaultdict

work = sys.argv[1]
root = os.path.join(work, "in")
# concept: (Palisade rules, Checkov ids, Trivy ids / AVD ids)
CONCEPTS = {
    "iam-wildcard": ({"FN001", "FN002", "FN005"}, {"CKV_AWS_1", "CKV_AWS_49", "CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_111", "CKV_AWS_355", "CKV_AWS_290", "CKV_AWS_289"}, {"AVD-AWS-0057", "AWS-0057"}),
    "admin-policy": ({"FN004"}, {"CKV_AWS_274"}, set()),
    "tracing": ({"LOG001"}, {"CKV_AWS_50"}, {"AVD-AWS-0066", "AWS-0066"}),
    "function-url-auth": ({"AUTH003"}, {"CKV_AWS_258"}, set()),
    "api-auth": ({"AUTH001", "AUTH002"}, {"CKV_AWS_59", "CKV_AWS_309"}, {"AVD-AWS-0004", "AWS-0004"}),
    "api-access-logs": ({"LOG003"}, {"CKV_AWS_76", "CKV_AWS_95"}, {"AVD-AWS-0001", "AWS-0001"}),
    "public-invoke": ({"FN008"}, {"CKV_AWS_301"}, {"AVD-AWS-0067", "AWS-0067"}),
    "env-secrets": ({"SEC300"}, {"CKV_AWS_45", "CKV_AWS_41"}, set()),
    "env-kms": ({"SEC301"}, {"CKV_AWS_173"}, set()),
    "concurrency": ({"COLD002"}, {"CKV_AWS_115"}, set()),
    "deprecated-runtime": ({"COLD003"}, {"CKV_AWS_363"}, set()),
    "dlq": ({"LOG004"}, {"CKV_AWS_116"}, set()),
    "log-retention": ({"LOG002"}, {"CKV_AWS_66", "CKV_AWS_338"}, {"AVD-AWS-0017", "AWS-0017"}),
    "sg-open-ingress": ({"NET100"}, {"CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277"}, {"AVD-AWS-0107", "AWS-0107"}),
    "sg-open-egress": ({"NET101"}, {"CKV_AWS_382"}, {"AVD-AWS-0104", "AWS-0104"}),
}

def rel(p):
    p = p.lstrip("/") if not p.startswith(root) else os.path.relpath(p, root)
    return p[len("in/"):] if p.startswith("in/") else p

flagged = defaultdict(lambda: defaultdict(set))  # concept -> tool -> files

def load(name):
    try:
        with open(os.path.join(work, name)) as f:
            return json.load(f)
    except Exception as e:
        print(f"note: {name} not readable ({e})")
        return None

pal = load("palisade.json")
for f in (pal or {}).get("findings", []):
    for c, (ours, _, _) in CONCEPTS.items():
        if f["rule_id"] in ours:
            flagged[c]["palisade"].add(rel(f["location"]["path"]))

ck = load("checkov.json")
for rep in (ck if isinstance(ck, list) else [ck] if ck else []):
    for fc in rep.get("results", {}).get("failed_checks", []):
        for c, (_, theirs, _) in CONCEPTS.items():
            if fc.get("check_id") in theirs:
                flagged[c]["checkov"].add(rel(fc.get("file_path", "")))

tv = load("trivy.json")
for res in (tv or {}).get("Results", []) or []:
    for m in res.get("Misconfigurations", []) or []:
        for c, (_, _, theirs) in CONCEPTS.items():
            if m.get("AVDID") in theirs or m.get("ID") in theirs:
                flagged[c]["trivy"].add(rel(res.get("Target", "")))

print(f"{'concept':<20} {'palisade':>8} {'checkov':>8} {'trivy':>6} {'agree(p&c)':>10} {'only-p':>7} {'only-c':>7}")
for c in CONCEPTS:
    p, k, t = flagged[c]["palisade"], flagged[c]["checkov"], flagged[c]["trivy"]
    print(f"{c:<20} {len(p):>8} {len(k):>8} {len(t):>6} {len(p & k):>10} {len(p - k):>7} {len(k - p):>7}")
print()
for c in CONCEPTS:
    p, k, t = flagged[c]["palisade"], flagged[c]["checkov"], flagged[c]["trivy"]
    for label, files in (("only palisade", p - k - t), ("only checkov", k - p), ("only trivy", t - p)):
        if files:
            shown = sorted(files)[:8]
            more = f" (+{len(files) - len(shown)} more)" if len(files) > len(shown) else ""
            print(f"{c}: {label}: {', '.join(shown)}{more}")

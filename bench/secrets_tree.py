#!/usr/bin/env python3
"""Generate a tree of realistic text with planted secrets for bench/secrets.sh.

Usage: secrets_tree.py OUT_DIR SIZE_MB [SEED]

The tree mixes real Rust sources (copied from the local cargo registry, read-only),
YAML/JSON configuration, .env and properties files, minified JavaScript bundles and
lockfiles. A few hundred secrets in formats every scanner knows are planted at known
lines; OUT_DIR/../planted.tsv lists them as `path<TAB>line<TAB>kind`. Deterministic
for a given seed.
"""
import base64
import binascii
import glob
import json
import os
import random
import sys

out = sys.argv[1]
size_mb = int(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
target = size_mb * 1024 * 1024

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def rnd(alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def b62(n, width=6):
    s = ""
    while n:
        s = B62[n % 62] + s
        n //= 62
    return s.rjust(width, "0")


def github_pat():
    body = rnd(ALNUM, 30)
    return "ghp_" + body + b62(binascii.crc32(body.encode()))


def private_key():
    body = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(600))).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return ["-----BEGIN RSA PRIVATE KEY-----"] + lines + ["-----END RSA PRIVATE KEY-----"]


def password():
    return rnd("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789", 10) + rnd("!#%^*", 1) + rnd("0123456789", 3)


# Each planter returns (lines, index of the line holding the secret, kind).
PLANTERS = [
    lambda: ([f'aws_access_key_id = AKIA{rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}',
              f'aws_secret_access_key = {rnd(ALNUM + "/+", 40)}'], 0, "aws"),
    lambda: ([f'GITHUB_TOKEN={github_pat()}'], 0, "github"),
    lambda: ([f'SLACK_BOT_TOKEN=xoxb-{rnd("0123456789", 12)}-{rnd("0123456789", 13)}-{rnd(ALNUM, 24)}'], 0, "slack"),
    lambda: ([f'STRIPE_SECRET_KEY=sk_live_{rnd(ALNUM, 24)}'], 0, "stripe"),
    lambda: (private_key(), 0, "private-key"),
    lambda: ([f'DATABASE_URL=postgres://app:{password()}@db.internal:5432/app'], 0, "postgres-url"),
    lambda: ([f'SENDGRID_API_KEY=SG.{rnd(ALNUM + "_-", 22)}.{rnd(ALNUM + "_-", 43)}'], 0, "sendgrid"),
    lambda: ([f'  apiKey: "AIza{rnd(ALNUM + "_-", 35)}"'], 0, "gcp-api-key"),
    lambda: ([f'//registry.npmjs.org/:_authToken=npm_{rnd(ALNUM, 36)}'], 0, "npm"),
    lambda: ([f'GITLAB_TOKEN=glpat-{rnd(ALNUM, 20)}'], 0, "gitlab"),
]

rust_files = sorted(glob.glob(os.path.expanduser("~/.cargo/registry/src/*/*/src/**/*.rs"), recursive=True))
rust_pool = []
for path in rust_files[:3000]:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError):
        continue
    if 2_000 < len(text) < 200_000:
        rust_pool.append(text)
if not rust_pool:
    rust_pool = ["fn main() {\n    println!(\"hello\");\n}\n" * 200]

WORDS = ("service deployment replicas image container port protocol timeout retries "
         "enabled region bucket queue topic handler memory runtime logging level "
         "endpoint namespace version feature cache ttl user group role policy").split()


def yaml_doc():
    lines = ["apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: {rng.choice(WORDS)}-{rng.randint(1, 999)}", "spec:"]
    for _ in range(rng.randint(20, 120)):
        lines.append(f"  {rng.choice(WORDS)}_{rng.randint(1, 99)}: {rng.choice(WORDS)}-{rng.randint(1, 9999)}")
    return "\n".join(lines) + "\n"


def json_doc():
    obj = {f"{rng.choice(WORDS)}{i}": {"value": rng.choice(WORDS), "count": rng.randint(0, 10 ** 6),
                                         "id": "%08x-%04x" % (rng.getrandbits(32), rng.getrandbits(16))}
           for i in range(rng.randint(20, 200))}
    return json.dumps(obj, indent=2) + "\n"


def env_doc():
    return "\n".join(f"{rng.choice(WORDS).upper()}_{rng.choice(WORDS).upper()}={rng.choice(WORDS)}{rng.randint(1, 99)}"
                     for _ in range(rng.randint(10, 60))) + "\n"


def minified_js():
    parts = []
    for _ in range(rng.randint(2000, 8000)):
        a, b = rnd("abcdefghijklmnopqrstuvwxyz", 2), rnd("abcdefghijklmnopqrstuvwxyz", 3)
        parts.append(f"function {a}(e,t){{return e.{rng.choice(WORDS)}({b},t||{rng.randint(0, 999)})}}")
    return ";".join(parts) + "\n"


def lockfile():
    lines = []
    for i in range(rng.randint(200, 1500)):
        name = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}"
        lines.append(f'[[package]]\nname = "{name}{i}"\nversion = "{rng.randint(0, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 20)}"\n'
                     f'checksum = "{rnd("0123456789abcdef", 64)}"\n')
    return "\n".join(lines)


KINDS = [("src/{n}.rs", lambda: rng.choice(rust_pool), 50), ("deploy/{n}.yaml", yaml_doc, 15),
         ("config/{n}.json", json_doc, 10), ("env/{n}.env", env_doc, 5),
         ("web/dist/{n}.min.js", minified_js, 10), ("locks/{n}/Cargo.lock", lockfile, 10)]
weights = [k[2] for k in KINDS]

os.makedirs(out, exist_ok=True)
planted = []
written = 0
n = 0
plant_every = max(1, target // 400)  # about 400 planted secrets
next_plant = plant_every // 2
while written < target:
    pattern, make, _ = rng.choices(KINDS, weights)[0]
    rel = pattern.format(n=f"d{n % 97:02d}/f{n:06d}")
    n += 1
    text = make()
    if written >= next_plant and not rel.endswith("Cargo.lock"):
        lines = text.split("\n")
        secret_lines, idx, kind = rng.choice(PLANTERS)()
        at = rng.randint(0, max(0, len(lines) - 1))
        if rel.endswith(".rs"):
            secret_lines = ["/* deployment credentials"] + secret_lines + ["*/"]
            idx += 1
        lines[at:at] = secret_lines
        text = "\n".join(lines)
        planted.append((rel, at + idx + 1, kind))
        next_plant += plant_every
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    written += len(text.encode())

with open(os.path.join(os.path.dirname(os.path.abspath(out)), "planted.tsv"), "w") as f:
    for rel, line, kind in planted:
        f.write(f"{rel}\t{line}\t{kind}\n")
print(f"{n} files, {written / 1048576:.0f} MiB, {len(planted)} planted secrets")

#!/usr/bin/env bash
# The hostile-input catalogue of issue 13, run against the binary: special files where data
# is expected, exponential patterns, YAML merge and size cases, duplicate keys, a registry
# that redirects to file:/data:/unix: URLs or sends one byte a second, a mirror that stalls,
# secrets and escape sequences in inputs. Each case runs under a time limit (`timeout`) and
# a memory limit (`ulimit -v`); it survives when it finishes in time, does not panic
# (exit 101) or die of a signal, and meets its own expectation. Prints one line per case
# and `survived N/TOTAL`; exits 1 unless every case survived.
#
#   bash bench/hostile.sh                 (debug build; PALISADE=path to test another binary)
#   LIMIT_S=30 LIMIT_MB=4096 bash bench/hostile.sh
set -uo pipefail
cd "$(dirname "$0")/.."
LIMIT_S=${LIMIT_S:-60}
LIMIT_MB=${LIMIT_MB:-4096}
if [ -z "${PALISADE:-}" ]; then
  cargo build -q -p palisade-cli || exit 2
  PALISADE=$PWD/target/debug/palisade
fi
WORK=$(mktemp -d /tmp/palisade-hostile.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$WORK"; }
trap cleanup EXIT
export PALISADE_DB=$WORK/default-osv.db XDG_CACHE_HOME=$WORK/cache

survived=0; total=0
# case NAME EXPECT CMD... ; EXPECT: "exit=N", "exit!=0", "any", optionally "|out!~TEXT" or
# "|out~TEXT" (stdout+stderr must not contain / must contain TEXT)
case_() {
  local name=$1 expect=$2; shift 2
  total=$((total + 1))
  local out=$WORK/out.$total t0 t1 code verdict=ok
  t0=$(date +%s.%N)
  ( ulimit -v $((LIMIT_MB * 1024)); exec timeout -s KILL "$LIMIT_S" "$@" ) > "$out" 2>&1 < /dev/null
  code=$?
  t1=$(date +%s.%N)
  local secs; secs=$(echo "$t1 - $t0" | bc -l)
  if [ "$code" = 137 ] || [ "$code" = 124 ]; then verdict="TIMEOUT/KILLED"
  elif [ "$code" = 101 ]; then verdict="PANIC"
  elif [ "$code" -gt 128 ]; then verdict="SIGNAL $((code - 128))"
  else
    IFS='|' read -ra parts <<< "$expect"
    for part in "${parts[@]}"; do
      case "$part" in
        any) ;;
        exit=*) [ "$code" = "${part#exit=}" ] || verdict="exit $code, expected ${part#exit=}" ;;
        'exit!=0') [ "$code" != 0 ] || verdict="exit 0, expected a failure" ;;
        out~*) grep -qF -- "${part#out~}" "$out" || verdict="output lacks '${part#out~}'" ;;
        'out!~'*) ! grep -qF -- "${part#out!~}" "$out" || verdict="output shows '${part#out!~}'" ;;
      esac
    done
  fi
  if [ "$verdict" = ok ]; then survived=$((survived + 1)); mark=survived; else mark="FAILED: $verdict"; fi
  printf '%-58s %7.2f s  exit %-3s %s\n' "$name" "$secs" "$code" "$mark"
  [ "$verdict" = ok ] || sed 's/^/      | /' "$out" | head -5
}

mk() { mkdir -p "$WORK/$1"; echo "$WORK/$1"; }

# ---- special files where data is expected
d=$(mk fifo-config); mkfifo "$d/palisade.toml"; echo 'apiVersion: v1' > "$d/a.yaml"
case_ "--config is a FIFO" "exit=2|out~named pipe" "$PALISADE" scan "$d" --config "$d/palisade.toml"
case_ "--config is /dev/zero" "exit=2|out~character device" "$PALISADE" scan "$d" --config /dev/zero
d=$(mk fifo-db); mkfifo "$d/osv.db"; printf 'flask==0.1\n' > "$d/requirements.txt"
case_ "scan --db is a FIFO (issue item 7: an error)" "exit=2|out~named pipe" "$PALISADE" scan "$d" --db "$d/osv.db"
case_ "db import of a FIFO" "exit=2|out~named pipe" "$PALISADE" db import --db "$WORK/import.db" "$d/osv.db"
case_ "db import of /dev/zero" "exit=2|out~character device" "$PALISADE" db import --db "$WORK/import.db" /dev/zero
d=$(mk junk-records); echo 'not json' > "$d/a.json"; echo '{"id": 1}' > "$d/b.json"
case_ "db import where every record is malformed" "exit=2|out~nothing imported" "$PALISADE" db import --db "$WORK/import.db" "$d"
d=$(mk fifo-image); mkfifo "$d/app.tar"
case_ "image archive is a FIFO" "exit=2|out~named pipe" "$PALISADE" image "$d/app.tar"
case_ "docker-archive:/dev/zero" "exit=2|out~character device" "$PALISADE" image docker-archive:/dev/zero
d=$(mk fifo-scan); mkfifo "$d/pipe.yaml"
case_ "scan path is a FIFO (an error, not 0 files)" "exit=2" "$PALISADE" scan "$d/pipe.yaml"
d=$(mk fifo-ignore); mkfifo "$d/.gitignore"; echo 'kind: Pod' > "$d/a.yaml"
case_ ".gitignore is a FIFO" "any" "$PALISADE" scan "$d"

# ---- patterns and YAML
d=$(mk iam-stars)
python3 - "$d/template.yaml" <<'EOF'
import sys
stars = "*" * 30 + "X"
open(sys.argv[1], "w").write(f"""AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {{Statement: [{{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}}, Action: sts:AssumeRole}}]}}
      Policies:
        - PolicyName: p
          PolicyDocument: {{Statement: [{{Effect: Allow, Action: "{stars}", Resource: "*"}}]}}
  Fn:
    Type: AWS::Lambda::Function
    Properties: {{Runtime: python3.12, Handler: a.b, Role: !GetAtt Role.Arn, Code: {{ZipFile: x}}}}
""")
EOF
case_ "IAM action of 30 stars and X" "any" "$PALISADE" scan "$d"
d=$(mk merge-keys)
python3 - "$d/big.yaml" <<'EOF'
import sys
out = ["base: &b"] + [f"  k{i}: {i}" for i in range(5000)]
for m in range(60):
    out += [f"m{m}:", "  <<: *b", "  k0: x"]
open(sys.argv[1], "w").write("\n".join(out) + "\n")
EOF
case_ "YAML merge keys (5,000 keys into 60 maps)" "any" "$PALISADE" scan "$d"
d=$(mk plain-pods)
python3 - "$d/pods.yaml" <<'EOF'
import sys
pod = """---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default}
spec:
  containers:
  - name: app
    image: nginx:1.25
    securityContext: {privileged: true}
"""
open(sys.argv[1], "w").write(pod * (31 * 1024 * 1024 // len(pod) + 1))
EOF
# 2.1 million findings: 125 s and 2.6 GB in a debug build, hence its own limits
LIMIT_S=$((LIMIT_S * 5)) case_ "31 MB of plain Pods (no aliases)" "exit=1|out!~alias bomb" \
  "$PALISADE" scan "$d" --scanners misconfig -q -f json -o /dev/null
d=$(mk dup-keys)
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: nginx:1}]\nspec:\n  containers: [{name: b, image: nginx:1, securityContext: {privileged: true}}]\n' > "$d/pod.yaml"
case_ "duplicate spec: key" "exit!=0|out~duplicate key" "$PALISADE" scan "$d"

# ---- secrets and terminal safety
d=$(mk secret-url)
printf 'flask==3.0.3\ngit+https://ci:Qm7vT2pLx9RwZ4kEj8Hs@git.example.com/acme/lib.git#egg=lib\n' > "$d/requirements.txt"
for f in table json sarif junit; do
  case_ "token in a requirement URL, -f $f" "out!~Qm7vT2pLx9RwZ4kEj8Hs" "$PALISADE" scan "$d" -f "$f"
done
d=$(mk escape-name)
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: "web\\u001b[2J"}\nspec:\n  containers: [{name: a, image: nginx, securityContext: {privileged: true}}]\n' > "$d/pod.yaml"
cp "$d/pod.yaml" "$d/$(printf 'evil\033]0;owned\007.yaml')"
case_ "escape sequences in a resource and a file name" "out!~$(printf '\033')" "$PALISADE" scan "$d"

# ---- network: a registry and a mirror that misbehave
serve() { # serve PORTFILE MODE: a one-behaviour HTTP server on 127.0.0.1
  python3 - "$1" "$2" <<'EOF' &
import socket, sys, threading, time
portfile, mode = sys.argv[1], sys.argv[2]
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(portfile, "w").write(str(s.getsockname()[1]))
def handle(c):
    try:
        c.recv(65536)
        if mode.startswith("redirect:"):
            c.sendall(("HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n" % mode[9:]).encode())
        elif mode == "trickle":
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            for _ in range(600):
                time.sleep(1); c.sendall(b"{")
    except OSError:
        pass
    finally:
        c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=handle, args=(c,), daemon=True).start()
EOF
  PIDS+=($!)
  for _ in $(seq 50); do [ -s "$1" ] && break; sleep 0.1; done
}
for target in file:///etc/passwd data:text/plain,hi unix:/var/run/docker.sock; do
  serve "$WORK/port.$total" "redirect:$target"
  case_ "registry redirects to ${target%%:*}:" "exit=2|out~URL refused" "$PALISADE" image --insecure "127.0.0.1:$(cat "$WORK/port.$total")/team/app:1"
done
serve "$WORK/port.trickle" trickle
case_ "registry sends one byte a second (--timeout 2)" "exit=2|out~deadline passed" "$PALISADE" image --insecure --timeout 2 "127.0.0.1:$(cat "$WORK/port.trickle")/team/app:1"
case_ "OSV mirror sends one byte a second" "exit=2|out~deadline passed" env PALISADE_NETWORK_TIMEOUT=2 "$PALISADE" db update --db "$WORK/update.db" --ecosystems crates.io --base-url "http://127.0.0.1:$(cat "$WORK/port.trickle")" -q

echo "survived $survived/$total"
[ "$survived" = "$total" ]

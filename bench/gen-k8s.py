#!/usr/bin/env python3
"""Writes N varied Kubernetes workload manifests (hardened and flawed) into a folder.

Usage: gen-k8s.py N OUT_DIR
Each file holds one workload of a rotating kind, often with a Service, with a
deterministic mix of weaknesses so every scanner has work to do on every file.
"""
import os
import random
import sys

KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet"]


def container(rng, i, hardened):
    lines = [
        f"- name: c{i}",
        f"  image: registry.example.com/team/app{i}:{rng.choice(['latest', '1.2.3', '2.0'])}",
        "  ports:",
        f"    - containerPort: {8000 + i}",
    ]
    if rng.random() < 0.1:
        lines.append(f"      hostPort: {9000 + i}")
    sc = []
    if hardened:
        sc += ["allowPrivilegeEscalation: false", "readOnlyRootFilesystem: true",
               "capabilities: {drop: [ALL]}"]
    else:
        if rng.random() < 0.2:
            sc.append("privileged: true")
        if rng.random() < 0.3:
            sc.append("capabilities: {add: [NET_ADMIN, SYS_TIME]}")
        if rng.random() < 0.3:
            sc.append("runAsUser: 0")
    if sc:
        lines.append("  securityContext:")
        lines += [f"    {s}" for s in sc]
    if hardened or rng.random() < 0.5:
        lines += ["  resources:", "    limits: {cpu: 500m, memory: 256Mi}"]
    return lines


def pod_spec(rng, hardened):
    lines = []
    if hardened:
        lines += ["automountServiceAccountToken: false", "securityContext:",
                  "  runAsNonRoot: true", "  seccompProfile: {type: RuntimeDefault}"]
    else:
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            if rng.random() < 0.1:
                lines.append(f"{key}: true")
    if rng.random() < 0.2:
        lines.append("restartPolicy: OnFailure")
    lines.append("containers:")
    for i in range(rng.randint(1, 3)):
        lines += ["  " + l for l in container(rng, i, hardened)]
    if not hardened and rng.random() < 0.15:
        lines += ["volumes:", "  - name: host", "    hostPath: {path: /var/run/docker.sock}"]
    return lines


def indent(lines, n):
    return [" " * n + l for l in lines]


def workload(rng, n):
    kind = KINDS[n % len(KINDS)]
    hardened = rng.random() < 0.3
    name = f"app-{n}"
    ns = f"team-{n % 50}"
    labels = f"{{app: {name}}}"
    spec = pod_spec(rng, hardened)
    out = [f"apiVersion: {'v1' if kind == 'Pod' else ('batch/v1' if kind in ('Job', 'CronJob') else 'apps/v1')}",
           f"kind: {kind}", "metadata:", f"  name: {name}", f"  namespace: {ns}", f"  labels: {labels}"]
    if kind == "Pod":
        out += ["spec:"] + indent(spec, 2)
    elif kind == "CronJob":
        out += ["spec:", "  schedule: '*/5 * * * *'", "  jobTemplate:", "    spec:", "      template:",
                "        spec:"] + indent(spec, 10)
    else:
        out += ["spec:"]
        if kind != "Job":
            out += [f"  selector: {{matchLabels: {labels}}}"]
        out += ["  template:", f"    metadata: {{labels: {labels}}}", "    spec:"] + indent(spec, 6)
    if rng.random() < 0.3:
        out += ["---", "apiVersion: v1", "kind: Service", "metadata:", f"  name: {name}",
                f"  namespace: {ns}", "spec:", f"  type: {rng.choice(['ClusterIP', 'LoadBalancer', 'NodePort'])}",
                f"  selector: {labels}", "  ports: [{port: 80}]"]
    return "\n".join(out) + "\n"


def main():
    count, out_dir = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(42)
    os.makedirs(out_dir, exist_ok=True)
    for n in range(count):
        sub = os.path.join(out_dir, f"team-{n % 50}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"app-{n}.yaml"), "w") as f:
            f.write(workload(rng, n))


if __name__ == "__main__":
    main()

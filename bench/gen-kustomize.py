#!/usr/bin/env python3
"""Writes N kustomize overlays (each with its own base) for bench/render.sh.

Each base holds 3 Deployments with Services and a ConfigMap generator; each overlay adds
a name prefix, a namespace, labels, images, replicas, a strategic-merge patch, a JSON 6902
patch, a merging ConfigMap generator and a Secret generator.

    python3 bench/gen-kustomize.py N OUT_DIR
"""
import os
import sys

n, out = int(sys.argv[1]), sys.argv[2]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


for i in range(n):
    root = os.path.join(out, f"app{i:03d}")
    resources = []
    for j, name in enumerate(["web", "api", "worker"]):
        write(f"{root}/base/{name}.yaml", f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels: {{app: {name}}}
spec:
  replicas: {1 + (i + j) % 3}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: main
        image: nginx:1.{20 + j}
        ports:
        - containerPort: 8080
        envFrom:
        - configMapRef: {{name: settings}}
        volumeMounts:
        - {{name: data, mountPath: /data}}
      volumes:
      - name: data
        configMap: {{name: settings}}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector: {{app: {name}}}
  ports:
  - port: 80
    targetPort: 8080
""")
        resources.append(f"- {name}.yaml")
    write(f"{root}/base/kustomization.yaml", "resources:\n" + "\n".join(resources) + f"""
configMapGenerator:
- name: settings
  literals:
  - mode=base
  - index={i}
""")
    write(f"{root}/overlay/patch.yaml", """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: main
        securityContext:
          privileged: true
      - name: sidecar
        image: busybox:1.36
""")
    write(f"{root}/overlay/app.env", f"COLOR=blue\nINDEX={i}\n")
    write(f"{root}/overlay/kustomization.yaml", f"""resources:
- ../base
namePrefix: prod-
namespace: team-{i % 7}
commonLabels:
  env: prod
commonAnnotations:
  owner: team-{i % 7}
images:
- name: nginx
  newTag: "1.27"
replicas:
- name: api
  count: 4
patches:
- path: patch.yaml
- target:
    kind: Deployment
    name: worker
  patch: |-
    - op: add
      path: /spec/template/spec/hostNetwork
      value: true
configMapGenerator:
- name: settings
  behavior: merge
  envs:
  - app.env
secretGenerator:
- name: creds
  literals:
  - password=pw{i}
""")

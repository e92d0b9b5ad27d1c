#!/usr/bin/env python3
"""Generates a cluster state for bench/k8s-graph.sh: N namespaces, workloads, NetworkPolicies
and RBAC objects, one file per namespace plus a cluster-scoped file.

usage: gen-k8s-graph.py OUT_DIR [--namespaces 200] [--workloads 2000] [--policies 1000] [--rbac 3000]
"""
import argparse
import os
import random

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--namespaces", type=int, default=200)
p.add_argument("--workloads", type=int, default=2000)
p.add_argument("--policies", type=int, default=1000)
p.add_argument("--rbac", type=int, default=3000)
a = p.parse_args()
rng = random.Random(7)
os.makedirs(a.out, exist_ok=True)
TEAMS = ["payments", "search", "platform", "data", "web"]
TIERS = ["frontend", "backend", "db", "cache", "worker"]
PORTS = {"frontend": 8080, "backend": 9000, "db": 5432, "cache": 6379, "worker": 7000}
per_ns_w = a.workloads // a.namespaces
per_ns_p = a.policies // a.namespaces
# RBAC: per namespace roles+bindings+service accounts; the rest cluster-scoped.
cluster_rbac = a.rbac // 5
per_ns_rbac = (a.rbac - cluster_rbac) // a.namespaces

cluster = []
for i in range(cluster_rbac // 2):
    cluster.append(f"""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: cr-{i}
  labels: {{example.com/aggregate-to-ops: "{str(i % 10 == 0).lower()}"}}
rules:
- apiGroups: ["", "apps"]
  resources: ["pods", "deployments", "{rng.choice(['secrets', 'configmaps', 'pods/exec', 'services'])}"]
  verbs: ["get", "list", "{rng.choice(['watch', 'create', 'patch'])}"]
""")
    cluster.append(f"""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: crb-{i}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {'cr-%d' % i if i % 7 else 'view'}}}
subjects:
- {{kind: ServiceAccount, name: sa-0, namespace: ns-{i % a.namespaces}}}
- {{kind: User, name: user-{i}}}
""")
cluster.append("""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ops}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {example.com/aggregate-to-ops: "true"}}]
""")
with open(os.path.join(a.out, "cluster.yaml"), "w") as f:
    f.write("---\n".join(cluster))

for n in range(a.namespaces):
    ns = f"ns-{n}"
    team = TEAMS[n % len(TEAMS)]
    docs = [f"""apiVersion: v1
kind: Namespace
metadata:
  name: {ns}
  labels: {{team: {team}, env: {'prod' if n % 2 else 'dev'}}}
"""]
    for w in range(per_ns_w):
        tier = TIERS[w % len(TIERS)]
        docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{w}, namespace: {ns}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: app-{w}}}}}
  template:
    metadata:
      labels: {{app: app-{w}, tier: {tier}, team: {team}}}
    spec:
      serviceAccountName: sa-{w % 3}
      containers:
      - name: main
        image: registry.example.com/{team}/app-{w}:1.{w}
        ports:
        - {{name: main, containerPort: {PORTS[tier]}}}
        - {{name: metrics, containerPort: 9090}}
""")
    kinds = ["deny", "same-app", "monitoring", "dns", "tier"]
    for k in range(per_ns_p):
        kind = kinds[k % len(kinds)]
        if kind == "deny":
            spec = "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n"
        elif kind == "same-app":
            spec = f"  podSelector: {{matchLabels: {{tier: backend}}}}\n  ingress:\n  - from: [{{podSelector: {{matchLabels: {{tier: frontend}}}}}}]\n    ports: [{{port: main}}]\n"
        elif kind == "monitoring":
            spec = "  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {team: platform}}, podSelector: {matchExpressions: [{key: tier, operator: In, values: [worker]}]}}]\n    ports: [{port: metrics}]\n"
        elif kind == "dns":
            spec = "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]\n    ports: [{port: 53, protocol: UDP}]\n  - to: [{namespaceSelector: {matchLabels: {team: " + team + "}}}]\n"
        else:
            spec = "  podSelector: {matchLabels: {tier: db}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {tier: backend}}}, {namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchLabels: {tier: worker}}}]\n    ports: [{port: 5432}, {port: 30000, endPort: 30100}]\n"
        docs.append(f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: np-{k}, namespace: {ns}}}\nspec:\n{spec}")
    for r in range(per_ns_rbac):
        kind = r % 4
        if kind == 0:
            docs.append(f"apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: sa-{r // 4}, namespace: {ns}}}\n")
        elif kind == 1:
            docs.append(f"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: role-{r}, namespace: {ns}}}\nrules:\n- apiGroups: ['']\n  resources: [{rng.choice(['secrets', 'configmaps', 'pods', 'pods/log'])}]\n  verbs: [get, list]\n")
        elif kind == 2:
            docs.append(f"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: rb-{r}, namespace: {ns}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: role-{r - 1}}}\nsubjects: [{{kind: ServiceAccount, name: sa-{r % 3}}}]\n")
        else:
            docs.append(f"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: rb-edit-{r}, namespace: {ns}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {rng.choice(['edit', 'view', 'ops'])}}}\nsubjects: [{{kind: Group, name: team-{team}}}]\n")
    with open(os.path.join(a.out, f"{ns}.yaml"), "w") as f:
        f.write("---\n".join(docs))

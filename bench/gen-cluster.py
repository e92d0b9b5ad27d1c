#!/usr/bin/env python3
"""Writes a generated cluster as a `kubectl get -A -o json` List: N objects in all.

Usage: gen-cluster.py N OUT.json
Per namespace (one per 500 objects): Deployments with their ReplicaSets and Pods (owner
references and uids as a cluster sets them), Services, ConfigMaps, Secrets, ServiceAccounts,
Roles and RoleBindings, a NetworkPolicy in every other namespace; plus ClusterRoles and
ClusterRoleBindings. Roughly 10% workloads, 40% pods, the rest RBAC, services and config.
"""
import json
import random
import sys
import uuid

N = int(sys.argv[1])
rng = random.Random(7)


def meta(name, ns=None, owner=None, labels=None):
    m = {"name": name, "uid": str(uuid.UUID(int=rng.getrandbits(128))),
         "resourceVersion": str(rng.randrange(1, 10**6)),
         "creationTimestamp": "2026-11-01T10:00:00Z"}
    if ns:
        m["namespace"] = ns
    if labels:
        m["labels"] = labels
    if owner:
        m["ownerReferences"] = [{"apiVersion": owner["apiVersion"], "kind": owner["kind"],
                                 "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
                                 "controller": True}]
    return m


def pod_spec(i, hardened):
    sc = ({"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
           "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]},
           "seccompProfile": {"type": "RuntimeDefault"}} if hardened
          else {"privileged": rng.random() < 0.1})
    return {"serviceAccountName": f"sa{i % 5}",
            "containers": [{"name": "app", "image": f"registry.example.com/app{i % 40}:1.{i % 9}.0",
                            "securityContext": sc,
                            "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}} if hardened else {},
                            "ports": [{"containerPort": 8080}]}]}


items = []
ns_count = max(1, N // 500)
per_ns = N // ns_count
for n in range(ns_count):
    ns = f"team{n}"
    items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": meta(ns, labels={"team": ns})})
    count = 1
    i = 0
    while count < per_ns - 8:
        app = f"app{i}"
        hardened = rng.random() < 0.5
        spec = pod_spec(i, hardened)
        dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(app, ns, labels={"app": app}),
               "spec": {"replicas": 4, "selector": {"matchLabels": {"app": app}},
                        "template": {"metadata": {"labels": {"app": app}}, "spec": spec}}}
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta(f"{app}-7d9f", ns, dep, {"app": app}),
              "spec": {"replicas": 4, "selector": {"matchLabels": {"app": app}},
                       "template": dep["spec"]["template"]}}
        items += [dep, rs]
        for p in range(4):
            items.append({"apiVersion": "v1", "kind": "Pod",
                          "metadata": meta(f"{app}-7d9f-{p:05d}", ns, rs, {"app": app}),
                          "spec": spec, "status": {"phase": "Running", "podIP": f"10.{n % 250}.{i % 250}.{p + 1}"}})
        items.append({"apiVersion": "v1", "kind": "Service", "metadata": meta(app, ns),
                      "spec": {"selector": {"app": app}, "ports": [{"port": 80, "targetPort": 8080}]}})
        items.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(f"{app}-config", ns),
                      "data": {"LOG_LEVEL": "info"}})
        count += 8
        i += 1
    for s in range(5):
        items.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(f"sa{s}", ns)})
    items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta("reader", ns),
                  "rules": [{"apiGroups": [""], "resources": ["pods", "configmaps"], "verbs": ["get", "list"]}]})
    items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta("reader", ns),
                  "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
                  "subjects": [{"kind": "ServiceAccount", "name": "sa0", "namespace": ns}]})
    if n % 2 == 0:
        items.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("default-deny", ns),
                      "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}})
for c in range(20):
    items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta(f"role{c}"),
                  "rules": [{"apiGroups": ["*" if c == 0 else ""], "resources": ["secrets" if c % 3 == 0 else "pods"],
                             "verbs": ["*" if c == 0 else "get"]}]})
    items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": meta(f"binding{c}"),
                  "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": f"role{c}"},
                  "subjects": [{"kind": "ServiceAccount", "name": "sa1", "namespace": f"team{c % ns_count}"}]})
json.dump({"apiVersion": "v1", "kind": "List", "items": items}, open(sys.argv[2], "w"))
kinds = {}
for it in items:
    kinds[it["kind"]] = kinds.get(it["kind"], 0) + 1
print(f"{len(items)} objects: " + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items(), key=lambda x: -x[1])))

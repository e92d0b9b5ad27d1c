#!/usr/bin/env python3
"""Writes N varied Dockerfiles (svc-<i>/Dockerfile) for the Dockerfile benchmark.

Usage: gen-dockerfiles.py N OUTDIR. Deterministic (seeded): the same N gives the same files.
Mixes single- and multi-stage builds, apt/apk/dnf/pip, heredocs, continuations, ARG-based
FROMs, and both clean and careless variants, so every rule has work to do.
"""
import os
import random
import sys

BASES = ["debian:12-slim", "ubuntu:24.04", "alpine:3.19", "fedora:40", "python:3.12-slim",
         "node:20-bookworm", "golang:1.22", "debian:latest", "alpine", "nginx:1.27"]


def install(rng, base):
    careless = rng.random() < 0.4
    if "alpine" in base:
        return "RUN apk add curl git" if careless else "RUN apk add --no-cache curl git"
    if "fedora" in base:
        return "RUN dnf install -y nginx" if careless else "RUN dnf install -y nginx && dnf clean all"
    if careless:
        return "RUN apt-get update && apt-get install -y curl ca-certificates"
    return ("RUN apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n"
            "       curl ca-certificates \\\n    && rm -rf /var/lib/apt/lists/*")


def dockerfile(i, rng):
    lines = ["# syntax=docker/dockerfile:1", f"# service {i}"]
    multi = rng.random() < 0.5
    if multi:
        lines += ["ARG GO_VERSION=1.22", "FROM golang:${GO_VERSION} AS build", "WORKDIR /src",
                  "COPY go.mod go.sum ./", "RUN go mod download", "COPY . .",
                  "RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app", ""]
    base = rng.choice(BASES)
    lines.append(f"FROM {base}")
    lines.append("LABEL org.opencontainers.image.source=https://example.com/repo")
    if rng.random() < 0.1:
        lines.append("ENV DB_PASSWORD=changeme")
    if rng.random() < 0.1:
        lines.append("RUN curl -fsSL https://get.example.com/install.sh | sh")
    lines.append(install(rng, base))
    if "python" in base:
        lines.append("COPY requirements.txt .")
        lines.append(rng.choice(["RUN pip install -r requirements.txt",
                                 "RUN pip install --no-cache-dir -r requirements.txt"]))
    if rng.random() < 0.2:
        lines += ["RUN <<EOT", "set -e", "mkdir -p /data", "chmod 755 /data", "EOT"]
    if multi:
        lines.append("COPY --from=build /out/app /usr/local/bin/app")
    else:
        lines.append(rng.choice(["COPY . /app", "ADD app.tar.gz /app", "ADD app.jar /app/app.jar"]))
    lines.append(rng.choice(["WORKDIR /app", "WORKDIR app"]))
    lines.append(rng.choice(["EXPOSE 8080", "EXPOSE 8080 22", "EXPOSE 80 443"]))
    if rng.random() < 0.6:
        lines.append("USER 10001")
    if rng.random() < 0.5:
        lines.append('HEALTHCHECK --interval=30s CMD ["/usr/local/bin/app", "health"]')
    lines.append('ENTRYPOINT ["/usr/local/bin/app"]')
    return "\n".join(lines) + "\n"


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(42)
    for i in range(n):
        d = os.path.join(out, f"svc-{i:05d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "Dockerfile"), "w") as f:
            f.write(dockerfile(i, rng))


if __name__ == "__main__":
    main()

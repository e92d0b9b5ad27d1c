//! `palisade cluster manifests`: the Kubernetes objects that run Palisade inside the
//! cluster, written for `kubectl apply -f -`: by default the Deployment that keeps the
//! PolicyReports up to date (`palisade_cluster::manifests`), with `--images-job` the
//! Indexed Job that scans images in shards, with the objects each needs (Namespace,
//! ServiceAccount, NetworkPolicy...); every object passes Palisade's own rules. The
//! Deployment's configuration is read and checked here (valid, no secret in it) before the
//! library puts its text in a ConfigMap.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use serde_json::{json, Value};

/// The options of `palisade cluster manifests`.
#[derive(Debug, Args)]
pub struct ManifestsArgs {
    /// An Indexed Job (Kubernetes 1.29 or later: it fails the index of a shard that exits 2
    /// without retrying it) that scans the images of --images-file in --shards pods, each
    /// running `palisade image --shard $(JOB_COMPLETION_INDEX)/N` and writing its JSON
    /// report to its log; `palisade merge` reads those logs and joins them. The list is
    /// held in a ConfigMap. Registries are reached on port 443, with the credentials of
    /// --registry-secret when given.
    #[arg(long, requires = "images_file")]
    pub images_job: bool,

    /// The list of images to scan, one reference per line, as `palisade cluster
    /// --list-images` prints it (`-` for standard input).
    #[arg(long, value_name = "FILE", requires = "images_job")]
    pub images_file: Option<PathBuf>,

    /// How many shards (Job completions) the list is split into.
    #[arg(long, value_name = "N", default_value_t = 4, requires = "images_job", value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub shards: u32,

    /// How many shards run at the same time (default: all of them).
    #[arg(long, value_name = "N", requires = "images_job", value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub parallelism: Option<u32>,

    /// Namespace the objects are created in (the manifests create it, Pod Security
    /// `restricted`).
    #[arg(long, value_name = "NS", default_value = "palisade-system")]
    pub namespace: String,

    /// Without --images-job: the name of the Deployment, its ServiceAccount, ClusterRole
    /// and ClusterRoleBinding.
    #[arg(long, default_value = "palisade", conflicts_with = "images_job")]
    pub name: String,

    /// Palisade's own image, that the pods run (default:
    /// `ghcr.io/palisade/palisade:<this version>`; pin it by digest where you can).
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,

    /// A Secret of type `kubernetes.io/dockerconfigjson` in --namespace (as `kubectl create
    /// secret docker-registry NAME` makes it) with the credentials of private registries:
    /// mounted read-only in the pods as their Docker config (`DOCKER_CONFIG`).
    #[arg(long, value_name = "NAME", requires = "images_job")]
    pub registry_secret: Option<String>,

    /// Without --images-job: the configuration the Deployment runs with (default:
    /// palisade.toml in the current directory, if present), checked as `palisade cluster
    /// --config` checks it. Its text goes into a ConfigMap `<name>-config` in --namespace,
    /// mounted read-only at /etc/palisade, and the container runs with `--config
    /// /etc/palisade/palisade.toml`, so its suppressions and severities apply to the
    /// reports; the ClusterRole also lists and watches the kinds of its `[kubernetes]
    /// pod_template_paths`, named as --print-role names them. A configuration that cannot
    /// be read or is not valid is an error naming the file (exit status 2), and so is one
    /// in which the secret scanner finds a secret (shown redacted): every reader of the
    /// ConfigMap would hold it.
    #[arg(long, value_name = "FILE", conflicts_with = "images_job")]
    pub config: Option<PathBuf>,

    /// Write the manifests to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Name of the Job and of the objects it needs.
const NAME: &str = "palisade-images";
/// Largest configuration a ConfigMap holds (the API server refuses objects over 1 MiB; the
/// rest of the object is far smaller than the margin left).
const MAX_CONFIG_MAP_BYTES: usize = 1000 * 1000;
/// Largest images file read.
const MAX_LIST_BYTES: u64 = 1 << 20;

pub fn run(args: ManifestsArgs) -> anyhow::Result<u8> {
    dns_label("--namespace", &args.namespace)?;
    if let Some(secret) = &args.registry_secret {
        dns_subdomain("--registry-secret", secret)?;
    }
    let image = args
        .image
        .clone()
        .unwrap_or_else(|| format!("ghcr.io/palisade/palisade:{}", env!("CARGO_PKG_VERSION")));
    if image.trim().is_empty() || image.chars().any(|c| c.is_whitespace() || c.is_control()) {
        anyhow::bail!(
            "--image `{}` is not an image reference",
            palisade_core::text::printable(&image)
        );
    }
    if !args.images_job {
        let mut options = palisade_cluster::manifests::ManifestOptions::new(&args.namespace);
        options.name = args.name.clone();
        options.image = image;
        if let Some(path) = palisade_engine::config_file(args.config.as_deref(), &[]) {
            let config = DeploymentConfig::read(&path)?;
            options.config = Some(config.text);
            options.pod_template_kinds = config.pod_template_kinds;
        }
        let text = palisade_cluster::manifests::manifests(&options)?;
        crate::manifests::emit(&text, args.output.as_deref())?;
        return Ok(0);
    }
    let mut docs = common(&args.namespace);
    if args.images_job {
        let file = args
            .images_file
            .as_deref()
            .unwrap_or(std::path::Path::new("-"));
        let text = read_list(file)?;
        let images = palisade_engine::image::fleet::images_from_list(&text);
        if images.is_empty() {
            anyhow::bail!(
                "{}: lists no image (one reference per line, as `palisade cluster --list-images` prints)",
                file.display()
            );
        }
        let list: String = images
            .iter()
            .map(|i| format!("{}\n", i.reference))
            .collect();
        docs.extend(images_job(&args, &image, &list));
    }
    let mut out =
        String::from("# Palisade in the cluster: generated by `palisade cluster manifests`.\n");
    if args.images_job {
        out.push_str(&format!(
            "# Each shard's JSON report is its pod's log; join them with:\n\
             #   for i in $(seq 0 {last}); do kubectl logs -n {ns} -l job-name={NAME},batch.kubernetes.io/job-completion-index=$i > shard-$i.json; done\n\
             #   palisade merge shard-*.json\n",
            last = args.shards - 1,
            ns = args.namespace,
        ));
    }
    for doc in &docs {
        out.push_str("---\n");
        out.push_str(&palisade_yaml::to_yaml(doc));
    }
    crate::manifests::emit(&out, args.output.as_deref())?;
    Ok(0)
}

/// The configuration the in-cluster Deployment runs with.
struct DeploymentConfig {
    /// The file's text, as read once: what the ConfigMap holds.
    text: String,
    /// The custom resources with pod templates it declares, as (API group, kind).
    pod_template_kinds: Vec<(String, String)>,
}

impl DeploymentConfig {
    /// Reads `path` and checks it as the Deployment's `palisade cluster` will (an engine
    /// is built from it), and for secrets as `palisade scan` would find them in the file
    /// (its own `[secrets]` rules and `[[suppress]]` entries apply): a ConfigMap hands its
    /// data to whoever may read ConfigMaps in the namespace, so a secret found is an error
    /// that shows the secret redacted, with the line and the fingerprint that accepts it.
    fn read(path: &Path) -> anyhow::Result<DeploymentConfig> {
        // Whatever an error quotes of the file is printed with secrets redacted.
        let redacted = |e: &dyn std::fmt::Display| {
            anyhow::anyhow!("{}", palisade_secrets::redact(&e.to_string()))
        };
        let text = palisade_core::fsio::read_to_string_limited(
            path,
            palisade_core::config::MAX_CONFIG_BYTES,
        )
        .map_err(|e| redacted(&palisade_core::config::ConfigError::from(e)))?;
        if text.len() > MAX_CONFIG_MAP_BYTES {
            anyhow::bail!(
                "{}: {} bytes, more than a ConfigMap holds (1 MiB)",
                path.display(),
                text.len()
            );
        }
        let config = palisade_core::Config::parse(&text, path).map_err(|e| redacted(&e))?;
        let engine = palisade_engine::Engine::new(palisade_engine::Settings {
            config,
            scanners: palisade_engine::Scanners {
                misconfig: false,
                secret: true,
                vuln: false,
            },
            ..palisade_engine::Settings::default()
        })
        .map_err(|e| redacted(&e))?;
        let report = engine.scan_documents(vec![palisade_engine::FileEntry::memory(
            palisade_core::config::CONFIG_FILE,
            text.as_bytes(),
        )]);
        if let Some(error) = report.errors.first() {
            anyhow::bail!(
                "{}: cannot be checked for secrets: {}",
                path.display(),
                redacted(error)
            );
        }
        if !report.findings.is_empty() {
            let found: Vec<String> = report
                .findings
                .iter()
                .map(|f| {
                    let fingerprint = f
                        .secret
                        .as_ref()
                        .map(|s| format!(" (rule {}, fingerprint {})", f.rule_id, s.fingerprint))
                        .unwrap_or_default();
                    let line = f.location.line.map(|l| format!(":{l}")).unwrap_or_default();
                    format!(
                        "  {}{line}: {}{fingerprint}",
                        path.display(),
                        palisade_secrets::redact(&f.message)
                    )
                })
                .collect();
            anyhow::bail!(
                "{}: the configuration holds a secret, which its ConfigMap would give to every reader of ConfigMaps in the namespace:\n{}\nremove it from the configuration (if it is not a secret, accept it with a [[suppress]] entry of that rule and fingerprint)",
                path.display(),
                found.join("\n")
            );
        }
        Ok(DeploymentConfig {
            text,
            pod_template_kinds: engine.pod_template_kinds(),
        })
    }
}

fn read_list(file: &std::path::Path) -> anyhow::Result<String> {
    if file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut std::io::Read::take(std::io::stdin().lock(), MAX_LIST_BYTES),
            &mut text,
        )
        .context("cannot read the list of images from standard input")?;
        return Ok(text);
    }
    palisade_core::fsio::read_to_string_limited(file, MAX_LIST_BYTES)
        .map_err(|e| anyhow::anyhow!("{}: cannot read: {}", file.display(), e.reason()))
}

/// A DNS label (RFC 1123), as Kubernetes wants names and namespaces.
fn dns_label(option: &str, value: &str) -> anyhow::Result<()> {
    if !palisade_core::kinds::is_dns_label(value) {
        anyhow::bail!(
            "{option} `{}`: not a DNS label (lowercase letters, digits and `-`, at most 63)",
            palisade_core::text::printable(value)
        );
    }
    Ok(())
}

/// A DNS subdomain (RFC 1123), as Kubernetes wants Secret names.
fn dns_subdomain(option: &str, value: &str) -> anyhow::Result<()> {
    if !palisade_core::kinds::is_dns_subdomain(value) {
        anyhow::bail!(
            "{option} `{}`: not a Kubernetes object name (lowercase letters, digits, `-` and `.`)",
            palisade_core::text::printable(value)
        );
    }
    Ok(())
}

fn labels() -> Value {
    json!({"app.kubernetes.io/name": NAME, "app.kubernetes.io/part-of": "palisade"})
}

/// What the images Job shares with Palisade's other in-cluster manifests: its namespace
/// (Pod Security `restricted`) and a ServiceAccount without an API token (the pods read no
/// API object).
fn common(ns: &str) -> Vec<Value> {
    vec![
        palisade_core::kinds::palisade_namespace(ns),
        palisade_core::kinds::palisade_service_account(ns, NAME, &labels()),
    ]
}

/// The images list, the Job, and the egress the pods need (DNS, and the registries on
/// 443, whose addresses are not known here).
fn images_job(args: &ManifestsArgs, image: &str, list: &str) -> Vec<Value> {
    let ns = args.namespace.as_str();
    let meta = |name: &str| json!({"name": name, "namespace": ns, "labels": labels()});
    let shards = args.shards;
    let parallelism = args.parallelism.unwrap_or(shards).min(shards);
    let mut policy_meta = meta(NAME);
    policy_meta["annotations"] = json!({
        "palisade.dev/ignore": "NET004",
        "palisade.dev/ignore-reason": "the pods pull images from registries whose addresses are not known here; narrow the egress with ipBlocks of your registries",
    });
    let mut env = vec![json!({"name": "XDG_CACHE_HOME", "value": "/cache"})];
    let mut mounts = vec![
        json!({"name": "images", "mountPath": "/etc/palisade/images", "readOnly": true}),
        json!({"name": "cache", "mountPath": "/cache"}),
    ];
    let mut volumes = vec![
        json!({"name": "images", "configMap": {"name": format!("{NAME}-list")}}),
        json!({"name": "cache", "emptyDir": {"sizeLimit": "8Gi"}}),
    ];
    if let Some(secret) = &args.registry_secret {
        env.push(json!({"name": "DOCKER_CONFIG", "value": "/etc/palisade/docker"}));
        mounts.push(json!({"name": "registry-credentials", "mountPath": "/etc/palisade/docker", "readOnly": true}));
        volumes.push(json!({"name": "registry-credentials", "secret": {
            "secretName": secret,
            "items": [{"key": ".dockerconfigjson", "path": "config.json"}],
        }}));
    }
    vec![
        json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": meta(&format!("{NAME}-list")),
            "data": {"images.txt": list},
        }),
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": policy_meta,
            "spec": {
                // the whole namespace: nothing else runs there, and new pods start denied
                "podSelector": {},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [],
                "egress": [
                    {"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]},
                    {"ports": [{"port": 443, "protocol": "TCP"}]},
                ],
            },
        }),
        json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": meta(NAME),
            "spec": {
                "completionMode": "Indexed",
                "completions": shards,
                "parallelism": parallelism,
                // A shard that exits 2 (an image that could not be pulled) has written its
                // report, errors included: its index fails without a retry, the others go
                // on. A crash is retried once.
                "backoffLimitPerIndex": 1,
                "podFailurePolicy": {"rules": [{
                    "action": "FailIndex",
                    "onExitCodes": {"containerName": "scan", "operator": "In", "values": [2]},
                }]},
                "ttlSecondsAfterFinished": 86400,
                "template": {
                    "metadata": {"labels": labels()},
                    "spec": {
                        "restartPolicy": "Never",
                        "serviceAccountName": NAME,
                        "automountServiceAccountToken": false,
                        "securityContext": palisade_core::kinds::restricted_pod_security_context(),
                        "containers": [{
                            "name": "scan",
                            "image": image,
                            "imagePullPolicy": "IfNotPresent",
                            // Kubernetes expands $(JOB_COMPLETION_INDEX) from the pod's env.
                            "args": ["image", "--shard", format!("$(JOB_COMPLETION_INDEX)/{shards}"),
                                     "/etc/palisade/images/images.txt", "-f", "json", "-q", "--fail-on", "never"],
                            "env": env,
                            "resources": {
                                "requests": {"cpu": "500m", "memory": "512Mi", "ephemeral-storage": "1Gi"},
                                "limits": {"cpu": "2", "memory": "2Gi", "ephemeral-storage": "8Gi"},
                            },
                            "securityContext": palisade_core::kinds::restricted_container_security_context(),
                            "volumeMounts": mounts,
                        }],
                        "volumes": volumes,
                    },
                },
            },
        }),
    ]
}

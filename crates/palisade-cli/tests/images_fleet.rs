//! Images at fleet scale, end to end with the real binary: `palisade cluster --images`
//! against the test API server (pods with the digests their kubelet reported) pulling from a
//! real registry (Debian's `docker-registry` on 127.0.0.1, images pushed with `skopeo`);
//! `palisade image --shard I/N` and `palisade merge`, whose merged shards are the unsharded
//! report byte for byte; and `palisade cluster manifests --images-job`, which passes
//! Palisade's own rules. The registry tools missing is a skip locally and a failure in CI.

use crate::common;
use crate::image_builder;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{stderr, stdout};
use image_builder::{Comp, TestImage, E};
use palisade_testkit::kube_api::{ApiServer, Behaviour};
use palisade_testkit::registry::Registry;
use serde_json::{json, Value};

const TOKEN: &str = "fleet-token-19c2";

/// Whether the registry tools are installed: a `SKIP:` line locally, a failure in CI.
fn registry_tools() -> bool {
    palisade_testkit::registry::tools(&["docker-registry", "skopeo"])
}

/// Pushes `image` to `registry` as `name` (`repo:tag`) and answers its manifest digest.
fn push(registry: &Registry, image: &TestImage, name: &str) -> String {
    let layout = tempfile::tempdir().unwrap();
    image.oci_layout(layout.path(), "t", Comp::Gzip);
    let source = format!("oci:{}:t", layout.path().display());
    registry.copy(&source, name, None, false);
    registry.digest(name)
}

fn debian_base() -> TestImage {
    TestImage::new().layer(
        "ADD rootfs /",
        &[
            E::Dir("etc"),
            E::File(
                "etc/os-release",
                b"ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                    .to_vec(),
            ),
        ],
    )
}

/// Three images: a web app with a credential in its environment and SSH exposed, a worker
/// with a key file in a layer, and a healthy non-root base.
fn push_images(registry: &Registry) -> [(String, String); 3] {
    let mut web = debian_base().layer(
        "COPY app /srv/app",
        &[E::Dir("srv"), E::File("srv/app", b"#!/bin/sh\n".to_vec())],
    );
    web.env
        .push("API_TOKEN=ghp_R8kq2ZlW7bN4xT1vYc9dE3fH6jM0pS5uA2wQ".into());
    web.exposed.push("22/tcp".into());
    let worker = debian_base().layer(
        "COPY billing.env /app/billing.env",
        &[
            E::Dir("app"),
            E::File(
                "app/billing.env",
                b"STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dcXq9Pz\n".to_vec(),
            ),
        ],
    );
    let mut base = debian_base();
    base.user = Some("10001".into());
    base.healthcheck = true;
    [
        (
            "shop/web:1.4".to_string(),
            push(registry, &web, "shop/web:1.4"),
        ),
        (
            "ops/worker:2".to_string(),
            push(registry, &worker, "ops/worker:2"),
        ),
        ("base:12".to_string(), push(registry, &base, "base:12")),
    ]
}

/// Runs `palisade ARGS` in `dir` with its cache (and nothing else) under `dir/cache`.
fn palisade(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("PALISADE_DB", "no-vulnerability-database/osv.db")
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env_remove("JOB_COMPLETION_INDEX")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stderr(out)))
}

#[test]
fn an_images_list_in_shards_merges_into_the_unsharded_report_byte_for_byte() {
    if !registry_tools() {
        return;
    }
    let registry = Registry::start(None);
    let [web, worker, base] = push_images(&registry);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let host = &registry.host();
    // by digest, by tag, a repeat, a comment, and an image the registry does not have
    std::fs::write(
        d.join("images.txt"),
        format!(
            "{host}/shop/web@{}\n{host}/{}\n# nightly\n\n{host}/{}\n{host}/{}\n{host}/gone:1\n",
            web.1, worker.0, base.0, worker.0
        ),
    )
    .unwrap();

    let whole = palisade(
        d,
        &[
            "image",
            "--list",
            "images.txt",
            "--insecure",
            "-f",
            "json",
            "-o",
            "whole.json",
        ],
    );
    assert_eq!(whole.status.code(), Some(2), "{}", stderr(&whole));
    let err = stderr(&whole);
    assert!(
        err.contains(&format!(
            "error: {host}/gone:1: cannot scan the image: registry"
        )),
        "{err}"
    );
    assert!(
        err.contains("4 images: 3 scanned, 0 from the cache, 1 could not be scanned"),
        "{err}"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("whole.json")).unwrap()).unwrap();
    let places: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
            )
        })
        .filter(|(id, _)| id != "IMG111")
        .collect();
    let web_ref = format!("{host}/shop/web@{}", web.1);
    let worker_ref = format!("{host}/{}", worker.0);
    assert!(
        places.contains(&("IMG104".into(), web_ref.clone())),
        "{places:?}"
    );
    assert!(
        places.contains(&("IMG109".into(), web_ref.clone())),
        "{places:?}"
    );
    assert!(
        places
            .iter()
            .any(|(id, path)| id.starts_with("SEC")
                && *path == format!("{worker_ref}!/app/billing.env")),
        "{places:?}"
    );
    assert_eq!(report["targets"].as_array().unwrap().len(), 4);

    for n in [2usize, 3, 5] {
        let mut shards = Vec::new();
        for i in 0..n {
            let name = format!("shard-{i}-of-{n}.json");
            let spec = format!("{i}/{n}");
            let out = palisade(
                d,
                &[
                    "image",
                    "--shard",
                    &spec,
                    "images.txt",
                    "--insecure",
                    "-f",
                    "json",
                    "-q",
                    "-o",
                    &name,
                ],
            );
            assert!(matches!(out.status.code(), Some(0..=2)), "{}", stderr(&out));
            shards.push(name);
        }
        let mut args = vec!["merge", "-f", "json", "-o", "merged.json"];
        args.extend(shards.iter().map(String::as_str));
        let merged = palisade(d, &args);
        assert_eq!(
            merged.status.code(),
            Some(2),
            "the missing image stays an error"
        );
        assert_eq!(
            std::fs::read_to_string(d.join("merged.json")).unwrap(),
            std::fs::read_to_string(d.join("whole.json")).unwrap(),
            "{n} shards merged differ from the unsharded report"
        );
    }

    // the same run again: the image pinned by digest comes from the cache, same report
    let again = palisade(
        d,
        &[
            "image",
            "--list",
            "images.txt",
            "--insecure",
            "-f",
            "json",
            "-o",
            "again.json",
        ],
    );
    assert!(
        stderr(&again).contains("4 images: 2 scanned, 1 from the cache, 1 could not be scanned"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        std::fs::read_to_string(d.join("again.json")).unwrap(),
        std::fs::read_to_string(d.join("whole.json")).unwrap()
    );
    let cached = std::fs::read_dir(d.join("cache/palisade/images"))
        .unwrap()
        .count();
    assert_eq!(cached, 1, "only the image pinned by digest is cached");

    // a cached result is for one vulnerability database: another one, or the same one
    // imported again, is a miss
    let osv = common::repo_root().join("crates/palisade-cli/tests/fixtures/image-osv");
    std::fs::write(d.join("web.txt"), format!("{web_ref}\n")).unwrap();
    let mut runs = Vec::new();
    for _ in 0..2 {
        let import = palisade(
            d,
            &["db", "import", osv.to_str().unwrap(), "--db", "osv.db"],
        );
        assert_eq!(import.status.code(), Some(0), "{}", stderr(&import));
        for _ in 0..2 {
            let out = palisade(
                d,
                &[
                    "image",
                    "--list",
                    "web.txt",
                    "--insecure",
                    "--db",
                    "osv.db",
                    "-f",
                    "json",
                ],
            );
            runs.push(stderr(&out).lines().next().unwrap_or_default().to_string());
        }
    }
    assert_eq!(
        runs,
        [
            "1 image: 1 scanned, 0 from the cache, 0 could not be scanned",
            "1 image: 0 scanned, 1 from the cache, 0 could not be scanned",
            "1 image: 1 scanned, 0 from the cache, 0 could not be scanned",
            "1 image: 0 scanned, 1 from the cache, 0 could not be scanned",
        ]
    );
}

fn pod(
    name: &str,
    ns: &str,
    owner: Option<(&str, &str)>,
    containers: Value,
    statuses: Value,
) -> (String, Value) {
    let mut metadata = json!({"name": name, "namespace": ns, "uid": format!("pod-{name}")});
    if let Some((kind, uid)) = owner {
        metadata["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": kind, "name": "web-7f9c", "uid": uid, "controller": true}]);
    }
    (
        "pods".to_string(),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata,
               "spec": {"containers": containers}, "status": {"containerStatuses": statuses}}),
    )
}

#[test]
fn a_live_cluster_s_running_images_are_scanned_once_per_digest_and_name_their_workloads() {
    if !registry_tools() {
        return;
    }
    let registry = Registry::start(None);
    let [web, worker, _] = push_images(&registry);
    let host = &registry.host();
    let web_tag = format!("{host}/{}", web.0);
    let web_digest_ref = format!("{host}/shop/web@{}", web.1);
    let template = json!({"metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "web", "image": web_tag}]}});
    let mut objects = vec![
        (
            "namespaces".to_string(),
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "uid": "ns1"}}),
        ),
        (
            "deployments".to_string(),
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop", "uid": "d1"},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": template}}),
        ),
        (
            "replicasets".to_string(),
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "web-7f9c", "namespace": "shop", "uid": "rs1",
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "d1", "controller": true}]},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template}}),
        ),
        // a pod the kubelet has not reported on yet, by tag, next to a sidecar
        pod(
            "worker",
            "shop",
            None,
            json!([{"name": "worker", "image": format!("{host}/{}", worker.0)},
                   {"name": "gone", "image": format!("{host}/gone:1")}]),
            json!([]),
        ),
    ];
    // three replicas of one tag: two through docker's `docker-pullable://` form, all one digest
    for (i, id) in [
        format!("docker-pullable://{web_digest_ref}"),
        web_digest_ref.clone(),
        format!("docker-pullable://{web_digest_ref}"),
    ]
    .iter()
    .enumerate()
    {
        objects.push(pod(
            &format!("web-7f9c-{i}"),
            "shop",
            Some(("ReplicaSet", "rs1")),
            json!([{"name": "web", "image": web_tag}]),
            json!([{"name": "web", "image": web_tag, "imageID": id, "ready": true}]),
        ));
    }
    let server = ApiServer::start(Behaviour {
        token: TOKEN.to_string(),
        objects,
        ..Behaviour::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let kubeconfig = server.kubeconfig(d, TOKEN);
    let kc = kubeconfig.to_str().unwrap();

    let list = palisade(d, &["cluster", "--kubeconfig", kc, "--list-images"]);
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
    assert_eq!(
        stdout(&list),
        format!("{host}/gone:1\n{host}/{}\n{web_digest_ref}\n", worker.0)
    );

    let scan = |format: &str| {
        palisade(
            d,
            &[
                "cluster",
                "--kubeconfig",
                kc,
                "--images",
                "--insecure-registry",
                "--concurrency",
                "2",
                "-f",
                format,
            ],
        )
    };
    let first = scan("json");
    assert_eq!(first.status.code(), Some(2), "{}", stderr(&first));
    let err = stderr(&first);
    assert!(
        err.contains("3 images: 2 scanned, 0 from the cache, 1 could not be scanned"),
        "{err}"
    );
    let report = json_of(&first);
    let error = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == format!("{host}/gone:1"))
        .unwrap_or_else(|| panic!("{:#}", report["errors"]));
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .ends_with("the image was not checked (run by Pod/shop/worker)"),
        "{error}"
    );
    let secret_env = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "IMG104")
        .unwrap_or_else(|| panic!("{:#}", report["findings"]));
    assert_eq!(secret_env["location"]["path"], web_digest_ref.as_str());
    assert_eq!(
        secret_env["evidence"],
        json!([{"label": "run by Deployment/shop/web"}])
    );
    // the cluster's own findings are still there, and the secret value is nowhere
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule_id"] == "NET001"));
    assert!(!stdout(&first).contains("R8kq2ZlW7bN4xT1vYc9dE3fH6jM0pS5uA2wQ"));

    let table = scan("table");
    let text = stdout(&table);
    assert!(
        text.contains(&format!("{web_digest_ref}\n  run by Deployment/shop/web\n")),
        "{text}"
    );

    let second = scan("json");
    assert!(
        stderr(&second).contains("3 images: 1 scanned, 1 from the cache, 1 could not be scanned"),
        "{}",
        stderr(&second)
    );
    assert_eq!(stdout(&second), stdout(&first));

    // PolicyReports place an image's findings on the workloads that run it
    let reports = json_of(&scan("policyreport"));
    let shop = reports["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metadata"]["namespace"] == "shop")
        .unwrap_or_else(|| panic!("{reports:#}"));
    let on_web = shop["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["policy"] == "IMG104")
        .unwrap_or_else(|| panic!("{shop:#}"));
    assert_eq!(on_web["resources"][0]["kind"], "Deployment");
    assert_eq!(on_web["resources"][0]["name"], "web");
    assert!(
        on_web["message"]
            .as_str()
            .unwrap()
            .ends_with(&format!("(image {web_digest_ref})")),
        "{on_web}"
    );
}

#[test]
fn bad_shards_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("images.txt"), "example.org/a:1\n").unwrap();
    for (spec, says) in [
        ("3/3", "--shard 3/3: shard 3 of 3 does not exist"),
        ("0/0", "--shard 0/0: shard 0 of 0 does not exist"),
        ("x/2", "--shard x/2: I is not a number"),
        ("1/two", "--shard 1/two: N is not a number"),
        (
            "4",
            "--shard 4: no shard index: JOB_COMPLETION_INDEX is not set",
        ),
    ] {
        let out = palisade(d, &["image", "--shard", spec, "images.txt"]);
        assert_eq!(out.status.code(), Some(2), "{spec}");
        assert!(stderr(&out).contains(says), "{spec}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
    let out = palisade(d, &["image", "--shard", "1/2", "missing.txt"]);
    assert!(
        stderr(&out).contains("missing.txt: cannot read"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn merge_names_a_report_it_cannot_read_and_merges_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers:\n    - name: c\n      image: nginx:1.27\n",
    )
    .unwrap();
    let scan = palisade(d, &["scan", "pod.yaml", "-f", "json", "-o", "good.json"]);
    assert_eq!(scan.status.code(), Some(1), "{}", stderr(&scan));
    std::fs::write(
        d.join("junk.json"),
        "{\"schema_version\": \"1.0\", \u{1b}[31m",
    )
    .unwrap();
    std::fs::write(
        d.join("other.json"),
        r#"{"schema_version":"1.0","tool":{"name":"trivy"}}"#,
    )
    .unwrap();
    let out = palisade(
        d,
        &[
            "merge",
            "good.json",
            "junk.json",
            "other.json",
            "nothere.json",
            "-f",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let report = json_of(&out);
    let errors: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(errors, ["junk.json", "nothere.json", "other.json"]);
    assert!(!stderr(&out).contains('\u{1b}'));
    let good: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("good.json")).unwrap()).unwrap();
    assert_eq!(report["findings"], good["findings"]);
    // a pod's log: the report, then the lines Palisade printed on standard error
    let good_text = std::fs::read_to_string(d.join("good.json")).unwrap();
    std::fs::write(
        d.join("pod.log"),
        format!("{good_text}warning: no vulnerability database\nerror: reg/app:1: cannot scan the image\n"),
    )
    .unwrap();
    std::fs::write(
        d.join("tampered.log"),
        format!("{good_text}{{\"findings\": []}}\n"),
    )
    .unwrap();
    let logs = palisade(d, &["merge", "pod.log", "tampered.log", "-f", "json"]);
    assert_eq!(logs.status.code(), Some(2));
    let logs = json_of(&logs);
    assert_eq!(logs["findings"], good["findings"]);
    assert_eq!(
        logs["errors"],
        json!([{"path": "tampered.log", "message": format!(
            "line {}: text after the report that is not one of Palisade's error or warning lines",
            good_text.lines().count() + 1
        )}])
    );

    // a report merged with itself has its findings once (files scanned add up: merge
    // cannot know that two reports read the same files)
    let same = json_of(&palisade(
        d,
        &["merge", "good.json", "good.json", "-f", "json"],
    ));
    assert_eq!(same["findings"], good["findings"]);
    assert_eq!(same["summary"]["findings"], good["summary"]["findings"]);
}

#[test]
fn the_images_job_is_an_indexed_job_that_passes_palisade_s_own_rules() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("images.txt"),
        "registry.example/shop/web@sha256:3b5d8e758cd8d719f32b6580f61d42b18de1adb353a66becbf0be87c05211a2a\nregistry.example/ops/worker:2\n",
    )
    .unwrap();
    let out = palisade(
        d,
        &[
            "cluster",
            "manifests",
            "--images-job",
            "--images-file",
            "images.txt",
            "--shards",
            "8",
            "--parallelism",
            "3",
            "-o",
            "job.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(d.join("job.yaml")).unwrap();
    let docs: Vec<Value> = palisade_yaml::load(&text)
        .unwrap()
        .iter()
        .map(|doc| palisade_yaml::to_json(&doc.root))
        .collect();
    let kinds: Vec<&str> = docs.iter().map(|o| o["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "Namespace",
            "ServiceAccount",
            "ConfigMap",
            "NetworkPolicy",
            "Job"
        ]
    );
    let job = &docs[4];
    assert_eq!(job["spec"]["completionMode"], "Indexed");
    assert_eq!(job["spec"]["completions"], 8);
    assert_eq!(job["spec"]["parallelism"], 3);
    let args = &job["spec"]["template"]["spec"]["containers"][0]["args"];
    assert_eq!(args[1], "--shard");
    assert_eq!(args[2], "$(JOB_COMPLETION_INDEX)/8");
    assert!(docs[2]["data"]["images.txt"]
        .as_str()
        .unwrap()
        .contains("registry.example/ops/worker:2\n"));

    let scan = palisade(
        d,
        &["scan", "job.yaml", "--min-severity", "medium", "-f", "json"],
    );
    let report = json_of(&scan);
    assert_eq!(report["findings"], json!([]), "{:#}", report["findings"]);
    assert_eq!(scan.status.code(), Some(0), "{}", stderr(&scan));

    // private registries: the credentials Secret is mounted as the Docker config, and the
    // manifests still pass
    let out = palisade(
        d,
        &[
            "cluster",
            "manifests",
            "--images-job",
            "--images-file",
            "images.txt",
            "--registry-secret",
            "regcred",
            "-o",
            "private.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let private = std::fs::read_to_string(d.join("private.yaml")).unwrap();
    assert!(private.contains("secretName: regcred"), "{private}");
    assert!(private.contains("DOCKER_CONFIG"), "{private}");
    let scan = palisade(
        d,
        &[
            "scan",
            "private.yaml",
            "--min-severity",
            "medium",
            "-f",
            "json",
        ],
    );
    assert_eq!(json_of(&scan)["findings"], json!([]));

    // without a list there is nothing to shard; the Job's options without --images-job
    // are refused, not ignored; a bad namespace is refused
    let out = palisade(d, &["cluster", "manifests", "--images-job"]);
    assert_eq!(out.status.code(), Some(2));
    for options in [
        &["--shards", "3"][..],
        &["--registry-secret", "regcred"][..],
    ] {
        let mut args = vec!["cluster", "manifests"];
        args.extend_from_slice(options);
        let out = palisade(d, &args);
        assert_eq!(out.status.code(), Some(2), "{options:?}");
        assert!(stderr(&out).contains("--images-job"), "{}", stderr(&out));
    }
    let out = palisade(
        d,
        &[
            "cluster",
            "manifests",
            "--images-job",
            "--images-file",
            "images.txt",
            "--namespace",
            "Bad_NS",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--namespace `Bad_NS`: not a DNS label"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_dump_lists_the_images_of_its_pods_and_of_workloads_without_pods() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let digest = "sha256:3b5d8e758cd8d719f32b6580f61d42b18de1adb353a66becbf0be87c05211a2a";
    let dump = json!({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report", "namespace": "ops", "uid": "cj"},
         "spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "Never",
            "containers": [{"name": "r", "image": "registry.example/report:3"}]}}}}}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "debug", "namespace": "ops", "uid": "p"},
         "spec": {"containers": [{"name": "a", "image": "registry.example/tools:1"}],
                  "ephemeralContainers": [{"name": "dbg", "image": "busybox:1.36"}]},
         "status": {"containerStatuses": [{"name": "a", "imageID": format!("registry.example/tools@{digest}")}]}}
    ]});
    std::fs::write(d.join("dump.json"), dump.to_string()).unwrap();
    let out = palisade(d, &["cluster", "--from-dump", "dump.json", "--list-images"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("busybox:1.36\nregistry.example/report:3\nregistry.example/tools@{digest}\n")
    );
}

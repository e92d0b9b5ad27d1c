//! Rendering promises: failing closed with the file and line, remote resources reported
//! as not fetched, and rendered fields traced to the base or patch line that wrote them.

use std::fs;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          envFrom:
            - configMapRef: {name: settings}
";

fn base(root: &Path) {
    write(root, "base/deployment.yaml", DEPLOYMENT);
    write(
        root,
        "base/kustomization.yaml",
        "resources: [deployment.yaml]\nconfigMapGenerator:\n- name: settings\n  literals: [mode=prod]\n",
    );
}

#[test]
fn a_missing_resource_file_is_an_error_naming_the_kustomization_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "kustomization.yaml",
        "resources:\n- there.yaml\n- missing.yaml\n",
    );
    write(
        dir.path(),
        "there.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    );
    let e = palisade_kustomize::render(dir.path()).unwrap_err();
    assert!(e.file.ends_with("kustomization.yaml"), "{e}");
    assert_eq!(e.line, Some(3));
    assert!(
        e.to_string()
            .contains("accumulating resources from 'missing.yaml'"),
        "{e}"
    );
}

#[test]
fn a_patch_that_matches_nothing_is_an_error_at_the_patch() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    write(
        dir.path(),
        "overlay/kustomization.yaml",
        "resources: [../base]\npatches:\n- path: patch.yaml\n",
    );
    write(
        dir.path(),
        "overlay/patch.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nope\nspec:\n  replicas: 3\n",
    );
    let e = palisade_kustomize::render(&dir.path().join("overlay")).unwrap_err();
    assert!(e.file.ends_with("overlay/patch.yaml"), "{e}");
    assert!(
        e.to_string()
            .contains("failed to find unique target for patch"),
        "{e}"
    );
}

#[test]
fn a_json_patch_on_a_missing_path_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    write(
        dir.path(),
        "overlay/kustomization.yaml",
        "resources: [../base]\npatches:\n- target: {kind: Deployment, name: web}\n  patch: |-\n    - op: replace\n      path: /spec/nothing/here\n      value: 1\n",
    );
    let e = palisade_kustomize::render(&dir.path().join("overlay")).unwrap_err();
    assert!(e.file.ends_with("overlay/kustomization.yaml"), "{e}");
    assert_eq!(e.line, Some(5), "{e}");
    assert!(
        e.to_string().contains("replace operation does not apply"),
        "{e}"
    );
}

#[test]
fn a_cycle_between_kustomizations_is_an_error_naming_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/kustomization.yaml", "resources: [../b]\n");
    write(dir.path(), "b/kustomization.yaml", "resources: [../a]\n");
    let e = palisade_kustomize::render(&dir.path().join("a")).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("cycle detected"), "{text}");
    assert!(
        text.contains("/a -> ") && text.contains("/b -> ") && text.ends_with("/a"),
        "{text}"
    );
}

#[test]
fn remote_resources_are_warnings_that_say_what_was_not_fetched() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    write(
        dir.path(),
        "overlay/kustomization.yaml",
        "resources:\n- ../base\n- https://github.com/example/app//deploy?ref=v1\n",
    );
    let r = palisade_kustomize::render(&dir.path().join("overlay")).unwrap();
    assert_eq!(r.resources.len(), 2);
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].contains("https://github.com/example/app//deploy?ref=v1"));
    assert!(r.warnings[0].contains("not fetched"));
}

#[test]
fn a_file_outside_the_kustomization_root_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "secret.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    );
    write(
        dir.path(),
        "app/kustomization.yaml",
        "resources: [../secret.yaml]\n",
    );
    let e = palisade_kustomize::render(&dir.path().join("app")).unwrap_err();
    assert!(e.to_string().contains("is not in or below"), "{e}");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_as_a_resource_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "kustomization.yaml", "resources: [pipe.yaml]\n");
    let fifo = dir.path().join("pipe.yaml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let e = palisade_kustomize::render(dir.path()).unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
}

#[test]
fn unsupported_fields_fail_closed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "kustomization.yaml",
        "resources: []\nhelmCharts:\n- name: x\n",
    );
    let e = palisade_kustomize::render(dir.path()).unwrap_err();
    assert_eq!(e.line, Some(2));
    assert!(
        e.to_string().contains("'helmCharts' is not supported"),
        "{e}"
    );
}

#[test]
fn hostile_input_gives_errors_not_panics() {
    let inputs = [
        "resources: 5\n",
        "resources: [[a]]\n",
        "patches: [{}]\n",
        "patches: [{patch: 'kind: X'}]\n",
        "patches: [{target: {name: '('}, patch: '- op: add'}]\n",
        "configMapGenerator: [{name: a, literals: [novalue]}]\n",
        "configMapGenerator: [{literals: [a=b]}]\n",
        "replicas: [{name: a, count: x}]\n",
        "images: [{}, 3]\n",
        "namePrefix: [x]\n",
        "- a\n- b\n",
        "vars: [{name: X, objref: {kind: Service, name: none}}]\n",
        "patchesJson6902: [{target: {kind: A}, patch: '[{\"op\": \"move\", \"from\": \"/x\", \"path\": \"/y\"}]'}]\n",
        "commonLabels: {a: [1]}\n",
        "\u{1b}[31m: 1\n",
    ];
    for input in inputs {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "kustomization.yaml", input);
        // either outcome is fine; a panic fails the test
        let _ = palisade_kustomize::render(dir.path());
    }
}

#[test]
fn fields_point_at_the_base_line_or_the_patch_line_that_wrote_them() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    write(
        dir.path(),
        "overlay/kustomization.yaml",
        "resources: [../base]\nnamePrefix: prod-\npatches:\n- path: privileged.yaml\n",
    );
    write(
        dir.path(),
        "overlay/privileged.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          securityContext:\n            privileged: true\n",
    );
    let r = palisade_kustomize::render(&dir.path().join("overlay")).unwrap();
    let yaml = r.yaml();
    let line_of = |needle: &str| {
        yaml.text
            .lines()
            .position(|l| l.trim_start().starts_with(needle))
            .unwrap() as u32
            + 1
    };
    let privileged = yaml.source_of(line_of("privileged: true")).unwrap();
    assert!(privileged.file.ends_with("overlay/privileged.yaml"));
    assert_eq!(privileged.line, 11);
    let image = yaml.source_of(line_of("image: nginx")).unwrap();
    assert!(image.file.ends_with("base/deployment.yaml"));
    assert_eq!(image.line, 14);
    // the reference to the generated ConfigMap is renamed to its prefixed, hashed name
    let json = r.json();
    let deployment = json.iter().find(|o| o["kind"] == "Deployment").unwrap();
    let config = json.iter().find(|o| o["kind"] == "ConfigMap").unwrap();
    let name = config["metadata"]["name"].as_str().unwrap();
    assert!(
        name.starts_with("prod-settings-") && name.len() == "prod-settings-".len() + 10,
        "{name}"
    );
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["configMapRef"]
            ["name"],
        name
    );
    assert_eq!(deployment["metadata"]["name"], "prod-web");
}

#[test]
fn sort_options_fifo_keeps_the_order_of_the_resources() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n");
    write(
        dir.path(),
        "kustomization.yaml",
        "resources: [a.yaml]\nsortOptions:\n  order: fifo\n",
    );
    let kinds: Vec<String> = palisade_kustomize::render(dir.path())
        .unwrap()
        .resources
        .iter()
        .map(|r| r.kind().to_string())
        .collect();
    assert_eq!(kinds, ["Deployment", "Namespace"]);
    write(dir.path(), "kustomization.yaml", "resources: [a.yaml]\n");
    let kinds: Vec<String> = palisade_kustomize::render(dir.path())
        .unwrap()
        .resources
        .iter()
        .map(|r| r.kind().to_string())
        .collect();
    assert_eq!(kinds, ["Namespace", "Deployment"]);
}

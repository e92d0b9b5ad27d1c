//! `palisade render CHART` with `helm template`'s flags and `palisade scan` on charts, as a
//! user runs them.

use crate::common;

use std::fs;
use std::path::Path;

use common::{palisade, stderr, stdout};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn chart(root: &Path) {
    write(
        root,
        "chart/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    );
    write(
        root,
        "chart/values.yaml",
        "replicas: 1\nimage: nginx:1.27\n",
    );
    write(
        root,
        "chart/templates/deployment.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  namespace: {{ .Release.Namespace }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
        - name: app
          image: {{ .Values.image }}
",
    );
    write(
        root,
        "chart/templates/service.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-web\n",
    );
}

#[test]
fn render_prints_what_helm_template_prints() {
    // helm keeps a template's final newline: a blank line before the next `---`
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path());
    write(dir.path(), "prod.yaml", "replicas: 3\n");
    let out = palisade(
        dir.path(),
        &[
            "render",
            "shop",
            "chart",
            "-f",
            "prod.yaml",
            "--set",
            "image=nginx:1.28",
            "--namespace",
            "prod",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: shop-web

---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-web
  namespace: prod
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.28
"
    );
    let out = palisade(
        dir.path(),
        &["render", "chart", "--show-only", "templates/service.yaml"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("name: release-name-web"));
    assert!(!stdout(&out).contains("Deployment"));
}

#[test]
fn a_chart_that_cannot_render_is_an_error_naming_the_template_and_line() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path());
    write(
        dir.path(),
        "chart/templates/broken.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name | frobnicate }}\n",
    );
    let out = palisade(dir.path(), &["render", "chart"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("web/templates/broken.yaml"), "{err}");
    assert!(err.contains("line 4"), "{err}");
    assert!(err.contains("frobnicate"), "{err}");
}

#[test]
fn scan_renders_a_chart_and_reports_at_the_template() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path());
    write(
        dir.path(),
        "chart/templates/deployment.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  namespace: {{ .Release.Namespace }}
spec:
  template:
    spec:
      containers:
        - name: app
          image: {{ .Values.image }}
          securityContext:
            privileged: {{ .Values.privileged | default false }}
",
    );
    let out = palisade(
        dir.path(),
        &[
            "scan",
            ".",
            "--format",
            "json",
            "--scanners",
            "misconfig",
            "--helm-set",
            "privileged=true",
            "--helm-release",
            "shop",
            "--helm-namespace",
            "prod",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let privileged: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "ISO003")
        .cloned()
        .collect();
    assert_eq!(privileged.len(), 1, "{json:#}");
    let location = &privileged[0]["location"];
    assert_eq!(location["path"], "chart/templates/deployment.yaml");
    // the template line that writes the field
    assert_eq!(location["line"], 13, "{location:#}");
    assert_eq!(location["resource"], "Deployment/prod/shop-web");
    assert_eq!(location["rendered"]["path"], "chart");
    assert!(json["errors"].as_array().unwrap().is_empty(), "{json:#}");

    // without the value the template is not privileged: the raw template is not judged
    let out = palisade(
        dir.path(),
        &["scan", ".", "--format", "json", "--scanners", "misconfig"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule_id"] != "ISO003"),
        "{json:#}"
    );
}

#[test]
fn a_chart_that_cannot_render_is_a_scan_error_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path());
    write(
        dir.path(),
        "chart/templates/broken.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ required \"name is required\" .Values.name }}\n",
    );
    write(
        dir.path(),
        "plain/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox:1\n    securityContext: {privileged: true}\n",
    );
    let out = palisade(
        dir.path(),
        &["scan", ".", "--format", "json", "--scanners", "misconfig"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{json:#}");
    assert_eq!(errors[0]["path"], "chart/templates/broken.yaml");
    assert_eq!(errors[0]["line"], 4);
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("name is required"));
    let paths: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["location"]["path"].as_str())
        .collect();
    assert!(paths.contains(&"plain/pod.yaml"), "{json:#}");
    assert!(!paths.iter().any(|p| p.starts_with("chart/")), "{json:#}");
}

#[test]
fn a_remote_dependency_not_in_charts_is_a_scan_warning_and_a_render_error() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path());
    write(
        dir.path(),
        "chart/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: 17.0.0\n    repository: https://charts.example.com/stable\n  - name: cache\n    version: 1.0.0\n    repository: oci://registry.example.com/charts\n    condition: cache.enabled\n",
    );
    write(
        dir.path(),
        "chart/values.yaml",
        "replicas: 1\nimage: nginx:1.27\ncache:\n  enabled: false\n",
    );
    let out = palisade(
        dir.path(),
        &[
            "scan",
            "chart",
            "--format",
            "json",
            "--scanners",
            "misconfig",
        ],
    );
    // the chart's own templates are rendered and judged; the dependency is named as not
    // scanned; a disabled one is not mentioned
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = json["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{json:#}");
    assert_eq!(
        warnings[0],
        "chart web: dependency redis 17.0.0 from https://charts.example.com/stable is not in charts/ (Palisade does not download; `helm dependency build` fetches it); its objects are not rendered or scanned"
    );
    assert!(json["errors"].as_array().unwrap().is_empty(), "{json:#}");
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["location"]["path"] == "templates/deployment.yaml"),
        "{json:#}"
    );
    assert!(stderr(&out).contains("warning: chart web: dependency redis"));

    // `render` is `helm template`, which refuses the chart
    let out = palisade(dir.path(), &["render", "chart"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("found in Chart.yaml, but missing in charts/ directory: redis"),
        "{}",
        stderr(&out)
    );

    // a local dependency that is missing is the chart's error, as in Helm
    write(
        dir.path(),
        "chart/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n  - name: lib\n    version: 1.0.0\n    repository: file://../lib\n",
    );
    let out = palisade(
        dir.path(),
        &[
            "scan",
            "chart",
            "--format",
            "json",
            "--scanners",
            "misconfig",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("chart chart cannot be rendered, its objects are not scanned: found in Chart.yaml, but missing in charts/ directory: lib"),
        "{json:#}"
    );
    assert!(json["warnings"].as_array().unwrap().is_empty(), "{json:#}");
}

#[test]
fn scan_renders_a_chart_archive() {
    let dir = tempfile::tempdir().unwrap();
    let mut tar = tar::Builder::new(Vec::new());
    for (path, text) in [
        ("pod/Chart.yaml", "apiVersion: v2\nname: pod\nversion: 0.1.0\n"),
        (
            "pod/templates/pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox:1\n    securityContext: {privileged: true}\n",
        ),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        tar.append_data(&mut header, path, text.as_bytes()).unwrap();
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &tar.into_inner().unwrap()).unwrap();
    fs::write(dir.path().join("pod-0.1.0.tgz"), gz.finish().unwrap()).unwrap();
    let out = palisade(
        dir.path(),
        &["scan", ".", "--format", "json", "--scanners", "misconfig"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let privileged: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "ISO003")
        .collect();
    assert_eq!(privileged.len(), 1, "{json:#}");
    assert_eq!(
        privileged[0]["location"]["path"],
        "pod-0.1.0.tgz/templates/pod.yaml"
    );
    // the line inside the archive's template
    assert_eq!(privileged[0]["location"]["line"], 8, "{json:#}");
    assert_eq!(
        privileged[0]["location"]["rendered"]["path"],
        "pod-0.1.0.tgz"
    );
}

#[test]
fn values_the_chart_schema_refuses_are_an_error_unless_the_check_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path());
    write(
        dir.path(),
        "chart/values.schema.json",
        r#"{"$schema": "http://json-schema.org/draft-07/schema#", "required": ["image"],
            "properties": {"replicas": {"type": "integer", "minimum": 1}}}"#,
    );
    // `palisade render` fails as `helm template` does, with Helm's words
    let out = palisade(dir.path(), &["render", "chart", "--set", "replicas=0"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains(
            "values don't meet the specifications of the schema(s) in the following chart(s):\nweb:\n- at '/replicas': minimum: got 0, want 1"
        ),
        "{}",
        stderr(&out)
    );
    let out = palisade(
        dir.path(),
        &[
            "render",
            "chart",
            "--set",
            "replicas=0",
            "--skip-schema-validation",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("replicas: 0"));

    // `palisade scan`: the chart is an error naming it, never a green scan of nothing
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", ".", "--format", "json", "--scanners", "misconfig"];
        args.extend_from_slice(extra);
        let out = palisade(dir.path(), &args);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), json)
    };
    let (code, json) = scan(&["--helm-set", "replicas=0"]);
    assert_eq!(code, Some(2), "{json:#}");
    let message = json["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("- at '/replicas': minimum: got 0, want 1"),
        "{message}"
    );
    let (code, json) = scan(&["--helm-set", "replicas=0", "--helm-skip-schema-validation"]);
    assert_ne!(code, Some(2), "{json:#}");
    assert!(json["errors"].as_array().unwrap().is_empty(), "{json:#}");
    let (code, json) = scan(&["--helm-set", "replicas=2"]);
    assert_ne!(code, Some(2), "{json:#}");
    assert!(json["errors"].as_array().unwrap().is_empty(), "{json:#}");
}

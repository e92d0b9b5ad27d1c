//! `palisade render CHART` with `helm template`'s flags, as a user runs it.

mod common;

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

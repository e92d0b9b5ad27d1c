//! End-to-end tests of `palisade rbac` and `palisade netpol` on a small cluster state, and
//! of the HTML pictures rendered in headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/k8s-graph")
}

fn palisade(args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(args)
        .output()
        .expect("palisade runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn who_can_json_lists_the_subjects_as_bound() {
    let dir = fixture();
    let (out, err, code) = palisade(&[
        "rbac",
        "who-can",
        "list",
        "secrets",
        "-n",
        "frontend",
        "--format",
        "json",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let subjects = v["subjects"].as_array().unwrap();
    assert!(
        subjects.contains(
            &serde_json::json!({"kind": "ServiceAccount", "name": "web", "namespace": "frontend"})
        ),
        "{out}"
    );
    assert!(
        subjects.contains(&serde_json::json!({"kind": "Group", "name": "oncall"})),
        "{out}"
    );
    assert!(
        subjects.contains(&serde_json::json!({"kind": "Group", "name": "system:masters"})),
        "{out}"
    );
    assert_eq!(subjects.len(), 3, "{out}");
}

#[test]
fn netpol_explain_json_says_allowed_and_why() {
    let dir = fixture();
    let d = dir.to_str().unwrap();
    let (out, err, code) = palisade(&[
        "netpol",
        "explain",
        "--from",
        "frontend/web",
        "--to",
        "db/postgres",
        "--port",
        "5432",
        "--format",
        "json",
        d,
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["allowed"], serde_json::json!(true), "{out}");
    assert_eq!(
        v["policies"],
        serde_json::json!(["NetworkPolicy/db/postgres-from-web"])
    );
    assert_eq!(
        v["rules"][0]["policy"],
        "NetworkPolicy/db/postgres-from-web"
    );
    let (out, _, _) = palisade(&[
        "netpol",
        "explain",
        "--from",
        "frontend/web",
        "--to",
        "db/postgres",
        "--port",
        "22",
        "--format",
        "json",
        d,
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["allowed"], serde_json::json!(false), "{out}");
    let (out, _, _) = palisade(&[
        "netpol",
        "explain",
        "--from",
        "db/*",
        "--to",
        "db/postgres",
        "--port",
        "5432",
        "--format",
        "json",
        d,
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["allowed"], serde_json::json!(false), "{out}");
}

#[test]
fn scan_reports_rbac_net_and_sec_findings_with_evidence() {
    let dir = fixture();
    let (out, _, code) = palisade(&[
        "scan",
        "--format",
        "json",
        "--practice",
        "RBAC,NET,SEC",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    for id in ["RBAC004", "RBAC014", "SEC210", "NET001", "NET002"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let rbac014 = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "RBAC014")
        .unwrap();
    let labels: Vec<&str> = rbac014["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["label"].as_str().unwrap())
        .collect();
    assert!(
        labels[0].starts_with("subject ServiceAccount frontend/web"),
        "{labels:?}"
    );
    assert!(
        labels
            .iter()
            .any(|l| l.starts_with("bound by RoleBinding/frontend/web-secrets")),
        "{labels:?}"
    );
    assert!(
        labels
            .iter()
            .any(|l| l.starts_with("rule get,list secrets")),
        "{labels:?}"
    );
}

#[test]
fn dot_pictures_name_every_node() {
    let dir = fixture();
    let (dot, _, code) = palisade(&["netpol", "matrix", "--format", "dot", dir.to_str().unwrap()]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("netpol_matrix_dot", dot);
    let (dot, _, code) = palisade(&["rbac", "graph", "--format", "dot", dir.to_str().unwrap()]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("rbac_graph_dot", dot);
}

/// Renders an HTML file in headless Chromium; returns the DOM after layout, or `None` when
/// Chromium is not installed (.ci/install.d/40-chromium.sh installs it).
fn render(html: &Path, png: &Path) -> Option<String> {
    let chromium = ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(chromium) = chromium else {
        eprintln!("SKIP: chromium not installed; run .ci/install.d/40-chromium.sh");
        return None;
    };
    let profile = tempfile::tempdir().unwrap();
    let common = |cmd: &mut Command| {
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()));
    };
    let url = format!("file://{}", html.display());
    let mut shot = Command::new(chromium);
    common(&mut shot);
    let status = shot
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1400,1000")
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        png.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut dump = Command::new(chromium);
    common(&mut dump);
    let out = dump.arg("--dump-dom").arg(&url).output().unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn html_pictures_render_in_chromium_without_network() {
    let dir = fixture();
    let tmp = tempfile::tempdir().unwrap();
    for (args, names) in [
        (
            vec!["netpol", "matrix", "--format", "html"],
            vec![
                "frontend/web",
                "db/postgres",
                "internet",
                "db/*",
                "namespace",
            ],
        ),
        (
            vec!["rbac", "graph", "--format", "html"],
            vec![
                "ServiceAccount frontend/web",
                "RoleBinding/frontend/web-secrets",
                "Role/frontend/secret-reader",
                "read Secrets",
                "Group oncall",
                "ClusterRole/edit",
            ],
        ),
    ] {
        let html = tmp.path().join(format!("{}.html", args[0]));
        let mut full = args.clone();
        let (h, d) = (
            html.to_str().unwrap().to_string(),
            dir.to_str().unwrap().to_string(),
        );
        full.extend(["-o", &h, &d]);
        let (_, err, code) = palisade(&full);
        assert_eq!(code, 0, "{err}");
        let page = std::fs::read_to_string(&html).unwrap();
        for fetch in ["http://", "https://", "src=", "@import"] {
            assert!(
                !page.contains(fetch)
                    || fetch == "http://"
                        && page
                            .matches("http://")
                            .all(|_| page.contains("http://www.w3.org/2000/svg")),
                "{} page would fetch something ({fetch})",
                args[0]
            );
        }
        let png = tmp.path().join(format!("{}.png", args[0]));
        let Some(dom) = render(&html, &png) else {
            return;
        };
        for name in names {
            let escaped = name.replace('&', "&amp;");
            assert!(
                dom.contains(&escaped),
                "{}: `{name}` is not in the rendered page",
                args[0]
            );
        }
        assert!(dom.contains("<svg"), "{}: no SVG rendered", args[0]);
        let size = std::fs::metadata(&png).unwrap().len();
        assert!(
            size > 10_000,
            "{}: the screenshot is nearly empty ({size} bytes)",
            args[0]
        );
    }
}

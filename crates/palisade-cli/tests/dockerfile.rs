//! `palisade scan` on a tree with Dockerfiles: found by name and content, findings at
//! file:line with the stage as resource, inline ignores honoured, broken files reported
//! with their line while the rest is still scanned.

use crate::common;

use common::*;

fn write(dir: &std::path::Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn dockerfiles_in_a_tree_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "api/Dockerfile",
        "FROM golang:1.22 AS build\nRUN go build -o /app .\n\nFROM debian:latest AS runtime\nENV DB_PASSWORD=hunter2\nCOPY --from=build /app /app\nUSER 10001\nHEALTHCHECK CMD [\"/app\", \"health\"]\n",
    );
    write(
        dir.path(),
        "web/Containerfile",
        "# palisade:ignore IMG011 runs as the image's nginx user\nFROM nginx:1.27\nHEALTHCHECK NONE\n",
    );
    write(
        dir.path(),
        "tools/build.dockerfile",
        "FROM alpine:3.19\nUSER app\nRUN <<EOF\necho never closed\n",
    );
    write(dir.path(), "notes.txt", "FROM here we go\n");

    let out = palisade(dir.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a broken Dockerfile is an error: {}",
        stderr(&out)
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let findings: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f["location"]["path"].as_str().unwrap(),
                f["location"]["line"],
                f["rule_id"].as_str().unwrap(),
                f["location"]["resource"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        findings,
        vec![
            "api/Dockerfile:4 IMG010 Dockerfile/runtime",
            "api/Dockerfile:5 IMG020 Dockerfile/runtime",
        ]
    );
    let suppressed = doc["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["rule_id"], "IMG011");
    assert_eq!(suppressed[0]["location"]["path"], "web/Containerfile");
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["path"], "tools/build.dockerfile");
    assert_eq!(errors[0]["line"], 3);
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("never closed"));
}

#[test]
fn dockerfile_rules_are_listed_and_documented() {
    let out = palisade(&repo_root(), &["rule", "IMG021"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("Remote script piped to a shell"), "{text}");
    assert!(text.contains("sha256sum"), "{text}");
}

//! `palisade image` and `palisade sbom` pulling from a real registry (Debian's
//! `docker-registry` with htpasswd basic auth on 127.0.0.1, the image pushed with `skopeo`):
//! the login from `DOCKER_AUTH_CONFIG` (a whole `config.json`, as GitLab CI sets it), and a
//! credential helper that outlives `--credential-helper-timeout`. The registry tools missing
//! is a skip locally and a failure in CI.

use crate::common;
use crate::image_builder;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{stderr, stdout};
use image_builder::{Comp, TestImage, E};
use palisade_testkit::registry::Registry;

const USER: &str = "alice";
const PASSWORD: &str = "s3cret-pass-2b7e";

/// Runs `palisade ARGS` in `dir` with no Docker configuration of the machine's (an empty
/// `DOCKER_CONFIG`, no `DOCKER_AUTH_CONFIG`) unless `auth_config` gives one, and `dir/bin`
/// first on the `PATH`.
fn palisade(dir: &Path, args: &[&str], auth_config: Option<&str>) -> Output {
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new(env!("CARGO_BIN_EXE_palisade"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("PALISADE_DB", "no-vulnerability-database/osv.db")
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("DOCKER_CONFIG", dir.join("docker"))
        .env("PATH", path)
        .env_remove("DOCKER_AUTH_CONFIG")
        .stdin(Stdio::null());
    if let Some(config) = auth_config {
        command.env("DOCKER_AUTH_CONFIG", config);
    }
    command.output().unwrap()
}

/// A registry with basic auth holding `private/app:1`, and a folder for the runs.
fn private_registry() -> Option<(Registry, tempfile::TempDir, String)> {
    if !palisade_testkit::registry::tools(&["docker-registry", "skopeo", "htpasswd"]) {
        return None;
    }
    let registry = Registry::start(Some((USER, PASSWORD)));
    let image = TestImage::new().layer(
        "ADD rootfs /",
        &[
            E::Dir("etc"),
            E::File("etc/os-release", b"ID=alpine\nVERSION_ID=3.22.0\n".to_vec()),
            E::File("lib/apk/db/installed", b"P:musl\nV:1.2.5-r10\n".to_vec()),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("layout");
    image.oci_layout(&layout, "t", Comp::Gzip);
    registry.copy(
        &format!("oci:{}:t", layout.display()),
        "private/app:1",
        Some(&format!("{USER}:{PASSWORD}")),
        false,
    );
    std::fs::create_dir_all(dir.path().join("docker")).unwrap();
    std::fs::create_dir_all(dir.path().join("bin")).unwrap();
    let reference = format!("{}/private/app:1", registry.host());
    Some((registry, dir, reference))
}

fn auths(host: &str) -> String {
    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    format!(r#""auths":{{"{host}":{{"auth":"{auth}"}}}}"#)
}

#[test]
fn the_login_comes_from_docker_auth_config() {
    let Some((registry, dir, reference)) = private_registry() else {
        return;
    };
    let d = dir.path();
    let image_args = [
        "image",
        &reference,
        "--insecure",
        "-f",
        "json",
        "--fail-on",
        "never",
    ];

    // no login anywhere: the pull is refused, and the error says where logins are read
    let out = palisade(d, &image_args, None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "no credentials for {} were found (docker login, DOCKER_CONFIG or DOCKER_AUTH_CONFIG)",
            registry.host()
        )),
        "{}",
        stderr(&out)
    );

    let config = format!("{{{}}}", auths(&registry.host()));
    let out = palisade(d, &image_args, Some(&config));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(report.is_object(), "{report}");
    assert!(stderr(&out).contains("1 OS packages"), "{}", stderr(&out));

    let out = palisade(d, &["sbom", &reference, "--insecure"], Some(&config));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sbom: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let names: Vec<&str> = sbom["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(names.contains(&"musl"), "{names:?}");

    // a malformed variable is a warning naming it, never quoting it; the file still answers
    std::fs::write(d.join("docker/config.json"), &config).unwrap();
    let out = palisade(d, &image_args, Some(r#"{"auths": "c2VjcmV0"}"#));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("DOCKER_AUTH_CONFIG: not a Docker config (a field of the wrong type) at line 1, column 20; no registry credentials taken from it"),
        "{err}"
    );
    assert!(
        !err.contains("c2VjcmV0") && !err.contains(PASSWORD),
        "{err}"
    );
}

#[test]
fn a_credential_helper_is_stopped_at_the_deadline_given() {
    let Some((registry, dir, reference)) = private_registry() else {
        return;
    };
    let d = dir.path();
    let helper = d.join("bin/docker-credential-slow");
    std::fs::write(&helper, "#!/bin/sh\nsleep 60\n").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // the helper comes first and hangs; the auths entry answers once it is stopped
    let config = format!(r#"{{"credsStore":"slow",{}}}"#, auths(&registry.host()));
    let started = Instant::now();
    let out = palisade(
        d,
        &[
            "image",
            &reference,
            "--insecure",
            "--credential-helper-timeout",
            "1",
            "-f",
            "json",
            "--fail-on",
            "never",
        ],
        Some(&config),
    );
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert!(
        stderr(&out).contains(&format!(
            "DOCKER_AUTH_CONFIG: credential helper docker-credential-slow (credsStore) for {}: no answer within 1 s; stopped",
            registry.host()
        )),
        "{}",
        stderr(&out)
    );

    // zero is no deadline at all: refused as a usage error
    let out = palisade(
        d,
        &["image", &reference, "--credential-helper-timeout", "0"],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--credential-helper-timeout"),
        "{}",
        stderr(&out)
    );
}

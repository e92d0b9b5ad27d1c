//! Pulls from a real registry (Debian's `docker-registry`, started on 127.0.0.1 by the test,
//! images pushed with `skopeo copy`): by tag, by digest, with basic auth from a Docker
//! config, one platform of a multi-arch index; and from a misbehaving HTTP server that
//! answers 401/404/500 or hangs.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use palisade_artifact::{analyse, Image, ImagesConfig, OpenOptions, PlatformSpec, RegistryOptions};

fn on_path(tool: &str) -> bool {
    std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .any(|d| Path::new(d).join(tool).is_file())
}

fn tools_present() -> bool {
    for tool in ["docker-registry", "skopeo", "htpasswd"] {
        if !on_path(tool) {
            eprintln!("SKIP: {tool} is not installed (see .ci/install.d/50-images.sh)");
            return false;
        }
    }
    true
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A registry process, killed when dropped.
struct Registry {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Registry {
    fn start(auth: Option<(&str, &str)>) -> Registry {
        let dir = tempdir();
        let port = free_port();
        let mut yml = format!(
            "version: 0.1\nlog: {{level: error}}\nstorage: {{filesystem: {{rootdirectory: {}}}}}\nhttp: {{addr: 127.0.0.1:{port}}}\n",
            dir.path().join("data").display()
        );
        if let Some((user, pass)) = auth {
            let out = Command::new("htpasswd")
                .args(["-Bbn", user, pass])
                .output()
                .unwrap();
            std::fs::write(dir.path().join("htpasswd"), &out.stdout).unwrap();
            yml.push_str(&format!(
                "auth: {{htpasswd: {{realm: palisade-test, path: {}}}}}\n",
                dir.path().join("htpasswd").display()
            ));
        }
        std::fs::write(dir.path().join("config.yml"), yml).unwrap();
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(dir.path().join("config.yml"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "registry did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Registry {
            child,
            port,
            _dir: dir,
        }
    }

    fn push(&self, source: &str, dest: &str, creds: Option<&str>, all: bool) {
        let mut cmd = Command::new("skopeo");
        cmd.args(["copy", "--quiet", "--dest-tls-verify=false"]);
        if all {
            cmd.arg("--all");
        }
        if let Some(c) = creds {
            cmd.args(["--dest-creds", c]);
        }
        let status = cmd
            .arg(source)
            .arg(format!("docker://127.0.0.1:{}/{dest}", self.port))
            .status()
            .unwrap();
        assert!(status.success(), "skopeo copy {source} failed");
    }
}

fn options(docker_config: Option<PathBuf>) -> OpenOptions {
    OpenOptions {
        registry: RegistryOptions {
            insecure: true,
            docker_config_dir: Some(docker_config.unwrap_or_else(|| PathBuf::from("/nonexistent"))),
            read_timeout: Duration::from_secs(5),
            ..RegistryOptions::default()
        },
        ..OpenOptions::default()
    }
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

fn app_image(marker: &str, arch: &str) -> TestImage {
    let mut image = TestImage::new()
        .layer(
            "ADD rootfs /",
            &[
                E::File("etc/os-release", b"ID=alpine\nVERSION_ID=3.22.0\n".to_vec()),
                E::File("lib/apk/db/installed", b"P:musl\nV:1.2.5-r10\n".to_vec()),
            ],
        )
        .layer(
            "COPY arch.txt /",
            &[E::File("arch.txt", marker.as_bytes().to_vec())],
        );
    image.architecture = arch.to_string();
    image
}

#[test]
fn pull_by_tag_and_digest() {
    if !tools_present() {
        return;
    }
    let registry = Registry::start(None);
    let dir = tempdir();
    let layout = dir.path().join("layout");
    app_image("amd64", "amd64").oci_layout(&layout, "1", Comp::Gzip);
    registry.push(
        &format!("oci:{}:1", layout.display()),
        "team/app:1",
        None,
        false,
    );

    let by_tag = format!("127.0.0.1:{}/team/app:1", registry.port);
    let mut image = Image::open(&by_tag, &options(None)).unwrap();
    let a = analyse(
        &mut image,
        &mut [],
        &|p| p == "arch.txt",
        &ImagesConfig::default(),
        today(),
        |_| {},
    )
    .unwrap();
    assert_eq!(a.kind.as_str(), "registry");
    assert_eq!(a.fs.read("arch.txt").unwrap().unwrap(), b"amd64");
    assert_eq!(a.packages.len(), 1);
    let digest = a.manifest_digest.clone().unwrap();

    let by_digest = format!("127.0.0.1:{}/team/app@{digest}", registry.port);
    let mut image = Image::open(&by_digest, &options(None)).unwrap();
    let b = analyse(
        &mut image,
        &mut [],
        &|_| false,
        &ImagesConfig::default(),
        today(),
        |_| {},
    )
    .unwrap();
    assert_eq!(b.manifest_digest.as_deref(), Some(digest.as_str()));
    assert_eq!(b.layers, a.layers);

    let missing = format!("127.0.0.1:{}/team/app:nope", registry.port);
    let err = Image::open(&missing, &options(None))
        .unwrap_err()
        .to_string();
    assert!(err.contains("not found"), "{err}");
    assert!(err.starts_with(&missing), "{err}");
}

#[test]
fn basic_auth_from_docker_config() {
    if !tools_present() {
        return;
    }
    let registry = Registry::start(Some(("alice", "s3cret-pass")));
    let dir = tempdir();
    let layout = dir.path().join("layout");
    app_image("amd64", "amd64").oci_layout(&layout, "1", Comp::Zstd);
    registry.push(
        &format!("oci:{}:1", layout.display()),
        "private/app:1",
        Some("alice:s3cret-pass"),
        false,
    );
    let reference = format!("127.0.0.1:{}/private/app:1", registry.port);

    let err = Image::open(&reference, &options(None))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no credentials for 127.0.0.1"), "{err}");

    let config_dir = dir.path().join("docker");
    std::fs::create_dir_all(&config_dir).unwrap();
    let write_auth = |secret: &str| {
        use base64::Engine as _;
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("alice:{secret}"));
        std::fs::write(
            config_dir.join("config.json"),
            format!(
                r#"{{"auths":{{"127.0.0.1:{}":{{"auth":"{auth}"}}}}}}"#,
                registry.port
            ),
        )
        .unwrap();
    };
    write_auth("wrong");
    let err = Image::open(&reference, &options(Some(config_dir.clone())))
        .unwrap_err()
        .to_string();
    assert!(err.contains("credentials were refused"), "{err}");

    write_auth("s3cret-pass");
    let mut image = Image::open(&reference, &options(Some(config_dir))).unwrap();
    let a = analyse(
        &mut image,
        &mut [],
        &|p| p == "arch.txt",
        &ImagesConfig::default(),
        today(),
        |_| {},
    )
    .unwrap();
    assert_eq!(a.fs.read("arch.txt").unwrap().unwrap(), b"amd64");
}

#[test]
fn one_platform_of_a_multi_arch_index() {
    if !tools_present() {
        return;
    }
    let registry = Registry::start(None);
    let dir = tempdir();
    let layout = dir.path().join("layout");
    let amd = app_image("amd64", "amd64").write_oci_blobs(&layout, Comp::Gzip);
    let arm = app_image("arm64", "arm64").write_oci_blobs(&layout, Comp::Gzip);
    let index = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [amd, arm],
    }))
    .unwrap();
    let index_digest = sha(&index);
    std::fs::write(layout.join("blobs/sha256").join(&index_digest[7..]), &index).unwrap();
    write_index(
        &layout,
        vec![serde_json::json!({
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "digest": index_digest, "size": index.len(),
            "annotations": {"org.opencontainers.image.ref.name": "multi"},
        })],
    );
    // The layout itself, read locally, honours --platform too.
    let mut local = options(None);
    local.platform = PlatformSpec::parse("linux/arm64");
    let mut image = Image::open(&format!("{}:multi", layout.display()), &local).unwrap();
    let a = analyse(
        &mut image,
        &mut [],
        &|p| p == "arch.txt",
        &ImagesConfig::default(),
        today(),
        |_| {},
    )
    .unwrap();
    assert_eq!(a.fs.read("arch.txt").unwrap().unwrap(), b"arm64");

    registry.push(
        &format!("oci:{}:multi", layout.display()),
        "team/multi:1",
        None,
        true,
    );
    let reference = format!("127.0.0.1:{}/team/multi:1", registry.port);
    for (platform, want) in [
        (Some("linux/arm64"), "arm64"),
        (Some("linux/amd64"), "amd64"),
    ] {
        let mut opts = options(None);
        opts.platform = platform.and_then(PlatformSpec::parse);
        let mut image = Image::open(&reference, &opts).unwrap();
        let a = analyse(
            &mut image,
            &mut [],
            &|p| p == "arch.txt",
            &ImagesConfig::default(),
            today(),
            |_| {},
        )
        .unwrap();
        assert_eq!(a.fs.read("arch.txt").unwrap().unwrap(), want.as_bytes());
        assert_eq!(a.architecture.as_deref(), Some(want));
    }
    let mut opts = options(None);
    opts.platform = PlatformSpec::parse("linux/s390x");
    let err = Image::open(&reference, &opts).unwrap_err().to_string();
    assert!(
        err.contains("no image for platform linux/s390x (available: linux/amd64, linux/arm64)"),
        "{err}"
    );
}

/// A one-thread HTTP server answering every request with `status` (or never answering).
fn bad_server(status: Option<u16>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            let Some(code) = status else {
                std::thread::sleep(Duration::from_secs(30));
                continue;
            };
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 {code} Oops\r\nContent-Length: 5\r\nConnection: close\r\n\r\noops!"
            );
        }
    });
    port
}

#[test]
fn misbehaving_registries_give_clear_errors() {
    for (status, expected) in [
        (Some(401), "unsupported authentication challenge"),
        (Some(404), "not found"),
        (Some(500), "server answered HTTP 500"),
        (None, "timed out"),
    ] {
        let port = bad_server(status);
        let reference = format!("127.0.0.1:{port}/team/app:1");
        let mut opts = options(None);
        opts.registry.read_timeout = Duration::from_secs(1);
        let started = Instant::now();
        let err = Image::open(&reference, &opts).unwrap_err().to_string();
        assert!(err.contains(expected), "{status:?}: {err}");
        assert!(
            err.contains(&format!("http://127.0.0.1:{port}/v2/team/app/manifests/1")),
            "{err}"
        );
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}

//! moto, the Python implementation of the AWS APIs, for the `palisade cloud aws` tests and
//! the README's examples: `moto_server` on a free loopback port, seeded by
//! `tests/cloud/seed.py` (boto3). moto is found at $PALISADE_MOTO_SERVER,
//! $PALISADE_REF_DIR/venv-moto/bin/moto_server,
//! ~/.cache/palisade-ref/venv-moto/bin/moto_server (what .ci/install.d/45-moto.sh installs)
//! or /opt/peers/venv-moto/bin/moto_server. Without it the tests print a skip line locally
//! and fail when CI is set.

// Each test that includes this file uses part of it.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Where `moto_server` is; `None` with a skip line locally, a panic when `CI` is set.
pub fn moto_server() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(p) = std::env::var_os("PALISADE_MOTO_SERVER") {
        candidates.push(PathBuf::from(p));
    }
    if let Some(d) = std::env::var_os("PALISADE_REF_DIR") {
        candidates.push(PathBuf::from(d).join("venv-moto/bin/moto_server"));
    }
    if let Some(h) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(h).join(".cache/palisade-ref/venv-moto/bin/moto_server"));
    }
    candidates.push(PathBuf::from("/opt/peers/venv-moto/bin/moto_server"));
    let found = candidates.into_iter().find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "moto_server not found: run .ci/install.d/45-moto.sh or set PALISADE_MOTO_SERVER"
        );
        eprintln!(
            "SKIP: moto_server not found (run .ci/install.d/45-moto.sh); cloud aws tests not run"
        );
    }
    found
}

/// A child process killed when the test ends, pass or fail.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Moto {
    _server: Killed,
    pub python: PathBuf,
    pub endpoint: String,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn start_moto() -> Option<Moto> {
    start_moto_with(&[])
}

/// moto with extra environment variables (`MOTO_IAM_LOAD_MANAGED_POLICIES=true` makes it
/// know the AWS managed policies a role can attach).
pub fn start_moto_with(env: &[(&str, &str)]) -> Option<Moto> {
    let server = moto_server()?;
    let python = server.with_file_name("python");
    let port = free_port();
    let child = Command::new(&server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server starts");
    let server = Killed(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "moto_server did not listen within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(Moto {
        _server: server,
        python,
        endpoint: format!("http://127.0.0.1:{port}"),
    })
}

pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cloud")
        .join(name)
}

impl Moto {
    pub fn seed(&self, mode: &str) -> Value {
        let out = Command::new(&self.python)
            .arg(script("seed.py"))
            .args([&self.endpoint, mode])
            .output()
            .expect("seed.py runs");
        assert!(
            out.status.success(),
            "seed.py {mode} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("seed.py prints JSON")
    }
}

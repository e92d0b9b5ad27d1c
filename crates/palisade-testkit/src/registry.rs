//! A real OCI registry for tests: Debian's `docker-registry` on a free loopback port, with
//! optional htpasswd basic auth and extra configuration, filled with `skopeo copy`. The
//! process is killed when the [`Registry`] is dropped.

use std::net::{IpAddr, Ipv6Addr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Whether every tool is on the `PATH`: `false` with a `SKIP:` line on a developer's
/// machine, a panic when `CI` is set (the install scripts put them there).
pub fn tools(needed: &[&str]) -> bool {
    let missing: Vec<&str> = needed.iter().copied().filter(|t| !on_path(t)).collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{missing:?} not installed (.ci/install.d/50-images.sh); required when CI is set"
    );
    eprintln!("SKIP: {missing:?} not installed (see .ci/install.d/50-images.sh)");
    false
}

/// Whether `tool` is an executable file in a folder of the `PATH`.
pub fn on_path(tool: &str) -> bool {
    std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .any(|d| Path::new(d).join(tool).is_file())
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind 127.0.0.1:0")
        .local_addr()
        .expect("local address")
        .port()
}

/// A registry process, killed when dropped.
pub struct Registry {
    child: Child,
    ip: IpAddr,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Registry {
    /// Starts a registry, with htpasswd basic auth for `(user, password)` when given.
    pub fn start(auth: Option<(&str, &str)>) -> Registry {
        Self::start_with(auth, |_| String::new())
    }

    /// Like [`Registry::start`]; `extra_config` receives the registry's folder and answers
    /// more YAML configuration (a token service, for instance).
    pub fn start_with(
        auth: Option<(&str, &str)>,
        extra_config: impl FnOnce(&Path) -> String,
    ) -> Registry {
        let dir = tempfile::tempdir().expect("temporary folder");
        let port = free_port();
        let mut yml = format!(
            "version: 0.1\nlog: {{level: error}}\nstorage: {{filesystem: {{rootdirectory: {}}}}}\nhttp: {{addr: 127.0.0.1:{port}}}\n",
            dir.path().join("data").display()
        );
        if let Some((user, pass)) = auth {
            let out = Command::new("htpasswd")
                .args(["-Bbn", user, pass])
                .output()
                .expect("htpasswd");
            std::fs::write(dir.path().join("htpasswd"), &out.stdout).expect("write htpasswd");
            yml.push_str(&format!(
                "auth: {{htpasswd: {{realm: palisade-test, path: {}}}}}\n",
                dir.path().join("htpasswd").display()
            ));
        }
        yml.push_str(&extra_config(dir.path()));
        std::fs::write(dir.path().join("config.yml"), yml).expect("write config.yml");
        Self::serve(dir, IpAddr::from([127, 0, 0, 1]), port)
    }

    /// Runs `docker-registry serve DIR/config.yml` and waits until `ip:port` answers.
    fn serve(dir: tempfile::TempDir, ip: IpAddr, port: u16) -> Registry {
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(dir.path().join("config.yml"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect((ip, port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "registry did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Registry {
            child,
            ip,
            port,
            dir,
        }
    }

    /// A second registry process serving this one's storage, without authentication, on
    /// the IPv6 loopback (`[::1]:PORT`): for references with an IPv6 host, which skopeo
    /// cannot push to (push here, pull there). `None` when `::1` cannot be bound on this
    /// machine.
    pub fn mirror_on_ipv6_loopback(&self) -> Option<Registry> {
        let port = TcpListener::bind((Ipv6Addr::LOCALHOST, 0))
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let dir = tempfile::tempdir().expect("temporary folder");
        let yml = format!(
            "version: 0.1\nlog: {{level: error}}\nstorage: {{filesystem: {{rootdirectory: {}}}}}\nhttp: {{addr: \"[::1]:{port}\"}}\n",
            self.dir.path().join("data").display()
        );
        std::fs::write(dir.path().join("config.yml"), yml).expect("write config.yml");
        Some(Self::serve(dir, IpAddr::V6(Ipv6Addr::LOCALHOST), port))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:PORT` (`[::1]:PORT` on the IPv6 loopback), the host part of references
    /// to this registry.
    pub fn host(&self) -> String {
        match self.ip {
            IpAddr::V4(ip) => format!("{ip}:{}", self.port),
            IpAddr::V6(ip) => format!("[{ip}]:{}", self.port),
        }
    }

    /// Copies `source` (any skopeo transport: `oci:DIR:TAG`, `docker-archive:FILE`) to
    /// `dest` (`repo:tag`) in this registry, every platform of an index with `all`.
    pub fn copy(&self, source: &str, dest: &str, creds: Option<&str>, all: bool) {
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
            .arg(format!("docker://{}/{dest}", self.host()))
            .status()
            .expect("skopeo");
        assert!(status.success(), "skopeo copy {source} failed");
    }

    /// The manifest digest of `name` (`repo:tag`) as the registry serves it.
    pub fn digest(&self, name: &str) -> String {
        let out = Command::new("skopeo")
            .args(["inspect", "--tls-verify=false", "--format", "{{.Digest}}"])
            .arg(format!("docker://{}/{name}", self.host()))
            .output()
            .expect("skopeo");
        assert!(
            out.status.success(),
            "skopeo inspect {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

//! Pulls from a real registry (Debian's `docker-registry`, started on 127.0.0.1 by the test,
//! images pushed with `skopeo copy`): by tag, by digest, with basic auth from a Docker
//! config, one platform of a multi-arch index; and from a misbehaving HTTP server that
//! answers 401/404/500 or hangs.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use palisade_artifact::{analyse, Image, ImagesConfig, OpenOptions, PlatformSpec, RegistryOptions};
use palisade_testkit::registry::{self, on_path, Registry};

fn tools_present() -> bool {
    registry::tools(&["docker-registry", "skopeo", "htpasswd"])
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

/// Writes `config_dir/config.json` with `user:secret` as the auth for the test registry.
fn write_docker_auth(config_dir: &Path, port: u16, user: &str, secret: &str) {
    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"));
    std::fs::write(
        config_dir.join("config.json"),
        format!(r#"{{"auths":{{"127.0.0.1:{port}":{{"auth":"{auth}"}}}}}}"#),
    )
    .unwrap();
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
    registry.copy(
        &format!("oci:{}:1", layout.display()),
        "team/app:1",
        None,
        false,
    );

    let by_tag = format!("127.0.0.1:{}/team/app:1", registry.port());
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

    let by_digest = format!("127.0.0.1:{}/team/app@{digest}", registry.port());
    let mut image = Image::open(&by_digest, &options(None)).unwrap();
    let b = analyse_plain(&mut image).unwrap();
    assert_eq!(b.manifest_digest.as_deref(), Some(digest.as_str()));
    assert_eq!(b.layers, a.layers);

    let missing = format!("127.0.0.1:{}/team/app:nope", registry.port());
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
    registry.copy(
        &format!("oci:{}:1", layout.display()),
        "private/app:1",
        Some("alice:s3cret-pass"),
        false,
    );
    let reference = format!("127.0.0.1:{}/private/app:1", registry.port());

    let err = Image::open(&reference, &options(None))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no credentials for 127.0.0.1"), "{err}");

    let config_dir = dir.path().join("docker");
    std::fs::create_dir_all(&config_dir).unwrap();
    let write_auth =
        |secret: &str| write_docker_auth(&config_dir, registry.port(), "alice", secret);
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
fn credentials_from_a_helper_or_past_a_malformed_entry() {
    use base64::Engine as _;
    if !tools_present() {
        return;
    }
    let registry = Registry::start(Some(("alice", "s3cret-pass")));
    let dir = tempdir();
    let layout = dir.path().join("layout");
    app_image("amd64", "amd64").oci_layout(&layout, "1", Comp::Zstd);
    registry.copy(
        &format!("oci:{}:1", layout.display()),
        "private/app:1",
        Some("alice:s3cret-pass"),
        false,
    );
    let port = registry.port();
    let reference = format!("127.0.0.1:{port}/private/app:1");
    let config_dir = dir.path().join("docker");
    std::fs::create_dir_all(&config_dir).unwrap();
    let config_file = config_dir.join("config.json");
    let good = base64::engine::general_purpose::STANDARD.encode("alice:s3cret-pass");
    let skipped = format!(
        "Docker config {}: auths entry \"127.0.0.1:{port}\": \"auth\" is not base64; entry skipped",
        config_file.display()
    );

    // the malformed entry under the registry's own key is named; the legacy key answers
    std::fs::write(
        &config_file,
        format!(
            r#"{{"auths":{{"127.0.0.1:{port}":{{"auth":"%%%"}},"http://127.0.0.1:{port}":{{"auth":"{good}"}}}}}}"#
        ),
    )
    .unwrap();
    let image = Image::open(&reference, &options(Some(config_dir.clone()))).unwrap();
    let notes: Vec<String> = image.notes.iter().map(|n| n.to_string()).collect();
    assert_eq!(notes, std::slice::from_ref(&skipped));

    // alone, it is the reason the login is missing
    std::fs::write(
        &config_file,
        format!(r#"{{"auths":{{"127.0.0.1:{port}":{{"auth":"%%%"}}}}}}"#),
    )
    .unwrap();
    let err = Image::open(&reference, &options(Some(config_dir.clone())))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!(
            "no credentials for 127.0.0.1:{port} were found (docker login, DOCKER_CONFIG or DOCKER_AUTH_CONFIG); reading credentials: {skipped}"
        )),
        "{err}"
    );

    // a credential store helper, found on the helper path of the options
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-test");
    std::fs::write(
        &helper,
        "#!/bin/sh\nread -r server || true\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"alice\",\"Secret\":\"s3cret-pass\"}' \"$server\"\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::write(&config_file, r#"{"auths":{},"credsStore":"test"}"#).unwrap();
    let mut opts = options(Some(config_dir));
    opts.registry.credential_helper_path = Some(bin.into_os_string());
    let image = Image::open(&reference, &opts).unwrap();
    assert!(image.notes.is_empty(), "{:?}", image.notes);
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

    registry.copy(
        &format!("oci:{}:multi", layout.display()),
        "team/multi:1",
        None,
        true,
    );
    let reference = format!("127.0.0.1:{}/team/multi:1", registry.port());
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
        (None, "deadline passed"),
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

/// A token service written for the test (std `TcpListener`): Basic credentials in (GET), or
/// an identity token through the OAuth2 refresh-token grant (POST), a JWT out, signed RS256
/// (by `openssl dgst`) with a key made for this test, its self-signed certificate in the
/// JWT's `x5c` header and in the registry's `rootcertbundle`.
struct TokenService {
    port: u16,
    state: std::sync::Arc<TokenState>,
}

/// What the token service accepts, and what it saw.
struct TokenState {
    user: &'static str,
    pass: &'static str,
    /// The refresh tokens the POST grant accepts; each exchange hands out the next one
    /// (`rotated-N`) and accepts it too.
    refresh_tokens: std::sync::Mutex<Vec<String>>,
    issued: std::sync::atomic::AtomicUsize,
    /// The forms of the POST requests, as sent.
    posts: std::sync::Mutex<Vec<String>>,
}

const TOKEN_ISSUER: &str = "palisade-test-issuer";
const TOKEN_SERVICE: &str = "palisade-test-registry";

impl TokenService {
    fn start(dir: &Path, user: &'static str, pass: &'static str) -> TokenService {
        Self::start_with_refresh(dir, user, pass, None)
    }

    fn start_with_refresh(
        dir: &Path,
        user: &'static str,
        pass: &'static str,
        refresh: Option<&str>,
    ) -> TokenService {
        let key = dir.join("token-key.pem");
        let cert = dir.join("token-cert.pem");
        let status = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=palisade-test-token-issuer", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "openssl req failed");
        let der = Command::new("openssl")
            .args(["x509", "-outform", "DER", "-in"])
            .arg(&cert)
            .output()
            .unwrap()
            .stdout;
        use base64::Engine as _;
        let x5c = base64::engine::general_purpose::STANDARD.encode(der);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = std::sync::Arc::new(TokenState {
            user,
            pass,
            refresh_tokens: std::sync::Mutex::new(refresh.into_iter().map(String::from).collect()),
            issued: std::sync::atomic::AtomicUsize::new(0),
            posts: std::sync::Mutex::new(Vec::new()),
        });
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (key, x5c, state) = (key.clone(), x5c.clone(), shared.clone());
                std::thread::spawn(move || {
                    let _ = serve_token(stream, &key, &x5c, &state);
                });
            }
        });
        TokenService { port, state }
    }

    fn issued(&self) -> usize {
        self.state.issued.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn registry_config(&self, dir: &Path) -> String {
        format!(
            "auth: {{token: {{realm: \"http://127.0.0.1:{}/token\", service: {TOKEN_SERVICE}, issuer: {TOKEN_ISSUER}, rootcertbundle: {}}}}}\n",
            self.port,
            dir.join("token-cert.pem").display()
        )
    }
}

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn answer(stream: &mut std::net::TcpStream, status: &str, body: &str) -> std::io::Result<()> {
    stream.write_all(
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
}

fn serve_token(
    mut stream: std::net::TcpStream,
    key: &Path,
    x5c: &str,
    state: &TokenState,
) -> std::io::Result<()> {
    use base64::Engine as _;
    use std::io::Read as _;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut authorization = None;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("authorization") {
                authorization = Some(v.trim().to_string());
            }
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("");
    let mut query = target
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or("")
        .to_string();
    let mut user = state.user.to_string();
    let mut refresh = None;
    if request_line.starts_with("POST ") {
        // the OAuth2 refresh-token grant: the identity token in the form, no Basic
        let mut form = vec![0; length.min(1 << 16)];
        reader.read_exact(&mut form)?;
        let form = String::from_utf8_lossy(&form).into_owned();
        state.posts.lock().unwrap().push(form.clone());
        let field = |name: &str| {
            form.split('&')
                .find_map(|p| p.strip_prefix(&format!("{name}=")))
                .map(percent_decode)
        };
        let mut accepted = state.refresh_tokens.lock().unwrap();
        let known = field("refresh_token").is_some_and(|t| accepted.contains(&t));
        if field("grant_type").as_deref() != Some("refresh_token")
            || field("client_id").is_none()
            || authorization.is_some()
            || !known
        {
            return answer(
                &mut stream,
                "401 Unauthorized",
                r#"{"error":"invalid_grant"}"#,
            );
        }
        let next = format!("rotated-{}", accepted.len());
        accepted.push(next.clone());
        refresh = Some(next);
        user = "token-user".to_string();
        // scopes are space-separated in the form; one `scope=` each below
        query = field("scope")
            .unwrap_or_default()
            .split(' ')
            .map(|s| format!("scope={s}"))
            .collect::<Vec<_>>()
            .join("&");
    } else {
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("{}:{}", state.user, state.pass))
        );
        if authorization.as_deref() != Some(expected.as_str()) {
            return answer(
                &mut stream,
                "401 Unauthorized",
                r#"{"details":"bad password"}"#,
            );
        }
    }
    // scope=repository:team/app:pull,push (possibly several)
    let mut access = Vec::new();
    for pair in query.split('&') {
        let Some(scope) = pair.strip_prefix("scope=") else {
            continue;
        };
        let scope = percent_decode(scope);
        let mut parts = scope.splitn(3, ':');
        let (Some(kind), Some(name), Some(actions)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let actions: Vec<&str> = actions.split(',').collect();
        access.push(serde_json::json!({"type": kind, "name": name, "actions": actions}));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let header = serde_json::json!({"typ": "JWT", "alg": "RS256", "x5c": [x5c]});
    let n = state
        .issued
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let claims = serde_json::json!({
        "iss": TOKEN_ISSUER, "sub": user, "aud": TOKEN_SERVICE,
        "exp": now + 300, "nbf": now - 10, "iat": now, "jti": format!("palisade-{n}"),
        "access": access,
    });
    let signing_input = format!(
        "{}.{}",
        b64url(&serde_json::to_vec(&header).unwrap()),
        b64url(&serde_json::to_vec(&claims).unwrap())
    );
    let mut openssl = Command::new("openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    openssl
        .stdin
        .take()
        .unwrap()
        .write_all(signing_input.as_bytes())?;
    let signature = openssl.wait_with_output()?.stdout;
    let jwt = format!("{signing_input}.{}", b64url(&signature));
    let body = match refresh {
        // OAuth2's answer: access_token only, and the next refresh token
        Some(next) => {
            serde_json::json!({"access_token": jwt, "refresh_token": next, "expires_in": 300})
        }
        None => serde_json::json!({"token": jwt, "access_token": jwt, "expires_in": 300}),
    }
    .to_string();
    answer(&mut stream, "200 OK", &body)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn bearer_token_flow_through_a_real_token_service() {
    if !tools_present() || !on_path("openssl") {
        eprintln!("SKIP: token-auth registry test needs docker-registry, skopeo and openssl");
        return;
    }
    let dir = tempdir();
    let tokens = TokenService::start(dir.path(), "bob", "t0ken-pass");
    let registry = Registry::start_with(None, |_| tokens.registry_config(dir.path()));
    let layout = dir.path().join("layout");
    app_image("amd64", "amd64").oci_layout(&layout, "1", Comp::Gzip);
    registry.copy(
        &format!("oci:{}:1", layout.display()),
        "team/tokenapp:1",
        Some("bob:t0ken-pass"),
        false,
    );
    let pushed = tokens.issued();
    assert!(pushed > 0, "skopeo pushed without a token");

    let config_dir = dir.path().join("docker");
    std::fs::create_dir_all(&config_dir).unwrap();
    let write_auth = |secret: &str| write_docker_auth(&config_dir, registry.port(), "bob", secret);
    let by_tag = format!("127.0.0.1:{}/team/tokenapp:1", registry.port());

    // wrong password: the token service answers 401, reported with the image name
    write_auth("wrong");
    let err = Image::open(&by_tag, &options(Some(config_dir.clone())))
        .unwrap_err()
        .to_string();
    assert!(err.contains("401"), "{err}");
    assert!(err.starts_with(&by_tag), "{err}");

    write_auth("t0ken-pass");
    let mut image = Image::open(&by_tag, &options(Some(config_dir.clone()))).unwrap();
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
    assert_eq!(a.packages.len(), 1);
    assert!(
        tokens.issued() > pushed,
        "the pull did not go through the token service"
    );
    let digest = a.manifest_digest.clone().unwrap();

    let by_digest = format!("127.0.0.1:{}/team/tokenapp@{digest}", registry.port());
    let mut image = Image::open(&by_digest, &options(Some(config_dir))).unwrap();
    let b = analyse_plain(&mut image).unwrap();
    assert_eq!(b.manifest_digest.as_deref(), Some(digest.as_str()));
    assert_eq!(b.layers, a.layers);
}

/// An identity token (OAuth2 refresh token) from an `auths` entry or from a helper answering
/// `<token>` is exchanged at the token service (`POST`, `grant_type=refresh_token`) for an
/// access token that the real registry validates; a refused one is an error that never
/// quotes it.
#[test]
fn identity_tokens_are_exchanged_at_the_token_service() {
    use base64::Engine as _;
    if !tools_present() || !on_path("openssl") {
        eprintln!("SKIP: token-auth registry test needs docker-registry, skopeo and openssl");
        return;
    }
    const REFRESH: &str = "refresh-7f3a9c-identity";
    let dir = tempdir();
    let tokens = TokenService::start_with_refresh(dir.path(), "bob", "t0ken-pass", Some(REFRESH));
    let registry = Registry::start_with(None, |_| tokens.registry_config(dir.path()));
    let layout = dir.path().join("layout");
    app_image("amd64", "amd64").oci_layout(&layout, "1", Comp::Gzip);
    registry.copy(
        &format!("oci:{}:1", layout.display()),
        "team/tokenapp:1",
        Some("bob:t0ken-pass"),
        false,
    );
    let port = registry.port();
    let by_tag = format!("127.0.0.1:{port}/team/tokenapp:1");
    let config_dir = dir.path().join("docker");
    std::fs::create_dir_all(&config_dir).unwrap();
    let config_file = config_dir.join("config.json");
    // as `docker login` writes it: the user name with an empty password, and the token
    let user_only = base64::engine::general_purpose::STANDARD.encode("bob:");
    let write_token = |token: &str| {
        std::fs::write(
            &config_file,
            format!(
                r#"{{"auths":{{"127.0.0.1:{port}":{{"auth":"{user_only}","identitytoken":"{token}"}}}}}}"#
            ),
        )
        .unwrap()
    };

    write_token(REFRESH);
    let posts_before = tokens.state.posts.lock().unwrap().len();
    let mut image = Image::open(&by_tag, &options(Some(config_dir.clone()))).unwrap();
    assert!(image.notes.is_empty(), "{:?}", image.notes);
    let a = analyse_plain(&mut image).unwrap();
    assert_eq!(a.packages.len(), 1);
    let posts = tokens.state.posts.lock().unwrap().clone();
    assert!(
        posts.len() > posts_before,
        "no refresh-token grant was posted"
    );
    let form = &posts[posts_before];
    for field in [
        "grant_type=refresh_token",
        &format!("refresh_token={REFRESH}"),
        "client_id=palisade",
        &format!("service={TOKEN_SERVICE}"),
        "scope=repository%3Ateam%2Ftokenapp%3Apull",
    ] {
        assert!(form.split('&').any(|p| p == field), "{field} not in {form}");
    }

    // a credential helper's `<token>` answer is an identity token too
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-tokens");
    std::fs::write(
        &helper,
        format!("#!/bin/sh\nprintf '{{\"Username\":\"<token>\",\"Secret\":\"{REFRESH}\"}}'\n"),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::write(&config_file, r#"{"auths":{},"credsStore":"tokens"}"#).unwrap();
    let mut opts = options(Some(config_dir.clone()));
    opts.registry.credential_helper_path = Some(bin.into_os_string());
    let posts_before = tokens.state.posts.lock().unwrap().len();
    let mut image = Image::open(&by_tag, &opts).unwrap();
    assert!(image.notes.is_empty(), "{:?}", image.notes);
    assert_eq!(analyse_plain(&mut image).unwrap().layers, a.layers);
    assert!(tokens.state.posts.lock().unwrap().len() > posts_before);

    // a token the service refuses: the error says so and never shows the token
    let revoked = "revoked-51c0ffee-identity";
    write_token(revoked);
    let err = Image::open(&by_tag, &options(Some(config_dir)))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with(&by_tag), "{err}");
    assert!(
        err.contains(
            "token service answered HTTP 401 to the identity token (OAuth refresh token) exchange"
        ),
        "{err}"
    );
    assert!(!err.contains(revoked), "{err}");
}

/// A registry whose host is a bracketed IPv6 address (`[::1]:PORT/repo:tag`, and by
/// digest): the reference parses and the pull goes over the IPv6 loopback.
#[test]
fn pull_from_a_registry_on_the_ipv6_loopback() {
    if !tools_present() {
        return;
    }
    let registry = Registry::start(None);
    let dir = tempdir();
    let layout = dir.path().join("layout");
    app_image("amd64", "amd64").oci_layout(&layout, "1", Comp::Gzip);
    registry.copy(
        &format!("oci:{}:1", layout.display()),
        "team/app:1",
        None,
        false,
    );
    let digest = registry.digest("team/app:1");
    // skopeo cannot push to an IPv6 host: a second registry serves the same storage on ::1
    let Some(v6) = registry.mirror_on_ipv6_loopback() else {
        eprintln!("SKIP: ::1 cannot be bound on this machine (no IPv6 loopback); the IPv6 pull was not tried");
        return;
    };
    let by_tag = format!("{}/team/app:1", v6.host());
    assert!(by_tag.starts_with("[::1]:"), "{by_tag}");
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
    assert_eq!(a.fs.read("arch.txt").unwrap().unwrap(), b"amd64");
    assert_eq!(a.manifest_digest.as_deref(), Some(digest.as_str()));

    let by_digest = format!("docker://{}/team/app@{digest}", v6.host());
    let mut image = Image::open(&by_digest, &options(None)).unwrap();
    assert_eq!(analyse_plain(&mut image).unwrap().layers, a.layers);
}

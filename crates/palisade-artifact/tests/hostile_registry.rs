//! A registry that answers as an attacker would: redirects to `file:`, `data:` and `unix:`
//! URLs, endless redirect loops, a redirect to another host after a login, and a server
//! that sends one byte a second. Each ends in a named error, never a panic or a hang, and
//! credentials never leave the registry's origin.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use palisade_artifact::{ArtifactError, Image, OpenOptions, RegistryOptions};

/// What the scripted server does with one request (given its request line and headers).
type Script = Box<dyn Fn(&str, &mut std::net::TcpStream) + Send + Sync>;

/// An HTTP server on 127.0.0.1 that records the request heads it received.
fn serve(script: Script) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let script = Arc::new(script);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let log = log.clone();
            let script = script.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut head = String::new();
                let mut line = String::new();
                while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                    head.push_str(&line);
                    line.clear();
                }
                log.lock().unwrap().push(head.clone());
                let mut s = stream;
                script(&head, &mut s);
            });
        }
    });
    (port, seen)
}

fn redirect_to(location: String) -> Script {
    Box::new(move |_, s| {
        let _ = write!(
            s,
            "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    })
}

fn options() -> OpenOptions {
    OpenOptions {
        registry: RegistryOptions {
            insecure: true,
            docker_config_dir: Some("/nonexistent".into()),
            read_timeout: Duration::from_secs(5),
            ..RegistryOptions::default()
        },
        ..OpenOptions::default()
    }
}

/// Runs `Image::open` on a thread and fails the test if it takes over 60 s.
fn open_err(reference: String, opts: OpenOptions) -> ArtifactError {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(Image::open(&reference, &opts).err());
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("Image::open hung")
        .expect("an error")
}

#[test]
fn redirects_to_other_schemes_are_named_errors_not_panics() {
    for (target, scheme) in [
        ("file:///etc/passwd", "file"),
        ("data:text/plain;base64,aGk=", "data"),
        ("unix:/var/run/docker.sock", "unix"),
        ("ftp://127.0.0.1/x", "ftp"),
    ] {
        let (port, _) = serve(redirect_to(target.to_string()));
        let err = open_err(format!("127.0.0.1:{port}/team/app:1"), options());
        assert!(
            matches!(err, ArtifactError::Redirect { .. }),
            "{target}: {err}"
        );
        let text = err.to_string();
        assert!(text.contains(&format!("`{scheme}:` URL refused")), "{text}");
    }
}

#[test]
fn redirect_loops_and_downgrades_stop() {
    let (port, seen) = serve(redirect_to("/v2/team/app/manifests/1".to_string()));
    let err = open_err(format!("127.0.0.1:{port}/team/app:1"), options());
    assert!(err.to_string().contains("more than 5 redirects"), "{err}");
    assert_eq!(
        seen.lock().unwrap().len(),
        6,
        "the first request and five hops"
    );

    // relative redirects resolve against the current URL and are followed
    let (port, seen) = serve(Box::new(|head, s| {
        if head.starts_with("GET /v2/team/app/manifests/1 ") {
            let _ = write!(
                s,
                "HTTP/1.1 307 Temporary\r\nLocation: ../elsewhere\r\nContent-Length: 0\r\n\r\n"
            );
        } else {
            let _ = write!(s, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        }
    }));
    let err = open_err(format!("127.0.0.1:{port}/team/app:1"), options());
    assert!(err.to_string().contains("not found"), "{err}");
    assert!(seen.lock().unwrap()[1].starts_with("GET /v2/team/app/elsewhere "));
}

#[test]
fn credentials_are_not_sent_to_another_host() {
    // the other host: records what it receives
    let (other, other_seen) = serve(Box::new(|_, s| {
        let _ = write!(s, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    }));
    // the registry: asks for a login, then redirects to the other host by name
    let (port, seen) = serve(Box::new(move |head, s| {
        if head.to_ascii_lowercase().contains("authorization: basic") {
            let _ = write!(
                s,
                "HTTP/1.1 302 Found\r\nLocation: http://localhost:{other}/blob\r\nContent-Length: 0\r\n\r\n"
            );
        } else {
            let _ = write!(
                s,
                "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\nContent-Length: 0\r\n\r\n"
            );
        }
    }));
    let config = tempfile::tempdir().unwrap();
    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode("user:s3cr3t-pa55");
    std::fs::write(
        config.path().join("config.json"),
        format!(r#"{{"auths": {{"127.0.0.1:{port}": {{"auth": "{auth}"}}}}}}"#),
    )
    .unwrap();
    let mut opts = options();
    opts.registry.docker_config_dir = Some(config.path().to_path_buf());
    let err = open_err(format!("127.0.0.1:{port}/team/app:1"), opts);
    assert!(err.to_string().contains("not found"), "{err}");
    assert_eq!(seen.lock().unwrap().len(), 2, "a challenge, then the login");
    let other_heads = other_seen.lock().unwrap();
    assert_eq!(other_heads.len(), 1);
    assert!(
        !other_heads[0]
            .to_ascii_lowercase()
            .contains("authorization"),
        "{}",
        other_heads[0]
    );
}

/// Sends `head` at once, then `trickle` one byte a second until the client goes away.
fn trickle(head: &'static str, trickle: &'static str) -> Script {
    Box::new(move |_, s| {
        let _ = s.write_all(head.as_bytes());
        for b in trickle.bytes().cycle().take(600) {
            std::thread::sleep(Duration::from_secs(1));
            if s.write_all(&[b]).and_then(|_| s.flush()).is_err() {
                return;
            }
        }
    })
}

#[test]
fn a_server_sending_one_byte_a_second_meets_the_deadline() {
    for script in [
        // headers, then the body one byte a second
        trickle(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
            "{ ",
        ),
        // the status line, then the headers one byte a second
        trickle(
            "HTTP/1.1 200 OK\r\n",
            "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
        ),
    ] {
        let (port, _) = serve(script);
        let mut opts = options();
        opts.registry.read_timeout = Duration::from_secs(2);
        opts.registry.request_timeout = Some(Duration::from_secs(3));
        let err = open_err(format!("127.0.0.1:{port}/team/app:1"), opts);
        assert!(
            matches!(err, ArtifactError::Deadline { request: 3, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("deadline passed"), "{err}");
    }
}

#[test]
fn errors_that_quote_the_artifact_redact_secrets_and_escape_control_characters() {
    let key = "AKIAZ7Q3MNBVCXLKJHGF";
    let password = "Qm7vT2pLx9RwZ4kEj8Hs";
    let layer = ArtifactError::Layer {
        image: "app.tar".into(),
        layer: "1 (sha256:abc)".into(),
        entry: Some(format!("etc/\x1b[2Jkeys-{key}")),
        message: format!("bad header bytes `https://u:{password}@h/`"),
    };
    let format = ArtifactError::Format {
        image: format!("https://u:{password}@registry.example.com/app"),
        message: format!("manifest says {key}\x07"),
    };
    for err in [layer, format] {
        let text = err.to_string();
        assert!(!text.contains(key), "{text}");
        assert!(!text.contains(password), "{text}");
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text}");
    }
}

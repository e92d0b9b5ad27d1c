//! The fuzz harnesses of Palisade, one function per untrusted-input front-end. Each takes
//! arbitrary bytes and must return without panicking, overflowing the stack or hanging.
//!
//! The libFuzzer targets in `fuzz_targets/` call these (with `cargo +nightly fuzz run`);
//! `tests/seeds.rs` runs the same functions over the seed corpus in `seeds/` and over cut
//! and bit-flipped variants of it, so they are exercised by plain `cargo test` on stable
//! too (see `.ci/fuzz.sh`).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

use palisade_artifact::{analyse, Image, ImagesConfig, OpenOptions, RegistryOptions};

/// Registry response handling: the bytes are the raw HTTP answer (status line, headers,
/// body) to every request of a pull, served by a local server: redirects, challenges,
/// manifests, indexes and configs all come from them.
pub fn registry_response(data: &[u8]) {
    let Ok(listener) = TcpListener::bind("127.0.0.1:0") else {
        return;
    };
    let Ok(addr) = listener.local_addr() else {
        return;
    };
    let answer = data.to_vec();
    let server = std::thread::spawn(move || {
        listener.set_nonblocking(false).ok();
        // a pull makes a handful of requests (challenge, token, manifest, config)
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { break };
            let mut reader = BufReader::new(match stream.try_clone() {
                Ok(s) => s,
                Err(_) => break,
            });
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            let _ = stream.write_all(&answer);
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    });
    let options = OpenOptions {
        registry: RegistryOptions {
            insecure: true,
            docker_config_dir: Some("/nonexistent".into()),
            connect_timeout: Duration::from_secs(1),
            read_timeout: Duration::from_secs(1),
            request_timeout: Some(Duration::from_secs(2)),
            ..RegistryOptions::default()
        },
        ..OpenOptions::default()
    };
    let reference = format!("127.0.0.1:{}/fuzz/app:1", addr.port());
    if let Ok(mut image) = Image::open(&reference, &options) {
        let _ = analyse_plain(&mut image);
    }
    // unblock the server if the client made fewer requests than it waits for
    for _ in 0..8 {
        if server.is_finished() {
            break;
        }
        let _ = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(50));
    }
    let _ = server.join();
}

/// OCI and docker archive readers: the bytes are an image archive (`docker save` or an
/// oci-archive tar), opened and read layer by layer.
pub fn image_archive(data: &[u8]) {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join("image.tar");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Some(target) = path.to_str() else {
        return;
    };
    if let Ok(mut image) = Image::open(target, &OpenOptions::default()) {
        let _ = analyse_plain(&mut image);
    }
}

/// The lockfile and manifest parsers: the first byte picks the file name, the rest is its
/// text.
pub fn lockfile(data: &[u8]) {
    const NAMES: &[&str] = &[
        "Cargo.lock",
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "uv.lock",
        "Pipfile.lock",
        "go.mod",
        "Gemfile.lock",
        "composer.lock",
        "packages.lock.json",
        "pom.xml",
        "gradle.lockfile",
        "app.csproj",
        "requirements.txt",
    ];
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = NAMES[pick as usize % NAMES.len()];
    let read = |_: &str| Some(text.to_string());
    if let Ok(inv) = palisade_vuln::lockfile::parse_inventory(name, text, &read) {
        let _ = palisade_vuln::unpinned_findings(&inv.unpinned);
    }
}

/// The Terraform front-end (HCL and JSON) and every function rule.
pub fn terraform(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let settings = palisade_serverless::ServerlessSettings::default();
    let _ = palisade_serverless::scan_template("main.tf", text, &settings);
    let _ = palisade_serverless::scan_template("main.tf.json", text, &settings);
}

/// The CloudFormation / SAM / Serverless Framework front-end and every function rule.
pub fn cloudformation(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let settings = palisade_serverless::ServerlessSettings::default();
    let (inventories, _) = palisade_serverless::frontend::load_yaml_or_json("template.yaml", text);
    for inv in &inventories {
        let _ = palisade_serverless::check(inv, &settings);
    }
}

fn analyse_plain(image: &mut Image) -> Result<(), palisade_artifact::ArtifactError> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    analyse(
        image,
        &mut [],
        &|_| false,
        &ImagesConfig::default(),
        today,
        |_| {},
    )
    .map(|_| ())
}

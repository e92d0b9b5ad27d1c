//! Registry credentials from the Docker client's configuration (`config.json` in
//! `$DOCKER_CONFIG`, else `~/.docker`; before it, a whole `config.json` in the
//! `DOCKER_AUTH_CONFIG` environment variable, as GitLab CI sets it), read before a pull's
//! first request.
//!
//! Sources are tried in Docker's order (docker/cli `configfile.GetCredentialsStore`): the
//! helper `credHelpers` names for the registry, else the `credsStore` helper, else the
//! `auths` entries the file store holds. Docker stops at the first source configured;
//! here a source that gives nothing (a helper that is missing, fails, or has no login for
//! the registry; a malformed entry) passes to the next, so one bad piece never hides a
//! good one. `DOCKER_AUTH_CONFIG` comes first for each registry; the file answers for the
//! registries it has nothing for.
//!
//! An identity token (OAuth2 refresh token: an entry's `identitytoken`, or a helper's
//! `<token>` answer) is returned as such; the registry client exchanges it at the token
//! service.
//!
//! Nothing that goes wrong is silent and nothing aborts the pull: each problem (an
//! unreadable or malformed file, an entry that cannot be decoded, a helper that fails or
//! outlives its deadline) becomes a warning naming the file and the entry or helper, never
//! the credential. A helper runs with a deadline and a cap on its answer, and is killed
//! (with every process it started) when it passes either.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

use super::registry::RegistryOptions;

/// Largest `config.json` read.
const MAX_CONFIG_SIZE: u64 = 4 << 20;

/// Largest answer read from a credential helper; a longer one stops the helper.
pub const MAX_HELPER_ANSWER: u64 = 64 << 10;

/// The key Docker files Docker Hub credentials under.
const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

/// Username and password (or token) for a registry, or an identity token.
#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    pub secret: String,
    /// An OAuth2 refresh token (Docker's "identity token": an `auths` entry's
    /// `identitytoken`, or a helper's answer with the user name `<token>`). When set, the
    /// registry client exchanges it at the token service for an access token instead of
    /// sending the user name and password.
    pub identity_token: Option<String>,
}

impl Credentials {
    /// Whether there is a user name and password to send (Basic authentication).
    pub fn has_password(&self) -> bool {
        !self.username.is_empty() && !self.secret.is_empty()
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let token = if self.identity_token.is_some() {
            ", identity token ****"
        } else {
            ""
        };
        write!(f, "Credentials({}, ****{token})", self.username)
    }
}

/// What the Docker configuration gave for one registry.
#[derive(Debug, Default)]
pub struct CredentialLookup {
    /// The first usable credentials, if any source had them.
    pub credentials: Option<Credentials>,
    /// What went wrong on the way, one sentence each, for the user's warnings.
    pub warnings: Vec<String>,
}

/// The parts of `config.json` that hold credentials. Entries stay JSON values so that one
/// malformed entry is skipped on its own instead of failing the file.
#[derive(serde::Deserialize, Default)]
struct DockerConfig {
    #[serde(default)]
    auths: BTreeMap<String, serde_json::Value>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: BTreeMap<String, String>,
}

/// One `auths` entry, as `docker login` writes it (`auth` is base64 of `user:password`).
#[derive(serde::Deserialize)]
struct AuthEntry {
    auth: Option<String>,
    username: Option<String>,
    password: Option<String>,
    identitytoken: Option<String>,
}

/// The environment variable holding a whole `config.json` (as GitLab CI sets it), read
/// before the file.
pub const DOCKER_AUTH_CONFIG: &str = "DOCKER_AUTH_CONFIG";

/// Credentials for `registry` (`docker.io`, `ghcr.io`, `localhost:5000`): from the
/// configuration in `DOCKER_AUTH_CONFIG` (or [`RegistryOptions::docker_auth_config`]) if it
/// has some for the registry, else from `config.json` in the Docker configuration directory
/// of `options` (else `$DOCKER_CONFIG`, else `~/.docker`).
pub fn lookup_credentials(registry: &str, options: &RegistryOptions) -> CredentialLookup {
    let mut lookup = CredentialLookup::default();
    let search_path = options
        .credential_helper_path
        .clone()
        .or_else(|| std::env::var_os("PATH"))
        .unwrap_or_default();
    let from_env = match &options.docker_auth_config {
        Some(text) => Some(Ok(text.clone())),
        None => std::env::var_os(DOCKER_AUTH_CONFIG).map(|v| v.into_string()),
    };
    match from_env {
        Some(Ok(text)) if text.trim().is_empty() => {}
        Some(Ok(text)) => match parse_config(text.as_bytes()) {
            Ok(config) => {
                lookup_in(
                    &config,
                    DOCKER_AUTH_CONFIG,
                    registry,
                    options,
                    &search_path,
                    &mut lookup,
                );
                if lookup.credentials.is_some() {
                    return lookup;
                }
            }
            Err(reason) => lookup.warnings.push(format!(
                "{DOCKER_AUTH_CONFIG}: {reason}; no registry credentials taken from it"
            )),
        },
        Some(Err(_)) => lookup.warnings.push(format!(
            "{DOCKER_AUTH_CONFIG}: not text (UTF-8); no registry credentials taken from it"
        )),
        None => {}
    }
    let Some(dir) = options
        .docker_config_dir
        .clone()
        .or_else(|| std::env::var_os("DOCKER_CONFIG").map(PathBuf::from))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker")))
    else {
        return lookup;
    };
    let file = dir.join("config.json");
    let place = format!("Docker config {}", shown(&file.display().to_string()));
    match read_config(&file) {
        Ok(Some(config)) => lookup_in(
            &config,
            &place,
            registry,
            options,
            &search_path,
            &mut lookup,
        ),
        Ok(None) => {}
        Err(reason) => lookup.warnings.push(format!(
            "{place}: {reason}; no registry credentials taken from it"
        )),
    }
    lookup
}

/// Looks `registry` up in one configuration (`place` names it in warnings): its helpers in
/// Docker's order, then its `auths` entries. Sets `lookup.credentials` when one answers.
fn lookup_in(
    config: &DockerConfig,
    place: &str,
    registry: &str,
    options: &RegistryOptions,
    search_path: &std::ffi::OsStr,
    lookup: &mut CredentialLookup,
) {
    let server = server_address(registry);
    for (source, name) in helpers_for(config, registry, &server) {
        let helper = format!("docker-credential-{}", shown(name));
        match ask_named_helper(
            name,
            search_path,
            &server,
            options.credential_helper_timeout,
        ) {
            Ok(Some(credentials)) => {
                lookup.credentials = Some(credentials);
                return;
            }
            Ok(None) => {}
            Err(reason) => lookup.warnings.push(format!(
                "{place}: credential helper {helper} ({source}) for {}: {reason}",
                shown(registry)
            )),
        }
    }
    let mut keys: Vec<&String> = config
        .auths
        .keys()
        .filter(|key| registry_of_key(key) == registry)
        .collect();
    // Docker's own key first (the file store's exact match), then the legacy spellings
    keys.sort_by_key(|key| **key != server);
    for key in keys {
        match decode_entry(&config.auths[key]) {
            Ok(Some(credentials)) => {
                lookup.credentials = Some(credentials);
                return;
            }
            Ok(None) => {}
            Err(reason) => lookup.warnings.push(format!(
                "{place}: auths entry \"{}\": {reason}; entry skipped",
                shown(key)
            )),
        }
    }
}

/// The credential helpers to ask for `registry`, in Docker's order, each with the entry
/// that names it: the `credHelpers` entry for the registry, then `credsStore`.
fn helpers_for<'c>(
    config: &'c DockerConfig,
    registry: &str,
    server: &str,
) -> Vec<(String, &'c str)> {
    let mut helpers: Vec<(String, &str)> = Vec::new();
    if let Some((key, name)) = config.cred_helpers.get_key_value(server).or_else(|| {
        config
            .cred_helpers
            .iter()
            .find(|(key, _)| registry_of_key(key) == registry)
    }) {
        helpers.push((format!("credHelpers entry \"{}\"", shown(key)), name));
    }
    if let Some(name) = config.creds_store.as_deref().filter(|n| !n.is_empty()) {
        if !helpers.iter().any(|(_, other)| *other == name) {
            helpers.push(("credsStore".to_string(), name));
        }
    }
    helpers
}

/// Text from the configuration as a warning may show it: secrets replaced by their
/// previews, control characters escaped.
fn shown(text: &str) -> String {
    palisade_core::text::printable(&palisade_secrets::redact(text)).into_owned()
}

/// The parsed file; `None` when there is none. Parse errors name the place, never the
/// text there (it may be a credential).
fn read_config(file: &Path) -> Result<Option<DockerConfig>, String> {
    let bytes = match palisade_core::fsio::read_limited(file, MAX_CONFIG_SIZE) {
        Ok(bytes) => bytes,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(format!("cannot be read: {}", e.reason())),
    };
    parse_config(&bytes).map(Some)
}

/// A `config.json`'s text parsed; the error says where it is wrong, never what is there.
fn parse_config(bytes: &[u8]) -> Result<DockerConfig, String> {
    if bytes.len() as u64 > MAX_CONFIG_SIZE {
        return Err(format!("larger than {} MiB", MAX_CONFIG_SIZE >> 20));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Data => "not a Docker config (a field of the wrong type)",
            _ => "not valid JSON",
        };
        format!("{what} at line {}, column {}", e.line(), e.column())
    })
}

/// The address Docker gives helpers and files credentials under for `registry`.
fn server_address(registry: &str) -> String {
    if registry == "docker.io" {
        DOCKER_HUB_KEY.to_string()
    } else {
        registry.to_string()
    }
}

/// The registry a `config.json` key stands for: scheme and path dropped (as Docker's
/// `ConvertToHostname`), Docker Hub's host names as `docker.io`.
fn registry_of_key(key: &str) -> &str {
    let host = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = host.split('/').next().unwrap_or(host);
    match host {
        "index.docker.io" | "registry-1.docker.io" => "docker.io",
        other => other,
    }
}

/// Credentials of one `auths` entry; `None` for an entry without any (`{}`, as `docker
/// login` leaves next to a credential store). An `identitytoken` is kept beside the user
/// name (`docker login` writes `user:` with an empty password next to it). Errors say what
/// is wrong without the value.
fn decode_entry(entry: &serde_json::Value) -> Result<Option<Credentials>, String> {
    let entry: AuthEntry = serde_json::from_value(entry.clone())
        .map_err(|_| "not an object of text fields (auth, username, password)".to_string())?;
    let identity_token = entry.identitytoken.filter(|t| !t.is_empty());
    let basic = if let Some(auth) = entry.auth.filter(|a| !a.is_empty()) {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .map_err(|_| "\"auth\" is not base64".to_string())?;
        let text = String::from_utf8(decoded)
            .map_err(|_| "\"auth\" does not decode to text".to_string())?;
        let Some((username, secret)) = text.split_once(':') else {
            return Err("\"auth\" is not of the form user:password".to_string());
        };
        if username.is_empty() {
            return Err("\"auth\" has an empty user name".to_string());
        }
        Some((
            username.to_string(),
            secret.trim_end_matches('\0').to_string(),
        ))
    } else {
        match (entry.username, entry.password) {
            (Some(username), Some(secret)) if !username.is_empty() => Some((username, secret)),
            _ => None,
        }
    };
    Ok(match (basic, identity_token) {
        (basic, Some(token)) => {
            let (username, secret) = basic.unwrap_or_default();
            Some(Credentials {
                username,
                secret,
                identity_token: Some(token),
            })
        }
        (Some((username, secret)), None) => Some(Credentials {
            username,
            secret,
            identity_token: None,
        }),
        (None, None) => None,
    })
}

/// Finds `docker-credential-NAME` on `search_path` and asks it.
fn ask_named_helper(
    name: &str,
    search_path: &std::ffi::OsStr,
    server: &str,
    deadline: Duration,
) -> Result<Option<Credentials>, String> {
    // the name becomes part of a program name: no path separators, no options
    if name.is_empty()
        || name.starts_with('-')
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return Err("not a valid helper name".to_string());
    }
    let program = format!("docker-credential-{name}");
    let path = find_program(&program, search_path).ok_or_else(|| {
        "not found on PATH (install it, or remove it from config.json)".to_string()
    })?;
    ask_helper(&path, server, deadline)
}

/// The first executable file called `program` in the directories of `search_path`.
fn find_program(program: &str, search_path: &std::ffi::OsStr) -> Option<PathBuf> {
    std::env::split_paths(search_path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Runs the credential helper `program get` with `server` on its standard input, as
/// Docker does. `Ok(None)` when the helper has no credentials for `server`; an error
/// when it cannot be started, fails, answers something else than
/// `{"Username": ..., "Secret": ...}`, writes more than [`MAX_HELPER_ANSWER`] bytes, or
/// is still running when `deadline` passes (it is killed then, with what it started).
fn ask_helper(
    program: &Path,
    server: &str,
    deadline: Duration,
) -> Result<Option<Credentials>, String> {
    let started = Instant::now();
    let mut command = Command::new(program);
    command
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // its own process group, so that stopping it stops what it started too
        command.process_group(0);
    }
    // A helper being installed or rewritten right now is busy for a moment (ETXTBSY):
    // tried again a few times before it counts as one that cannot start.
    let mut tries = 0;
    let mut child = loop {
        match command.spawn() {
            Ok(child) => break child,
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 5 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(20 * tries));
            }
            Err(e) => {
                return Err(format!(
                    "cannot start: {}",
                    palisade_core::text::io_message(&e)
                ))
            }
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        // a few bytes: the pipe holds them even if the helper never reads; a helper
        // that exits first (EPIPE) is judged by its exit status below
        let _ = stdin.write_all(server.as_bytes());
    }
    let Some(stdout) = child.stdout.take() else {
        stop(&mut child);
        return Err("cannot read its answer".to_string());
    };
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut answer = Vec::new();
        let read = stdout.take(MAX_HELPER_ANSWER + 1).read_to_end(&mut answer);
        let _ = sender.send(read.map(|_| answer));
    });
    let timed_out = || format!("no answer within {} s; stopped", deadline.as_secs_f32());
    let answer = match receiver.recv_timeout(deadline) {
        Ok(Ok(answer)) => answer,
        Ok(Err(e)) => {
            stop(&mut child);
            return Err(format!(
                "cannot read its answer: {}",
                palisade_core::text::io_message(&e)
            ));
        }
        Err(_) => {
            stop(&mut child);
            return Err(timed_out());
        }
    };
    if answer.len() as u64 > MAX_HELPER_ANSWER {
        stop(&mut child);
        return Err(format!(
            "answer larger than {} KiB; stopped",
            MAX_HELPER_ANSWER >> 10
        ));
    }
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < deadline => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Ok(None) => {
                stop(&mut child);
                return Err(timed_out());
            }
            Err(e) => {
                stop(&mut child);
                return Err(format!(
                    "cannot wait for it: {}",
                    palisade_core::text::io_message(&e)
                ));
            }
        }
    };
    let text = String::from_utf8_lossy(&answer);
    if !status.success() {
        // docker-credential-helpers' answer for a registry it has no login for
        if text.contains("credentials not found") {
            return Ok(None);
        }
        let said: String = text
            .trim()
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect();
        let status = match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was killed by a signal".to_string(),
        };
        return Err(if said.is_empty() {
            status
        } else {
            format!("{status}: {}", shown(&said))
        });
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct HelperAnswer {
        username: String,
        secret: String,
    }
    let answer: HelperAnswer = serde_json::from_slice(&answer).map_err(|_| {
        "answered something else than {\"Username\": ..., \"Secret\": ...}".to_string()
    })?;
    // Docker's convention for an identity token (OAuth refresh token) in a helper
    if answer.username == "<token>" {
        if answer.secret.is_empty() {
            return Ok(None);
        }
        return Ok(Some(Credentials {
            username: String::new(),
            secret: String::new(),
            identity_token: Some(answer.secret),
        }));
    }
    if answer.username.is_empty() && answer.secret.is_empty() {
        return Ok(None);
    }
    Ok(Some(Credentials {
        username: answer.username,
        secret: answer.secret,
        identity_token: None,
    }))
}

/// Kills the helper and every process of its group, and reaps it.
fn stop(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(group) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) takes no pointers. The group id is the helper's own pid (it
        // was started with process_group(0)) and cannot be reused before the helper is
        // reaped by the wait below.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Held by every test that writes and runs helper scripts: a script still open for
    /// writing in one thread while another thread forks cannot be executed (ETXTBSY).
    static HELPERS: Mutex<()> = Mutex::new(());

    fn b64(text: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    /// A Docker config directory holding `config` and a helper directory with `helpers`
    /// (name and shell body of each `docker-credential-NAME`).
    struct Setup {
        dir: tempfile::TempDir,
    }

    impl Setup {
        fn new(config: &str, helpers: &[(&str, &str)]) -> Setup {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("config.json"), config).unwrap();
            let bin = dir.path().join("bin");
            std::fs::create_dir(&bin).unwrap();
            for (name, body) in helpers {
                let path = bin.join(format!("docker-credential-{name}"));
                std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
            Setup { dir }
        }

        fn options(&self) -> RegistryOptions {
            RegistryOptions {
                docker_config_dir: Some(self.dir.path().to_path_buf()),
                credential_helper_path: Some(self.dir.path().join("bin").into_os_string()),
                credential_helper_timeout: Duration::from_secs(10),
                // the environment of the test run is not asked
                docker_auth_config: Some(String::new()),
                ..RegistryOptions::default()
            }
        }

        fn lookup(&self, registry: &str) -> CredentialLookup {
            lookup_credentials(registry, &self.options())
        }

        fn config_file(&self) -> String {
            self.dir.path().join("config.json").display().to_string()
        }
    }

    fn user(lookup: &CredentialLookup) -> Option<(&str, &str)> {
        lookup
            .credentials
            .as_ref()
            .map(|c| (c.username.as_str(), c.secret.as_str()))
    }

    fn answer(user: &str) -> String {
        format!(r#"printf '{{"ServerURL":"x","Username":"{user}","Secret":"s3cret"}}'"#)
    }

    #[test]
    fn credentials_come_from_the_auths_entry_of_the_registry() {
        let setup = Setup::new(
            &format!(
                r#"{{"auths":{{"localhost:5000":{{"auth":"{}"}}}}}}"#,
                b64(b"alice:s3cret")
            ),
            &[],
        );
        let found = setup.lookup("localhost:5000");
        assert_eq!(user(&found), Some(("alice", "s3cret")));
        assert!(found.warnings.is_empty(), "{:?}", found.warnings);
        let other = setup.lookup("other:5000");
        assert!(other.credentials.is_none() && other.warnings.is_empty());
    }

    #[test]
    fn a_malformed_entry_is_named_and_skipped_and_the_next_key_is_tried() {
        let good = b64(b"alice:s3cret");
        for (auth, reason) in [
            ("!!not-base64!!".to_string(), "\"auth\" is not base64"),
            (
                b64(b"alice-without-colon"),
                "\"auth\" is not of the form user:password",
            ),
            (b64(b"\xff\xfe:\xfd"), "\"auth\" does not decode to text"),
            (b64(b":only-a-password"), "\"auth\" has an empty user name"),
        ] {
            let setup = Setup::new(
                &format!(
                    r#"{{"auths":{{"localhost:5000":{{"auth":"{auth}"}},"https://localhost:5000/v1/":{{"auth":"{good}"}}}}}}"#
                ),
                &[],
            );
            let found = setup.lookup("localhost:5000");
            assert_eq!(user(&found), Some(("alice", "s3cret")), "{reason}");
            assert_eq!(
                found.warnings,
                [format!(
                    "Docker config {}: auths entry \"localhost:5000\": {reason}; entry skipped",
                    setup.config_file()
                )]
            );
            assert!(!found.warnings[0].contains(&auth));
        }
        let setup = Setup::new(r#"{"auths":{"localhost:5000":{"auth":5}}}"#, &[]);
        let found = setup.lookup("localhost:5000");
        assert!(found.credentials.is_none());
        assert!(
            found.warnings[0].ends_with(
                "auths entry \"localhost:5000\": not an object of text fields (auth, username, password); entry skipped"
            ),
            "{:?}",
            found.warnings
        );
    }

    #[test]
    fn an_unreadable_or_unparsable_config_is_a_warning_that_never_quotes_it() {
        let setup = Setup::new(r#"{"auths": {"localhost:5000": {"auth": "c2VjcmV0"}"#, &[]);
        let found = setup.lookup("localhost:5000");
        assert!(found.credentials.is_none());
        assert_eq!(
            found.warnings,
            [format!(
                "Docker config {}: not valid JSON at line 1, column 49; no registry credentials taken from it",
                setup.config_file()
            )]
        );
        let setup = Setup::new(r#"{"auths": "c2VjcmV0"}"#, &[]);
        let warning = &setup.lookup("localhost:5000").warnings[0];
        assert!(
            warning.contains("not a Docker config (a field of the wrong type) at line 1"),
            "{warning}"
        );
        assert!(!warning.contains("c2VjcmV0"), "{warning}");

        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("config.json")).unwrap();
        let options = RegistryOptions {
            docker_config_dir: Some(dir.path().to_path_buf()),
            ..RegistryOptions::default()
        };
        let found = lookup_credentials("localhost:5000", &options);
        assert_eq!(found.warnings.len(), 1);
        assert!(
            found.warnings[0]
                .contains("config.json: cannot be read: a folder, not a regular file;"),
            "{:?}",
            found.warnings
        );

        // no config at all is the usual anonymous pull: nothing to say
        let options = RegistryOptions {
            docker_config_dir: Some(dir.path().join("missing")),
            ..RegistryOptions::default()
        };
        let found = lookup_credentials("localhost:5000", &options);
        assert!(found.credentials.is_none() && found.warnings.is_empty());
    }

    #[test]
    fn helpers_come_first_in_dockers_order_then_the_auths_entries() {
        let _lock = HELPERS.lock().unwrap_or_else(|e| e.into_inner());
        let helpers = [
            ("for-host", answer("from-host")),
            ("store", answer("from-store")),
            (
                "empty",
                "echo 'credentials not found in native keychain'; exit 1".to_string(),
            ),
            (
                "broken",
                "echo 'cannot reach the keychain'; exit 3".to_string(),
            ),
            ("garbled", "echo 'Username: alice'".to_string()),
        ];
        let helpers: Vec<(&str, &str)> = helpers.iter().map(|(n, b)| (*n, b.as_str())).collect();
        let file = format!(
            r#""auths":{{"ghcr.io":{{"auth":"{}"}}}}"#,
            b64(b"from-file:pw")
        );
        let config = |helpers: &str| format!("{{{file}{helpers}}}");
        let case = |extra: &str| {
            let setup = Setup::new(&config(extra), &helpers);
            let found = setup.lookup("ghcr.io");
            let warnings: Vec<String> = found
                .warnings
                .iter()
                .map(|w| w.replace(&setup.config_file(), "CONFIG"))
                .collect();
            (user(&found).map(|(u, _)| u.to_string()), warnings)
        };
        let none: Vec<String> = Vec::new();
        // credHelpers for the host, over credsStore, over auths
        assert_eq!(
            case(r#","credsStore":"store","credHelpers":{"ghcr.io":"for-host"}"#),
            (Some("from-host".into()), none.clone())
        );
        assert_eq!(
            case(r#","credsStore":"store","credHelpers":{"quay.io":"for-host"}"#),
            (Some("from-store".into()), none.clone())
        );
        assert_eq!(case(""), (Some("from-file".into()), none.clone()));
        // a helper without a login for the registry passes on quietly
        assert_eq!(
            case(r#","credsStore":"empty""#),
            (Some("from-file".into()), none.clone())
        );
        // a failing helper is named, and the next source still answers
        assert_eq!(
            case(r#","credsStore":"store","credHelpers":{"ghcr.io":"broken"}"#),
            (
                Some("from-store".into()),
                vec!["Docker config CONFIG: credential helper docker-credential-broken (credHelpers entry \"ghcr.io\") for ghcr.io: exited with status 3: cannot reach the keychain".to_string()]
            )
        );
        assert_eq!(
            case(r#","credsStore":"missing""#),
            (
                Some("from-file".into()),
                vec!["Docker config CONFIG: credential helper docker-credential-missing (credsStore) for ghcr.io: not found on PATH (install it, or remove it from config.json)".to_string()]
            )
        );
        assert_eq!(
            case(r#","credsStore":"garbled""#).1,
            ["Docker config CONFIG: credential helper docker-credential-garbled (credsStore) for ghcr.io: answered something else than {\"Username\": ..., \"Secret\": ...}"]
        );
        assert_eq!(
            case(r#","credsStore":"../../bin/sh""#).1,
            ["Docker config CONFIG: credential helper docker-credential-../../bin/sh (credsStore) for ghcr.io: not a valid helper name"]
        );
    }

    #[test]
    fn a_helper_is_asked_for_dockers_server_address_on_its_input() {
        let _lock = HELPERS.lock().unwrap_or_else(|e| e.into_inner());
        let echo = r#"read -r server || true; printf '{"Username":"%s","Secret":"pw"}' "$server""#;
        let setup = Setup::new(r#"{"credsStore":"echo"}"#, &[("echo", echo)]);
        assert_eq!(
            user(&setup.lookup("docker.io")),
            Some(("https://index.docker.io/v1/", "pw"))
        );
        assert_eq!(
            user(&setup.lookup("localhost:5000")),
            Some(("localhost:5000", "pw"))
        );
    }

    #[test]
    fn a_helper_that_hangs_or_floods_is_stopped() {
        let _lock = HELPERS.lock().unwrap_or_else(|e| e.into_inner());
        // `sleep` is a child of the shell and holds its output open: the deadline must
        // not wait for it
        let setup = Setup::new(
            &format!(
                r#"{{"credsStore":"slow","auths":{{"ghcr.io":{{"auth":"{}"}}}}}}"#,
                b64(b"from-file:pw")
            ),
            &[("slow", "sleep 30"), ("flood", "exec yes aaaaaaaaaaaaaaaa")],
        );
        let bin = setup.dir.path().join("bin");
        let started = Instant::now();
        let err = ask_helper(
            &bin.join("docker-credential-slow"),
            "ghcr.io",
            Duration::from_millis(500),
        )
        .unwrap_err();
        assert_eq!(err, "no answer within 0.5 s; stopped");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );

        let err = ask_helper(
            &bin.join("docker-credential-flood"),
            "ghcr.io",
            Duration::from_secs(10),
        )
        .unwrap_err();
        assert_eq!(err, "answer larger than 64 KiB; stopped");

        // through the lookup: the warning names the helper, the file entry still answers
        let options = RegistryOptions {
            credential_helper_timeout: Duration::from_millis(300),
            ..setup.options()
        };
        let started = Instant::now();
        let found = lookup_credentials("ghcr.io", &options);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(user(&found), Some(("from-file", "pw")));
        assert_eq!(
            found.warnings,
            [format!(
                "Docker config {}: credential helper docker-credential-slow (credsStore) for ghcr.io: no answer within 0.3 s; stopped",
                setup.config_file()
            )]
        );
    }

    #[test]
    fn identity_tokens_come_from_the_entry_or_a_helpers_token_answer() {
        let _lock = HELPERS.lock().unwrap_or_else(|e| e.into_inner());
        let token = |found: &CredentialLookup| {
            found
                .credentials
                .as_ref()
                .and_then(|c| c.identity_token.clone())
        };
        // as `docker login` writes it: the user name with an empty password, and the token
        let setup = Setup::new(
            &format!(
                r#"{{"auths":{{"ghcr.io":{{"auth":"{}","identitytoken":"refresh-1"}},"quay.io":{{"identitytoken":"refresh-2"}}}}}}"#,
                b64(b"alice:")
            ),
            &[],
        );
        let found = setup.lookup("ghcr.io");
        assert_eq!(token(&found).as_deref(), Some("refresh-1"));
        assert_eq!(user(&found), Some(("alice", "")));
        assert!(!found.credentials.as_ref().unwrap().has_password());
        assert!(found.warnings.is_empty(), "{:?}", found.warnings);
        let found = setup.lookup("quay.io");
        assert_eq!(token(&found).as_deref(), Some("refresh-2"));
        assert!(!format!("{:?}", found.credentials).contains("refresh-2"));

        let setup = Setup::new(
            r#"{"credsStore":"tokens"}"#,
            &[(
                "tokens",
                r#"printf '{"Username":"<token>","Secret":"refresh-3"}'"#,
            )],
        );
        let found = setup.lookup("ghcr.io");
        assert_eq!(token(&found).as_deref(), Some("refresh-3"));
        assert_eq!(user(&found), Some(("", "")));
        assert!(found.warnings.is_empty(), "{:?}", found.warnings);
    }

    #[test]
    fn docker_auth_config_comes_before_the_file_with_the_same_reading() {
        let _lock = HELPERS.lock().unwrap_or_else(|e| e.into_inner());
        let setup = Setup::new(
            &format!(
                r#"{{"auths":{{"ghcr.io":{{"auth":"{}"}},"quay.io":{{"auth":"{}"}}}}}}"#,
                b64(b"from-file:pw"),
                b64(b"file-quay:pw")
            ),
            &[("store", &answer("from-env-helper"))],
        );
        let with_env = |text: &str| RegistryOptions {
            docker_auth_config: Some(text.to_string()),
            ..setup.options()
        };
        let env = format!(
            r#"{{"auths":{{"ghcr.io":{{"auth":"{}"}},"docker.io":{{"auth":"!!"}}}}}}"#,
            b64(b"from-env:pw")
        );
        // the variable answers for the registries it has, the file for the others
        let found = lookup_credentials("ghcr.io", &with_env(&env));
        assert_eq!(user(&found), Some(("from-env", "pw")));
        assert!(found.warnings.is_empty(), "{:?}", found.warnings);
        let found = lookup_credentials("quay.io", &with_env(&env));
        assert_eq!(user(&found), Some(("file-quay", "pw")));
        // its problems are named after the variable, never quoting it
        let found = lookup_credentials("docker.io", &with_env(&env));
        assert!(found.credentials.is_none());
        assert_eq!(
            found.warnings,
            ["DOCKER_AUTH_CONFIG: auths entry \"docker.io\": \"auth\" is not base64; entry skipped"]
        );
        let found = lookup_credentials("ghcr.io", &with_env(r#"{"auths": {"ghcr.io": "#));
        assert_eq!(user(&found), Some(("from-file", "pw")));
        assert_eq!(
            found.warnings,
            ["DOCKER_AUTH_CONFIG: not valid JSON at line 1, column 22; no registry credentials taken from it"]
        );
        // its helpers too, in Docker's order
        let found = lookup_credentials("ghcr.io", &with_env(r#"{"credsStore":"store"}"#));
        assert_eq!(user(&found), Some(("from-env-helper", "s3cret")));
        // empty is unset
        let found = lookup_credentials("ghcr.io", &with_env(" "));
        assert_eq!(user(&found), Some(("from-file", "pw")));
        assert!(found.warnings.is_empty(), "{:?}", found.warnings);
    }

    #[test]
    fn docker_hub_keys_are_recognised_in_every_spelling() {
        for key in [
            "https://index.docker.io/v1/",
            "docker.io",
            "index.docker.io",
            "registry-1.docker.io",
        ] {
            assert_eq!(registry_of_key(key), "docker.io", "{key}");
        }
        assert_eq!(
            registry_of_key("http://localhost:5000/v2/"),
            "localhost:5000"
        );
    }
}

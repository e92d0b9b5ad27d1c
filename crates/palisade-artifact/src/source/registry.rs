//! Pulling from a registry over the OCI distribution API: anonymous, basic and bearer-token
//! authentication, credentials from the Docker config ([`super::credentials`]), plain HTTP
//! only when asked, and every document and blob checked against its digest.
//!
//! Blobs stream from the socket into the layer reader; the layer's digest is checked once
//! the stream ends, and a mismatch fails the whole image.
//!
//! The server is not trusted: redirects are followed by hand (http and https only, at most
//! [`MAX_REDIRECTS`] hops, credentials only to the registry's own origin, never from https
//! down to http unless `--insecure`), and every request has a connect deadline, a per-read
//! idle deadline and a whole-request deadline ([`Deadlines`]), so a server that sends one
//! byte a second cannot hold a pipeline forever.

use std::ffi::OsString;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use oci_spec::image::Descriptor;

use super::credentials::{lookup_credentials, Credentials};
use super::oci::{self, PlatformSpec};
use super::reference::ImageReference;
use super::{verify, BlobStore, ImagePlan};
use crate::digest::Sha256Digest;
use crate::error::ArtifactError;
use crate::layer::{Limits, Note};

const MANIFEST_TYPES: &str = "application/vnd.oci.image.index.v1+json, \
application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.docker.distribution.manifest.v2+json";

/// Most redirects followed for one request.
pub const MAX_REDIRECTS: usize = 5;

/// Slowest transfer rate a blob download is allowed before its deadline passes: a blob
/// of `n` bytes gets the whole-request deadline plus `n / MIN_BLOB_RATE` seconds.
pub const MIN_BLOB_RATE: u64 = 256 * 1024;

/// Network deadlines of one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Longest wait for a connection (DNS and TCP/TLS handshake).
    pub connect: Duration,
    /// Longest wait for any single read from the server.
    pub idle: Duration,
    /// Longest a whole request (document or token) may take, body included; blobs get
    /// this plus their declared size at [`MIN_BLOB_RATE`].
    pub request: Duration,
}

/// How to reach a registry.
#[derive(Debug, Clone)]
pub struct RegistryOptions {
    /// Use plain HTTP instead of HTTPS.
    pub insecure: bool,
    /// Longest wait for a connection (capped by `read_timeout`).
    pub connect_timeout: Duration,
    /// Longest wait for any single read from the server: the one user-facing setting
    /// (`--timeout SECONDS`); the whole-request deadline follows it.
    pub read_timeout: Duration,
    /// Longest a whole request may take; `None`: ten times `read_timeout`.
    pub request_timeout: Option<Duration>,
    /// Docker configuration directory (`$DOCKER_CONFIG`, else `~/.docker`).
    pub docker_config_dir: Option<PathBuf>,
    /// A whole `config.json` read before the directory's; `None`: the `DOCKER_AUTH_CONFIG`
    /// environment variable. Empty text is none.
    pub docker_auth_config: Option<String>,
    /// Where `docker-credential-*` helpers are looked for, in `PATH` syntax; `None`: the
    /// `PATH` of this process.
    pub credential_helper_path: Option<OsString>,
    /// Longest a credential helper may run before it is killed.
    pub credential_helper_timeout: Duration,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        RegistryOptions {
            insecure: false,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            request_timeout: None,
            docker_config_dir: None,
            docker_auth_config: None,
            credential_helper_path: None,
            credential_helper_timeout: Duration::from_secs(30),
        }
    }
}

impl RegistryOptions {
    /// The deadlines these options give.
    pub fn deadlines(&self) -> Deadlines {
        let idle = self.read_timeout.max(Duration::from_secs(1));
        Deadlines {
            connect: self.connect_timeout.min(idle),
            idle,
            request: self.request_timeout.unwrap_or(idle * 10),
        }
    }
}

/// A connection to one repository of one registry.
pub struct RegistryClient {
    agent: ureq::Agent,
    base: String,
    reference: ImageReference,
    image: String,
    credentials: Option<Credentials>,
    /// The identity token (OAuth2 refresh token) of `credentials`, replaced when the
    /// token service hands out a new one.
    refresh_token: Mutex<Option<String>>,
    /// What was wrong in the Docker config: warnings of the pull, and the reason a login
    /// the registry asks for may be missing.
    credential_warnings: Vec<String>,
    authorization: Mutex<Option<String>>,
    deadlines: Deadlines,
    insecure: bool,
}

/// A response of the HTTP client.
type HttpResponse = ureq::http::Response<ureq::Body>;

/// A header's value as text ("" when missing or not text).
fn header(resp: &HttpResponse, name: &str) -> String {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The body as a stream with no size limit of the client's own: callers bound it
/// (documents by their limit, blobs by their declared size).
fn body_reader(resp: HttpResponse) -> impl Read + Send {
    resp.into_body().into_with_config().limit(u64::MAX).reader()
}

/// Scheme, host and port: where credentials may be sent.
fn origin(url: &url::Url) -> (String, Option<String>, Option<u16>) {
    (
        url.scheme().to_string(),
        url.host_str().map(str::to_ascii_lowercase),
        url.port_or_known_default(),
    )
}

impl RegistryClient {
    pub fn new(
        image: &str,
        reference: ImageReference,
        options: &RegistryOptions,
    ) -> RegistryClient {
        let d = options.deadlines();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(d.connect))
            .timeout_recv_response(Some(d.idle))
            .timeout_per_read(Some(d.idle))
            .timeout_per_write(Some(d.idle))
            // redirects are followed by `send`, which checks every hop
            .max_redirects(0)
            .max_redirects_will_error(false)
            .http_status_as_error(false)
            .user_agent(concat!("palisade/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let scheme = if options.insecure { "http" } else { "https" };
        let base = format!("{scheme}://{}", reference.api_host());
        let lookup = lookup_credentials(&reference.registry, options);
        RegistryClient {
            agent,
            base,
            reference,
            image: image.to_string(),
            refresh_token: Mutex::new(
                lookup
                    .credentials
                    .as_ref()
                    .and_then(|c| c.identity_token.clone()),
            ),
            credentials: lookup.credentials,
            credential_warnings: lookup.warnings,
            authorization: Mutex::new(None),
            deadlines: d,
            insecure: options.insecure,
        }
    }

    /// One GET with redirects followed by hand: only to http(s) URLs, at most
    /// [`MAX_REDIRECTS`] hops, `authorization` sent only while on the first URL's origin,
    /// and never from https down to http unless the client is insecure. The whole chain
    /// must finish within `deadline`.
    fn send(
        &self,
        url: &str,
        accept: Option<&str>,
        authorization: Option<&str>,
        deadline: Duration,
    ) -> Result<HttpResponse, ArtifactError> {
        let first =
            url::Url::parse(url).map_err(|e| self.error(url, format!("invalid URL: {e}")))?;
        check_scheme(&first).map_err(|m| self.error(url, m))?;
        let home = origin(&first);
        let started = std::time::Instant::now();
        let mut current = first;
        for _ in 0..=MAX_REDIRECTS {
            let left = deadline
                .checked_sub(started.elapsed())
                .filter(|d| !d.is_zero())
                .ok_or_else(|| self.deadline_error(url, deadline))?;
            let mut req = self
                .agent
                .get(current.as_str())
                .config()
                .timeout_global(Some(left))
                .build();
            if let Some(a) = accept {
                req = req.header("Accept", a);
            }
            if let Some(auth) = authorization.filter(|_| origin(&current) == home) {
                req = req.header("Authorization", auth);
            }
            let resp = match req.call() {
                Ok(resp) => resp,
                Err(ureq::Error::Timeout(_)) => return Err(self.deadline_error(url, deadline)),
                Err(e) => return Err(self.error(current.as_str(), e.to_string())),
            };
            let status = resp.status().as_u16();
            if !(300..400).contains(&status) || status == 304 {
                return Ok(resp);
            }
            let location = header(&resp, "Location");
            if location.is_empty() {
                return Err(ArtifactError::Redirect {
                    image: self.image.clone(),
                    url: url.to_string(),
                    reason: format!("HTTP {status} without a Location"),
                });
            }
            let next = current
                .join(&location)
                .map_err(|e| ArtifactError::Redirect {
                    image: self.image.clone(),
                    url: url.to_string(),
                    reason: format!("to an invalid URL: {e}"),
                })?;
            if let Err(reason) = check_scheme(&next) {
                return Err(ArtifactError::Redirect {
                    image: self.image.clone(),
                    url: url.to_string(),
                    reason,
                });
            }
            if current.scheme() == "https" && next.scheme() == "http" && !self.insecure {
                return Err(ArtifactError::Redirect {
                    image: self.image.clone(),
                    url: url.to_string(),
                    reason: "from https down to plain http (use --insecure to allow)".into(),
                });
            }
            current = next;
        }
        Err(ArtifactError::Redirect {
            image: self.image.clone(),
            url: url.to_string(),
            reason: format!("more than {MAX_REDIRECTS} redirects"),
        })
    }

    fn deadline_error(&self, url: &str, request: Duration) -> ArtifactError {
        ArtifactError::Deadline {
            image: self.image.clone(),
            url: url.to_string(),
            connect: self.deadlines.connect.as_secs(),
            idle: self.deadlines.idle.as_secs(),
            request: request.as_secs(),
        }
    }

    fn error(&self, url: &str, message: impl Into<String>) -> ArtifactError {
        ArtifactError::Registry {
            image: self.image.clone(),
            url: url.to_string(),
            message: message.into(),
        }
    }

    /// GET with the current authorization; on 401 runs the challenge once and retries.
    fn get(&self, path: &str, accept: Option<&str>) -> Result<HttpResponse, ArtifactError> {
        let url = format!("{}/v2/{}/{}", self.base, self.reference.repository, path);
        self.get_url(&url, accept, self.deadlines.request)
    }

    /// [`Self::get`] of a full URL within `deadline`.
    fn get_url(
        &self,
        url: &str,
        accept: Option<&str>,
        deadline: Duration,
    ) -> Result<HttpResponse, ArtifactError> {
        let url = url.to_string();
        let mut challenged = false;
        loop {
            let auth = self.authorization.lock().ok().and_then(|a| a.clone());
            let resp = self.send(&url, accept, auth.as_deref(), deadline)?;
            match resp.status().as_u16() {
                200..=299 => return Ok(resp),
                401 if !challenged => {
                    challenged = true;
                    let challenge = header(&resp, "WWW-Authenticate");
                    let auth = self.answer_challenge(&url, &challenge)?;
                    if let Ok(mut a) = self.authorization.lock() {
                        *a = Some(auth);
                    }
                }
                code => {
                    let mut body = Vec::new();
                    let _ = resp
                        .into_body()
                        .into_with_config()
                        .limit(u64::MAX)
                        .reader()
                        .take(800)
                        .read_to_end(&mut body);
                    let body: String = String::from_utf8_lossy(&body).chars().take(200).collect();
                    let what = match code {
                        401 => format!("unauthorized: credentials were refused (check `docker login` or ~/.docker/config.json){}", self.credential_problems()),
                        403 => "forbidden".to_string(),
                        404 => "not found (wrong repository, tag or digest?)".to_string(),
                        429 => "rate limited by the registry".to_string(),
                        c => format!("server answered HTTP {c}"),
                    };
                    return Err(self.error(&url, format!("{what}; {}", body.trim())));
                }
            }
        }
    }

    /// `; ` and the Docker config's problems, for an error about a missing or refused
    /// login (the pull fails, so its warnings would never be seen); "" when there were none.
    fn credential_problems(&self) -> String {
        if self.credential_warnings.is_empty() {
            return String::new();
        }
        format!(
            "; reading credentials: {}",
            self.credential_warnings.join("; ")
        )
    }

    fn answer_challenge(&self, url: &str, challenge: &str) -> Result<String, ArtifactError> {
        let (scheme, params) = challenge.split_once(' ').unwrap_or((challenge, ""));
        if scheme.eq_ignore_ascii_case("basic") {
            return match self.credentials.as_ref().filter(|c| c.has_password()) {
                Some(c) => Ok(basic_header(c)),
                None if self.credentials.is_some() => Err(self.error(
                    url,
                    format!(
                        "registry asks for a user name and password (Basic) and the credentials for {} hold only an identity token{}",
                        self.reference.registry,
                        self.credential_problems()
                    ),
                )),
                None => Err(self.error(
                    url,
                    format!(
                        "registry asks for a login and no credentials for {} were found (docker login, DOCKER_CONFIG or DOCKER_AUTH_CONFIG){}",
                        self.reference.registry,
                        self.credential_problems()
                    ),
                )),
            };
        }
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(self.error(
                url,
                format!("unsupported authentication challenge `{challenge}`"),
            ));
        }
        let params = parse_challenge_params(params);
        let param = |key: &str| {
            params
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let realm = param("realm")
            .ok_or_else(|| self.error(url, "bearer challenge without realm"))?
            .to_string();
        let service = param("service");
        let default_scope = format!("repository:{}:pull", self.reference.repository);
        let scope = param("scope").unwrap_or(&default_scope);
        let refresh_token = self.refresh_token.lock().ok().and_then(|t| t.clone());
        if let Some(refresh_token) = refresh_token {
            // a token service without OAuth answers 404 or 405 to the POST: the GET flow
            // then, as the distribution specification says
            if let Some(token) =
                self.exchange_refresh_token(&realm, service, scope, &refresh_token)?
            {
                return Ok(token);
            }
        }
        let mut token_url = realm.clone();
        let mut sep = if realm.contains('?') { '&' } else { '?' };
        for (key, value) in [("service", service), ("scope", Some(scope))] {
            if let Some(v) = value {
                token_url.push(sep);
                token_url.push_str(&format!("{key}={}", urlencode(v)));
                sep = '&';
            }
        }
        let basic = self
            .credentials
            .as_ref()
            .filter(|c| c.has_password())
            .map(basic_header);
        let resp = self.send(&token_url, None, basic.as_deref(), self.deadlines.request)?;
        let code = resp.status().as_u16();
        if !(200..300).contains(&code) {
            return Err(self.error(&token_url, format!("token service answered HTTP {code}")));
        }
        let token = self.token_response(&token_url, resp)?;
        token
            .token
            .or(token.access_token)
            .map(|t| format!("Bearer {t}"))
            .ok_or_else(|| self.error(&token_url, "token response has no token"))
    }

    /// The OAuth2 refresh-token grant of the distribution specification's token service:
    /// `POST realm` with `grant_type=refresh_token`, the identity token, the service, the
    /// scope and `client_id=palisade`, for an access token (`Bearer ...`). A new refresh
    /// token in the answer replaces the old one for later challenges. `None` when the
    /// service does not speak OAuth (404 or 405). The identity token is only sent over
    /// https (or plain http with `--insecure`), never through a redirect, and never
    /// appears in an error.
    fn exchange_refresh_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scope: &str,
        refresh_token: &str,
    ) -> Result<Option<String>, ArtifactError> {
        let url = url::Url::parse(realm)
            .map_err(|e| self.error(realm, format!("token realm is not a URL: {e}")))?;
        check_scheme(&url).map_err(|m| self.error(realm, format!("token realm {m}")))?;
        if url.scheme() == "http" && !self.insecure {
            return Err(self.error(
                realm,
                "token realm is plain http: an identity token is only sent over https (use --insecure to allow)",
            ));
        }
        let mut form = format!(
            "grant_type=refresh_token&refresh_token={}&client_id=palisade",
            urlencode(refresh_token)
        );
        if let Some(service) = service {
            form.push_str(&format!("&service={}", urlencode(service)));
        }
        form.push_str(&format!("&scope={}", urlencode(scope)));
        let resp = self
            .agent
            .post(url.as_str())
            .config()
            .timeout_global(Some(self.deadlines.request))
            .build()
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(form.as_bytes());
        let resp = match resp {
            Ok(resp) => resp,
            Err(ureq::Error::Timeout(_)) => {
                return Err(self.deadline_error(realm, self.deadlines.request))
            }
            Err(e) => return Err(self.error(realm, e.to_string())),
        };
        let code = resp.status().as_u16();
        match code {
            200..=299 => {}
            404 | 405 => return Ok(None),
            300..=399 => {
                return Err(self.error(
                    realm,
                    format!("token service answered HTTP {code} (a redirect) to the identity token exchange; an identity token is not sent on through redirects"),
                ))
            }
            _ => {
                return Err(self.error(
                    realm,
                    format!("token service answered HTTP {code} to the identity token (OAuth refresh token) exchange; log in again (docker login) if the token expired or was revoked"),
                ))
            }
        }
        let token = self.token_response(realm, resp)?;
        if let Some(rotated) = token.refresh_token.filter(|t| !t.is_empty()) {
            if let Ok(mut current) = self.refresh_token.lock() {
                *current = Some(rotated);
            }
        }
        token
            .access_token
            .or(token.token)
            .map(|t| Some(format!("Bearer {t}")))
            .ok_or_else(|| self.error(realm, "token response has no access_token"))
    }

    /// A token service's JSON answer, read within 1 MiB. A malformed one is named by its
    /// position only: it may hold tokens.
    fn token_response(
        &self,
        url: &str,
        resp: HttpResponse,
    ) -> Result<TokenResponse, ArtifactError> {
        let mut body = Vec::new();
        body_reader(resp)
            .take(1 << 20)
            .read_to_end(&mut body)
            .map_err(|e| self.read_error(url, e))?;
        serde_json::from_slice(&body).map_err(|e| {
            self.error(
                url,
                format!(
                    "token response is not the JSON of a token (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            )
        })
    }

    fn read_limited(
        &self,
        url: &str,
        resp: HttpResponse,
        limit: u64,
    ) -> Result<Vec<u8>, ArtifactError> {
        let mut body = Vec::new();
        body_reader(resp)
            .take(limit + 1)
            .read_to_end(&mut body)
            .map_err(|e| self.read_error(url, e))?;
        if body.len() as u64 > limit {
            return Err(self.error(url, format!("document larger than {limit} bytes")));
        }
        Ok(body)
    }

    /// Fetches a manifest or index by tag or digest; verified when asked for by digest.
    pub fn manifest(&self, reference: &str, limit: u64) -> Result<Vec<u8>, ArtifactError> {
        let path = format!("manifests/{reference}");
        let resp = self.get(&path, Some(MANIFEST_TYPES))?;
        let body = self.read_limited(&path, resp, limit)?;
        if let Some(d) = Sha256Digest::parse(reference) {
            verify(&self.image, &d, &body)?;
        }
        Ok(body)
    }

    /// Opens a blob for streaming; the caller checks its digest at the end of the stream.
    /// `declared` is the size the manifest gives: the whole download must finish within
    /// the request deadline plus that size at [`MIN_BLOB_RATE`].
    pub fn open_blob(
        &self,
        digest: &Sha256Digest,
        declared: Option<u64>,
    ) -> Result<Box<dyn Read + '_>, ArtifactError> {
        let url = format!(
            "{}/v2/{}/blobs/{digest}",
            self.base, self.reference.repository
        );
        let extra = Duration::from_secs(declared.unwrap_or(0) / MIN_BLOB_RATE);
        let resp = self.get_url(&url, None, self.deadlines.request + extra)?;
        Ok(Box::new(body_reader(resp)))
    }

    /// A read that failed: a timeout is the named deadline error.
    fn read_error(&self, url: &str, e: std::io::Error) -> ArtifactError {
        let timed_out = matches!(
            e.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ) || e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<ureq::Error>())
            .is_some_and(|u| matches!(u, ureq::Error::Timeout(_)));
        if timed_out {
            return self.deadline_error(url, self.deadlines.request);
        }
        self.error(url, palisade_core::text::io_message(&e))
    }

    /// Fetches a small blob (config) and verifies it.
    pub fn small_blob(&self, digest: &Sha256Digest, limit: u64) -> Result<Vec<u8>, ArtifactError> {
        let path = format!("blobs/{digest}");
        let resp = self.get(&path, None)?;
        let body = self.read_limited(&path, resp, limit)?;
        verify(&self.image, digest, &body)?;
        Ok(body)
    }
}

/// What a token service answers: `token` (the token flow) or `access_token` (OAuth2), and
/// possibly a new refresh token.
#[derive(serde::Deserialize)]
struct TokenResponse {
    token: Option<String>,
    access_token: Option<String>,
    refresh_token: Option<String>,
}

/// Only http and https URLs are requested (a redirect to `file:`, `data:` or `unix:` is
/// refused).
fn check_scheme(url: &url::Url) -> Result<(), String> {
    match url.scheme() {
        "http" | "https" => Ok(()),
        other => Err(format!(
            "to a `{}:` URL refused: only http and https are followed",
            palisade_core::text::printable(other)
        )),
    }
}

/// Plans a pull: resolves the reference to one manifest (by platform for indexes).
pub fn plan(
    image: &str,
    reference: ImageReference,
    platform: Option<&PlatformSpec>,
    options: &RegistryOptions,
    limits: &Limits,
) -> Result<ImagePlan, ArtifactError> {
    // a manifest asked for by digest is checked against it: only a digest we can check
    if let Some(digest) = reference
        .digest
        .as_deref()
        .filter(|d| Sha256Digest::parse(d).is_none())
    {
        return Err(ArtifactError::format(
            image,
            format!("digest {digest} cannot be verified: only sha256 with lower-case hex is"),
        ));
    }
    let client = RegistryClient::new(image, reference.clone(), options);
    let notes = client
        .credential_warnings
        .iter()
        .map(|warning| Note {
            layer: None,
            entry: None,
            message: warning.clone(),
        })
        .collect();
    let first = client.manifest(reference.manifest_ref(), limits.max_document_size)?;
    let mut fetch = |d: &Descriptor| -> Result<Vec<u8>, ArtifactError> {
        let digest = Sha256Digest::parse(d.digest().as_ref()).ok_or_else(|| {
            ArtifactError::format(image, format!("unsupported digest {}", d.digest()))
        })?;
        let media = d.media_type().to_string();
        if media.contains("manifest") || media.contains("index") {
            client.manifest(digest.as_str(), limits.max_document_size)
        } else {
            client.small_blob(&digest, limits.max_document_size)
        }
    };
    let (manifest, manifest_digest, config_bytes) =
        oci::plan_from_index(image, first, None, platform, limits, &mut fetch)?;
    let layers = oci::layers_of(image, &manifest)?;
    Ok(ImagePlan {
        config_bytes,
        config_digest: Sha256Digest::parse(manifest.config().digest().as_ref()),
        layers,
        manifest_digest: Some(manifest_digest),
        repo_tags: reference
            .tag
            .as_ref()
            .map(|t| {
                vec![format!(
                    "{}/{}:{t}",
                    reference.registry, reference.repository
                )]
            })
            .unwrap_or_default(),
        store: BlobStore::Registry(Box::new(client)),
        notes,
    })
}

fn basic_header(c: &Credentials) -> String {
    let raw = format!("{}:{}", c.username, c.secret);
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `realm="https://auth",service="registry",scope="repository:a:pull"` to pairs.
fn parse_challenge_params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let Some((key, after)) = rest.split_once('=') else {
            break;
        };
        let key = key
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            }
        } else {
            match after.find(',') {
                Some(end) => (&after[..end], &after[end..]),
                None => (after, ""),
            }
        };
        out.push((key, value.to_string()));
        rest = remaining.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_challenges_are_parsed() {
        let p = parse_challenge_params(
            r#"realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/debian:pull""#,
        );
        assert_eq!(
            p[0],
            ("realm".into(), "https://auth.docker.io/token".into())
        );
        assert_eq!(p[2].1, "repository:library/debian:pull");
    }

    /// One request as a scripted server saw it.
    #[derive(Debug, Clone)]
    struct Request {
        method: String,
        path: String,
        authorization: Option<String>,
        body: String,
    }

    /// An HTTP server on 127.0.0.1 answering each request with `script` (status line and
    /// JSON body), recording what it saw.
    fn serve(
        script: impl Fn(&Request) -> (&'static str, String) + Send + Sync + 'static,
    ) -> (u16, std::sync::Arc<Mutex<Vec<Request>>>) {
        use std::io::{BufRead, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let script = std::sync::Arc::new(script);
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                let mut parts = line.split_whitespace();
                let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                let (mut authorization, mut length) = (None, 0);
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                        break;
                    }
                    let (k, v) = header.split_once(':').unwrap_or((&header, ""));
                    match k.to_ascii_lowercase().as_str() {
                        "authorization" => authorization = Some(v.trim().to_string()),
                        "content-length" => length = v.trim().parse().unwrap_or(0),
                        _ => {}
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let request = Request {
                    method: method.to_string(),
                    path: path.to_string(),
                    authorization,
                    body: String::from_utf8_lossy(&body).into_owned(),
                };
                log.lock().unwrap().push(request.clone());
                let (status, answer) = script(&request);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
            }
        });
        (port, seen)
    }

    /// A client for `127.0.0.1:9/app:1` (never asked: the tests answer its challenges
    /// directly) with `auth_config` as its `DOCKER_AUTH_CONFIG`.
    fn client_with(auth_config: &str) -> RegistryClient {
        let options = RegistryOptions {
            insecure: true,
            docker_config_dir: Some("/nonexistent".into()),
            docker_auth_config: Some(auth_config.to_string()),
            read_timeout: Duration::from_secs(5),
            ..RegistryOptions::default()
        };
        let image = "127.0.0.1:9/app:1";
        RegistryClient::new(image, ImageReference::parse(image).unwrap(), &options)
    }

    #[test]
    fn an_identity_token_is_exchanged_and_a_rotated_one_used_next() {
        // R0 gives access token `first` and refresh token R1; R1 gives `second`. A refresh
        // token is good once.
        let (token_port, posts) = serve(|r| {
            let form = &r.body;
            let answer = |access: &str, next: &str| {
                format!(r#"{{"access_token":"{access}","refresh_token":"{next}","expires_in":60}}"#)
            };
            if r.method != "POST" || !form.contains("grant_type=refresh_token") {
                return ("400 Bad Request", "{}".into());
            }
            if form.contains("refresh_token=R0&") {
                ("200 OK", answer("first", "R1"))
            } else if form.contains("refresh_token=R1&") {
                ("200 OK", answer("second", "R2"))
            } else {
                ("401 Unauthorized", r#"{"error":"invalid_grant"}"#.into())
            }
        });
        let client = client_with(r#"{"auths":{"127.0.0.1:9":{"identitytoken":"R0"}}}"#);
        let challenge = format!(
            r#"Bearer realm="http://127.0.0.1:{token_port}/token",service="test-registry",scope="repository:app:pull""#
        );
        let url = "http://127.0.0.1:9/v2/app/manifests/1";
        let auth = client.answer_challenge(url, &challenge).unwrap();
        assert_eq!(auth, "Bearer first");
        let auth = client.answer_challenge(url, &challenge).unwrap();
        assert_eq!(
            auth, "Bearer second",
            "the rotated refresh token was not used"
        );
        let posts = posts.lock().unwrap().clone();
        assert_eq!(
            posts[0].body,
            "grant_type=refresh_token&refresh_token=R0&client_id=palisade&service=test-registry&scope=repository%3Aapp%3Apull"
        );
        assert!(posts[0].authorization.is_none(), "{posts:?}");
        assert!(posts[1].body.contains("refresh_token=R1&"), "{posts:?}");
        // R2 is unknown to the service: refused, named, and never shown
        let err = client
            .answer_challenge(url, &challenge)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("token service answered HTTP 401 to the identity token (OAuth refresh token) exchange"),
            "{err}"
        );
        assert!(
            !err.contains("R2") && !err.contains("refresh_token="),
            "{err}"
        );
    }

    #[test]
    fn a_token_service_without_oauth_gets_the_get_flow_and_redirects_are_not_followed() {
        // 404 to the POST: the GET flow, with the entry's user and password
        let (token_port, seen) = serve(|r| match r.method.as_str() {
            "POST" => ("404 Not Found", "{}".into()),
            _ => ("200 OK", r#"{"token":"from-get"}"#.into()),
        });
        let client = client_with(
            r#"{"auths":{"127.0.0.1:9":{"username":"bob","password":"pw","identitytoken":"R0"}}}"#,
        );
        let challenge = format!(r#"Bearer realm="http://127.0.0.1:{token_port}/token""#);
        let auth = client.answer_challenge("http://x/v2/", &challenge).unwrap();
        assert_eq!(auth, "Bearer from-get");
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert_eq!(seen[1].method, "GET");
        assert_eq!(seen[1].path, "/token?scope=repository%3Aapp%3Apull");
        assert_eq!(seen[1].authorization.as_deref(), Some("Basic Ym9iOnB3"));

        // a redirect of the POST is not followed: the token would go with it
        let (redirecting, seen) = serve(|_| ("307 Temporary Redirect", "{}".into()));
        let challenge = format!(r#"Bearer realm="http://127.0.0.1:{redirecting}/token""#);
        let err = client
            .answer_challenge("http://x/v2/", &challenge)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("HTTP 307 (a redirect) to the identity token exchange"),
            "{err}"
        );
        assert_eq!(seen.lock().unwrap().len(), 1);
    }

    #[test]
    fn an_identity_token_is_not_sent_over_plain_http_unless_insecure() {
        let options = RegistryOptions {
            docker_config_dir: Some("/nonexistent".into()),
            docker_auth_config: Some(
                r#"{"auths":{"registry.example":{"identitytoken":"R0"}}}"#.into(),
            ),
            ..RegistryOptions::default()
        };
        let image = "registry.example/app:1";
        let client = RegistryClient::new(image, ImageReference::parse(image).unwrap(), &options);
        // port 9 (discard) is never asked: the realm is refused first
        let err = client
            .answer_challenge(
                "https://registry.example/v2/app/manifests/1",
                r#"Bearer realm="http://127.0.0.1:9/token",service="registry.example""#,
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("token realm is plain http: an identity token is only sent over https (use --insecure to allow)"),
            "{err}"
        );
        // and a registry asking for Basic gets no password out of an identity token
        let err = client
            .answer_challenge(
                "https://registry.example/v2/app/manifests/1",
                r#"Basic realm="registry""#,
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("hold only an identity token"), "{err}");
    }

    #[test]
    fn a_digest_that_cannot_be_verified_is_refused_before_any_request() {
        let options = RegistryOptions {
            docker_config_dir: Some("/nonexistent".into()),
            ..RegistryOptions::default()
        };
        for digest in [
            format!("sha512:{}", "f".repeat(128)),
            format!("sha256:{}", "F".repeat(64)),
        ] {
            // port 9 (discard) is never asked: the digest is refused first
            let image = format!("127.0.0.1:9/team/app@{digest}");
            let reference = ImageReference::parse(&image).unwrap();
            let Err(err) = plan(&image, reference, None, &options, &Limits::default()) else {
                panic!("{image}: planned");
            };
            assert_eq!(
                err.to_string(),
                format!("{image}: digest {digest} cannot be verified: only sha256 with lower-case hex is")
            );
        }
    }
}

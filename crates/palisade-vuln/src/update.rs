//! `palisade db update`: download per-ecosystem OSV archives and rebuild the database
//! atomically.
//!
//! The new database is written to a temporary file beside the old one and renamed over
//! it only after every archive downloaded and imported; any failure (HTTP error, dropped
//! connection, truncated or corrupt archive, kill -9) leaves the old file untouched, and
//! the temporary files of a killed run are removed by the next import or update.
//! ETag/Last-Modified of the previous run are sent back; when every archive answers
//! `304 Not Modified` nothing is downloaded.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use crate::db::{self, Database, DbError, ImportStats, TempFiles, TEMP_PREFIX};

/// osv.dev's public bucket: `<base>/<ecosystem>/all.zip`.
pub const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";
/// Ecosystems fetched when none are named.
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "PyPI",
    "npm",
    "Go",
    "crates.io",
    "Maven",
    "NuGet",
    "RubyGems",
    "Packagist",
    "Pub",
    "Hex",
    "Debian",
    "Ubuntu",
    "Alpine",
];
/// Largest archive accepted (the biggest osv.dev archives are a few hundred MB).
pub const MAX_DOWNLOAD_BYTES: u64 = 4 * 1024 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct UpdateOptions {
    pub base_url: String,
    pub ecosystems: Vec<String>,
    /// Show progress bars (only honoured when stderr is a terminal).
    pub progress: bool,
    /// Longest a whole archive download may take.
    pub timeout: Duration,
    /// Longest wait for a connection.
    pub connect_timeout: Duration,
    /// Longest wait for the response headers and for any single read of the body: a
    /// mirror that stalls (or sends a byte now and then) meets `timeout` at the latest.
    pub idle_timeout: Duration,
}

impl UpdateOptions {
    /// The deadlines of one setting of `seconds` (`PALISADE_NETWORK_TIMEOUT`): reads may
    /// stall for `seconds`, connecting takes at most 10 s (less when `seconds` is
    /// smaller), a whole archive at most fifteen times `seconds`.
    pub fn with_idle_timeout(mut self, seconds: u64) -> Self {
        let idle = Duration::from_secs(seconds.max(1));
        self.idle_timeout = idle;
        self.connect_timeout = idle.min(Duration::from_secs(10));
        self.timeout = idle * 15;
        self
    }
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            base_url: std::env::var("PALISADE_OSV_URL").unwrap_or_else(|_| DEFAULT_BASE_URL.into()),
            ecosystems: DEFAULT_ECOSYSTEMS.iter().map(|s| s.to_string()).collect(),
            progress: true,
            timeout: Duration::from_secs(900),
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
        .with_env_timeout()
    }
}

#[derive(Debug, Clone, Default)]
pub struct UpdateReport {
    /// Ecosystems downloaded and imported.
    pub downloaded: Vec<String>,
    /// True when every archive was unchanged and the database was kept.
    pub unchanged: bool,
    pub stats: ImportStats,
}

fn url_for(base: &str, ecosystem: &str) -> String {
    let eco: String = ecosystem
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{}/{}/all.zip", base.trim_end_matches('/'), eco)
}

impl UpdateOptions {
    fn with_env_timeout(self) -> Self {
        match std::env::var("PALISADE_NETWORK_TIMEOUT")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            Some(seconds) => self.with_idle_timeout(seconds),
            None => self,
        }
    }
}

fn agent(opts: &UpdateOptions) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(opts.timeout))
        .timeout_connect(Some(opts.connect_timeout))
        .timeout_recv_response(Some(opts.idle_timeout))
        .timeout_per_read(Some(opts.idle_timeout))
        .max_redirects(5)
        .build()
        .into()
}

/// A transfer error: a timeout is named as the deadline that passed.
fn transfer_error(url: &str, e: ureq::Error) -> DbError {
    match e {
        ureq::Error::Timeout(which) => DbError::Deadline {
            url: url.to_string(),
            which: which.to_string(),
        },
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => DbError::Deadline {
            url: url.to_string(),
            which: "read".into(),
        },
        other => DbError::Download {
            url: url.to_string(),
            message: other.to_string(),
        },
    }
}

enum Fetched {
    NotModified,
    Saved {
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

fn fetch(
    agent: &ureq::Agent,
    url: &str,
    dest: &Path,
    validators: Option<(Option<String>, Option<String>)>,
    progress: bool,
) -> Result<Fetched, DbError> {
    let err = |message: String| DbError::Download {
        url: url.to_string(),
        message,
    };
    let mut req = agent.get(url);
    if let Some((etag, modified)) = &validators {
        if let Some(e) = etag {
            req = req.header("If-None-Match", e);
        }
        if let Some(m) = modified {
            req = req.header("If-Modified-Since", m);
        }
    }
    let mut resp = req.call().map_err(|e| transfer_error(url, e))?;
    let status = resp.status().as_u16();
    if status == 304 && validators.is_some() {
        return Ok(Fetched::NotModified);
    }
    if status != 200 {
        return Err(err(format!("HTTP {status}")));
    }
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let etag = header("etag");
    let last_modified = header("last-modified");
    let length: Option<u64> = header("content-length").and_then(|v| v.parse().ok());
    if length.is_some_and(|l| l > MAX_DOWNLOAD_BYTES) {
        return Err(err(format!(
            "archive larger than {MAX_DOWNLOAD_BYTES} bytes"
        )));
    }
    let bar = if progress && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let bar = indicatif::ProgressBar::new(length.unwrap_or(0));
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg:>12} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(url.rsplit('/').nth(1).unwrap_or("").to_string());
        Some(bar)
    } else {
        None
    };
    let mut file =
        std::fs::File::create(dest).map_err(|e| err(format!("{}: {e}", dest.display())))?;
    let mut reader = resp
        .body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD_BYTES)
        .reader();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total: u64 = 0;
    loop {
        let n = reader.read(&mut buf).map_err(|e| {
            if e.kind() == std::io::ErrorKind::TimedOut || e.to_string().contains("timeout") {
                DbError::Deadline {
                    url: url.to_string(),
                    which: format!("transfer: {}", palisade_core::text::io_message(&e)),
                }
            } else {
                err(format!(
                    "transfer failed: {}",
                    palisade_core::text::io_message(&e)
                ))
            }
        })?;
        if n == 0 {
            break;
        }
        file.write_all(&buf[..n]).map_err(|e| err(e.to_string()))?;
        total += n as u64;
        if let Some(b) = &bar {
            b.set_position(total);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(l) = length {
        if total != l {
            return Err(err(format!("transfer ended after {total} of {l} bytes")));
        }
    }
    file.sync_all().map_err(|e| err(e.to_string()))?;
    Ok(Fetched::Saved {
        etag,
        last_modified,
    })
}

/// Downloads the archives and replaces the database at `db_path` when all succeeded.
pub fn update(db_path: &Path, opts: &UpdateOptions) -> Result<UpdateReport, DbError> {
    let dir = db_path.parent().unwrap_or(Path::new(".")).to_path_buf();
    std::fs::create_dir_all(&dir).map_err(|e| DbError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    db::remove_stale_temp_files(&dir);
    let old = Database::open(db_path).ok();
    let agent = agent(opts);
    let stamp = db::temp_stamp();
    let mut temps = TempFiles(vec![]);

    let validators = |eco: &str| {
        old.as_ref().map(|db| {
            (
                db.meta(&format!("etag:{eco}")),
                db.meta(&format!("last_modified:{eco}")),
            )
        })
    };
    let mut archives = vec![];
    let mut unchanged = 0;
    for eco in &opts.ecosystems {
        let url = url_for(&opts.base_url, eco);
        let dest = dir.join(format!("{TEMP_PREFIX}{stamp}-{}.zip", archives.len()));
        temps.0.push(dest.clone());
        let v = validators(eco).filter(|(e, m)| e.is_some() || m.is_some());
        let fetched = match fetch(&agent, &url, &dest, v, opts.progress)? {
            Fetched::NotModified => {
                unchanged += 1;
                // still needed for the rebuild if another ecosystem changed
                None
            }
            saved => Some(saved),
        };
        archives.push((eco.clone(), url, dest, fetched));
    }
    if unchanged == opts.ecosystems.len() {
        return Ok(UpdateReport {
            unchanged: true,
            ..UpdateReport::default()
        });
    }
    for (_, url, dest, fetched) in archives.iter_mut() {
        if fetched.is_none() {
            *fetched = Some(fetch(&agent, url, dest, None, opts.progress)?);
        }
    }
    drop(old);

    db::rebuild(db_path, false, |db| {
        let mut report = UpdateReport::default();
        for (eco, _, dest, fetched) in &archives {
            let stats = db.import(dest)?;
            report.stats.imported += stats.imported;
            report.stats.withdrawn += stats.withdrawn;
            report.stats.warnings.extend(stats.warnings);
            if let Some(Fetched::Saved {
                etag,
                last_modified,
            }) = fetched
            {
                if let Some(e) = etag {
                    db.set_meta(&format!("etag:{eco}"), e)?;
                }
                if let Some(m) = last_modified {
                    db.set_meta(&format!("last_modified:{eco}"), m)?;
                }
            }
            report.downloaded.push(eco.clone());
        }
        db.set_meta("source", &opts.base_url)?;
        Ok(report)
    })
}

//! The serving certificate: PEM files loaded into rustls (ring provider), checked for a key
//! that matches the certificate, and reloaded when the files change so a rotated
//! certificate (cert-manager renewing the Secret) is picked up without a restart.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Why a certificate or key cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: no PEM certificate (`-----BEGIN CERTIFICATE-----`) in the file", path.display())]
    NoCertificate { path: PathBuf },
    #[error("{}: not a PEM certificate chain: {reason}", path.display())]
    BadCertificate { path: PathBuf, reason: String },
    #[error("{}: no usable PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC): {reason}", path.display())]
    BadKey { path: PathBuf, reason: String },
    #[error("{} does not match the certificate in {}: they are not a pair", key.display(), cert.display())]
    Mismatch { cert: PathBuf, key: PathBuf },
    #[error("{}: the certificate cannot be used: {reason}", path.display())]
    Unusable { path: PathBuf, reason: String },
    #[error("TLS settings: {0}")]
    Config(String),
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Loads a PEM certificate chain and its private key, checking that they are a pair.
pub fn load_certified_key(cert: &Path, key: &Path) -> Result<CertifiedKey, TlsError> {
    let cert_pem = read(cert)?;
    let key_pem = read(key)?;
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::BadCertificate {
            path: cert.to_path_buf(),
            reason: e.to_string(),
        })?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate {
            path: cert.to_path_buf(),
        });
    }
    let private = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| TlsError::BadKey {
        path: key.to_path_buf(),
        reason: e.to_string(),
    })?;
    let provider = rustls::crypto::ring::default_provider();
    let signing = provider
        .key_provider
        .load_private_key(private)
        .map_err(|e| TlsError::BadKey {
            path: key.to_path_buf(),
            reason: e.to_string(),
        })?;
    let certified = CertifiedKey::new(chain, signing);
    match certified.keys_match() {
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {
            Ok(certified)
        }
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
            Err(TlsError::Mismatch {
                cert: cert.to_path_buf(),
                key: key.to_path_buf(),
            })
        }
        Err(e) => Err(TlsError::Unusable {
            path: cert.to_path_buf(),
            reason: e.to_string(),
        }),
    }
}

/// The certificate being served, swapped in place when the files change.
#[derive(Debug)]
pub(crate) struct ReloadingCert {
    cert_path: PathBuf,
    key_path: PathBuf,
    current: RwLock<Arc<CertifiedKey>>,
    stamp: RwLock<(Option<SystemTime>, Option<SystemTime>)>,
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

impl ReloadingCert {
    pub(crate) fn load(cert: &Path, key: &Path) -> Result<ReloadingCert, TlsError> {
        let stamp = (modified(cert), modified(key));
        let certified = load_certified_key(cert, key)?;
        Ok(ReloadingCert {
            cert_path: cert.to_path_buf(),
            key_path: key.to_path_buf(),
            current: RwLock::new(Arc::new(certified)),
            stamp: RwLock::new(stamp),
        })
    }

    /// Reloads the pair if either file changed since the last load. A pair that does not
    /// load (a half-written rotation) keeps the old one in service and is tried again later.
    pub(crate) fn refresh(&self) -> Option<Result<(), TlsError>> {
        let stamp = (modified(&self.cert_path), modified(&self.key_path));
        if *self.stamp.read().ok()? == stamp {
            return None;
        }
        let result = load_certified_key(&self.cert_path, &self.key_path);
        Some(result.map(|certified| {
            if let (Ok(mut current), Ok(mut old)) = (self.current.write(), self.stamp.write()) {
                *current = Arc::new(certified);
                *old = stamp;
            }
        }))
    }

    /// Polls the files every `every` until the task is dropped, logging each reload.
    pub(crate) async fn watch(self: Arc<Self>, every: Duration, report: impl Fn(bool) + Send) {
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        loop {
            tick.tick().await;
            let this = self.clone();
            let outcome = tokio::task::spawn_blocking(move || this.refresh())
                .await
                .ok()
                .flatten();
            let mut event = serde_json::Map::new();
            event.insert("event".into(), "certificate_reload".into());
            event.insert("cert".into(), self.cert_path.display().to_string().into());
            match outcome {
                None => continue,
                Some(Ok(())) => {
                    event.insert("ok".into(), true.into());
                    report(true);
                }
                Some(Err(e)) => {
                    event.insert("ok".into(), false.into());
                    report(false);
                    event.insert("error".into(), e.to_string().into());
                }
            }
            crate::log(event);
        }
    }
}

impl ResolvesServerCert for ReloadingCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.current.read().ok().map(|c| c.clone())
    }
}

/// The rustls server settings: TLS 1.2 and 1.3 with the ring provider, HTTP/1.1 by ALPN.
pub(crate) fn server_config(
    certs: Arc<ReloadingCert>,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| TlsError::Config(e.to_string()))?
    .with_no_client_auth()
    .with_cert_resolver(certs);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_pair(dir: &Path, cert: &str, key: &str) {
        std::fs::write(dir.join("tls.crt"), cert).unwrap();
        std::fs::write(dir.join("tls.key"), key).unwrap();
    }

    fn served(certs: &ReloadingCert) -> CertificateDer<'static> {
        certs.current.read().unwrap().cert[0].clone()
    }

    #[test]
    fn a_rotated_pair_is_served_and_a_half_written_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
        let first = crate::manifests::self_signed(&["localhost".into()]).unwrap();
        let second = crate::manifests::self_signed(&["localhost".into()]).unwrap();
        write_pair(dir.path(), &first.cert_pem, &first.key_pem);
        let certs = ReloadingCert::load(&cert, &key).unwrap();
        let original = served(&certs);
        assert!(certs.refresh().is_none(), "nothing changed yet");

        // The certificate is replaced before its key: the old pair stays in service.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&cert, &second.cert_pem).unwrap();
        assert!(matches!(
            certs.refresh(),
            Some(Err(TlsError::Mismatch { .. }))
        ));
        assert_eq!(served(&certs), original);

        std::fs::write(&key, &second.key_pem).unwrap();
        assert!(matches!(certs.refresh(), Some(Ok(()))));
        assert_ne!(served(&certs), original);
        assert!(certs.refresh().is_none());
    }
}

//! Errors of opening and reading an image: each names the image and, where known, the
//! layer and the entry, so a user can tell which part of which artifact is at fault.

use std::path::PathBuf;

/// `IMAGE: PATH is a FIFO...`, without the image when it is the path itself (an archive
/// named on the command line), so the path is not said twice.
fn file_message(image: &str, error: &palisade_core::fsio::FileError) -> String {
    let path = error.path().display().to_string();
    let image = image
        .strip_prefix("docker-archive:")
        .or_else(|| image.strip_prefix("oci-archive:"))
        .or_else(|| image.strip_prefix("oci:"))
        .unwrap_or(image);
    if image == path {
        error.to_string()
    } else {
        format!("{}: {error}", shown(image))
    }
}

/// Text from the artifact (entry names, bytes of a layer, server answers) as an error may
/// show it: secrets replaced by their previews, control characters escaped.
fn shown(text: &str) -> String {
    palisade_core::text::printable_lines(&palisade_secrets::redact(text)).into_owned()
}

/// Why an image (or root filesystem) could not be opened or read.
#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    #[error("{}: cannot read {}: {}", shown(image), shown(&path.display().to_string()), palisade_core::text::io_message(error))]
    Io {
        image: String,
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}: {}", shown(image), shown(message))]
    Format { image: String, message: String },
    /// An archive or blob file that is missing, too large, or not a regular file.
    #[error("{}", file_message(image, error))]
    File {
        image: String,
        error: palisade_core::fsio::FileError,
    },
    #[error("{}: layer {layer}{}: {}", shown(image), entry.as_ref().map(|e| format!(", entry {}", shown(e))).unwrap_or_default(), shown(message))]
    Layer {
        image: String,
        layer: String,
        entry: Option<String>,
        message: String,
    },
    #[error("{image}: blob {digest} does not match its digest (content hashes to {actual}); refusing to use it")]
    DigestMismatch {
        image: String,
        digest: String,
        actual: String,
    },
    #[error("{image}: blob {digest} is missing ({place})")]
    MissingBlob {
        image: String,
        digest: String,
        place: String,
    },
    #[error("{}: registry {}: {}", shown(image), shown(url), shown(message))]
    Registry {
        image: String,
        url: String,
        message: String,
    },
    /// A redirect the client will not follow (another scheme, too many hops, a downgrade).
    #[error("{image}: registry {url}: redirect {reason}")]
    Redirect {
        image: String,
        url: String,
        reason: String,
    },
    /// The server did not answer within a deadline (connect, idle read or whole request).
    #[error("{image}: registry {url}: deadline passed (connect {connect} s, idle read {idle} s, whole request {request} s; raise them with --timeout)")]
    Deadline {
        image: String,
        url: String,
        connect: u64,
        idle: u64,
        request: u64,
    },
    #[error("{image}: no image for platform {platform} (available: {available})")]
    NoPlatform {
        image: String,
        platform: String,
        available: String,
    },
}

impl ArtifactError {
    pub(crate) fn format(image: &str, message: impl Into<String>) -> Self {
        ArtifactError::Format {
            image: image.to_string(),
            message: message.into(),
        }
    }

    pub(crate) fn io(image: &str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ArtifactError::Io {
            image: image.to_string(),
            path: path.into(),
            error: source,
        }
    }
}

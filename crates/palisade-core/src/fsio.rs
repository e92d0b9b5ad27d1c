//! Opening input files safely: the one way Palisade reads a file whose path came from a
//! user or from a scanned tree.
//!
//! A path may name a FIFO, a socket, `/dev/zero` or a block device, directly or through a
//! symbolic link. Reading one as data blocks forever or never ends. [`open_regular`] opens
//! the path without blocking (`O_NONBLOCK`, so opening a FIFO with no writer returns at
//! once), checks the type of what was opened with `fstat` on the handle (not on the path,
//! which could be swapped between a check and the open), and refuses anything that is not
//! a regular file with [`FileError::NotRegular`]. [`read_limited`] and
//! [`read_to_string_limited`] then read at most a caller-given number of bytes and refuse
//! larger files with [`FileError::TooLarge`] instead of truncating them silently.
//!
//! Folders are refused too: walkers list them with `read_dir` and call this for each file.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

/// What a path turned out to be when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Directory,
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
    Other,
}

impl FileKind {
    /// What `meta` describes, `None` for a regular file.
    pub fn of(meta: &Metadata) -> Option<FileKind> {
        let ft = meta.file_type();
        if ft.is_file() {
            return None;
        }
        if ft.is_dir() {
            return Some(FileKind::Directory);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if ft.is_fifo() {
                return Some(FileKind::Fifo);
            }
            if ft.is_socket() {
                return Some(FileKind::Socket);
            }
            if ft.is_char_device() {
                return Some(FileKind::CharDevice);
            }
            if ft.is_block_device() {
                return Some(FileKind::BlockDevice);
            }
        }
        Some(FileKind::Other)
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "folder",
            FileKind::Fifo => "named pipe (FIFO)",
            FileKind::Socket => "socket",
            FileKind::CharDevice => "character device",
            FileKind::BlockDevice => "block device",
            FileKind::Other => "special file",
        })
    }
}

/// Why an input file could not be read. The OS error is part of the message and not a
/// `source()`, so a chain printer (`anyhow`'s `{:#}`) does not repeat it.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot open {}: {}", crate::text::printable(&path.display().to_string()), crate::text::io_message(error))]
    Open {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{} is a {kind}, not a regular file: refused", crate::text::printable(&path.display().to_string()))]
    NotRegular { path: PathBuf, kind: FileKind },
    #[error("{} is larger than the limit of {limit} bytes ({size} bytes): refused", crate::text::printable(&path.display().to_string()))]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("cannot read {}: {}", crate::text::printable(&path.display().to_string()), crate::text::io_message(error))]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{} is not UTF-8 text", crate::text::printable(&path.display().to_string()))]
    NotUtf8 { path: PathBuf },
}

impl FileError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            FileError::Open { path, .. }
            | FileError::NotRegular { path, .. }
            | FileError::TooLarge { path, .. }
            | FileError::Read { path, .. }
            | FileError::NotUtf8 { path } => path,
        }
    }

    /// The message without the path, for callers that already name the file.
    pub fn reason(&self) -> String {
        match self {
            FileError::Open { error, .. } | FileError::Read { error, .. } => {
                crate::text::io_message(error)
            }
            FileError::NotRegular { kind, .. } => format!("a {kind}, not a regular file"),
            FileError::TooLarge { size, limit, .. } => {
                format!("larger than the limit of {limit} bytes ({size} bytes)")
            }
            FileError::NotUtf8 { .. } => "not UTF-8 text".to_string(),
        }
    }

    /// True when the path does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, FileError::Open { error, .. } if error.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Opens `path` (following symbolic links) and returns the handle with its metadata,
/// taken from the handle, when it is a regular file; anything else is refused without
/// blocking and without reading a byte.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), FileError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // a FIFO without a writer would block the open itself; a terminal must not
        // become our controlling one
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(|source| {
        // a socket cannot be opened at all (ENXIO): name what it is rather than the errno
        match std::fs::metadata(path).ok().as_ref().and_then(FileKind::of) {
            Some(kind) if kind != FileKind::Directory => FileError::NotRegular {
                path: path.to_path_buf(),
                kind,
            },
            _ => FileError::Open {
                path: path.to_path_buf(),
                error: source,
            },
        }
    })?;
    let meta = file.metadata().map_err(|error| FileError::Open {
        path: path.to_path_buf(),
        error,
    })?;
    if let Some(kind) = FileKind::of(&meta) {
        return Err(FileError::NotRegular {
            path: path.to_path_buf(),
            kind,
        });
    }
    #[cfg(unix)]
    clear_nonblocking(&file);
    Ok((file, meta))
}

/// Regular files ignore `O_NONBLOCK` on Linux, but other systems and network file systems
/// may not; reads are plain blocking reads again.
#[cfg(unix)]
fn clear_nonblocking(file: &File) {
    use std::os::unix::io::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor we own, with integer arguments only.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
}

/// Reads a whole regular file of at most `limit` bytes.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let (file, meta) = open_regular(path)?;
    read_handle(file, meta.len(), path, limit)
}

/// Reads a whole regular UTF-8 file of at most `limit` bytes.
pub fn read_to_string_limited(path: &Path, limit: u64) -> Result<String, FileError> {
    let bytes = read_limited(path, limit)?;
    String::from_utf8(bytes).map_err(|_| FileError::NotUtf8 {
        path: path.to_path_buf(),
    })
}

/// Reads an already opened handle to its end, at most `limit` bytes; `declared` is the
/// size `fstat` reported (the file may grow while it is read, which the limit also stops).
fn read_handle(file: File, declared: u64, path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    if declared > limit {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
            size: declared,
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(declared as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| FileError::Read {
            path: path.to_path_buf(),
            error,
        })?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Runs `f` on a thread and fails the test when it does not return in 10 s: a
    /// regression that blocks on a FIFO fails instead of hanging the suite.
    fn within_deadline<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(10))
            .expect("reading a special file blocked for 10 s")
    }

    fn mkfifo(path: &Path) {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("palisade-fsio-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_fifo_without_writer_is_refused_at_once() {
        let dir = temp_dir("fifo");
        let fifo = dir.join("palisade.toml");
        mkfifo(&fifo);
        let err = within_deadline(move || read_limited(&fifo, 1024).unwrap_err());
        assert!(
            matches!(
                err,
                FileError::NotRegular {
                    kind: FileKind::Fifo,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("named pipe (FIFO)"), "{err}");
    }

    #[test]
    fn a_symlink_to_a_fifo_is_refused() {
        let dir = temp_dir("fifolink");
        let fifo = dir.join("pipe");
        mkfifo(&fifo);
        let link = dir.join(".gitignore");
        std::os::unix::fs::symlink(&fifo, &link).unwrap();
        let err = within_deadline(move || read_to_string_limited(&link, 1024).unwrap_err());
        assert!(
            matches!(
                err,
                FileError::NotRegular {
                    kind: FileKind::Fifo,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn dev_zero_is_refused_as_a_character_device() {
        let err = within_deadline(|| read_limited(Path::new("/dev/zero"), 1 << 20).unwrap_err());
        assert!(
            matches!(
                err,
                FileError::NotRegular {
                    kind: FileKind::CharDevice,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn a_link_to_dev_zero_is_refused() {
        let dir = temp_dir("zerolink");
        let link = dir.join("image.tar");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let err = within_deadline(move || read_limited(&link, 1 << 20).unwrap_err());
        assert!(
            matches!(
                err,
                FileError::NotRegular {
                    kind: FileKind::CharDevice,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn a_socket_and_a_folder_are_refused() {
        let dir = temp_dir("socket");
        let sock = dir.join("sock");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let err = read_limited(&sock, 10).unwrap_err();
        assert!(
            matches!(
                err,
                FileError::NotRegular {
                    kind: FileKind::Socket,
                    ..
                }
            ),
            "{err}"
        );
        let err = read_limited(&dir, 10).unwrap_err();
        assert!(
            matches!(
                err,
                FileError::NotRegular {
                    kind: FileKind::Directory,
                    ..
                }
            ),
            "{err}"
        );
    }

    /// What `anyhow`'s `{:#}` prints: the error and each of its sources.
    fn chain(e: &dyn std::error::Error) -> String {
        let mut text = e.to_string();
        let mut next = e.source();
        while let Some(s) = next {
            text.push_str(&format!(": {s}"));
            next = s.source();
        }
        text
    }

    #[test]
    fn regular_files_are_read_up_to_the_limit() {
        let dir = temp_dir("regular");
        let file = dir.join("a.txt");
        std::fs::write(&file, "hello").unwrap();
        assert_eq!(read_to_string_limited(&file, 5).unwrap(), "hello");
        let err = read_limited(&file, 4).unwrap_err();
        assert!(
            matches!(
                err,
                FileError::TooLarge {
                    size: 5,
                    limit: 4,
                    ..
                }
            ),
            "{err}"
        );
        let missing = read_limited(&dir.join("missing"), 4).unwrap_err();
        assert!(missing.is_not_found());
        // one OS message, not two, also when a chain printer adds every source
        let text = chain(&missing);
        assert_eq!(text.matches("No such file").count(), 1, "{text}");
        assert!(!text.contains("os error"), "{text}");
        let config = chain(&crate::Config::load(&dir.join("missing.toml")).unwrap_err());
        assert_eq!(config.matches("No such file").count(), 1, "{config}");
        assert_eq!(config.matches("missing.toml").count(), 1, "{config}");
    }
}

#[cfg(all(test, unix))]
mod config_tests {
    use super::*;
    use crate::{Config, ConfigError};

    #[test]
    fn config_load_refuses_a_fifo_and_dev_zero_without_blocking() {
        let dir = std::env::temp_dir().join(format!("palisade-config-fifo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("palisade.toml");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(Config::load(&fifo).err().map(|e| e.to_string()));
            let _ = tx.send(
                Config::load(Path::new("/dev/zero"))
                    .err()
                    .map(|e| e.to_string()),
            );
        });
        for expected in ["named pipe (FIFO)", "character device"] {
            let got = rx
                .recv_timeout(std::time::Duration::from_secs(10))
                .expect("Config::load blocked on a special file")
                .expect("an error");
            assert!(got.contains(expected), "{got}");
        }
        let missing = Config::load(&dir.join("nope.toml")).unwrap_err();
        assert!(matches!(missing, ConfigError::Read(_)), "{missing}");
    }
}

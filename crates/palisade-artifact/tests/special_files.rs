//! An image archive or an OCI layout blob that is a FIFO, a socket or a device (directly
//! or through a symbolic link) is refused with a named error at once: reading it would
//! block forever or never end.

use crate::common;

use std::sync::mpsc;
use std::time::Duration;

use common::*;
use palisade_artifact::{ArtifactError, Image, OpenOptions};
use palisade_core::fsio::{FileError, FileKind};

/// Fails the test instead of hanging it when `f` blocks.
fn within_deadline<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("blocked for 20 s on a special file")
}

fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

fn kind(err: &ArtifactError) -> Option<FileKind> {
    match err {
        ArtifactError::File {
            error: FileError::NotRegular { kind, .. },
            ..
        } => Some(*kind),
        _ => None,
    }
}

fn open_err(target: String) -> ArtifactError {
    within_deadline(
        move || match Image::open(&target, &OpenOptions::default()) {
            Ok(mut img) => analyse_plain(&mut img).unwrap_err(),
            Err(e) => e,
        },
    )
}

#[test]
fn an_image_archive_that_is_a_fifo_or_device_is_refused() {
    let dir = tempdir();
    let fifo = path_in(&dir, "image.tar");
    mkfifo(&fifo);
    let err = open_err(fifo.display().to_string());
    assert_eq!(kind(&err), Some(FileKind::Fifo), "{err}");
    assert!(err.to_string().contains("named pipe (FIFO)"), "{err}");
    // the archive's path is said once
    let text = err.to_string();
    assert_eq!(text.matches("image.tar").count(), 1, "{text}");

    let err = open_err("docker-archive:/dev/zero".to_string());
    assert_eq!(kind(&err), Some(FileKind::CharDevice), "{err}");

    let link = path_in(&dir, "linked.tar");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let err = open_err(format!("oci-archive:{}", link.display()));
    assert_eq!(kind(&err), Some(FileKind::CharDevice), "{err}");
}

#[test]
fn an_oci_layout_blob_that_is_a_fifo_or_device_is_refused() {
    let image = TestImage::new().layer("COPY a /a", &[E::File("a", b"hello".to_vec())]);
    for replace_with_fifo in [true, false] {
        let dir = tempdir();
        let layout = path_in(&dir, "layout");
        image.oci_layout(&layout, "v1", Comp::Gzip);
        let layer = sha(&compress(&image.layers[0].0, Comp::Gzip));
        let blob = layout.join("blobs/sha256").join(&layer[7..]);
        std::fs::remove_file(&blob).unwrap();
        if replace_with_fifo {
            mkfifo(&blob);
        } else {
            std::os::unix::fs::symlink("/dev/zero", &blob).unwrap();
        }
        let err = open_err(format!("{}:v1", layout.display()));
        let expected = if replace_with_fifo {
            FileKind::Fifo
        } else {
            FileKind::CharDevice
        };
        assert_eq!(kind(&err), Some(expected), "{err}");
    }
}

#[test]
fn a_root_filesystem_with_fifos_and_device_links_is_read_without_blocking() {
    let dir = tempdir();
    let root = path_in(&dir, "rootfs");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("run")).unwrap();
    mkfifo(&root.join("etc/os-release"));
    mkfifo(&root.join("run/initctl"));
    std::os::unix::fs::symlink("/dev/zero", root.join("etc/passwd")).unwrap();
    std::fs::write(root.join("etc/hostname"), "box\n").unwrap();
    let analysed = within_deadline(move || {
        let mut img = Image::open_rootfs(&root, &OpenOptions::default()).unwrap();
        analyse_plain(&mut img).map(|a| a.layers.len())
    });
    assert_eq!(analysed.unwrap(), 1);
}

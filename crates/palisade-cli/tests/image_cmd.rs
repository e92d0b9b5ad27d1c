//! `palisade image` end to end: a root filesystem the test writes, and (when built) the real
//! buildah image of `crates/palisade-artifact/tests/make-real-images.sh`.

use crate::common;

use common::*;

fn rootfs(os_release: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
    std::fs::write(root.join("etc/os-release"), os_release).unwrap();
    std::fs::write(
        root.join("var/lib/dpkg/status"),
        "Package: libssl1.1\nStatus: install ok installed\nSource: openssl\nVersion: 1.1.1n-0+deb10u3\n\n",
    )
    .unwrap();
    dir
}

#[test]
fn end_of_life_rootfs_fails_and_names_the_date() {
    let dir =
        rootfs("PRETTY_NAME=\"Debian GNU/Linux 10 (buster)\"\nID=debian\nVERSION_ID=\"10\"\n");
    let root = dir.path().to_str().unwrap();
    let out = palisade(dir.path(), &["image", "--rootfs", root, "--list-packages"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out).replace(root, "<rootfs>");
    insta::assert_snapshot!("eol_rootfs_table", text);
    let err = stderr(&out);
    assert!(
        err.contains("Debian GNU/Linux 10 (buster), END OF LIFE since 2024-06-30; 1 layer"),
        "{err}"
    );
    assert!(err.contains("libssl1.1"), "{err}");
}

#[test]
fn supported_rootfs_passes() {
    let dir = rootfs("ID=debian\nVERSION_ID=\"12\"\n");
    let root = dir.path().to_str().unwrap();
    let out = palisade(dir.path(), &["image", "--rootfs", root, "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stderr(&out).is_empty());
}

#[test]
fn bad_targets_are_usage_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("junk.tar"), b"not a tar").unwrap();
    for args in [
        vec!["image", "junk.tar"],
        vec!["image", "--platform", "linux", "junk.tar"],
        vec!["image", "Not A Reference"],
        vec!["image"],
    ] {
        let out = palisade(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("panicked"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = palisade(dir.path(), &["image", "junk.tar"]);
    assert!(
        stderr(&out).contains("junk.tar: not a readable tar archive"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn real_buildah_image_as_json() {
    let app = repo_root().join("target/realimg/app.docker.tar");
    if !app.is_file() {
        eprintln!(
            "SKIP: {} not built (crates/palisade-artifact/tests/make-real-images.sh)",
            app.display()
        );
        return;
    }
    let out = palisade(
        &repo_root(),
        &["image", app.to_str().unwrap(), "-f", "json", "-q"],
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let ids: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["IMG100", "IMG104", "IMG109", "IMG111"]);
}

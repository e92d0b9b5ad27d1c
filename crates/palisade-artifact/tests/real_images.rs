//! Real images built by debootstrap, umoci, skopeo, rpm and buildah
//! (`tests/make-real-images.sh`, run by `.ci/install.d/50-images.sh`): the inventories
//! must equal what dpkg and rpm themselves report on the same root filesystems.

use crate::common;

use std::path::PathBuf;
use std::process::Command;

use common::analyse_plain;
use palisade_artifact::{Image, ImageAnalysis, OpenOptions};

fn real_images() -> Option<PathBuf> {
    let dir = std::env::var_os("PALISADE_REAL_IMAGES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/realimg"))
        });
    if dir.join("debian-bookworm.docker.tar").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "SKIP: no real images in {} (run crates/palisade-artifact/tests/make-real-images.sh)",
            dir.display()
        );
        None
    }
}

fn open_and_analyse(target: &str) -> ImageAnalysis {
    let mut image = Image::open(target, &OpenOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    analyse_plain(&mut image).unwrap_or_else(|e| panic!("{e}"))
}

fn tool_lines(cmd: &mut Command) -> Vec<String> {
    let out = cmd.output().expect("tool runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

fn ours(a: &ImageAnalysis) -> Vec<String> {
    let mut lines: Vec<String> = a
        .packages
        .iter()
        .map(|p| format!("{}\t{}", p.name, p.version))
        .collect();
    lines.sort();
    lines
}

#[test]
fn debian_inventory_equals_dpkg_query_in_every_format() {
    let Some(dir) = real_images() else { return };
    let expected = tool_lines(
        Command::new("dpkg-query")
            .arg(format!("--admindir={}/rootfs/var/lib/dpkg", dir.display()))
            .args(["-W", "-f", "${Package}\t${Version}\n"]),
    );
    assert!(
        expected.len() > 80,
        "a minbase bookworm has ~100 packages: {}",
        expected.len()
    );
    for target in [
        format!("{}/debian-bookworm.docker.tar", dir.display()),
        format!("{}/oci:bookworm", dir.display()),
    ] {
        let a = open_and_analyse(&target);
        assert_eq!(ours(&a), expected, "{target}");
        let os = a.os.as_ref().unwrap();
        assert_eq!((os.id.as_str(), os.version_id.as_str()), ("debian", "12"));
        assert!(a.packages.iter().all(|p| p.layer == 0));
        let libssl = a.packages.iter().find(|p| p.name == "libssl3").unwrap();
        assert_eq!(libssl.source_name.as_deref(), Some("openssl"));
        assert!(a.errors.is_empty(), "{:?}", a.errors);
    }
    // The same root filesystem, unpacked.
    let mut image = Image::open_rootfs(&dir.join("rootfs"), &OpenOptions::default()).unwrap();
    let a = analyse_plain(&mut image).unwrap();
    assert_eq!(ours(&a), expected);
}

#[test]
fn rpm_inventory_equals_rpm_qa() {
    let Some(dir) = real_images() else { return };
    let Some(_) = which("rpm") else {
        eprintln!("SKIP: rpm is not installed");
        return;
    };
    let expected = tool_lines(
        Command::new("rpm")
            .arg("--root")
            .arg(dir.join("rpmroot"))
            .args([
                "--dbpath",
                "/var/lib/rpm",
                "-qa",
                "--qf",
                "%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\n",
            ]),
    );
    assert_eq!(expected.len(), 3);
    // rpm prints an epoch tag that is present but 0 as `0:`; epoch 0 and no epoch are the
    // same version to rpm's ordering, and the inventory leaves a zero epoch out.
    let expected: Vec<String> = expected
        .into_iter()
        .map(|line| line.replacen("\t0:", "\t", 1))
        .collect();
    let a = open_and_analyse(&format!("{}/rpmdb.docker.tar", dir.display()));
    assert_eq!(ours(&a), expected);
    let ssl = a
        .packages
        .iter()
        .find(|p| p.name == "openssl-libs")
        .unwrap();
    assert_eq!(ssl.source_name.as_deref(), Some("openssl-libs"));
    assert_eq!(
        a.os.as_ref().unwrap().osv_ecosystem().as_deref(),
        Some("Rocky Linux:9")
    );
}

/// A Berkeley DB `Packages` written by libdb itself (`db5.3_load`, from the header blobs
/// rpm wrote into the real sqlite database), read back by rpm's own `bdb_ro` backend as the
/// oracle. Debian's rpm 4.18 can read Berkeley DB but not write it, hence db_load.
#[test]
fn berkeley_db_packages_equals_rpm_bdb_ro() {
    let Some(dir) = real_images() else { return };
    let (Some(_), Some(_)) = (which("rpm"), which("db5.3_load")) else {
        eprintln!("SKIP: rpm or db5.3_load (db5.3-util) is not installed");
        return;
    };
    let root = tempfile::tempdir().unwrap();
    let rpmdir = root.path().join("var/lib/rpm");
    std::fs::create_dir_all(&rpmdir).unwrap();
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    std::fs::write(
        root.path().join("etc/os-release"),
        "ID=\"centos\"\nVERSION_ID=\"7\"\nPRETTY_NAME=\"CentOS Linux 7 (Core)\"\n",
    )
    .unwrap();
    let sqlite = rusqlite::Connection::open_with_flags(
        format!(
            "file:{}/rpmroot/var/lib/rpm/rpmdb.sqlite?immutable=1",
            dir.display()
        ),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
    )
    .unwrap();
    let mut dump = String::from("VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END\n");
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let mut stmt = sqlite.prepare("SELECT hnum, blob FROM Packages").unwrap();
    let rows: Vec<(u32, Vec<u8>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 3);
    // rpm keeps its next header number under key 0
    dump.push_str(&format!(
        " {}\n {}\n",
        hex(&0u32.to_le_bytes()),
        hex(&4u32.to_le_bytes())
    ));
    for (hnum, blob) in &rows {
        dump.push_str(&format!(" {}\n {}\n", hex(&hnum.to_le_bytes()), hex(blob)));
    }
    dump.push_str("DATA=END\n");
    let dump_path = root.path().join("dump.txt");
    std::fs::write(&dump_path, dump).unwrap();
    let status = Command::new("db5.3_load")
        .arg("-f")
        .arg(&dump_path)
        .arg(rpmdir.join("Packages"))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::remove_file(&dump_path).unwrap();
    let expected = tool_lines(Command::new("rpm").arg("--root").arg(root.path()).args([
        "--dbpath",
        "/var/lib/rpm",
        "-D",
        "_db_backend bdb_ro",
        "-qa",
        "--qf",
        "%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\n",
    ]));
    let expected: Vec<String> = expected
        .into_iter()
        .map(|line| line.replacen("\t0:", "\t", 1))
        .collect();
    assert_eq!(expected.len(), 3);
    let mut image = Image::open_rootfs(root.path(), &OpenOptions::default()).unwrap();
    let a = analyse_plain(&mut image).unwrap();
    assert!(a.errors.is_empty(), "{:?}", a.errors);
    assert_eq!(ours(&a), expected);
    assert!(a
        .packages
        .iter()
        .all(|p| p.db_path == "var/lib/rpm/Packages"));
    let ssl = a
        .packages
        .iter()
        .find(|p| p.name == "openssl-libs")
        .unwrap();
    assert_eq!(ssl.source_name.as_deref(), Some("openssl-libs"));
    assert_eq!(ssl.arch.as_deref(), Some("noarch"));

    // A truncated copy is an error naming the file, not a panic.
    let bytes = std::fs::read(rpmdir.join("Packages")).unwrap();
    std::fs::write(rpmdir.join("Packages"), &bytes[..bytes.len() / 2]).unwrap();
    let mut image = Image::open_rootfs(root.path(), &OpenOptions::default()).unwrap();
    let a = analyse_plain(&mut image).unwrap();
    assert!(a.packages.is_empty());
    assert!(
        a.errors
            .iter()
            .any(|e| e.to_string().contains("var/lib/rpm/Packages")),
        "{:?}",
        a.errors
    );
}

#[test]
fn buildah_image_config_findings_point_at_layers() {
    let Some(dir) = real_images() else { return };
    let app = dir.join("app.docker.tar");
    if !app.is_file() {
        eprintln!("SKIP: {} not built (buildah missing)", app.display());
        return;
    }
    let a = open_and_analyse(app.to_str().unwrap());
    let ids: Vec<&str> = a.findings.iter().map(|f| f.rule_id.as_ref()).collect();
    for id in ["IMG100", "IMG104", "IMG109", "IMG111"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let secret = a.findings.iter().find(|f| f.rule_id == "IMG104").unwrap();
    assert_eq!(secret.location.resource.as_deref(), Some("ENV API_TOKEN"));
    assert!(secret.secret.as_ref().unwrap().preview.starts_with("ghp_"));
    assert!(!secret.message.contains("1234567890abcdef"));
    assert_eq!(a.layers.len(), 2);
    // buildah commits one layer whose history entry is the last instruction (CMD); the
    // layer is described by the RUN that changed files.
    assert!(
        a.layers[1]
            .created_by
            .as_deref()
            .unwrap_or("")
            .starts_with("RUN echo"),
        "{:?}",
        a.layers[1]
    );
    // /etc/passwd changed in the second layer; the packages all came with the base.
    assert_eq!(a.fs.get("etc/passwd").unwrap().layer, 1);
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| PathBuf::from(d).join(tool))
        .find(|p| p.is_file())
}

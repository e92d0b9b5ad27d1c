//! Real layered images built by the test, read through every source format: whiteouts,
//! deleted secrets, hostile entries, corrupt and oversized input.

use crate::common;

use common::*;
use palisade_artifact::{
    analyse, ArtifactError, Image, ImagesConfig, LayerFile, LayerFileVisitor, Limits, OpenOptions,
};

/// Collects every `.env` file of every layer, as a secret scanner would.
/// Path, layer index, layer digest, layer instruction, content.
type SeenFile = (String, usize, Option<String>, Option<String>, Vec<u8>);

#[derive(Default)]
struct EnvFiles {
    seen: Vec<SeenFile>,
}

impl LayerFileVisitor for EnvFiles {
    fn wants(&self, file: &LayerFile<'_>) -> bool {
        file.path.ends_with(".env")
    }
    fn visit(&mut self, file: &LayerFile<'_>, content: &[u8]) {
        self.seen.push((
            file.path.to_string(),
            file.layer.index,
            file.layer.display_digest().map(|d| d.to_string()),
            file.layer.created_by.clone(),
            content.to_vec(),
        ));
    }
}

fn secret_image() -> TestImage {
    TestImage::new()
        .layer(
            "/bin/sh -c #(nop) ADD file:base in / ",
            &[
                E::Dir("etc"),
                E::File("etc/os-release", b"ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n".to_vec()),
                E::Dir("opt/cache"),
                E::File("opt/cache/a", b"a".to_vec()),
            ],
        )
        .layer(
            "COPY secret.env /app/secret.env # buildkit",
            &[E::Dir("app"), E::File("app/secret.env", b"AWS_SECRET=abc123\n".to_vec())],
        )
        .layer(
            "RUN /bin/sh -c rm /app/secret.env && rm -rf /opt/cache # buildkit",
            &[E::File("app/.wh.secret.env", vec![]), E::File("opt/cache/.wh..wh..opq", vec![]), E::File("opt/cache/b", b"b".to_vec())],
        )
}

fn read_all(target: &str, visitor: &mut EnvFiles) -> palisade_artifact::ImageAnalysis {
    let mut image = Image::open(target, &OpenOptions::default()).unwrap();
    analyse(
        &mut image,
        &mut [visitor],
        &|_| false,
        &ImagesConfig::default(),
        today(),
        |_| {},
    )
    .unwrap()
}

fn check_deleted_secret(
    analysis: &palisade_artifact::ImageAnalysis,
    visitor: &EnvFiles,
    image: &TestImage,
) {
    // The squashed view does not have the file...
    assert!(analysis.fs.get("app/secret.env").is_none());
    assert!(analysis.fs.get("app").is_some());
    // ...but the layer that added it was scanned, with its digest and instruction.
    assert_eq!(
        visitor.seen.len(),
        1,
        "{:?}",
        visitor.seen.iter().map(|s| &s.0).collect::<Vec<_>>()
    );
    let (path, layer, digest, created_by, content) = &visitor.seen[0];
    assert_eq!(path, "app/secret.env");
    assert_eq!(*layer, 1);
    assert_eq!(digest.as_deref(), Some(sha(&image.layers[1].0).as_str()));
    assert_eq!(
        created_by.as_deref(),
        Some("COPY secret.env /app/secret.env # buildkit")
    );
    assert_eq!(content, b"AWS_SECRET=abc123\n");
    // The opaque directory hid the lower layer's file, kept its own.
    assert!(analysis.fs.get("opt/cache/a").is_none());
    assert_eq!(analysis.fs.get("opt/cache/b").unwrap().layer, 2);
    assert_eq!(analysis.os.as_ref().unwrap().version_id, "12");
}

#[test]
fn deleted_secret_is_still_seen_in_a_docker_archive() {
    let dir = tempdir();
    let image = secret_image();
    let tar = path_in(&dir, "app.tar");
    image.docker_archive(&tar);
    let mut v = EnvFiles::default();
    let a = read_all(tar.to_str().unwrap(), &mut v);
    check_deleted_secret(&a, &v, &image);
    assert_eq!(a.kind.as_str(), "docker-archive");
}

#[test]
fn deleted_secret_is_still_seen_in_oci_layouts_gzip_and_zstd() {
    for comp in [Comp::Gzip, Comp::Zstd, Comp::None] {
        let dir = tempdir();
        let image = secret_image();
        let layout = path_in(&dir, "layout");
        image.oci_layout(&layout, "v1", comp);
        let mut v = EnvFiles::default();
        let a = read_all(&format!("{}:v1", layout.display()), &mut v);
        check_deleted_secret(&a, &v, &image);
        assert!(a.manifest_digest.is_some());

        // The same layout packed as an oci-archive.
        let archive = path_in(&dir, "image.oci.tar");
        tar_dir(&layout, &archive);
        let mut v = EnvFiles::default();
        let a = read_all(archive.to_str().unwrap(), &mut v);
        check_deleted_secret(&a, &v, &image);
        assert_eq!(a.kind.as_str(), "oci-archive");
    }
}

#[test]
fn unknown_tag_names_the_tags_there_are() {
    let dir = tempdir();
    let layout = path_in(&dir, "layout");
    secret_image().oci_layout(&layout, "v1", Comp::Gzip);
    let err =
        Image::open(&format!("{}:v2", layout.display()), &OpenOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("no manifest tagged v2 (tags: v1)"),
        "{err}"
    );
}

#[test]
fn legacy_docker_archive_with_only_repositories() {
    let dir = tempdir();
    let tar = path_in(&dir, "legacy.tar");
    let base = layer_tar(&[E::File("etc/alpine-release", b"3.19.1\n".to_vec())]);
    let top = layer_tar(&[E::File("app/run.sh", b"#!/bin/sh\n".to_vec())]);
    let mut b = tar::Builder::new(std::fs::File::create(&tar).unwrap());
    append(&mut b, "aaaa/layer.tar", &base);
    append(&mut b, "aaaa/json", br##"{"id":"aaaa","created":"2015-01-01T00:00:00Z","container_config":{"Cmd":["/bin/sh","-c","#(nop) ADD file:x in /"]}}"##);
    append(&mut b, "bbbb/layer.tar", &top);
    append(&mut b, "bbbb/json", br##"{"id":"bbbb","parent":"aaaa","created":"2015-02-01T00:00:00Z","config":{"User":""},"container_config":{"Cmd":["/bin/sh","-c","echo hi"]}}"##);
    append(&mut b, "repositories", br#"{"old/app":{"1.0":"bbbb"}}"#);
    b.finish().unwrap();
    let mut image = Image::open(tar.to_str().unwrap(), &OpenOptions::default()).unwrap();
    assert_eq!(image.repo_tags, ["old/app:1.0"]);
    let a = analyse_plain(&mut image).unwrap();
    assert_eq!(a.layers.len(), 2);
    assert_eq!(a.fs.get("app/run.sh").unwrap().layer, 1);
    assert_eq!(a.os.as_ref().unwrap().id, "alpine");
    let ids: Vec<&str> = a.findings.iter().map(|f| f.rule_id.as_ref()).collect();
    assert!(ids.contains(&"IMG101"), "alpine 3.19 is past EOL: {ids:?}");
    assert!(ids.contains(&"IMG103"), "created 2015: {ids:?}");
}

#[test]
fn hostile_entries_are_skipped_with_notes_and_nothing_escapes() {
    let dir = tempdir();
    let outside = dir.path().join("etc-passwd-should-not-exist");
    let image = TestImage::new().layer(
        "ADD evil.tar /",
        &[
            E::Raw("../../etc/passwd", b"root::0:0::/root:/bin/sh\n".to_vec()),
            E::Raw("a/../../../etc-passwd-should-not-exist", b"x".to_vec()),
            E::Device("opt/sda"),
            E::Symlink("etc/loop1", "loop2"),
            E::Symlink("etc/loop2", "loop1"),
            E::Symlink("etc/escape", "../../../../../../etc/shadow"),
            E::Hardlink("etc/hard", "../../outside"),
            E::File("etc/ok", b"fine".to_vec()),
        ],
    );
    let tar = path_in(&dir, "evil.tar");
    image.docker_archive(&tar);
    let mut img = Image::open(tar.to_str().unwrap(), &OpenOptions::default()).unwrap();
    let scratch = img.scratch_dir().to_path_buf();
    let a = analyse(
        &mut img,
        &mut [],
        &|_| true,
        &ImagesConfig::default(),
        today(),
        |_| {},
    )
    .unwrap();
    let notes = a.notes.join("\n");
    assert!(
        notes.contains("../../etc/passwd: path climbs out of the image root; entry skipped"),
        "{notes}"
    );
    assert!(notes.contains("opt/sda: device file skipped"), "{notes}");
    assert!(
        notes.contains("hard link points outside the image root"),
        "{notes}"
    );
    assert!(a.fs.get("etc/passwd").is_none());
    assert!(a.fs.resolve("etc/loop1").is_err());
    // An escaping symlink is clamped at the image root.
    assert_eq!(
        a.fs.resolve("etc/escape").as_deref(),
        Err(&palisade_artifact::fs::ResolveError::NotFound(
            "etc/escape".into()
        ))
    );
    assert_eq!(a.fs.read("etc/ok").unwrap().unwrap(), b"fine");
    assert!(!outside.exists());
    drop(a);
    drop(img);
    assert!(
        !scratch.exists(),
        "scratch directory is removed with the image"
    );
}

#[test]
fn gzip_bomb_layer_is_refused_by_the_decompression_limit() {
    let dir = tempdir();
    let zeros = vec![0u8; 24 << 20];
    let image = TestImage::new().layer("RUN make-bomb", &[E::File("bomb", zeros)]);
    let layout = path_in(&dir, "layout");
    image.oci_layout(&layout, "bomb", Comp::Gzip);
    let options = OpenOptions {
        limits: Limits {
            max_layer_uncompressed: 2 << 20,
            ..Limits::default()
        },
        ..OpenOptions::default()
    };
    let mut img = Image::open(layout.to_str().unwrap(), &options).unwrap();
    let err = analyse_plain(&mut img).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("layer 1 (sha256:"), "{msg}");
    assert!(msg.contains("possible decompression bomb"), "{msg}");
}

#[test]
fn tampered_blob_fails_its_digest() {
    let dir = tempdir();
    let layout = path_in(&dir, "layout");
    let image = secret_image();
    image.oci_layout(&layout, "v1", Comp::Gzip);
    // Replace the second layer blob with other (valid) gzip content under the same name.
    let layer_digest = sha(&compress(&image.layers[1].0, Comp::Gzip));
    let blob = layout.join("blobs/sha256").join(&layer_digest[7..]);
    std::fs::write(
        &blob,
        compress(&layer_tar(&[E::File("x", b"evil".to_vec())]), Comp::Gzip),
    )
    .unwrap();
    let mut img = Image::open(layout.to_str().unwrap(), &OpenOptions::default()).unwrap();
    let err = analyse_plain(&mut img).unwrap_err();
    assert!(matches!(err, ArtifactError::DigestMismatch { .. }), "{err}");
    assert!(err.to_string().contains(&layer_digest), "{err}");

    // And a missing blob is named.
    std::fs::remove_file(&blob).unwrap();
    let mut img = Image::open(layout.to_str().unwrap(), &OpenOptions::default()).unwrap();
    let err = analyse_plain(&mut img).unwrap_err();
    assert!(matches!(err, ArtifactError::MissingBlob { .. }), "{err}");
}

#[test]
fn tampered_layer_in_a_docker_archive_fails_its_diff_id() {
    let dir = tempdir();
    let tar = path_in(&dir, "app.tar");
    let mut image = secret_image();
    image.docker_archive(&tar);
    // Re-write the archive with a layer whose content differs from the config's diff id.
    let config = image.config_json();
    image.layers[1].0 = layer_tar(&[E::File("app/other", b"x".to_vec())]);
    let mut b = tar::Builder::new(std::fs::File::create(&tar).unwrap());
    let cfg_name = format!("{}.json", &sha(&config)[7..]);
    append(&mut b, &cfg_name, &config);
    let mut names = Vec::new();
    for (i, (t, _)) in image.layers.iter().enumerate() {
        let n = format!("l{i}/layer.tar");
        append(&mut b, &n, t);
        names.push(n);
    }
    append(
        &mut b,
        "manifest.json",
        &serde_json::to_vec(
            &serde_json::json!([{"Config": cfg_name, "RepoTags": null, "Layers": names}]),
        )
        .unwrap(),
    );
    b.finish().unwrap();
    let mut img = Image::open(tar.to_str().unwrap(), &OpenOptions::default()).unwrap();
    let err = analyse_plain(&mut img).unwrap_err();
    assert!(matches!(err, ArtifactError::DigestMismatch { .. }), "{err}");
}

#[test]
fn truncated_and_corrupt_archives_give_clear_errors() {
    let dir = tempdir();
    let layout = path_in(&dir, "layout");
    let image = TestImage::new().layer(
        "ADD big /",
        &[
            E::File("first", vec![1; 10_000]),
            E::File("second", vec![2; 100_000]),
        ],
    );
    image.oci_layout(&layout, "v1", Comp::None);
    let layer_digest = sha(&image.layers[0].0);
    let blob = layout.join("blobs/sha256").join(&layer_digest[7..]);
    let bytes = std::fs::read(&blob).unwrap();
    std::fs::write(&blob, &bytes[..20_000]).unwrap();
    let mut img = Image::open(layout.to_str().unwrap(), &OpenOptions::default()).unwrap();
    let err = analyse_plain(&mut img).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("layer 1 (sha256:"), "{msg}");
    assert!(msg.contains("entry"), "{msg}");

    // Not a tar at all.
    let junk = path_in(&dir, "junk.tar");
    std::fs::write(
        &junk,
        b"this is not an archive at all, just text that goes on",
    )
    .unwrap();
    let err = Image::open(junk.to_str().unwrap(), &OpenOptions::default()).unwrap_err();
    assert!(err.to_string().contains("junk.tar"), "{err}");

    // A truncated docker archive.
    let tar = path_in(&dir, "app.tar");
    secret_image().docker_archive(&tar);
    let bytes = std::fs::read(&tar).unwrap();
    std::fs::write(&tar, &bytes[..bytes.len() / 2]).unwrap();
    let err = Image::open(tar.to_str().unwrap(), &OpenOptions::default()).unwrap_err();
    assert!(err.to_string().contains("app.tar"), "{err}");
}

#[test]
fn hundred_thousand_file_layer_and_the_entry_limit() {
    let dir = tempdir();
    let entries: Vec<E> = (0..100_000)
        .map(|i| {
            E::File(
                Box::leak(format!("data/{:03}/{i}.txt", i % 500).into_boxed_str()),
                Vec::new(),
            )
        })
        .collect();
    let image = TestImage::new().layer("COPY data /data", &entries);
    let layout = path_in(&dir, "layout");
    image.oci_layout(&layout, "v1", Comp::None);
    let mut img = Image::open(layout.to_str().unwrap(), &OpenOptions::default()).unwrap();
    let a = analyse_plain(&mut img).unwrap();
    assert_eq!(a.files, 100_000);

    let options = OpenOptions {
        limits: Limits {
            max_entries_per_layer: 50_000,
            ..Limits::default()
        },
        ..OpenOptions::default()
    };
    let mut img = Image::open(layout.to_str().unwrap(), &options).unwrap();
    let err = analyse_plain(&mut img).unwrap_err();
    assert!(err.to_string().contains("more than 50000 entries"), "{err}");
}

#[test]
fn rootfs_directory_is_one_layer_without_config() {
    let dir = tempdir();
    let root = dir.path();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("lib/apk/db")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "ID=alpine\nVERSION_ID=3.22.1\n",
    )
    .unwrap();
    std::fs::write(
        root.join("lib/apk/db/installed"),
        "P:musl\nV:1.2.5-r10\nA:x86_64\no:musl\n\nP:busybox\nV:1.37.0-r18\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc/os-release", root.join("etc/link")).unwrap();
    let mut img = Image::open_rootfs(root, &OpenOptions::default()).unwrap();
    let a = analyse_plain(&mut img).unwrap();
    assert_eq!(a.os.as_ref().unwrap().cycle(), "3.22");
    let names: Vec<_> = a
        .packages
        .iter()
        .map(|p| format!("{}={}", p.name, p.version))
        .collect();
    assert_eq!(names, ["busybox=1.37.0-r18", "musl=1.2.5-r10"]);
    // No config: none of the configuration rules apply.
    assert!(a.findings.is_empty(), "{:?}", a.findings);
    assert_eq!(a.fs.resolve("etc/link").unwrap(), "etc/os-release");
}

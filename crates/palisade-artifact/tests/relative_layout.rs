//! OCI layouts named as users type them, relative to the current folder: `layout:tag`,
//! `./layout:tag`, `sub/layout:tag`, `oci:layout:tag`, and an archive `app.tar:repo:tag`.
//! (One test in its own binary: it changes the process's current folder.)

mod common;

use common::*;
use palisade_artifact::{Image, OpenOptions};

#[test]
fn relative_layout_references_open() {
    let dir = tempdir();
    let image = TestImage::new().layer("COPY a /a", &[E::File("a", b"hello".to_vec())]);
    image.oci_layout(&dir.path().join("layout"), "v1", Comp::Gzip);
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    image.oci_layout(&dir.path().join("sub/img"), "t", Comp::Gzip);
    std::env::set_current_dir(dir.path()).unwrap();
    for target in [
        "layout:v1",
        "./layout:v1",
        "layout",
        "oci:layout:v1",
        "sub/img:t",
        "./sub/img:t",
        "oci:./sub/img:t",
    ] {
        let mut img = Image::open(target, &OpenOptions::default())
            .unwrap_or_else(|e| panic!("{target}: {e}"));
        assert_eq!(img.layers.len(), 1, "{target}");
        analyse_plain(&mut img).unwrap_or_else(|e| panic!("{target}: {e}"));
    }
    let err = Image::open("layout:nope", &OpenOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("v1"),
        "names the tags there are: {err}"
    );
}

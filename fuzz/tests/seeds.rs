//! The fuzz harnesses over the seed corpus in `seeds/<target>/` and over variants of each
//! seed (cut at several lengths, bytes flipped), on a stable toolchain: the same code paths
//! libFuzzer starts from, checked by `cargo test` where cargo-fuzz is not available. Each
//! input must finish within 60 s (a hang fails instead of blocking the run).

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no seeds for {target}");
    out
}

/// The seed, `cuts` prefixes of it, and `flips` copies with one byte changed.
fn variants(seed: &[u8], cuts: usize, flips: usize) -> Vec<Vec<u8>> {
    let mut out = vec![seed.to_vec()];
    for i in 1..=cuts {
        out.push(seed[..seed.len() * i / (cuts + 1)].to_vec());
    }
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15 ^ seed.len() as u64;
    for _ in 0..flips {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        if seed.is_empty() {
            break;
        }
        let mut v = seed.to_vec();
        let at = (state >> 33) as usize % v.len();
        v[at] = v[at].wrapping_add((state >> 13) as u8 | 1);
        out.push(v);
    }
    out
}

fn run(target: &str, harness: fn(&[u8]), cuts: usize, flips: usize) {
    for (name, seed) in seeds(target) {
        for (i, input) in variants(&seed, cuts, flips).into_iter().enumerate() {
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                harness(&input);
                let _ = tx.send(());
            });
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(()) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!("{target}/{name} variant {i}: still running after 60 s")
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    panic!("{target}/{name} variant {i}: the harness panicked")
                }
            }
        }
    }
}

#[test]
fn registry_response_seeds() {
    run("registry_response", palisade_fuzz::registry_response, 6, 6);
}

#[test]
fn image_archive_seeds() {
    run("image_archive", palisade_fuzz::image_archive, 16, 64);
}

#[test]
fn lockfile_seeds() {
    run("lockfile", palisade_fuzz::lockfile, 16, 64);
}

#[test]
fn terraform_seeds() {
    run("terraform", palisade_fuzz::terraform, 16, 64);
}

#[test]
fn cloudformation_seeds() {
    run("cloudformation", palisade_fuzz::cloudformation, 16, 64);
}

/// The seeds reach the deep code paths: the image seed is a readable image with a layer,
/// the lockfile seeds parse to packages.
#[test]
fn seeds_are_valid_inputs_of_their_front_ends() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/image_archive/docker_save.tar");
    let mut image = palisade_artifact::Image::open(
        dir.to_str().unwrap(),
        &palisade_artifact::OpenOptions::default(),
    )
    .expect("the docker archive seed opens");
    assert_eq!(image.layers.len(), 1);
    let analysis = palisade_artifact::analyse(
        &mut image,
        &mut [],
        &|_| false,
        &palisade_artifact::ImagesConfig::default(),
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        |_| {},
    )
    .expect("the docker archive seed is read");
    assert_eq!(analysis.os.map(|o| o.id), Some("alpine".to_string()));
    let cargo = &seeds("lockfile")[0];
    assert_eq!(cargo.0, "cargo");
    let text = std::str::from_utf8(&cargo.1[1..]).unwrap();
    let packages = palisade_vuln::lockfile::parse("Cargo.lock", text, &|_| None).unwrap();
    assert_eq!(packages.len(), 1);
}

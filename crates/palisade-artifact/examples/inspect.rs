//! `cargo run --example inspect -- TARGET [--rootfs]`: prints what the image analysis finds.
use palisade_artifact::{analyse, Image, ImagesConfig, OpenOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(target) = args.first() else {
        eprintln!("usage: inspect TARGET [--rootfs] [--insecure]");
        std::process::exit(2);
    };
    let mut opts = OpenOptions::default();
    opts.registry.insecure = args.iter().any(|a| a == "--insecure");
    let opened = if args.iter().any(|a| a == "--rootfs") {
        Image::open_rootfs(std::path::Path::new(target), &opts)
    } else {
        Image::open(target, &opts)
    };
    let mut image = match opened {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let today = chrono::Utc::now().date_naive();
    match analyse(
        &mut image,
        &mut [],
        &|_| false,
        &ImagesConfig::default(),
        today,
        |_| {},
    ) {
        Ok(a) => {
            println!(
                "os: {:?}\neol: {:?}\nlayers: {}\nfiles: {}\npackages: {}",
                a.os,
                a.eol,
                a.layers.len(),
                a.files,
                a.packages.len()
            );
            for p in a.packages.iter().take(5) {
                println!("  {} {} layer {}", p.name, p.version, p.layer);
            }
            for f in &a.findings {
                println!(
                    "{} {} {} [{}]",
                    f.rule_id,
                    f.severity,
                    f.message,
                    f.location.resource.clone().unwrap_or_default()
                );
            }
            for e in &a.errors {
                println!("error: {e}");
            }
            for n in &a.notes {
                println!("note: {n}");
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

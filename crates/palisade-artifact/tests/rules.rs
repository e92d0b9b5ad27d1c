//! Every image rule against its fixtures: `tests/fixtures/<RULE>/fail_*.json` must raise the
//! rule, `pass_*.json` must not. A fixture holds an image `config`, an `os_release` and
//! `files` of the final view (path, mode, size, content); the messages are snapshotted.

use std::path::Path;

use palisade_artifact::fs::ImageFs;
use palisade_artifact::layer::{EntryKind, LayerEntry, LayerInfo};
use palisade_artifact::rules::{check, ImageContext};
use palisade_artifact::{ImageConfig, ImagesConfig};

#[derive(serde::Deserialize, Default)]
struct Fixture {
    #[serde(default)]
    config: Option<serde_json::Value>,
    #[serde(default)]
    os_release: Option<String>,
    #[serde(default)]
    files: Vec<FixtureFile>,
}

#[derive(serde::Deserialize)]
struct FixtureFile {
    path: String,
    #[serde(default = "default_mode")]
    mode: u32,
    #[serde(default)]
    size: u64,
    #[serde(default)]
    content: Option<String>,
}

fn default_mode() -> u32 {
    0o644
}

fn run_fixture(path: &Path) -> Vec<palisade_core::Finding> {
    let fixture: Fixture = serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut fs = ImageFs::new(None);
    let mut files = fixture.files;
    if let Some(text) = &fixture.os_release {
        files.push(FixtureFile {
            path: "etc/os-release".into(),
            mode: 0o644,
            size: 0,
            content: Some(text.clone()),
        });
    }
    let entries = files
        .iter()
        .map(|f| LayerEntry {
            path: f.path.clone(),
            kind: EntryKind::File,
            size: f.content.as_ref().map(|c| c.len() as u64).unwrap_or(f.size),
            mode: f.mode,
            uid: 0,
        })
        .collect();
    for f in &files {
        if let Some(c) = &f.content {
            fs.capture(0, &f.path, c.as_bytes().to_vec()).unwrap();
        }
    }
    fs.apply_layer(0, entries);
    let config: Option<ImageConfig> = fixture.config.map(|c| serde_json::from_value(c).unwrap());
    let os = palisade_artifact::os::detect(&fs);
    let layers = vec![LayerInfo {
        created_by: Some("ADD rootfs /".into()),
        ..LayerInfo::default()
    }];
    let settings = ImagesConfig::default();
    let cx = ImageContext {
        target: "fixture",
        config: config.as_ref(),
        layers: &layers,
        fs: &fs,
        os: os.as_ref(),
        settings: &settings,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
    };
    check(&cx)
}

/// The findings of `rule` in one fixture, a line each, as the snapshot shows them.
fn findings_for(path: &Path, rule: &str) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy();
    run_fixture(path)
        .into_iter()
        .filter(|f| f.rule_id == rule)
        .map(|f| {
            format!(
                "{rule}/{name}: {} [{}] {}{}",
                f.severity,
                f.location.resource.unwrap_or_default(),
                f.message,
                f.secret
                    .map(|s| format!(" (secret {})", s.preview))
                    .unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn every_rule_has_failing_and_passing_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let rules = palisade_artifact::rules();
    let ids = rules.iter().map(|r| r.id);
    let mut snapshot = String::new();
    for (_, lines) in palisade_testkit::rule_fixtures::run(&root, ids, findings_for) {
        for line in lines {
            snapshot.push_str(&line);
            snapshot.push('\n');
        }
    }
    insta::assert_snapshot!("rule_fixtures", snapshot);
}

#[test]
fn rule_docs_have_every_section() {
    for rule in palisade_artifact::rules() {
        for section in ["What it checks", "Why it matters", "Fix", "References"] {
            assert!(
                rule.section(section).is_some(),
                "{} lacks ## {section}",
                rule.id
            );
        }
        assert!(rule.id.starts_with("IMG1"), "{}", rule.id);
    }
}

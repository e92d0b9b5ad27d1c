//! Images at fleet scale: the images a cluster runs (the containers, init containers and
//! ephemeral containers of its pods, by the digest the kubelet resolved), each pulled and
//! analysed once per digest by a bounded pool of workers, with a result cache on disk keyed
//! by digest, vulnerability database and rules. Each image's report is named after the
//! image (findings at `IMAGE` or `IMAGE!/path/in/image`) and says which workloads run it,
//! ready to be merged with the cluster's own report (`palisade_report::merge`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use palisade_core::Json;
use palisade_core::{Evidence, ScanError, ScanReport};
use sha2::{Digest, Sha256};

use super::{open, ImageSettings};
use crate::{Engine, Quiet};

/// One image to scan, with the workloads that run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetImage {
    /// The reference pulled: `repository@sha256:…` when the digest is known.
    pub reference: String,
    /// The manifest digest (`sha256:…`), when known; only then is the result cached.
    pub digest: Option<String>,
    /// Who runs it: `Deployment/shop/web`, `Pod/shop/debug`.
    pub run_by: BTreeSet<String>,
}

impl FleetImage {
    /// An image named by a reference alone (a line of an images file).
    pub fn named(reference: &str) -> FleetImage {
        let reference = reference.trim().to_string();
        FleetImage {
            digest: digest_of(&reference),
            reference,
            run_by: BTreeSet::new(),
        }
    }
}

/// The digest a reference pins, `sha256:…` after its `@`.
fn digest_of(reference: &str) -> Option<String> {
    let (_, digest) = reference.rsplit_once('@')?;
    is_digest(digest).then(|| digest.to_string())
}

fn is_digest(text: &str) -> bool {
    text.strip_prefix("sha256:")
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// What to pull for a container: the repository and digest of `imageID` when the kubelet
/// reported one (so replicas of a moving tag are grouped by what actually runs), else the
/// image as the pod spec names it.
fn resolve(image: &str, image_id: &str) -> (String, Option<String>) {
    let id = image_id.trim();
    let id = ["docker-pullable://", "docker://"]
        .iter()
        .find_map(|p| id.strip_prefix(p))
        .unwrap_or(id);
    if let Some((repository, digest)) = id.rsplit_once('@') {
        if !repository.is_empty() && is_digest(digest) {
            return (format!("{repository}@{digest}"), Some(digest.to_string()));
        }
    }
    let image = image.trim();
    (image.to_string(), digest_of(image))
}

/// Kinds whose pod template runs containers when no pod of theirs was read.
const TEMPLATE_KINDS: [&str; 7] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

const CONTAINER_LISTS: [(&str, &str); 3] = [
    ("containers", "containerStatuses"),
    ("initContainers", "initContainerStatuses"),
    ("ephemeralContainers", "ephemeralContainerStatuses"),
];

fn text<'a>(v: &'a Json, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Json::as_str).unwrap_or("")
}

fn display_name(kind: &str, namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}/{namespace}/{name}")
    }
}

fn controller_ref(o: &Json) -> Option<&Json> {
    o.pointer("/metadata/ownerReferences")?
        .as_array()?
        .iter()
        .find(|r| r.get("controller").and_then(Json::as_bool) == Some(true))
}

/// The images the objects run, deduplicated by digest (by reference when no digest is
/// known) and sorted by reference. Pods count with the digest of their container statuses
/// and are named by the workload that owns them (a ReplicaSet's pod by its Deployment, a
/// Job's by its CronJob). A workload none of whose pods was read (a dump of controllers
/// only) counts with the images of its pod template, unless it is scaled to zero or owned
/// by another controller that was read.
pub fn running_images(objects: &[Json]) -> Vec<FleetImage> {
    let by_uid: HashMap<&str, &Json> = objects
        .iter()
        .filter_map(|o| {
            let uid = text(o, "/metadata/uid");
            (!uid.is_empty()).then_some((uid, o))
        })
        .collect();
    // The topmost controller that was read, else the owner reference, else the object.
    let workload_of = |o: &Json| -> String {
        let namespace = text(o, "/metadata/namespace");
        let mut current = o;
        for _ in 0..4 {
            let Some(owner) = controller_ref(current) else {
                break;
            };
            match by_uid.get(text(owner, "/uid")) {
                Some(next) => current = next,
                None if std::ptr::eq(current, o) => {
                    return display_name(text(owner, "/kind"), namespace, text(owner, "/name"))
                }
                None => break,
            }
        }
        display_name(
            text(current, "/kind"),
            text(current, "/metadata/namespace"),
            text(current, "/metadata/name"),
        )
    };
    let mut found: BTreeMap<String, FleetImage> = BTreeMap::new();
    let mut add = |reference: String, digest: Option<String>, workload: &str| {
        if reference.is_empty() {
            return;
        }
        let key = digest.clone().unwrap_or_else(|| reference.clone());
        let entry = found.entry(key).or_insert_with(|| FleetImage {
            reference: reference.clone(),
            digest,
            run_by: BTreeSet::new(),
        });
        // one name per digest, the same whatever order the objects came in
        if reference < entry.reference {
            entry.reference = reference;
        }
        entry.run_by.insert(workload.to_string());
    };
    let mut with_pods = BTreeSet::new();
    for pod in objects.iter().filter(|o| text(o, "/kind") == "Pod") {
        let workload = workload_of(pod);
        for (list, statuses) in CONTAINER_LISTS {
            let containers = pod
                .pointer(&format!("/spec/{list}"))
                .and_then(Json::as_array);
            let statuses = pod
                .pointer(&format!("/status/{statuses}"))
                .and_then(Json::as_array);
            for container in containers.into_iter().flatten() {
                let name = text(container, "/name");
                let image_id = statuses
                    .into_iter()
                    .flatten()
                    .find(|s| text(s, "/name") == name)
                    .map_or("", |s| text(s, "/imageID"));
                let (reference, digest) = resolve(text(container, "/image"), image_id);
                add(reference, digest, &workload);
            }
        }
        with_pods.insert(workload);
    }
    for o in objects {
        let kind = text(o, "/kind");
        if !TEMPLATE_KINDS.contains(&kind)
            || o.pointer("/spec/replicas").and_then(Json::as_u64) == Some(0)
            || controller_ref(o).is_some_and(|r| by_uid.contains_key(text(r, "/uid")))
        {
            continue;
        }
        let workload = workload_of(o);
        if with_pods.contains(&workload) {
            continue;
        }
        let spec = if kind == "CronJob" {
            "/spec/jobTemplate/spec/template/spec"
        } else {
            "/spec/template/spec"
        };
        for (list, _) in CONTAINER_LISTS {
            let containers = o
                .pointer(&format!("{spec}/{list}"))
                .and_then(Json::as_array);
            for container in containers.into_iter().flatten() {
                let (reference, digest) = resolve(text(container, "/image"), "");
                add(reference, digest, &workload);
            }
        }
    }
    let mut images: Vec<FleetImage> = found.into_values().collect();
    images.sort_by(|a, b| a.reference.cmp(&b.reference));
    images
}

/// The images of an images file: one reference per line, blank lines and `#` comments
/// skipped, deduplicated and sorted, so every shard of a Job reads the same list.
pub fn images_from_list(text: &str) -> Vec<FleetImage> {
    let references: BTreeSet<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    references.into_iter().map(FleetImage::named).collect()
}

/// Shard `index` of `count`: the images at positions `index`, `index + count`, … of the
/// sorted list.
pub fn shard(images: Vec<FleetImage>, index: usize, count: usize) -> Vec<FleetImage> {
    images
        .into_iter()
        .enumerate()
        .filter(|(k, _)| count > 0 && k % count == index)
        .map(|(_, image)| image)
        .collect()
}

/// Image reports kept on disk, one file per digest and scan context, so an image that
/// runs in a hundred pods, or is still running at the next scan, is analysed once. A
/// result is reused only when the digest, the Palisade version and rules, the
/// vulnerability database (its build time) and the settings that shape a report are all
/// the same. A file that cannot be read or parsed is a miss, never an error.
pub struct ResultCache {
    dir: PathBuf,
    context: String,
}

impl ResultCache {
    /// `palisade/images` under Palisade's cache folder.
    pub fn default_dir() -> PathBuf {
        palisade_vuln::db::cache_dir().join("images")
    }

    /// The cache in `dir` for the scans `engine` makes.
    pub fn new(dir: PathBuf, engine: &Engine, image_settings: &ImageSettings) -> ResultCache {
        let settings = &engine.settings;
        let database = if settings.scanners.vuln {
            let path = settings.vulnerabilities.db_path();
            match palisade_vuln::db::Database::open(&path) {
                Ok(db) => format!(
                    "{} built {}",
                    path.display(),
                    db.meta("built_at").unwrap_or_default()
                ),
                Err(_) => format!("{} absent", path.display()),
            }
        } else {
            "not used".to_string()
        };
        let mut rules = Sha256::new();
        for rule in crate::registry().iter() {
            rules.update(format!("{}\0{}\0{}\0", rule.id, rule.severity, rule.title));
        }
        let context = format!(
            "palisade {}\nrules {}\ndatabase {database}\nscanners {:?}\nvulnerabilities {:?}\nmin severity {}\nplatform {:?}\nconfig {:?}",
            env!("CARGO_PKG_VERSION"),
            hex(&rules.finalize()),
            settings.scanners,
            settings.vulnerabilities,
            settings.min_severity,
            image_settings.platform,
            settings.config,
        );
        ResultCache { dir, context }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Removes the results not written for [`MAX_AGE`], so that results of databases and
    /// images long gone do not pile up; answers how many went. Files it cannot remove
    /// stay (another run may be reading them).
    pub fn prune(&self) -> usize {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let now = std::time::SystemTime::now();
        let mut removed = 0;
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > MAX_AGE);
            let ours = entry.file_name().to_string_lossy().contains(".json")
                || entry.file_name().to_string_lossy().contains(".tmp");
            if old && ours && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    fn path(&self, digest: &str) -> PathBuf {
        let mut key = Sha256::new();
        key.update(digest.as_bytes());
        key.update([0]);
        key.update(self.context.as_bytes());
        self.dir
            .join(format!("{}.json", &hex(&key.finalize())[..40]))
    }

    fn get(&self, digest: &str) -> Option<ScanReport> {
        let text =
            palisade_core::fsio::read_to_string_limited(&self.path(digest), 256 << 20).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Writes atomically (a temporary file renamed), so a reader never sees half a report.
    fn put(&self, digest: &str, report: &ScanReport) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.path(digest);
        let temp = path.with_extension(format!("tmp{}", std::process::id()));
        let result = (|| {
            let mut file = std::fs::File::create(&temp)?;
            serde_json::to_writer(&mut file, report)?;
            file.flush()?;
            std::fs::rename(&temp, &path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result
    }
}

/// How long a cached result is kept after it was written: a week, the age at which the
/// vulnerability database is called stale, so a result this old was made with a database
/// that has been replaced.
pub const MAX_AGE: std::time::Duration =
    std::time::Duration::from_secs(crate::STALE_DAYS as u64 * 24 * 3600);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The scan of one image of a fleet.
pub struct FleetScan {
    /// Findings located at `IMAGE` or `IMAGE!/path`, each with a `run by` evidence line per
    /// workload; a pull or analysis failure is an error naming the image and its workloads.
    pub report: ScanReport,
    /// The report came from the cache.
    pub cached: bool,
    /// The image could not be pulled or analysed: the report holds only that error.
    pub failed: bool,
}

/// What a fleet scan did, for a summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FleetCounts {
    pub scanned: usize,
    pub cached: usize,
    pub failed: usize,
}

impl FleetCounts {
    pub fn of(scans: &[FleetScan]) -> FleetCounts {
        let mut counts = FleetCounts::default();
        for scan in scans {
            if scan.failed {
                counts.failed += 1;
            } else if scan.cached {
                counts.cached += 1;
            } else {
                counts.scanned += 1;
            }
        }
        counts
    }
}

/// Most `run by` lines on one finding; the rest are counted.
const MAX_RUN_BY: usize = 20;

impl Engine {
    /// Scans `images`, at most `concurrency` at a time, each once; results in the order of
    /// `images`. `cache`, when given, answers for images whose digest is known and keeps
    /// what was scanned (a cache that cannot be written is a warning of that image).
    pub fn scan_fleet(
        &self,
        images: &[FleetImage],
        settings: &ImageSettings,
        concurrency: usize,
        cache: Option<&ResultCache>,
    ) -> Vec<FleetScan> {
        let next = AtomicUsize::new(0);
        let results: Vec<Mutex<Option<FleetScan>>> =
            images.iter().map(|_| Mutex::new(None)).collect();
        let workers = concurrency.clamp(1, images.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(image) = images.get(k) else {
                        break;
                    };
                    let scan = self.scan_one(image, settings, cache);
                    if let Ok(mut slot) = results[k].lock() {
                        *slot = Some(scan);
                    }
                });
            }
        });
        results
            .into_iter()
            .zip(images)
            .map(|(slot, image)| {
                slot.into_inner()
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| FleetScan {
                        report: failed(image, "the scan of this image did not finish"),
                        cached: false,
                        failed: true,
                    })
            })
            .collect()
    }

    fn scan_one(
        &self,
        image: &FleetImage,
        settings: &ImageSettings,
        cache: Option<&ResultCache>,
    ) -> FleetScan {
        let cache = cache.zip(image.digest.as_deref());
        if let Some(report) = cache.and_then(|(c, digest)| c.get(digest)) {
            return FleetScan {
                report: named(report, image),
                cached: true,
                failed: false,
            };
        }
        let scanned = open(Some(&image.reference), None, settings)
            .and_then(|mut opened| self.scan_image(&mut opened, &Quiet));
        let mut report = match scanned {
            Ok(scan) => scan.report,
            Err(e) => {
                let reason = e.to_string();
                let reason = reason
                    .strip_prefix(&format!("{}: ", image.reference))
                    .unwrap_or(&reason);
                return FleetScan {
                    report: failed(image, &format!("cannot scan the image: {reason}")),
                    cached: false,
                    failed: true,
                };
            }
        };
        if let Some((cache, digest)) = cache {
            if report.errors.is_empty() {
                if let Err(e) = cache.put(digest, &report) {
                    report.warnings.push(format!(
                        "cannot keep the result of {} in the image cache {}: {}",
                        image.reference,
                        cache.dir.display(),
                        palisade_core::text::io_message(&e)
                    ));
                }
            }
        }
        FleetScan {
            report: named(report, image),
            cached: false,
            failed: false,
        }
    }
}

/// `run by Deployment/shop/web, Pod/shop/debug` (at most [`MAX_RUN_BY`] names).
fn run_by_text(image: &FleetImage) -> String {
    let mut names: Vec<&str> = image
        .run_by
        .iter()
        .take(MAX_RUN_BY)
        .map(String::as_str)
        .collect();
    let more = image.run_by.len().saturating_sub(MAX_RUN_BY);
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    if names.is_empty() {
        return String::new();
    }
    names.sort_unstable();
    format!("run by {}{more}", names.join(", "))
}

fn failed(image: &FleetImage, message: &str) -> ScanReport {
    let run_by = run_by_text(image);
    ScanReport {
        targets: vec![image.reference.clone()],
        errors: vec![ScanError::new(
            &image.reference,
            None,
            if run_by.is_empty() {
                format!("{message}; the image was not checked")
            } else {
                format!("{message}; the image was not checked ({run_by})")
            },
        )],
        ..ScanReport::default()
    }
}

/// The report of one image as a fleet report gives it: everything located in the image,
/// and each finding saying which workloads run it.
fn named(mut report: ScanReport, image: &FleetImage) -> ScanReport {
    let reference = &image.reference;
    let place = |path: &str| {
        if path.is_empty() || path == reference {
            reference.clone()
        } else {
            format!("{reference}!/{}", path.trim_start_matches('/'))
        }
    };
    let run_by: Vec<Evidence> = image
        .run_by
        .iter()
        .take(MAX_RUN_BY)
        .map(|w| Evidence {
            label: format!("{}{w}", Evidence::RUN_BY),
            location: None,
        })
        .chain((image.run_by.len() > MAX_RUN_BY).then(|| Evidence {
            label: format!(
                "{}{} more workloads",
                Evidence::RUN_BY,
                image.run_by.len() - MAX_RUN_BY
            ),
            location: None,
        }))
        .collect();
    let own_target = report.targets.first().cloned().unwrap_or_default();
    for f in report
        .findings
        .iter_mut()
        .chain(report.suppressed.iter_mut())
    {
        f.location.path = if f.location.path == own_target {
            reference.clone()
        } else {
            place(&f.location.path)
        };
        f.evidence.extend(run_by.iter().cloned());
    }
    for e in &mut report.errors {
        e.path = if e.path == own_target {
            reference.clone()
        } else {
            place(&e.path)
        };
    }
    report.targets = vec![reference.clone()];
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DIGEST: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    #[test]
    fn replicas_of_a_tag_group_by_the_digest_that_runs_and_name_their_deployment() {
        let pod = |name: &str, id: &str| {
            json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": name, "namespace": "shop", "uid": name,
                    "ownerReferences": [{"kind": "ReplicaSet", "name": "web-1", "uid": "rs", "controller": true}]},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}],
                         "initContainers": [{"name": "init", "image": "busybox:1.36"}]},
                "status": {"containerStatuses": [{"name": "web", "image": "nginx:1.27", "imageID": id}]}})
        };
        let objects = [
            json!({"kind": "Deployment", "metadata": {"name": "web", "namespace": "shop", "uid": "d"},
                   "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}}),
            json!({"kind": "ReplicaSet", "metadata": {"name": "web-1", "namespace": "shop", "uid": "rs",
                   "ownerReferences": [{"kind": "Deployment", "name": "web", "uid": "d", "controller": true}]}}),
            pod(
                "web-a",
                &format!("docker-pullable://docker.io/library/nginx@{DIGEST}"),
            ),
            pod("web-b", &format!("docker.io/library/nginx@{DIGEST}")),
            json!({"kind": "CronJob", "metadata": {"name": "report", "namespace": "ops", "uid": "cj"},
                   "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "r", "image": "alpine:3.20"}]}}}}}}),
            json!({"kind": "Deployment", "metadata": {"name": "off", "namespace": "ops", "uid": "off"},
                   "spec": {"replicas": 0, "template": {"spec": {"containers": [{"name": "x", "image": "idle:1"}]}}}}),
        ];
        let objects: Vec<Json> = objects.iter().map(Json::from).collect();
        let images = running_images(&objects);
        let summary: Vec<(String, Option<String>, Vec<String>)> = images
            .into_iter()
            .map(|i| (i.reference, i.digest, i.run_by.into_iter().collect()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "alpine:3.20".to_string(),
                    None,
                    vec!["CronJob/ops/report".to_string()]
                ),
                (
                    "busybox:1.36".to_string(),
                    None,
                    vec!["Deployment/shop/web".to_string()]
                ),
                (
                    format!("docker.io/library/nginx@{DIGEST}"),
                    Some(DIGEST.to_string()),
                    vec!["Deployment/shop/web".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn results_older_than_a_week_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ResultCache {
            dir: dir.path().to_path_buf(),
            context: String::new(),
        };
        cache.put(DIGEST, &ScanReport::default()).unwrap();
        let old = dir.path().join("old.json");
        std::fs::write(&old, "{}").unwrap();
        let month_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(30 * 86400);
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(month_ago)
            .unwrap();
        assert_eq!(cache.prune(), 1);
        assert!(!old.exists());
        assert!(cache.get(DIGEST).is_some(), "a fresh result stays");
    }

    #[test]
    fn shards_partition_the_sorted_list() {
        let list = images_from_list("b:1\n# comment\n\na:1\nc:1\nb:1\nd:1\n");
        let names =
            |v: Vec<FleetImage>| v.into_iter().map(|i| i.reference).collect::<Vec<String>>();
        assert_eq!(names(list.clone()), ["a:1", "b:1", "c:1", "d:1"]);
        assert_eq!(names(shard(list.clone(), 0, 3)), ["a:1", "d:1"]);
        assert_eq!(names(shard(list.clone(), 1, 3)), ["b:1"]);
        assert_eq!(names(shard(list, 2, 3)), ["c:1"]);
    }

    #[test]
    fn findings_are_located_in_the_image_and_name_who_runs_it() {
        let mut image = FleetImage::named(&format!("reg.example/app@{DIGEST}"));
        image.run_by.insert("Deployment/shop/web".into());
        let finding = |path: &str| palisade_core::Finding {
            rule_id: "IMG100".into(),
            practice: palisade_core::Practice::Img,
            severity: palisade_core::Severity::Medium,
            title: "t".into(),
            message: "m".into(),
            location: palisade_core::Location::file(path),
            remediation: None,
            references: Default::default(),
            package: None,
            aliases: vec![],
            secret: None,
            evidence: vec![],
            suppressed: None,
        };
        let report = ScanReport {
            targets: vec![image.reference.clone()],
            findings: vec![finding(&image.reference), finding("var/lib/dpkg/status")],
            ..ScanReport::default()
        };
        let named = named(report, &image);
        let paths: Vec<&str> = named
            .findings
            .iter()
            .map(|f| f.location.path.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                format!("reg.example/app@{DIGEST}"),
                format!("reg.example/app@{DIGEST}!/var/lib/dpkg/status")
            ]
        );
        assert_eq!(
            named.findings[1].evidence[0].label,
            "run by Deployment/shop/web"
        );
    }
}

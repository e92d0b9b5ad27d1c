//! The README's examples are what the binary prints: every `$ ...` command of a fenced
//! block is run, in order, in one scratch folder per block (it links the repository's
//! top-level folders, so `-o FILE` lands there and `echo $?` is the status of the command
//! before it), and the lines the README shows under it must come out as shown, one after
//! the other, on standard output or standard error (`...` stands for lines left out;
//! blank lines are not compared).
//!
//! What a block needs beyond the repository is named on an HTML comment right above it,
//! `<!-- readme-test: ... -->`, so the README says where its files come from:
//! - `files=DIR,DIR` copies those folders' contents into the scratch folder (the project
//!   the section describes, kept under `crates/palisade-cli/tests/fixtures/readme`), which
//!   then holds that project only, not the repository's folders;
//! - `link=NAME:PATH` links `NAME` to a folder (of the corpus, `../shared/corpus/...`);
//! - `kube-api=DIR` serves the manifests of `DIR` from the test Kubernetes API server
//!   (`palisade_testkit::kube_api`) with `KUBECONFIG` pointing at it; `forbid=PLURALS`
//!   answers those lists with 403, and `addr=HOST:PORT` is how the README spells the
//!   server's address;
//! - `images` marks a block that reads the images `.ci/install.d/50-images.sh` builds into
//!   `target/realimg` (or `$PALISADE_REAL_IMAGES`); their layer digests are not compared,
//!   since every build of the images has its own;
//! - `fleet` pushes the real images to a registry (Debian's `docker-registry`, as
//!   `palisade_testkit::registry` runs it) as `shop/app:1` and `rocky:9`, and writes
//!   `dump.json` (a Deployment `shop/web` whose two pods run `shop/app:1` by its digest, a
//!   Deployment `ops/reports` of `rocky:9` whose pods were not read, a pod `ops/debug` of
//!   an image the registry lacks) and `images.txt` (the list `--list-images` prints); the
//!   README spells the registry `127.0.0.1:5077`;
//! - `moto=MODE,MODE` starts moto (`tests/support/moto.rs`) seeded by
//!   `tests/cloud/seed.py MODE` with test credentials in the environment; `addr=` is how the
//!   README spells its address, and the ids moto draws at random (API Gateway APIs, routes,
//!   resources) and the dates of the run are not compared;
//! - `app-image=NAME` writes the layered image of the language-package tests
//!   (`tests/support/langpkg_image.rs`) as the docker archive `NAME`;
//! - `scenario=NAME` for a block that a server or watch prints while things happen around
//!   it (`palisade serve`, `palisade cluster --watch`): the test named in the block's
//!   scenario (`readme_scenario`) drives those events, with the commands of the block, and
//!   compares what is printed with the block's lines (JSON lines field by field, without
//!   the times, addresses and latencies that differ from run to run);
//! - `not run: REASON` for a block that cannot run on a test machine.
//!
//! A command that needs what no test machine has (a real cluster for `kubectl`, a registry
//! host of the reader's, the network) is not run, and the test says which and why. What
//! the blocks need (`jq`, the images, `docker-registry` and `skopeo`, moto) must be there
//! when `CI` is set; locally its absence is a skip named in the list. The vulnerability database examples run on
//! the corpus: the README's `../shared/corpus` is this machine's corpus and its
//! `/tmp/osv.db` a file of the scratch folder, both written back as the README spells them
//! in what the commands print.

use crate::common;
use crate::langpkg_image;
use crate::moto;

use std::path::{Path, PathBuf};
use std::process::Command;

use palisade_testkit::kube_api::{ApiServer, Behaviour};
use palisade_testkit::registry::Registry;
use serde_json::{json, Value};

/// A command of the README and the lines shown under it.
struct Example {
    line: usize,
    command: String,
    expected: Vec<String>,
}

/// A fenced block: its `readme-test` directives and its commands.
struct Block {
    directives: Vec<String>,
    examples: Vec<Example>,
}

const DIRECTIVE: &str = "<!-- readme-test:";

fn blocks(readme: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut in_block = false;
    // Directives seen since the last fence, kept until the next block opens.
    let mut pending: Vec<String> = Vec::new();
    for (n, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            in_block = !in_block;
            if in_block {
                out.push(Block {
                    directives: std::mem::take(&mut pending),
                    examples: Vec::new(),
                });
            }
            continue;
        }
        if !in_block {
            if let Some(rest) = line.trim().strip_prefix(DIRECTIVE) {
                pending.push(rest.trim_end_matches("-->").trim().to_string());
            } else if !line.trim().is_empty() {
                pending.clear();
            }
            continue;
        }
        let block = out.last_mut().unwrap();
        if let Some(command) = line.strip_prefix("$ ") {
            block.examples.push(Example {
                line: n + 1,
                command: command.to_string(),
                expected: Vec::new(),
            });
        } else if let Some(example) = block.examples.last_mut() {
            example.expected.push(line.to_string());
        }
    }
    out
}

/// What a block's directives ask for.
#[derive(Default)]
struct Setup {
    not_run: Option<String>,
    files: Vec<String>,
    links: Vec<(String, String)>,
    kube_api: Option<String>,
    forbid: Vec<String>,
    addr: Option<String>,
    images: bool,
    app_image: Option<String>,
    fleet: bool,
    moto: Vec<String>,
    scenario: Option<String>,
}

impl Setup {
    fn parse(directives: &[String]) -> Setup {
        let mut setup = Setup::default();
        for directive in directives {
            if let Some(reason) = directive.strip_prefix("not run:") {
                setup.not_run = Some(reason.trim().to_string());
                continue;
            }
            for word in directive.split_whitespace() {
                let (key, value) = word.split_once('=').unwrap_or((word, ""));
                let list = || value.split(',').map(str::to_string);
                match key {
                    "files" => setup.files.extend(list()),
                    "link" => {
                        let (name, target) = value
                            .split_once(':')
                            .unwrap_or_else(|| panic!("link={value}: expected NAME:PATH"));
                        setup.links.push((name.to_string(), target.to_string()));
                    }
                    "kube-api" => setup.kube_api = Some(value.to_string()),
                    "forbid" => setup.forbid.extend(list()),
                    "addr" => setup.addr = Some(value.to_string()),
                    "images" => setup.images = true,
                    "fleet" => setup.fleet = true,
                    "moto" => setup.moto.extend(list()),
                    "app-image" => setup.app_image = Some(value.to_string()),
                    "scenario" => setup.scenario = Some(value.to_string()),
                    _ => panic!("unknown readme-test directive `{word}`"),
                }
            }
        }
        setup
    }
}

/// Why a command is not run here, if it is not.
fn not_runnable(command: &str) -> Option<&'static str> {
    let words: Vec<&str> = command
        .split(" #")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let has = |w: &str| words.contains(&w);
    match words.first() {
        None | Some(&"#") => return Some("a comment"),
        Some(&"kubectl") => return Some("needs a Kubernetes cluster that runs what it applies"),
        Some(&"curl") => return Some("asks a server the block starts in the background"),
        _ => {}
    }
    if has("kubectl") {
        return Some("applies its output to a Kubernetes cluster with kubectl");
    }
    if has("serve") {
        return Some("starts a long-running server (crates/palisade-cli/tests/webhook.rs runs it)");
    }
    if command.contains('[') && command.contains(']') && !command.contains("jq") {
        return Some("a synopsis: the bracketed options are placeholders");
    }
    if has("db") && has("update") {
        return Some("downloads from the network");
    }
    if command.contains("registry.example.com/") {
        return Some("pulls from a registry of the reader's own");
    }
    None
}

/// Where the README's paths and addresses are on this machine.
struct Paths {
    corpus: String,
    database: String,
    /// The real-images folder, when it is not the repository's `target/realimg`.
    images: Option<String>,
    /// Servers' addresses and the README's spelling of each.
    servers: Vec<(String, String)>,
}

impl Paths {
    /// The command with the README's paths replaced by this machine's.
    fn command(&self, command: &str) -> String {
        let mut command = command
            .replace("../shared/corpus", &self.corpus)
            .replace("/tmp/osv.db", &self.database);
        if let Some(images) = &self.images {
            command = command.replace("target/realimg", images);
        }
        for (real, shown) in &self.servers {
            command = command.replace(shown.as_str(), real);
        }
        command
    }

    /// A printed line with this machine's paths written as the README spells them.
    fn printed(&self, line: &str) -> String {
        let mut line = line
            .replace(&self.database, "/tmp/osv.db")
            .replace(&self.corpus, "../shared/corpus");
        if let Some(images) = &self.images {
            line = line.replace(images.as_str(), "target/realimg");
        }
        for (real, shown) in &self.servers {
            line = line.replace(real.as_str(), shown);
        }
        line
    }
}

/// What differs per machine or per run: the vulnerability database's default path, the
/// moment a database was built (`updated:` as the README shows it) and, for the images of
/// `.ci/install.d`, layer digests.
fn normalize(line: &str, shown_update: Option<&str>, digests: bool, drawn: bool) -> String {
    let line = line.trim_end();
    if let (Some(_), Some(shown)) = (line.strip_prefix("updated:"), shown_update) {
        return shown.to_string();
    }
    let mut line = match line.find("no vulnerability database at ") {
        Some(start) => {
            let rest = &line[start + "no vulnerability database at ".len()..];
            let end = rest.find(": ").unwrap_or(rest.len());
            format!(
                "{}no vulnerability database at DB{}",
                &line[..start],
                &rest[end..]
            )
        }
        None => line.to_string(),
    };
    if digests {
        line = without_digests(&line);
    }
    if drawn {
        line = without_drawn_ids(&line);
    }
    line
}

/// The ids moto draws for API Gateway APIs, routes and resources written as `ID`, dates
/// (`2026-12-07`) as `DATE`, the count of API calls (it varies from run to run with the
/// calls moto answers 404 and the retries) and the time the analysis took as `N`.
fn without_drawn_ids(line: &str) -> String {
    let mut line = line.to_string();
    if let (Some(start), Some(end)) = (line.rfind(", "), line.find(" per function)")) {
        if line[start..end].contains(" API calls (") {
            line = format!("{}, N API calls (N{}", &line[..start], &line[end..]);
        }
    }
    if let (Some(start), Some(end)) = (line.find("rules took "), line.rfind(" ms")) {
        if start + "rules took ".len() <= end {
            line = format!("{}N{}", &line[..start + "rules took ".len()], &line[end..]);
        }
    }
    for key in ["/apis/", "/routes/", "/restapis/", "/resources/"] {
        let mut out = String::new();
        let mut rest = line.as_str();
        while let Some(i) = rest.find(key) {
            out.push_str(&rest[..i + key.len()]);
            rest = &rest[i + key.len()..];
            let end = rest
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            out.push_str("ID");
            rest = &rest[end..];
        }
        out.push_str(rest);
        line = out;
    }
    let bytes = line.as_bytes();
    let is_date = |at: usize| {
        bytes.len() >= at + 10
            && bytes[at..at + 10].iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                _ => b.is_ascii_digit(),
            })
    };
    let mut out = String::new();
    let mut i = 0;
    while i < line.len() {
        if is_date(i) {
            out.push_str("DATE");
            i += 10;
        } else {
            let c = line[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// `sha256:` and 64 hex digits written as `sha256:DIGEST`.
fn without_digests(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("sha256:") {
        let after = &rest[i + 7..];
        let hex = after.bytes().take_while(|b| b.is_ascii_hexdigit()).count();
        out.push_str(&rest[..i + 7]);
        if hex == 64 {
            out.push_str("DIGEST");
            rest = &after[64..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Whether `tool` is on the `PATH`; its absence fails the test when `CI` is set.
fn tool(tool: &str) -> bool {
    if palisade_testkit::registry::on_path(tool) {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{tool} is not installed (.ci/install.d/30-jq.sh); required when CI is set"
    );
    false
}

/// The real images' folder: `$PALISADE_REAL_IMAGES` or the repository's `target/realimg`;
/// their absence fails the test when `CI` is set.
fn real_images(repo: &Path) -> Option<PathBuf> {
    let dir = std::env::var_os("PALISADE_REAL_IMAGES")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target/realimg"));
    if dir.join("app.docker.tar").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} has no images (.ci/install.d/50-images.sh); required when CI is set",
        dir.display()
    );
    None
}

/// The objects of every manifest in `dir`, with the plural each is listed under.
fn manifests(dir: &Path) -> Vec<(String, Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut objects = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for document in palisade_yaml::load(&text).unwrap() {
            let value = palisade_yaml::to_json(&document.root);
            let items = match value["kind"].as_str() {
                Some("List") => value["items"].as_array().cloned().unwrap_or_default(),
                Some(_) => vec![value],
                None => Vec::new(),
            };
            for item in items {
                let plural = common::plural(item["kind"].as_str().unwrap());
                objects.push((plural, item));
            }
        }
    }
    objects
}

/// The registry, the dump and the image list of a `fleet` block, written in `dir`.
fn fleet(dir: &Path, images: &Path) -> Registry {
    let registry = Registry::start(None);
    let host = registry.host();
    for (name, archive) in [
        ("shop/app:1", "app.docker.tar"),
        ("rocky:9", "rpmdb.docker.tar"),
    ] {
        let source = format!("docker-archive:{}", images.join(archive).display());
        registry.copy(&source, name, None, false);
    }
    let app = format!("{host}/shop/app@{}", registry.digest("shop/app:1"));
    let deployment = |namespace: &str, name: &str, image: &str| {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": name, "namespace": namespace, "uid": format!("d-{name}")},
               "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                        "template": {"metadata": {"labels": {"app": name}},
                                     "spec": {"containers": [{"name": name, "image": image}]}}}})
    };
    let mut items = vec![
        deployment("shop", "web", &format!("{host}/shop/app:1")),
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
               "metadata": {"name": "web-7f9c", "namespace": "shop", "uid": "rs-web",
                            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "d-web", "controller": true}]},
               "spec": {"selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "web"}},
                                     "spec": {"containers": [{"name": "web", "image": format!("{host}/shop/app:1")}]}}}}),
        deployment("ops", "reports", &format!("{host}/rocky:9")),
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "debug", "namespace": "ops", "uid": "p-debug"},
               "spec": {"containers": [{"name": "debug", "image": format!("{host}/missing:1")}]}}),
    ];
    for i in 0..2 {
        items.push(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("web-7f9c-{i}"), "namespace": "shop", "uid": format!("p-web-{i}"),
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7f9c", "uid": "rs-web", "controller": true}]},
            "spec": {"containers": [{"name": "web", "image": format!("{host}/shop/app:1")}]},
            "status": {"containerStatuses": [{"name": "web", "image": format!("{host}/shop/app:1"), "imageID": app, "ready": true}]}}));
    }
    let dump = json!({"apiVersion": "v1", "kind": "List", "items": items});
    std::fs::write(
        dir.join("dump.json"),
        serde_json::to_string_pretty(&dump).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("images.txt"),
        format!("{host}/missing:1\n{host}/rocky:9\n{app}\n"),
    )
    .unwrap();
    registry
}

const TOKEN: &str = "readme-token";

/// A block's scratch folder and what runs for it while its commands run.
struct Stage {
    scratch: tempfile::TempDir,
    _config: tempfile::TempDir,
    env: Vec<(String, String)>,
    _server: Option<ApiServer>,
    _registry: Option<Registry>,
    _moto: Option<moto::Moto>,
    paths: Paths,
}

fn stage(repo: &Path, corpus: &Path, setup: &Setup, images: Option<&Path>) -> Stage {
    let scratch = tempfile::tempdir().unwrap();
    // A block with its own project runs in that project alone, as its reader would;
    // the others run among the repository's folders.
    let repo_folders = if setup.files.is_empty() {
        std::fs::read_dir(repo).unwrap().collect()
    } else {
        Vec::new()
    };
    for entry in repo_folders {
        let entry = entry.unwrap();
        let name = entry.file_name();
        // Folders only: a file of the repository that an example writes (`> webhook.yaml`)
        // is written in the scratch folder, never through a link into the repository.
        if name.to_string_lossy().starts_with('.') || !entry.file_type().unwrap().is_dir() {
            continue;
        }
        std::os::unix::fs::symlink(entry.path(), scratch.path().join(&name)).unwrap();
    }
    for dir in &setup.files {
        common::copy_dir(&repo.join(dir), scratch.path());
    }
    for (name, target) in &setup.links {
        let target = target.replace("../shared/corpus", &corpus.display().to_string());
        assert!(
            Path::new(&target).exists(),
            "link={name}: {target} not found"
        );
        std::os::unix::fs::symlink(&target, scratch.path().join(name)).unwrap();
    }
    if let Some(name) = &setup.app_image {
        langpkg_image::layered_image(&scratch.path().join(name));
    }
    let config = tempfile::tempdir().unwrap();
    let mut env = Vec::new();
    let mut servers = Vec::new();
    let server = setup.kube_api.as_ref().map(|dir| {
        let server = ApiServer::start(Behaviour {
            token: TOKEN.to_string(),
            objects: manifests(&repo.join(dir)),
            forbidden: setup.forbid.iter().cloned().collect(),
            ..Behaviour::default()
        });
        let kubeconfig = server.kubeconfig(config.path(), TOKEN);
        env.push(("KUBECONFIG".to_string(), kubeconfig.display().to_string()));
        if let Some(shown) = &setup.addr {
            servers.push((server.addr.to_string(), shown.clone()));
        }
        server
    });
    // The report cache of `--images` and `image --list`, empty for each block.
    env.push((
        "XDG_CACHE_HOME".to_string(),
        config.path().join("cache").display().to_string(),
    ));
    let registry = setup.fleet.then(|| {
        let images = images.expect("fleet blocks are images blocks");
        let registry = fleet(scratch.path(), images);
        servers.push((registry.host(), "127.0.0.1:5077".to_string()));
        registry
    });
    let moto = (!setup.moto.is_empty()).then(|| {
        let moto = moto::start_moto().expect("moto blocks are skipped without moto");
        for mode in &setup.moto {
            moto.seed(mode);
        }
        let address = moto.endpoint.trim_start_matches("http://").to_string();
        servers.push((address, setup.addr.clone().expect("moto blocks name addr=")));
        for (key, value) in [
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ] {
            env.push((key.to_string(), value.to_string()));
        }
        for key in ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"] {
            env.push((
                key.to_string(),
                config.path().join("none").display().to_string(),
            ));
        }
        moto
    });
    let paths = Paths {
        corpus: corpus.display().to_string(),
        database: scratch.path().join("osv.db").display().to_string(),
        images: images
            .filter(|dir| *dir != repo.join("target/realimg"))
            .map(|dir| dir.display().to_string()),
        servers,
    };
    Stage {
        scratch,
        _config: config,
        env,
        _server: server,
        _registry: registry,
        _moto: moto,
        paths,
    }
}

#[test]
fn readme_examples_print_what_the_readme_shows() {
    let repo = common::repo_root();
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_palisade")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let Some(corpus) = palisade_testkit::corpus("") else {
        return;
    };
    let jq = tool("jq");
    let images = real_images(&repo);
    let (mut checked, mut skipped, mut failures) = (0, Vec::new(), Vec::new());
    let mut scenarios = Vec::new();
    for block in blocks(&readme) {
        let setup = Setup::parse(&block.directives);
        let mut skip = |example: &Example, why: &str| {
            skipped.push(format!(
                "README.md:{}: {why}: {}",
                example.line, example.command
            ))
        };
        if let Some(scenario) = &setup.scenario {
            let first = block.examples.first().map_or(0, |e| e.line);
            scenarios.push(format!("README.md:{first}: {scenario}"));
            continue;
        }
        let block_skip = match (&setup.not_run, setup.images, &images) {
            (Some(reason), _, _) => Some(reason.clone()),
            (None, _, Some(_))
                if setup.fleet
                    && !palisade_testkit::registry::tools(&["docker-registry", "skopeo"]) =>
            {
                Some("docker-registry or skopeo is not installed".to_string())
            }
            (None, _, _) if !setup.moto.is_empty() && moto::moto_server().is_none() => {
                Some("moto is not installed (.ci/install.d/45-moto.sh)".to_string())
            }
            (None, true, None) => Some(
                "the images of .ci/install.d/50-images.sh are not built here (set PALISADE_REAL_IMAGES)"
                    .to_string(),
            ),
            _ => None,
        };
        if let Some(why) = block_skip {
            for example in &block.examples {
                skip(example, &why);
            }
            continue;
        }
        if block.examples.is_empty() {
            continue;
        }
        let stage = stage(&repo, &corpus, &setup, images.as_deref());
        // The status of the command before, for `echo $?`; `None` when it was not run.
        let mut last_status: Option<i32> = None;
        for example in &block.examples {
            let command = example.command.as_str();
            let why = if command == "echo $?" && last_status.is_none() {
                Some("the command before it was not run")
            } else if command.contains("| jq") && !jq {
                Some("jq is not installed")
            } else {
                not_runnable(command)
            };
            if let Some(why) = why {
                skip(example, why);
                last_status = None;
                continue;
            }
            checked += 1;
            let script = match (command, last_status) {
                ("echo $?", Some(status)) => format!("(exit {status}); echo $?"),
                _ => stage.paths.command(command),
            };
            let out = Command::new("sh")
                .arg("-c")
                .arg(script)
                .current_dir(stage.scratch.path())
                .env("PATH", &path)
                .env("NO_COLOR", "1")
                .env("PALISADE_DB", "/nonexistent/palisade/osv.db")
                .env_remove("KUBECONFIG")
                .envs(stage.env.iter().map(|(k, v)| (k, v)))
                .output()
                .unwrap();
            last_status = out.status.code();
            let shown_update = example
                .expected
                .iter()
                .find(|l| l.starts_with("updated:"))
                .map(String::as_str);
            let printed = |bytes: &[u8]| -> Vec<String> {
                String::from_utf8_lossy(bytes)
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| {
                        let drawn = !setup.moto.is_empty();
                        normalize(&stage.paths.printed(l), shown_update, setup.images, drawn)
                    })
                    .collect()
            };
            let (stdout, stderr) = (printed(&out.stdout), printed(&out.stderr));
            // Each shown line is the next line of standard output or of standard error (a
            // terminal interleaves them; the order within each stream is kept), or, after
            // `...`, a later one. Blank lines are not compared.
            let (mut at_out, mut at_err) = (0, 0);
            let mut elided = false;
            for shown in &example.expected {
                let shown = normalize(shown, None, setup.images, !setup.moto.is_empty());
                if shown.trim() == "..." {
                    elided = true;
                    continue;
                }
                if shown.trim().is_empty() {
                    continue;
                }
                let find = |lines: &[String], from: usize| {
                    let rest = lines.get(from..).unwrap_or_default();
                    if elided {
                        rest.iter().position(|l| *l == shown)
                    } else {
                        rest.first().filter(|l| **l == shown).map(|_| 0)
                    }
                };
                if let Some(i) = find(&stdout, at_out) {
                    at_out += i + 1;
                    elided = false;
                } else if let Some(i) = find(&stderr, at_err) {
                    at_err += i + 1;
                    elided = false;
                } else {
                    failures.push(format!(
                        "README.md:{}: `{}` does not print next, where the README shows it:\n    {shown}\n  it printed:\n{}\n{}",
                        example.line,
                        example.command,
                        stdout.join("\n"),
                        stderr.join("\n"),
                    ));
                    break;
                }
            }
        }
    }
    eprintln!(
        "README examples: {checked} run and compared, {} blocks compared by their scenario's test:\n  {}\n{} not run here:\n  {}",
        scenarios.len(),
        scenarios.join("\n  "),
        skipped.len(),
        skipped.join("\n  ")
    );
    assert!(
        checked >= 10,
        "only {checked} README examples could be run: the test no longer checks the README"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The lines of the README block marked `<!-- readme-test: scenario=NAME -->`, for the test
/// that drives that scenario; panics when the README has no such block, so the two cannot
/// drift apart unnoticed.
pub(crate) fn readme_scenario(name: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(common::repo_root().join("README.md")).unwrap();
    let marker = format!("{DIRECTIVE} scenario={name} -->");
    let mut lines = readme.lines().skip_while(|l| l.trim() != marker);
    assert!(
        lines.next().is_some(),
        "README.md has no block marked `{marker}`"
    );
    let mut lines = lines.skip_while(|l| !l.starts_with("```"));
    lines.next();
    lines
        .take_while(|l| !l.starts_with("```"))
        .map(str::to_string)
        .collect()
}

/// Fields of a JSON log line that differ from run to run.
const VOLATILE: &[&str] = &["ts", "addr", "latency_ms", "judge_ms"];

/// A line as compared with the README: a JSON object without its [`VOLATILE`] fields,
/// anything else as it is.
fn comparable(line: &str) -> Value {
    match serde_json::from_str::<Value>(line.trim()) {
        Ok(Value::Object(mut fields)) => {
            for key in VOLATILE {
                fields.remove(*key);
            }
            Value::Object(fields)
        }
        _ => Value::String(line.trim().to_string()),
    }
}

/// Asserts that `printed` shows as the README's `shown` lines: each shown line is the
/// next printed one (after `...`, a later one); blank lines are not compared.
pub(crate) fn assert_printed_as_shown(what: &str, shown: &[String], printed: &[String]) {
    let printed: Vec<Value> = printed
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| comparable(l))
        .collect();
    let mut at = 0;
    let mut elided = false;
    for line in shown.iter().filter(|l| !l.trim().is_empty()) {
        if line.trim() == "..." {
            elided = true;
            continue;
        }
        let want = comparable(line);
        let rest = printed.get(at..).unwrap_or_default();
        let found = if elided {
            rest.iter().position(|p| *p == want)
        } else {
            rest.first().filter(|p| **p == want).map(|_| 0)
        };
        match found {
            Some(i) => {
                at += i + 1;
                elided = false;
            }
            None => panic!(
                "{what}: the README shows next\n    {line}\nwhere it printed:\n{}",
                printed
                    .iter()
                    .map(|p| format!("    {p}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        }
    }
}

//! Conformance with `kubectl kustomize` (kustomize v5 embedded in the Debian `kubectl`
//! package): every kustomization folder of the corpus `kustomize-examples`, and overlays
//! generated from a seeded random source, rendered by both and compared after
//! normalisation (both outputs parsed to JSON values, documents compared in order).

use std::path::{Path, PathBuf};
use std::process::Command;

fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// Skips locally, fails in CI.
fn unavailable(what: &str) {
    assert!(!in_ci(), "{what} (required when CI is set)");
    eprintln!("SKIP kustomize conformance: {what}");
}

fn kubectl() -> Option<PathBuf> {
    let path = std::env::var_os("PALISADE_KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("kubectl"));
    Command::new(&path)
        .args(["version", "--client"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| path)
}

/// `kubectl kustomize DIR` as JSON documents, or its error text.
fn reference(kubectl: &Path, dir: &Path) -> Result<Vec<serde_json::Value>, String> {
    let out = Command::new(kubectl)
        .arg("kustomize")
        .arg(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(normalise(&String::from_utf8_lossy(&out.stdout)))
}

fn normalise(text: &str) -> Vec<serde_json::Value> {
    let file: std::sync::Arc<Path> = std::sync::Arc::from(Path::new("rendered"));
    palisade_yaml::load(text)
        .expect("rendered YAML parses")
        .iter()
        .filter(|d| !d.root.is_null())
        .map(|d| palisade_kustomize::tree::Node::from_yaml(&d.root, &file).to_json())
        .collect()
}

fn ours(dir: &Path) -> Result<Vec<serde_json::Value>, String> {
    let r = palisade_kustomize::render(dir).map_err(|e| e.to_string())?;
    // through the text, so the YAML writer is checked too
    Ok(normalise(&r.yaml().text))
}

fn first_difference(a: &[serde_json::Value], b: &[serde_json::Value]) -> String {
    if a.len() != b.len() {
        return format!("{} documents, kubectl has {}", a.len(), b.len());
    }
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x != y {
            return format!(
                "document {i} differs:\n ours:    {}\n kubectl: {}",
                serde_json::to_string(x).unwrap(),
                serde_json::to_string(y).unwrap()
            );
        }
    }
    String::new()
}

fn kustomization_dirs(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    if palisade_kustomize::kustomization_file(root).is_some() {
        out.push(root.to_path_buf());
    }
    for p in entries {
        if p.is_dir() {
            kustomization_dirs(&p, out);
        }
    }
}

/// Folders of the corpus where the native rendering is known to differ, with why.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

#[test]
fn corpus_folders_render_as_kubectl_renders_them() {
    let Some(corpus) = palisade_testkit::corpus("") else {
        return;
    };
    let Some(kubectl) = kubectl() else {
        return unavailable("kubectl not found (.ci/install.d/45-kubectl.sh installs it)");
    };
    let mut dirs = Vec::new();
    kustomization_dirs(&corpus.join("kustomize-examples"), &mut dirs);
    assert!(
        dirs.len() >= 10,
        "kustomize-examples holds {} kustomizations",
        dirs.len()
    );
    let (mut agree, mut skipped, mut differ) = (0, Vec::new(), Vec::new());
    for dir in &dirs {
        let rel = dir.strip_prefix(&corpus).unwrap().display().to_string();
        let expected = match reference(&kubectl, dir) {
            Ok(v) => v,
            Err(e) => {
                skipped.push(format!(
                    "{rel}: kubectl cannot render it: {}",
                    e.lines().last().unwrap_or("")
                ));
                continue;
            }
        };
        match ours(dir) {
            Ok(v) if v == expected => agree += 1,
            Ok(v) => differ.push(format!("{rel}: {}", first_difference(&v, &expected))),
            Err(e) => differ.push(format!("{rel}: error: {e}")),
        }
    }
    eprintln!(
        "kustomize-examples: {agree} of {} folders kubectl renders agree",
        dirs.len() - skipped.len()
    );
    for s in &skipped {
        eprintln!("  not compared: {s}");
    }
    let unexpected: Vec<&String> = differ
        .iter()
        .filter(|d| !KNOWN_DIFFERENCES.iter().any(|(k, _)| d.starts_with(k)))
        .collect();
    assert!(
        unexpected.is_empty(),
        "differences from kubectl kustomize:\n{}",
        differ.join("\n")
    );
}

/// A small deterministic generator (xorshift), so a failing case can be reproduced from
/// its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &["web", "api", "db", "cache", "queue", "auth", "pay", "shop"];
const IMAGES: &[&str] = &[
    "nginx:1.27",
    "redis",
    "busybox:1.36",
    "registry.local:5000/app:v2",
    "postgres@sha256:0123abcd",
];

fn deployment(rng: &mut Rng, name: &str, config: &str) -> String {
    let image = rng.pick(IMAGES);
    let mut s = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\nspec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      serviceAccountName: {name}-sa\n      containers:\n      - name: main\n        image: {image}\n        ports:\n        - containerPort: 8080\n          name: http\n        env:\n        - name: MODE\n          value: \"{}\"\n        - name: FROM_CONFIG\n          valueFrom:\n            configMapKeyRef:\n              name: {config}\n              key: mode\n        envFrom:\n        - secretRef:\n            name: {name}-creds\n        volumeMounts:\n        - name: config\n          mountPath: /etc/config\n      volumes:\n      - name: config\n        configMap:\n          name: {config}\n",
        rng.below(5),
        rng.pick(&["a", "b", "true", "1"]),
    );
    if rng.chance(50) {
        s.push_str("      - name: extra\n        secret:\n          secretName: shared-secret\n");
    }
    s
}

/// One random base and overlay under `root`; returns the overlay directory.
fn generate_case(rng: &mut Rng, root: &Path) -> PathBuf {
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let count = 1 + rng.below(3) as usize;
    let mut names: Vec<String> = Vec::new();
    while names.len() < count {
        let n = rng.pick(WORDS).to_string();
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let mut resources = Vec::new();
    for n in &names {
        write(&format!("base/{n}.yaml"), &deployment(rng, n, "settings"));
        write(
            &format!("base/{n}-svc.yaml"),
            &format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {n}\nspec:\n  selector:\n    app: {n}\n  ports:\n  - port: 80\n    targetPort: http\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {n}-sa\n"),
        );
        resources.push(format!("- {n}.yaml\n- {n}-svc.yaml\n"));
    }
    write(
        "base/rbac.yaml",
        &format!("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: read\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: reader\nsubjects:\n- kind: ServiceAccount\n  name: {}-sa\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n  verbs: [get]\n", names[0]),
    );
    let mut base = format!("resources:\n{}- rbac.yaml\nconfigMapGenerator:\n- name: settings\n  literals:\n  - mode=base\n  - level={}\n", resources.concat(), rng.below(10));
    if rng.chance(50) {
        write("base/app.properties", "color=blue\nsize=3\n");
        base.push_str("  files:\n  - app.properties\n");
    }
    base.push_str("secretGenerator:\n");
    for n in &names {
        base.push_str(&format!(
            "- name: {n}-creds\n  literals:\n  - password=pw{}\n",
            rng.below(1000)
        ));
    }
    if rng.chance(30) {
        base.push_str(&format!(
            "commonLabels:\n  tier: {}\n",
            rng.pick(&["front", "back"])
        ));
    }
    write("base/kustomization.yaml", &base);

    let mut overlay = String::from("resources:\n- ../base\n");
    if rng.chance(60) {
        overlay.push_str(&format!(
            "namePrefix: {}-\n",
            rng.pick(&["prod", "dev", "eu"])
        ));
    }
    if rng.chance(40) {
        overlay.push_str(&format!("nameSuffix: -{}\n", rng.pick(&["v2", "blue"])));
    }
    if rng.chance(50) {
        overlay.push_str(&format!("namespace: {}\n", rng.pick(&["team-a", "prod"])));
    }
    if rng.chance(40) {
        overlay.push_str("commonLabels:\n  env: prod\n");
    }
    if rng.chance(40) {
        let (sel, tpl) = (rng.chance(50), rng.chance(50));
        overlay.push_str(&format!("labels:\n- pairs:\n    owner: team\n  includeSelectors: {sel}\n  includeTemplates: {tpl}\n"));
    }
    if rng.chance(40) {
        overlay.push_str("commonAnnotations:\n  note: generated\n");
    }
    if rng.chance(50) {
        overlay.push_str(&format!(
            "images:\n- name: nginx\n  newTag: \"1.28\"\n- name: redis\n  newName: mirror.local/redis\n  newTag: \"7\"\n- name: busybox\n  digest: sha256:{}\n",
            "ab".repeat(8)
        ));
    }
    if rng.chance(40) {
        overlay.push_str(&format!(
            "replicas:\n- name: {}\n  count: {}\n",
            names[0],
            2 + rng.below(5)
        ));
    }
    let mut patches = String::new();
    if rng.chance(60) {
        let target = &names[rng.below(names.len() as u64) as usize];
        let mut p = format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {target}\nspec:\n  template:\n    spec:\n      containers:\n      - name: main\n        securityContext:\n          privileged: {}\n        env:\n        - name: MODE\n          value: patched\n        - name: NEW\n          value: \"1\"\n", rng.chance(50));
        if rng.chance(50) {
            p.push_str("      - name: sidecar\n        image: busybox:1.36\n        args: [\"sleep\", \"1d\"]\n");
        }
        if rng.chance(30) {
            p.push_str("      volumes:\n      - name: config\n        $patch: delete\n");
        }
        write("overlay/patch.yaml", &p);
        patches.push_str("- path: patch.yaml\n");
    }
    if rng.chance(50) {
        patches.push_str("- target:\n    kind: Deployment\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        patched: \"yes\"\n    - op: replace\n      path: /spec/template/spec/containers/0/ports/0/containerPort\n      value: 9090\n");
    }
    if rng.chance(30) {
        patches.push_str("- target:\n    kind: Service\n    labelSelector: \"app\"\n  patch: |-\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: any\n    spec:\n      type: NodePort\n");
    }
    if !patches.is_empty() {
        overlay.push_str("patches:\n");
        overlay.push_str(&patches);
    }
    if rng.chance(60) {
        overlay.push_str(&format!(
            "configMapGenerator:\n- name: settings\n  behavior: {}\n  literals:\n  - mode=overlay\n",
            rng.pick(&["merge", "replace"])
        ));
        if rng.chance(50) {
            write("overlay/extra.env", "# comment\nA=1\nB=two words\n");
            overlay.push_str("  envs:\n  - extra.env\n");
        }
    }
    if rng.chance(40) {
        overlay.push_str("secretGenerator:\n- name: tls\n  type: kubernetes.io/tls\n  literals:\n  - tls.crt=CERT\n  - tls.key=KEY\n");
    }
    if rng.chance(30) {
        overlay.push_str(&format!(
            "generatorOptions:\n  disableNameSuffixHash: {}\n  labels:\n    generated: \"true\"\n",
            rng.chance(50)
        ));
    }
    write("overlay/kustomization.yaml", &overlay);
    root.join("overlay")
}

#[test]
fn generated_overlays_render_as_kubectl_renders_them() {
    let Some(kubectl) = kubectl() else {
        return unavailable("kubectl not found (.ci/install.d/45-kubectl.sh installs it)");
    };
    let cases: u64 = std::env::var("PALISADE_KUSTOMIZE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let mut failures = Vec::new();
    let mut compared = 0;
    for seed in 1..=cases {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let dir = tempfile::tempdir().unwrap();
        let overlay = generate_case(&mut rng, dir.path());
        let expected = reference(&kubectl, &overlay);
        let actual = ours(&overlay);
        match (expected, actual) {
            (Ok(e), Ok(a)) if e == a => compared += 1,
            (Ok(e), Ok(a)) => failures.push(format!("seed {seed}: {}", first_difference(&a, &e))),
            (Err(e), Err(_)) => {
                // both refuse: fail closed like the reference
                let _ = e;
                compared += 1;
            }
            (Ok(_), Err(a)) => {
                failures.push(format!("seed {seed}: we refuse what kubectl renders: {a}"))
            }
            (Err(e), Ok(_)) => {
                failures.push(format!("seed {seed}: we render what kubectl refuses: {e}"))
            }
        }
    }
    eprintln!("generated overlays: {compared} of {cases} agree with kubectl kustomize");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `replacements` (sources by kind and name, `[key=value]`, `*` and index paths,
/// delimiters, `create`, `reject`, replacements from a file, sources renamed by a prefix,
/// a missing target field): each fixture renders as kubectl renders it, or fails where
/// kubectl fails.
#[test]
fn replacement_fixtures_render_as_kubectl_renders_them() {
    let Some(kubectl) = kubectl() else {
        return unavailable("kubectl not found (.ci/install.d/45-kubectl.sh installs it)");
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/replacements");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 6, "{} replacement fixtures", dirs.len());
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        match (reference(&kubectl, dir), ours(dir)) {
            (Ok(expected), Ok(got)) if got == expected => {}
            (Ok(expected), Ok(got)) => {
                failures.push(format!("{name}: {}", first_difference(&got, &expected)))
            }
            (Ok(_), Err(e)) => failures.push(format!("{name}: kubectl renders it, we fail: {e}")),
            (Err(e), Ok(_)) => failures.push(format!("{name}: kubectl fails ({e}), we render it")),
            (Err(_), Err(_)) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

//! Charts a user could have written, rendered as `helm template` would, and the charts
//! that must not render: each error names the template and line.

use std::fs;
use std::path::Path;

use palisade_helm::{render, RenderOptions};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn chart(root: &Path, templates: &[(&str, &str)], values: &str) {
    write(
        root,
        "Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 1.2.3\nappVersion: \"4.5\"\n",
    );
    write(root, "values.yaml", values);
    for (name, text) in templates {
        write(root, &format!("templates/{name}"), text);
    }
}

fn rendered(root: &Path, options: &RenderOptions) -> String {
    render(root, options)
        .map(|r| r.text())
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn helpers_values_files_and_capabilities_render() {
    let dir = tempfile::tempdir().unwrap();
    chart(
        dir.path(),
        &[
            (
                "_helpers.tpl",
                "{{- define \"web.labels\" -}}\napp: {{ .Chart.Name }}\nrelease: {{ .Release.Name }}\n{{- end }}",
            ),
            (
                "cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\n  labels:{{ include \"web.labels\" . | nindent 4 }}\ndata:\n  greeting: {{ tpl .Values.greeting . | quote }}\n  file: {{ .Files.Get \"files/a.txt\" | trim | quote }}\n  api: {{ .Capabilities.APIVersions.Has \"example.com/v1\" | quote }}\n  new: {{ semverCompare \">=1.25-0\" .Capabilities.KubeVersion.Version | quote }}\n  resources: {{ toYaml .Values.resources | nindent 4 }}\n  ns: {{ .Release.Namespace }}\n",
            ),
        ],
        "greeting: hello {{ .Release.Name }}\nresources:\n  limits: {cpu: 1, memory: 1Gi}\n",
    );
    write(dir.path(), "files/a.txt", "from a file\n");
    let out = rendered(
        dir.path(),
        &RenderOptions {
            release_name: Some("prod".to_string()),
            namespace: Some("shop".to_string()),
            kube_version: Some("1.31.0".to_string()),
            api_versions: vec!["example.com/v1".to_string()],
            set: vec!["resources.limits.cpu=2".to_string()],
            ..Default::default()
        },
    );
    assert_eq!(
        out,
        "---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prod-cm\n  labels:\n    app: web\n    release: prod\ndata:\n  greeting: \"hello prod\"\n  file: \"from a file\"\n  api: \"true\"\n  new: \"true\"\n  resources: \n    limits:\n      cpu: 2\n      memory: 1Gi\n  ns: shop\n"
    );
}

#[test]
fn subchart_values_are_scoped_and_globals_passed_down() {
    let dir = tempfile::tempdir().unwrap();
    chart(dir.path(), &[], "db:\n  port: 5433\nglobal:\n  env: prod\n");
    write(
        dir.path(),
        "charts/db/Chart.yaml",
        "apiVersion: v2\nname: db\nversion: 0.1.0\n",
    );
    write(
        dir.path(),
        "charts/db/values.yaml",
        "port: 5432\nuser: app\n",
    );
    write(
        dir.path(),
        "charts/db/templates/svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: db-{{ .Values.global.env }}\nspec:\n  ports:\n    - port: {{ .Values.port }}\n      name: {{ .Values.user }}\n",
    );
    let out = rendered(dir.path(), &RenderOptions::default());
    assert!(
        out.contains("# Source: web/charts/db/templates/svc.yaml"),
        "{out}"
    );
    assert!(out.contains("name: db-prod"), "{out}");
    assert!(out.contains("- port: 5433"), "{out}");
}

#[test]
fn an_unknown_function_is_an_error_naming_it_the_template_and_line() {
    let dir = tempfile::tempdir().unwrap();
    chart(
        dir.path(),
        &[(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ frobnicate .Values.x }}\n",
        )],
        "",
    );
    let e = render(dir.path(), &RenderOptions::default()).unwrap_err();
    assert_eq!(e.template.as_deref(), Some("web/templates/cm.yaml"));
    assert_eq!(e.line, Some(4));
    assert!(e.message.contains("function frobnicate not defined"), "{e}");
}

#[test]
fn required_fail_and_cyclic_includes_fail_closed() {
    let dir = tempfile::tempdir().unwrap();
    chart(
        dir.path(),
        &[("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ required \"image.tag is required\" .Values.image.tag }}\n")],
        "image: {}\n",
    );
    let e = render(dir.path(), &RenderOptions::default()).unwrap_err();
    assert!(e.message.contains("image.tag is required"), "{e}");
    assert_eq!(e.line, Some(4));

    let dir = tempfile::tempdir().unwrap();
    chart(
        dir.path(),
        &[(
            "cm.yaml",
            "{{ define \"loop\" }}{{ include \"loop\" . }}{{ end }}{{ include \"loop\" . }}",
        )],
        "",
    );
    let e = render(dir.path(), &RenderOptions::default()).unwrap_err();
    assert!(e.message.contains("exceeded max depth"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    chart(
        dir.path(),
        &[("cm.yaml", "{{ fail \"not supported here\" }}")],
        "",
    );
    let e = render(dir.path(), &RenderOptions::default()).unwrap_err();
    assert!(e.message.contains("not supported here"), "{e}");
}

#[test]
fn a_document_that_is_not_yaml_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    chart(
        dir.path(),
        &[(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [a\n",
        )],
        "",
    );
    let e = render(dir.path(), &RenderOptions::default()).unwrap_err();
    assert!(
        e.message
            .contains("YAML parse error on web/templates/cm.yaml"),
        "{e}"
    );
}

#[test]
fn a_library_chart_is_not_rendered_and_a_missing_dependency_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Chart.yaml",
        "apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\n",
    );
    let e = render(dir.path(), &RenderOptions::default()).unwrap_err();
    assert!(
        e.message.contains("library charts are not installable"),
        "{e}"
    );

    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Chart.yaml",
        "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: 1.0.0\n    repository: https://charts.example.com\n",
    );
    let e = render(dir.path(), &RenderOptions::default()).unwrap_err();
    assert!(
        e.message.contains("missing in charts/ directory: redis"),
        "{e}"
    );
}

#[test]
fn files_glob_as_config_and_lines() {
    let dir = tempfile::tempdir().unwrap();
    chart(
        dir.path(),
        &[(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\ndata:\n{{ (.Files.Glob \"conf/*.ini\").AsConfig | indent 2 }}\n  first: {{ index (.Files.Lines \"conf/a.ini\") 0 | quote }}\n",
        )],
        "",
    );
    write(dir.path(), "conf/a.ini", "x=1\ny=2");
    write(dir.path(), "conf/b.ini", "z=3");
    write(dir.path(), "conf/skip.txt", "no");
    let out = rendered(dir.path(), &RenderOptions::default());
    assert!(
        out.contains("  a.ini: |-\n    x=1\n    y=2\n  b.ini: z=3\n"),
        "{out}"
    );
    assert!(out.contains("first: \"x=1\""), "{out}");
    assert!(!out.contains("skip.txt"), "{out}");
}

#[test]
fn files_are_those_of_the_context_given_as_in_helm() {
    let dir = tempfile::tempdir().unwrap();
    chart(
        dir.path(),
        &[
            (
                "_helpers.tpl",
                "{{- define \"web.motd\" -}}{{ .Files.Get \"motd.txt\" | trim }}{{- end }}",
            ),
            (
                "cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: parent\ndata:\n  own: {{ include \"web.motd\" . | quote }}\n  sub: {{ include \"web.motd\" .Subcharts.db | quote }}\n  direct: {{ .Subcharts.db.Files.Get \"motd.txt\" | trim | quote }}\n  subValue: {{ .Subcharts.db.Values.port | quote }}\n  root: {{ .Chart.IsRoot | quote }}\n  subRoot: {{ .Subcharts.db.Chart.IsRoot | quote }}\n",
            ),
        ],
        "db:\n  port: 5433\n",
    );
    write(dir.path(), "motd.txt", "parent file\n");
    write(
        dir.path(),
        "charts/db/Chart.yaml",
        "apiVersion: v2\nname: db\nversion: 0.1.0\n",
    );
    write(dir.path(), "charts/db/values.yaml", "port: 5432\n");
    write(dir.path(), "charts/db/motd.txt", "subchart file\n");
    write(
        dir.path(),
        "charts/db/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\ndata:\n  motd: {{ include \"web.motd\" $ | quote }}\n",
    );
    let out = rendered(dir.path(), &RenderOptions::default());
    for want in [
        "own: \"parent file\"",
        "sub: \"subchart file\"",
        "direct: \"subchart file\"",
        "subValue: \"5433\"",
        "root: \"true\"",
        "subRoot: \"false\"",
        "motd: \"subchart file\"",
    ] {
        assert!(out.contains(want), "{want} missing from\n{out}");
    }

    // a context without `.Files` cannot read files, as in Helm
    let bare = tempfile::tempdir().unwrap();
    chart(
        bare.path(),
        &[
            (
                "_helpers.tpl",
                "{{- define \"web.motd\" -}}{{ .Files.Get \"motd.txt\" }}{{- end }}",
            ),
            (
                "cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ include \"web.motd\" (dict \"Values\" .Values) | quote }}\n",
            ),
        ],
        "",
    );
    let err = render(bare.path(), &RenderOptions::default())
        .map(|r| r.text())
        .expect_err("a define reading files from a context without them");
    assert!(
        err.to_string()
            .contains("nil pointer evaluating interface {}.Get"),
        "{err}"
    );
}

#[test]
fn a_chart_archive_renders_and_one_climbing_out_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let gz = |entries: &[(&str, &str)]| {
        let mut tar = tar::Builder::new(Vec::new());
        for (path, text) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(text.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            // set the name in the raw header: the tar crate refuses `..` through set_path
            let name = path.as_bytes();
            header.as_old_mut().name[..name.len()].copy_from_slice(name);
            header.set_cksum();
            tar.append(&header, text.as_bytes()).unwrap();
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut enc, &tar.into_inner().unwrap()).unwrap();
        enc.finish().unwrap()
    };
    let good = dir.path().join("web-0.1.0.tgz");
    fs::write(
        &good,
        gz(&[
            (
                "web/Chart.yaml",
                "apiVersion: v2\nname: web\nversion: 0.1.0\n",
            ),
            (
                "web/templates/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
            ),
        ]),
    )
    .unwrap();
    let out = rendered(&good, &RenderOptions::default());
    assert!(out.contains("# Source: web/templates/cm.yaml"), "{out}");

    let bad = dir.path().join("bad-0.1.0.tgz");
    fs::write(
        &bad,
        gz(&[
            (
                "web/Chart.yaml",
                "apiVersion: v2\nname: web\nversion: 0.1.0\n",
            ),
            ("web/../../evil.yaml", "x: 1\n"),
        ]),
    )
    .unwrap();
    let e = render(&bad, &RenderOptions::default()).unwrap_err();
    assert!(e.message.contains("climbs"), "{e}");
}

#[test]
fn a_document_that_is_not_a_mapping_is_an_error_as_in_helm() {
    let dir = tempfile::tempdir().unwrap();
    chart(
        dir.path(),
        &[("hello.tpl", "Hello {{ .Release.Name }}\n")],
        "",
    );
    let e = render(dir.path(), &RenderOptions::default()).unwrap_err();
    assert_eq!(e.template.as_deref(), Some("web/templates/hello.tpl"));
    assert!(e.message.contains("must be a mapping"), "{e}");
}

#[test]
fn runaway_templates_are_errors_not_hangs() {
    for body in [
        "{{ range 1000000000 }}{{ end }}",
        "{{ range 100000 }}{{ repeat 1000000 \"x\" }}{{ end }}",
        "{{ define \"r\" }}{{ template \"r\" . }}{{ end }}{{ template \"r\" . }}",
    ] {
        let dir = tempfile::tempdir().unwrap();
        chart(dir.path(), &[("loop.yaml", body)], "");
        let e = render(dir.path(), &RenderOptions::default()).unwrap_err();
        assert!(e.to_string().contains("loop.yaml"), "{body}: {e}");
    }
}

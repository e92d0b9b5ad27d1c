//! `palisade render DIR|CHART`: what `palisade scan` reads from a kustomization, printed
//! like `kubectl kustomize DIR`, or from a Helm chart, printed like `helm template` with
//! helm's own flags.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::EXIT_ERROR;

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// A kustomization directory, or a Helm chart (directory with Chart.yaml, or .tgz),
    /// optionally preceded by the release name as in `helm template [NAME] CHART`.
    #[arg(value_name = "[NAME] DIR|CHART", num_args = 1..=2, required = true)]
    pub targets: Vec<String>,
    /// Helm: set values on the command line (`a.b=c,d={x,y}`); repeatable.
    #[arg(long = "set", value_name = "KEY=VAL")]
    pub set: Vec<String>,
    /// Helm: set string values on the command line; repeatable.
    #[arg(long = "set-string", value_name = "KEY=VAL")]
    pub set_string: Vec<String>,
    /// Helm: values from a YAML file; repeatable, later files win.
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// Helm: the Kubernetes version `.Capabilities.KubeVersion` reports (default v1.20.0).
    #[arg(long = "kube-version", value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Helm: API versions `.Capabilities.APIVersions.Has` knows; repeatable or comma-separated.
    #[arg(short = 'a', long = "api-versions", value_name = "GROUP/VERSION")]
    pub api_versions: Vec<String>,
    /// Helm: also print the chart's CRDs (`crds/`).
    #[arg(long = "include-crds")]
    pub include_crds: bool,
    /// Helm: print only the manifests of these templates (paths in the chart, globs).
    #[arg(short = 's', long = "show-only", value_name = "TEMPLATE")]
    pub show_only: Vec<String>,
    /// Helm: leave out test hooks.
    #[arg(long = "skip-tests")]
    pub skip_tests: bool,
    /// Helm: do not check the values against the chart's `values.schema.json`.
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
    /// Helm: a template rendering the release name.
    #[arg(long = "name-template", value_name = "TEMPLATE")]
    pub name_template: Option<String>,
    /// Helm: generate the release name (`CHART-<unix time>`).
    #[arg(short = 'g', long = "generate-name")]
    pub generate_name: bool,
    /// Helm: the release namespace (default `default`).
    #[arg(short = 'n', long = "namespace", value_name = "NS")]
    pub namespace: Option<String>,
}

impl RenderArgs {
    fn helm_flags_given(&self) -> bool {
        !self.set.is_empty()
            || !self.set_string.is_empty()
            || !self.values.is_empty()
            || self.kube_version.is_some()
            || !self.api_versions.is_empty()
            || self.include_crds
            || !self.show_only.is_empty()
            || self.skip_tests
            || self.skip_schema_validation
            || self.name_template.is_some()
            || self.generate_name
            || self.namespace.is_some()
    }
}

pub fn run(args: RenderArgs) -> anyhow::Result<u8> {
    let (name, target) = match args.targets.as_slice() {
        [target] => (None, PathBuf::from(target)),
        [name, target] => (Some(name.clone()), PathBuf::from(target)),
        _ => unreachable!("clap takes one or two targets"),
    };
    let shown = palisade_core::text::printable(&target.display().to_string()).into_owned();
    if palisade_helm::is_chart_dir(&target) || palisade_helm::is_chart_archive(&target) {
        return render_chart(&args, name, &target);
    }
    if palisade_kustomize::kustomization_file(&target).is_none() {
        eprintln!(
            "error: {shown}: no kustomization.yaml, kustomization.yml or Kustomization in this directory, and no Chart.yaml (nor a .tgz chart archive)"
        );
        return Ok(EXIT_ERROR);
    }
    if name.is_some() || args.helm_flags_given() {
        eprintln!(
            "error: {shown} is a kustomization: a release name and helm's flags apply to Helm charts only"
        );
        return Ok(EXIT_ERROR);
    }
    match palisade_kustomize::render(&target) {
        Ok(rendering) => {
            for w in &rendering.warnings {
                eprintln!(
                    "warning: {}",
                    palisade_core::text::printable(&palisade_secrets::redact(w))
                );
            }
            // like every output of Palisade, what a secret rule recognises is shown redacted
            crate::emit(&palisade_secrets::redact(&rendering.yaml().text))?;
            Ok(0)
        }
        Err(e) => {
            eprintln!("error: {}", palisade_secrets::redact(&e.to_string()));
            Ok(EXIT_ERROR)
        }
    }
}

fn render_chart(args: &RenderArgs, name: Option<String>, chart: &Path) -> anyhow::Result<u8> {
    if name.is_some() && args.generate_name {
        eprintln!("error: cannot use --generate-name with a release name");
        return Ok(EXIT_ERROR);
    }
    let release_name = match name {
        Some(n) => Some(n),
        None if args.generate_name => {
            let base = chart
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let base = base
                .trim_end_matches(".tgz")
                .trim_end_matches(".tar.gz")
                .to_string();
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            Some(format!("{base}-{now}"))
        }
        None => None,
    };
    let options = palisade_helm::RenderOptions {
        release_name,
        name_template: args.name_template.clone(),
        namespace: args.namespace.clone(),
        value_files: args.values.clone(),
        set: args.set.clone(),
        set_string: args.set_string.clone(),
        kube_version: args.kube_version.clone(),
        api_versions: args.api_versions.clone(),
        include_crds: args.include_crds,
        show_only: args.show_only.clone(),
        skip_tests: args.skip_tests,
        skip_schema_validation: args.skip_schema_validation,
        ..Default::default()
    };
    match palisade_helm::render(chart, &options) {
        Ok(rendering) => {
            crate::emit(&palisade_secrets::redact(&rendering.text()))?;
            Ok(0)
        }
        Err(e) => {
            let place = match (&e.template, e.line) {
                (Some(t), Some(l)) => format!(" (template {t}, line {l})"),
                (Some(t), None) => format!(" (template {t})"),
                _ => String::new(),
            };
            eprintln!(
                "error: {}{}",
                palisade_core::text::printable_lines(&palisade_secrets::redact(&e.to_string())),
                palisade_core::text::printable(&place)
            );
            Ok(EXIT_ERROR)
        }
    }
}

//! `palisade render DIR`: the rendered objects of a kustomization, as `palisade scan`
//! reads them, printed like `kubectl kustomize DIR`.

use std::path::PathBuf;

use clap::Args;

use crate::EXIT_ERROR;

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// A directory holding kustomization.yaml, kustomization.yml or Kustomization.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

pub fn run(args: RenderArgs) -> anyhow::Result<u8> {
    let shown = palisade_core::text::printable(&args.dir.display().to_string()).into_owned();
    if palisade_kustomize::kustomization_file(&args.dir).is_none() {
        if args.dir.join("Chart.yaml").is_file() {
            eprintln!(
                "error: {shown} is a Helm chart; Helm chart rendering is not part of `palisade render` yet (only kustomizations are rendered); render it with `helm template` and scan the output"
            );
        } else {
            eprintln!(
                "error: {shown}: no kustomization.yaml, kustomization.yml or Kustomization in this directory"
            );
        }
        return Ok(EXIT_ERROR);
    }
    match palisade_kustomize::render(&args.dir) {
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

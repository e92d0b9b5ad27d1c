//! COLD003 — deprecated or end-of-life runtime.

use palisade_core::Finding;

use super::Context;
use crate::model::Attr;
use crate::runtimes;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A function whose runtime reached the end of its provider's support (the dated tables
    /// in `runtimes.rs`): AWS Lambda runtimes past their deprecation date (`python3.8` on
    /// 2024-10-14, `nodejs16.x` on 2024-06-12, `go1.x` and `java8` on 2024-01-08); Google
    /// Cloud Functions runtimes past theirs (`python37`, `nodejs10`, `go113`... in `runtime`
    /// or `build_config`); Azure function apps whose language version (`application_stack`
    /// `python_version = "3.7"`, `node_version`, `dotnet_version`, `powershell_core_version`,
    /// or `linux_fx_version`) reached its end of life, or whose Functions host version
    /// (`functions_extension_version`, `FUNCTIONS_EXTENSION_VERSION`) is `~1`, `~2` or `~3`.
    /// The day compared with is today, or `runtime_cutoff` of `[serverless]` in
    /// `palisade.toml`.
    /// ## Why it matters
    /// Deprecated runtimes get no security patches, and providers later refuse to create and
    /// then to update functions on them, so a fix cannot even be deployed in a hurry.
    /// ## Fix
    /// Move to the supported runtime the finding names and redeploy.
    /// ## References
    /// - https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
    /// - https://cloud.google.com/functions/docs/runtime-support
    /// - https://learn.microsoft.com/azure/azure-functions/language-support-policy
    /// - https://learn.microsoft.com/azure/azure-functions/functions-versions
    pub static RULE = {
        id: "COLD003", practice: Cold, severity: Medium, title: "Deprecated function runtime",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let today = ctx.today();
    for f in &ctx.inv.functions {
        let host = f.site.as_ref().map(|s| &s.functions_version);
        for (what, setting) in [("", Some(&f.runtime)), ("Functions host ", host)] {
            let Some(Attr::Set(rt, pos)) = setting else {
                continue;
            };
            let Some(end) = runtimes::ended(f.cloud, rt, &today) else {
                continue;
            };
            let decommissioned = match end.decommissioned {
                Some(d) if d <= today.as_str() => format!(", decommissioned since {d}"),
                Some(d) => format!(", decommissioned on {d}"),
                None => String::new(),
            };
            out.push(ctx.finding(
                &RULE,
                format!(
                    "function {} uses {what}{}, deprecated since {}{decommissioned}; move to {}",
                    f.name,
                    runtimes::display(rt),
                    end.deprecated,
                    runtimes::display(end.replacement)
                ),
                *pos,
                &f.resource,
            ));
        }
    }
}

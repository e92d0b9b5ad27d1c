//! IMG034 — a build secret mount is written into the image file system.

use super::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// `RUN --mount=type=secret` instructions whose command copies the secret into the
    /// image: `cp`, `mv`, `install` or `cat`/`tee` with a redirection of the mounted file
    /// (`/run/secrets/<id>` or the mount's `target=`), or an output redirection of the
    /// variable of an `env=` mount (`echo "$TOKEN" > /app/token`). Writes to `/dev/null`
    /// and `/tmp` files removed in the same `RUN` are not reported.
    ///
    /// ## Why it matters
    /// A secret mount exists only while the command runs, so nothing of it reaches a layer
    /// — unless the command writes it to the file system, where it is committed with the
    /// layer and readable by anyone who pulls the image.
    ///
    /// ## Fix
    /// Read the secret where it is mounted, in the command that needs it
    /// (`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`), and never copy it
    /// elsewhere; a file the command must have is best made a `target=` of the mount.
    ///
    /// ## References
    /// - https://docs.docker.com/build/building/secrets/
    pub static RULE = {
        id: "IMG034", practice: Img, severity: High,
        title: "Build secret written into the image",
    };
}

/// The files and variables a `--mount=type=secret` flag makes available.
fn secret_mounts(ins: &crate::parse::Instruction) -> (Vec<String>, Vec<String>) {
    let mut files = Vec::new();
    let mut vars = Vec::new();
    for f in ins.flags.iter().filter(|f| f.name == "mount") {
        let Some(v) = f.value.as_deref() else {
            continue;
        };
        let opts: Vec<(&str, &str)> = v
            .split(',')
            .map(|p| p.trim().split_once('=').unwrap_or((p.trim(), "")))
            .collect();
        let get = |k: &str| opts.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
        if get("type") != Some("secret") {
            continue;
        }
        if let Some(env) = get("env") {
            vars.push(env.to_string());
            if get("target")
                .or(get("dst"))
                .or(get("destination"))
                .is_none()
            {
                continue;
            }
        }
        match get("target").or(get("dst")).or(get("destination")) {
            Some(t) => files.push(t.to_string()),
            None => {
                if let Some(id) = get("id") {
                    files.push(format!("/run/secrets/{id}"));
                }
            }
        }
    }
    (files, vars)
}

fn harmless_output(target: &str, removed: &[String]) -> bool {
    target == "/dev/null"
        || target == "/dev/stderr"
        || target == "/dev/stdout"
        || removed.iter().any(|r| r == target)
}

pub fn check(cx: &mut Context) {
    let df = cx.df;
    let stages = cx.all_stages();
    let hits: Vec<(usize, String)> = cx
        .runs_in(&stages)
        .filter_map(|(i, ins, cmds)| {
            let (files, vars) = secret_mounts(ins);
            if files.is_empty() && vars.is_empty() {
                return None;
            }
            let removed: Vec<String> = cmds
                .iter()
                .filter(|c| c.program() == "rm")
                .flat_map(|c| c.args().iter().filter(|a| !a.starts_with('-')).cloned())
                .collect();
            let mentions_file = |w: &str| files.iter().any(|f| w == f);
            let mentions_var = |w: &str| {
                vars.iter()
                    .any(|v| w.contains(&format!("${v}")) || w.contains(&format!("${{{v}}}")))
            };
            for c in cmds {
                let args = c.args();
                let prog = c.program();
                let written: Vec<&String> = c
                    .outputs
                    .iter()
                    .filter(|t| !harmless_output(t, &removed))
                    .collect();
                // cp/mv/install SECRET DEST
                if matches!(prog, "cp" | "mv" | "install") {
                    let operands: Vec<&String> =
                        args.iter().filter(|a| !a.starts_with('-')).collect();
                    if let Some((dest, srcs)) = operands.split_last() {
                        if srcs.iter().any(|s| mentions_file(s)) && !harmless_output(dest, &removed)
                        {
                            return Some((i, format!("`{prog}` copies the secret to `{dest}`")));
                        }
                    }
                }
                // cat SECRET > DEST, tee DEST < SECRET, echo $VAR > DEST
                let reads_secret = args.iter().any(|a| mentions_file(a) || mentions_var(a));
                if reads_secret {
                    if let Some(dest) = written.first() {
                        return Some((i, format!("the secret is written to `{dest}`")));
                    }
                    if prog == "tee" {
                        if let Some(dest) = args
                            .iter()
                            .find(|a| !a.starts_with('-') && !mentions_file(a))
                        {
                            return Some((i, format!("`tee` writes the secret to `{dest}`")));
                        }
                    }
                }
                // cat SECRET | tee DEST: the pipeline's later command writes it.
                if prog == "tee" {
                    let fed = cmds.iter().any(|p| {
                        p.pipeline == c.pipeline
                            && p.order < c.order
                            && p.args().iter().any(|a| mentions_file(a) || mentions_var(a))
                    });
                    if fed {
                        if let Some(dest) = args
                            .iter()
                            .find(|a| !a.starts_with('-') && !harmless_output(a, &removed))
                        {
                            return Some((i, format!("`tee` writes the secret to `{dest}`")));
                        }
                    }
                }
            }
            None
        })
        .collect();
    for (i, why) in hits {
        let ins = &df.instructions[i];
        let stage = cx.stage_of(ins);
        cx.report(
            &RULE,
            ins.line,
            stage,
            format!("RUN --mount=type=secret: {why}, so it is committed with the layer"),
        );
    }
}

//! Reading a module: its files parsed (HCL or `.tf.json`), variables and locals bound,
//! resources of interest evaluated per instance, and local `module` calls followed.

use std::collections::HashMap;

use hcl_edit::expr::Expression;
use hcl_edit::Span;
use palisade_core::ScanError;

use crate::model::*;
use crate::value::{from_node, Pos, Value, ValueKind};

use super::builder::Builder;
use super::eval::{Ctx, Instance, LocalDef};
use super::{
    shift, split_line, File, LineIndex, Source, TfResource, FILE_LINE_SPAN, MAX_FILE_BYTES,
    MAX_MODULE_FILES,
};

/// The folders of a Terraform project, so local `module` calls can be read. The caller
/// owns the files: this crate reads no disk.
pub trait ModuleFolders {
    /// The `.tf` / `.tf.json` files of `folder` (a `/`-separated path as the caller
    /// names folders), or `None` when that folder was not given.
    fn files(&self, folder: &str) -> Option<Vec<(&str, &str)>>;
}

/// Folders looked up by a function (`|_| None` when module calls are not to be followed).
pub struct ModuleFoldersFn<F>(pub F);

impl<F> ModuleFolders for ModuleFoldersFn<F>
where
    F: for<'x> Fn(&'x str) -> Option<Vec<(&'static str, &'static str)>>,
{
    fn files(&self, folder: &str) -> Option<Vec<(&str, &str)>> {
        (self.0)(folder)
    }
}

/// The `source` of every `module` call of one file, without evaluating anything else
/// (for deciding which folders are called as modules).
pub fn module_sources(path: &str, text: &str) -> Vec<String> {
    if !text.contains("module") || text.len() > MAX_FILE_BYTES {
        return Vec::new();
    }
    if path.ends_with(".json") {
        let Ok(docs) = palisade_yaml::load(text) else {
            return Vec::new();
        };
        let Some(d) = docs.first() else {
            return Vec::new();
        };
        let root = from_node(&d.root);
        return root
            .get("module")
            .map(|m| m.one_or_many())
            .unwrap_or_default()
            .into_iter()
            .flat_map(|section| section.entries().iter())
            .filter_map(|(_, call)| {
                call.get("source")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .collect();
    }
    let Ok(body) = hcl_edit::parser::parse_body(text) else {
        return Vec::new();
    };
    body.blocks()
        .filter(|b| b.ident.value().as_str() == "module")
        .filter_map(|b| match &b.body.get_attribute("source")?.value {
            Expression::String(s) => Some(s.value().to_string()),
            _ => None,
        })
        .collect()
}

/// A Terraform root module read with the local modules it calls.
pub struct BuiltModule {
    pub inventory: Inventory,
    pub errors: Vec<ScanError>,
    /// What was left unread, for the user: remote module sources, missing folders.
    pub warnings: Vec<String>,
    /// Every file read, by index: positions of file `i` start at line `i * FILE_LINE_SPAN`.
    pub paths: Vec<String>,
}
/// Deepest chain of local module calls followed.
const MAX_MODULE_DEPTH: usize = 8;
/// Most module instances read for one root (calls with `count` multiply).
const MAX_MODULE_INSTANCES: usize = 256;

/// Reads a module's files (HCL or JSON, judged by name) and builds its inventory; module
/// calls are not followed.
pub fn build_module(files: &[(&str, &str)]) -> (Inventory, Vec<ScanError>) {
    let folder = files
        .first()
        .and_then(|(p, _)| p.rsplit_once('/'))
        .map(|(d, _)| d)
        .unwrap_or("");
    let built = build_root(folder, files, &ModuleFoldersFn(|_: &str| None));
    (built.inventory, built.errors)
}

/// Reads a root module (the files of `folder`) and every local module it calls through
/// `folders`, and builds one inventory: resources of a called module get the address
/// `module.NAME.TYPE.NAME`, with its variables bound from the call.
pub fn build_root(
    folder: &str,
    files: &[(&str, &str)],
    folders: &dyn ModuleFolders,
) -> BuiltModule {
    let mut loader = Loader {
        folders,
        paths: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        resources: Vec::new(),
        stack: vec![folder.to_string()],
        module_instances: 0,
    };
    loader.load(files, folder, String::new(), HashMap::new());
    let path = files.first().map(|f| f.0).unwrap_or("");
    let mut inv = Inventory::new(path, Format::Terraform);
    let mut b = Builder {
        inv: &mut inv,
        functions: HashMap::new(),
        roles: HashMap::new(),
        resources: &loader.resources,
    };
    b.run();
    inv.platform = crate::platform::from_terraform(loader.resources.iter().map(|(_, r)| {
        crate::platform::SourceResource {
            id: r.address.clone(),
            key: &r.address,
            rtype: &r.rtype,
            pos: r.pos,
            body: &r.body,
        }
    }));
    BuiltModule {
        inventory: inv,
        errors: loader.errors,
        warnings: loader.warnings,
        paths: loader.paths,
    }
}

/// `folder` joined with a local module `source` (`./x`, `../x`), or `None` when the source
/// is not local or climbs above the first folder.
pub fn module_folder(folder: &str, source: &str) -> Option<String> {
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    let absolute = folder.starts_with('/');
    let mut parts: Vec<&str> = folder
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for p in source.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    Some(if absolute {
        format!("/{joined}")
    } else {
        joined
    })
}

struct Loader<'f> {
    folders: &'f dyn ModuleFolders,
    paths: Vec<String>,
    errors: Vec<ScanError>,
    warnings: Vec<String>,
    resources: Vec<(usize, TfResource)>,
    /// Folders of the module calls being read, outermost first (for cycles and depth).
    stack: Vec<String>,
    module_instances: usize,
}

/// Arguments of a `module` block that are not input variables.
const MODULE_META: &[&str] = &[
    "source",
    "version",
    "providers",
    "depends_on",
    "count",
    "for_each",
];

impl Loader<'_> {
    /// Parses the files of one module, reads the local modules it calls, and appends its
    /// resources under `prefix`. Returns the module's outputs.
    fn load(
        &mut self,
        files: &[(&str, &str)],
        folder: &str,
        prefix: String,
        inputs: HashMap<String, Value>,
    ) -> Value {
        let mut parsed: Vec<(usize, File)> = Vec::new();
        for (path, text) in files {
            if self.paths.len() >= MAX_MODULE_FILES {
                self.errors.push(ScanError::new(
                    *path,
                    None,
                    format!("module has more than {MAX_MODULE_FILES} files; this one was not read"),
                ));
                continue;
            }
            let fi = self.paths.len();
            self.paths.push(path.to_string());
            let base = Pos {
                line: fi as u32 * FILE_LINE_SPAN + 1,
                column: 1,
            };
            if text.len() > MAX_FILE_BYTES {
                self.errors.push(ScanError::new(
                    *path,
                    None,
                    format!(
                        "file is larger than {} MiB; not parsed",
                        MAX_FILE_BYTES >> 20
                    ),
                ));
                continue;
            }
            if path.ends_with(".json") {
                match palisade_yaml::load(text) {
                    Ok(docs) => {
                        if let Some(d) = docs.first() {
                            let mut root = from_node(&d.root);
                            shift(&mut root, base);
                            parsed.push((
                                fi,
                                File {
                                    source: Source::Json(root),
                                },
                            ));
                        }
                    }
                    Err(e) => self
                        .errors
                        .push(ScanError::new(*path, Some(e.line), e.message)),
                }
            } else {
                let lines = LineIndex::new(text, fi);
                match hcl_edit::parser::parse_body(text) {
                    Ok(body) => parsed.push((
                        fi,
                        File {
                            source: Source::Hcl { body, lines },
                        },
                    )),
                    Err(e) => self.errors.push(ScanError::new(
                        *path,
                        Some(e.location().line() as u32),
                        format!(
                            "invalid HCL at column {}: {}",
                            e.location().column(),
                            e.message()
                        ),
                    )),
                }
            }
        }

        // Variables (defaults, then what the call passes) and locals first; everything
        // else may refer to both.
        let mut ctx = Ctx {
            prefix: prefix.clone(),
            ..Ctx::default()
        };
        for (fi, f) in &parsed {
            match &f.source {
                Source::Hcl { body, lines } => {
                    for b in body.blocks() {
                        match b.ident.value().as_str() {
                            "variable" => {
                                if let (Some(name), Some(d)) =
                                    (b.labels.first(), b.body.get_attribute("default"))
                                {
                                    let defaults = Ctx::default();
                                    let value = defaults.expr(&d.value, lines, 0);
                                    // Declared defaults are read by the platform's secret
                                    // rule as `variable` pseudo-resources.
                                    self.resources
                                        .push((*fi, variable_decl(&prefix, name.as_str(), &value)));
                                    ctx.vars.insert(name.as_str().to_string(), value);
                                }
                            }
                            "locals" => {
                                for a in b.body.attributes() {
                                    ctx.locals.insert(
                                        a.key.value().to_string(),
                                        LocalDef::Hcl(&a.value, lines),
                                    );
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Source::Json(root) => {
                    for (name, decl) in root.get("variable").map(Value::entries).unwrap_or_default()
                    {
                        if let Some(d) = decl.get("default") {
                            self.resources.push((*fi, variable_decl(&prefix, name, d)));
                            ctx.vars.insert(name.clone(), d.clone());
                        }
                    }
                    for l in root
                        .get("locals")
                        .map(|l| l.one_or_many())
                        .unwrap_or_default()
                    {
                        for (name, v) in l.entries() {
                            ctx.locals.insert(name.clone(), LocalDef::Json(v));
                        }
                    }
                }
            }
        }
        for (name, value) in inputs {
            // A call's argument whose value cannot be known hides the default too.
            ctx.vars.insert(name, value);
        }

        // Module calls before resources, so `module.m.output` resolves in them.
        for (_, f) in &parsed {
            match &f.source {
                Source::Hcl { body, lines } => {
                    for b in body.blocks() {
                        if b.ident.value().as_str() != "module" {
                            continue;
                        }
                        let Some(name) = b.labels.first().map(|l| l.as_str().to_string()) else {
                            continue;
                        };
                        let pos = b.span().map(|s| lines.pos(s.start)).unwrap_or_default();
                        let meta = |k: &str| {
                            b.body
                                .get_attribute(k)
                                .map(|a| ctx.expr(&a.value, lines, 0))
                        };
                        let source = meta("source");
                        let instances = ctx.instances(meta("count"), meta("for_each"));
                        let mut calls = Vec::new();
                        for inst in instances {
                            *ctx.instance.borrow_mut() = inst.clone();
                            let args: HashMap<String, Value> = b
                                .body
                                .attributes()
                                .filter(|a| !MODULE_META.contains(&a.key.value().as_str()))
                                .map(|a| (a.key.value().to_string(), ctx.expr(&a.value, lines, 0)))
                                .collect();
                            calls.push((inst.suffix, args));
                        }
                        *ctx.instance.borrow_mut() = Instance::default();
                        let outputs = self.call(&ctx, folder, &name, source, pos, calls);
                        if let Some(o) = outputs {
                            ctx.module_outputs.borrow_mut().insert(name, o);
                        }
                    }
                }
                Source::Json(root) => {
                    for section in root
                        .get("module")
                        .map(|m| m.one_or_many())
                        .unwrap_or_default()
                    {
                        for (name, call) in section.entries() {
                            let call = ctx.json(call, 0);
                            let instances = ctx.instances(
                                call.get("count").cloned(),
                                call.get("for_each").cloned(),
                            );
                            let calls = instances
                                .into_iter()
                                .map(|inst| {
                                    let args = call
                                        .entries()
                                        .iter()
                                        .filter(|(k, _)| !MODULE_META.contains(&k.as_str()))
                                        .map(|(k, v)| (k.clone(), v.clone()))
                                        .collect();
                                    (inst.suffix, args)
                                })
                                .collect();
                            let outputs = self.call(
                                &ctx,
                                folder,
                                name,
                                call.get("source").cloned(),
                                call.pos,
                                calls,
                            );
                            if let Some(o) = outputs {
                                ctx.module_outputs.borrow_mut().insert(name.clone(), o);
                            }
                        }
                    }
                }
            }
        }

        for (fi, f) in &parsed {
            match &f.source {
                Source::Hcl { body, lines } => {
                    for b in body.blocks() {
                        let ident = b.ident.value().as_str();
                        if ident != "resource" && ident != "data" {
                            continue;
                        }
                        let (Some(t), Some(n)) = (b.labels.first(), b.labels.get(1)) else {
                            continue;
                        };
                        let rtype = t.as_str().to_string();
                        if !interesting(&rtype) {
                            continue;
                        }
                        let pos = b.span().map(|s| lines.pos(s.start)).unwrap_or_default();
                        let data = if ident == "data" { "data." } else { "" };
                        let meta = |k: &str| {
                            b.body
                                .get_attribute(k)
                                .map(|a| ctx.expr(&a.value, lines, 0))
                        };
                        for inst in ctx.instances(meta("count"), meta("for_each")) {
                            let address =
                                format!("{prefix}{data}{rtype}.{}{}", n.as_str(), inst.suffix);
                            *ctx.instance.borrow_mut() = inst;
                            let body = ctx.body(&b.body, lines, pos, 0);
                            self.resources.push((
                                *fi,
                                TfResource {
                                    address,
                                    rtype: rtype.clone(),
                                    pos,
                                    body,
                                },
                            ));
                        }
                        *ctx.instance.borrow_mut() = Instance::default();
                    }
                }
                Source::Json(root) => {
                    for (ident, data) in [("resource", ""), ("data", "data.")] {
                        for section in root.get(ident).map(|r| r.one_or_many()).unwrap_or_default()
                        {
                            for (rtype, named) in section.entries() {
                                if !interesting(rtype) {
                                    continue;
                                }
                                for (name, body) in named.entries() {
                                    for body in body.one_or_many() {
                                        let count = body.get("count").map(|c| ctx.json(c, 0));
                                        let for_each = body.get("for_each").map(|c| ctx.json(c, 0));
                                        for inst in ctx.instances(count, for_each) {
                                            let address = format!(
                                                "{prefix}{data}{rtype}.{name}{}",
                                                inst.suffix
                                            );
                                            *ctx.instance.borrow_mut() = inst;
                                            self.resources.push((
                                                *fi,
                                                TfResource {
                                                    address,
                                                    rtype: rtype.clone(),
                                                    pos: body.pos,
                                                    body: ctx.json(body, 0),
                                                },
                                            ));
                                        }
                                        *ctx.instance.borrow_mut() = Instance::default();
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        let mut outputs = Vec::new();
        for (_, f) in &parsed {
            match &f.source {
                Source::Hcl { body, lines } => {
                    for b in body.blocks() {
                        if b.ident.value().as_str() != "output" {
                            continue;
                        }
                        if let (Some(name), Some(v)) =
                            (b.labels.first(), b.body.get_attribute("value"))
                        {
                            outputs.push((name.as_str().to_string(), ctx.expr(&v.value, lines, 0)));
                        }
                    }
                }
                Source::Json(root) => {
                    for (name, o) in root.get("output").map(Value::entries).unwrap_or_default() {
                        if let Some(v) = o.get("value") {
                            outputs.push((name.clone(), ctx.json(v, 0)));
                        }
                    }
                }
            }
        }

        for (pos, message) in ctx.errors.borrow().iter() {
            let (fi, line) = split_line(pos.line);
            self.errors.push(ScanError::new(
                self.paths.get(fi).map(String::as_str).unwrap_or(folder),
                Some(line),
                message.clone(),
            ));
        }
        Value::new(ValueKind::Map(outputs), Pos::default())
    }

    /// Reads the instances of one `module` call (`(address suffix, arguments)` each) and
    /// returns the outputs of a single-instance call.
    fn call(
        &mut self,
        ctx: &Ctx,
        folder: &str,
        name: &str,
        source: Option<Value>,
        pos: Pos,
        calls: Vec<(String, HashMap<String, Value>)>,
    ) -> Option<Value> {
        if calls.is_empty() {
            // `count = 0` or an empty `for_each`: the module is not instantiated.
            return None;
        }
        let (fi, line) = split_line(pos.line);
        let at = format!(
            "{}:{line}",
            self.paths.get(fi).map(String::as_str).unwrap_or(folder)
        );
        let Some(source) = source.as_ref().and_then(Value::as_str) else {
            self.warnings.push(format!(
                "{at}: module \"{name}\" has no known source; its resources were not scanned"
            ));
            return None;
        };
        let Some(child) = module_folder(folder, source) else {
            self.warnings.push(format!(
                "{at}: module \"{name}\" comes from \"{source}\", which is not a local folder; its resources were not scanned"
            ));
            return None;
        };
        if self.stack.contains(&child) {
            self.warnings.push(format!(
                "{at}: module \"{name}\" calls {child}, which is already being read (a cycle); not followed"
            ));
            return None;
        }
        if self.stack.len() > MAX_MODULE_DEPTH {
            self.warnings.push(format!(
                "{at}: module \"{name}\" is more than {MAX_MODULE_DEPTH} calls deep; not followed"
            ));
            return None;
        }
        let folders = self.folders;
        let Some(files) = folders.files(&child) else {
            self.warnings.push(format!(
                "{at}: module \"{name}\" folder {child} is not among the scanned files; its resources were not scanned"
            ));
            return None;
        };
        if self.paths.len() + files.len() > MAX_MODULE_FILES {
            self.warnings.push(format!(
                "{at}: module \"{name}\" would take the files read for this root past {MAX_MODULE_FILES}; not read"
            ));
            return None;
        }
        let single = calls.len() == 1;
        let mut outputs = None;
        for (suffix, args) in calls {
            if self.module_instances >= MAX_MODULE_INSTANCES {
                self.warnings.push(format!(
                    "{at}: more than {MAX_MODULE_INSTANCES} module instances; module \"{name}\" was not read"
                ));
                return None;
            }
            self.module_instances += 1;
            self.stack.push(child.clone());
            let out = self.load(
                &files,
                &child,
                format!("{}module.{name}{suffix}.", ctx.prefix),
                args,
            );
            self.stack.pop();
            if single {
                outputs = Some(out);
            }
        }
        outputs
    }
}

/// A `variable` declaration with its default, as a pseudo-resource `var.NAME`.
fn variable_decl(prefix: &str, name: &str, default: &Value) -> TfResource {
    TfResource {
        address: format!("{prefix}var.{name}"),
        rtype: "variable".to_string(),
        pos: default.pos,
        body: Value::new(
            ValueKind::Map(vec![("default".to_string(), default.clone())]),
            default.pos,
        ),
    }
}

fn interesting(t: &str) -> bool {
    crate::platform::wants_terraform(t)
        || t.starts_with("aws_lambda_")
        || t.starts_with("aws_iam_")
        || t.starts_with("aws_api_gateway_")
        || t.starts_with("aws_apigatewayv2_")
        || t == "aws_cloudwatch_log_group"
        || t.starts_with("aws_security_group")
        || t.starts_with("aws_vpc_security_group_")
        || t.contains("function_app")
        || t.starts_with("google_cloudfunctions")
        || t.starts_with("google_cloud_run_")
        || t.starts_with("aws_db_instance")
        || t.starts_with("aws_rds_cluster")
        || t.starts_with("aws_elasticache_")
        || matches!(
            t,
            "aws_sns_topic_subscription"
                | "aws_s3_bucket_notification"
                | "aws_cloudwatch_event_target"
                | "aws_scheduler_schedule"
                | "aws_cloudwatch_log_subscription_filter"
        )
}

//! The Go template engine with Helm's functions: `gtmpl-ng` (Go `text/template` and most
//! Sprig functions) plus what Helm adds on top (`include`, `tpl`, `nindent`, `toYaml`
//! and `fromYaml` as Helm spells them, `lookup`, `semverCompare`, ...).
//!
//! gtmpl-ng's functions are plain `fn(&[Value])` pointers with no access to the template
//! set, and a template renders the tree named by its `name` field. So one render
//! installs a [`Session`] on the thread holding every template source of the chart;
//! `include` and `tpl` reach it there and render a template set whose entry point is the
//! named template. gtmpl-ng also refuses arguments to a method of a value
//! (`.Capabilities.APIVersions.Has "x"`, `.Files.Get "x"`), so those calls are rewritten
//! to functions before parsing.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use gtmpl_ng::{Context, Func, FuncError, Template, Value};

/// Deepest nesting of `include`/`tpl` calls before a render is refused (a template that
/// includes itself).
const MAX_INCLUDE_DEPTH: usize = 100;

/// A chart's files by their path in the chart.
pub(crate) type ChartFiles = Rc<BTreeMap<String, Vec<u8>>>;

/// Everything the functions of one render need to reach.
pub(crate) struct Session {
    sources: Vec<(String, String)>,
    cache: RefCell<HashMap<String, Rc<Template>>>,
    api_versions: Vec<String>,
    /// Each chart's files by the chart's path in the render (`parent/charts/sub`): a
    /// `.Files` value names its chart ([`FILES_KEY`]), so the files a template reads are
    /// those of the context it was given, as in Helm.
    files: RefCell<HashMap<String, ChartFiles>>,
    depth: Cell<usize>,
}

/// The key of a `.Files` value that names the chart whose files it stands for. It
/// cannot be reached with Go's field syntax and is never a chart file's path.
pub(crate) const FILES_KEY: &str = "\u{0}chart";

thread_local! {
    static SESSION: RefCell<Option<Rc<Session>>> = const { RefCell::new(None) };
}

/// A template's parse error: the template file, the line and Go's message.
#[derive(Debug)]
pub(crate) struct TemplateFailure {
    pub template: String,
    pub line: Option<u32>,
    pub message: String,
}

/// Installs the session for the current thread while it lives.
pub(crate) struct Installed(Option<Rc<Session>>);

impl Drop for Installed {
    fn drop(&mut self) {
        let previous = self.0.take();
        SESSION.with(|s| *s.borrow_mut() = previous);
    }
}

impl Session {
    /// Parses every template (rewritten) and keeps them for rendering; a parse error names
    /// the template and line.
    pub fn new(
        sources: Vec<(String, String)>,
        api_versions: Vec<String>,
    ) -> Result<Rc<Session>, TemplateFailure> {
        let sources: Vec<(String, String)> =
            sources.into_iter().map(|(n, t)| (n, rewrite(&t))).collect();
        for (name, text) in &sources {
            let mut t = new_template();
            if let Err(e) = t.add_template(name.clone(), text.clone()) {
                return Err(failure(name, &e.to_string()));
            }
        }
        Ok(Rc::new(Session {
            sources,
            cache: RefCell::new(HashMap::new()),
            api_versions,
            files: RefCell::new(HashMap::new()),
            depth: Cell::new(0),
        }))
    }

    pub fn install(self: &Rc<Session>) -> Installed {
        let previous = SESSION.with(|s| s.borrow_mut().replace(self.clone()));
        Installed(previous)
    }

    /// The files `.Files` answers with in the contexts of the chart at `chart`.
    pub fn add_files(&self, chart: &str, files: ChartFiles) {
        self.files.borrow_mut().insert(chart.to_string(), files);
    }

    fn template(&self, name: &str) -> Result<Rc<Template>, String> {
        if let Some(t) = self.cache.borrow().get(name) {
            return Ok(t.clone());
        }
        let mut t = new_template();
        for (n, text) in &self.sources {
            t.add_template(n.clone(), text.clone())
                .map_err(|e| e.to_string())?;
        }
        t.name = name.to_string();
        let t = Rc::new(t);
        self.cache.borrow_mut().insert(name.to_string(), t.clone());
        Ok(t)
    }

    /// Renders the named template with `data` as its dot.
    pub fn render(&self, name: &str, data: Value) -> Result<String, TemplateFailure> {
        let t = self.template(name).map_err(|m| failure(name, &m))?;
        // The template engine is third-party code run on untrusted templates: a panic in it
        // is this chart's error, not the end of the scan.
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            t.render(&Context::from(data))
        })) {
            Ok(rendered) => rendered.map_err(|e| failure(name, &e.to_string())),
            Err(_) => Err(failure(name, "the template engine failed on this template")),
        }
    }
}

fn failure(template: &str, message: &str) -> TemplateFailure {
    // gtmpl-ng reports `template: NAME:LINE:COL: ...`
    let line = message
        .split_once(&format!("{template}:"))
        .and_then(|(_, rest)| rest.split(':').next())
        .and_then(|l| l.trim().parse().ok());
    TemplateFailure {
        template: template.to_string(),
        line,
        message: message.to_string(),
    }
}

fn session() -> Result<Rc<Session>, FuncError> {
    SESSION
        .with(|s| s.borrow().clone())
        .ok_or_else(|| FuncError::Generic("no chart is being rendered".to_string()))
}

/// Longest one template may render: gtmpl-ng's default limits bound loops, output and
/// nesting, and this bounds time, so a hostile chart cannot hold a scan.
pub const RENDER_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

fn new_template() -> Template {
    let mut limits = gtmpl_ng::Limits::default();
    limits.deadline = Some(RENDER_DEADLINE);
    let mut t = Template::with_limits(limits);
    t.add_funcs(gtmpl_ng::helm_functions::HELM_FUNCTIONS);
    t.add_funcs(HELM_OWN);
    t
}

/// Helm's functions that gtmpl-ng lacks or spells differently.
static HELM_OWN: &[(&str, Func)] = &[
    ("include", include as Func),
    ("tpl", tpl as Func),
    ("nindent", nindent as Func),
    ("toYaml", to_yaml as Func),
    ("mustToYaml", to_yaml as Func),
    ("fromYaml", from_yaml as Func),
    ("fromYamlArray", from_yaml_array as Func),
    ("lookup", lookup as Func),
    ("semverCompare", semver_compare as Func),
    ("required", required as Func),
    ("b64enc", strict_b64enc as Func),
    ("b64dec", strict_b64dec as Func),
    ("lower", strict_lower as Func),
    ("upper", strict_upper as Func),
    ("title", strict_title as Func),
    ("trim", strict_trim as Func),
    ("trimSuffix", strict_trim_suffix as Func),
    ("trimPrefix", strict_trim_prefix as Func),
    ("sha256sum", strict_sha256sum as Func),
    ("helmAPIVersionsHas", api_versions_has as Func),
    ("helmFilesGet", files_get as Func),
    ("helmFilesGetBytes", files_get_bytes as Func),
    ("helmFilesLines", files_lines as Func),
    ("helmFilesGlob", files_glob as Func),
    ("helmFilesAsConfig", files_as_config as Func),
    ("helmFilesAsSecrets", files_as_secrets as Func),
];

/// Sprig functions whose Go parameters are strings: a missing value is refused as Go's
/// call does ("invalid value; expected string") instead of becoming text.
macro_rules! strict_strings {
    ($($name:ident => $inner:path),* $(,)?) => {$(
        fn $name(args: &[Value]) -> Result<Value, FuncError> {
            if args.iter().any(|a| matches!(a, Value::Nil | Value::NoValue)) {
                return Err(FuncError::Generic("invalid value; expected string".to_string()));
            }
            $inner(args)
        }
    )*};
}

strict_strings! {
    strict_b64enc => gtmpl_ng::helm_functions::encoding::b64enc,
    strict_b64dec => gtmpl_ng::helm_functions::encoding::b64dec,
    strict_lower => gtmpl_ng::helm_functions::string::lower,
    strict_upper => gtmpl_ng::helm_functions::string::upper,
    strict_title => gtmpl_ng::helm_functions::string::title,
    strict_trim => gtmpl_ng::helm_functions::string::trim,
    strict_trim_suffix => gtmpl_ng::helm_functions::string::trim_suffix,
    strict_trim_prefix => gtmpl_ng::helm_functions::string::trim_prefix,
    strict_sha256sum => gtmpl_ng::helm_functions::crypto::sha256sum,
}

/// Rewrites method calls with arguments, which gtmpl-ng cannot make, into functions.
fn rewrite(text: &str) -> String {
    use std::sync::OnceLock;
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"((?:\$[A-Za-z0-9_]*)?(?:\.[A-Za-z_][A-Za-z0-9_]*)*?)\.(Capabilities\.APIVersions\.Has|Files\.(?:GetBytes|Get|Lines|Glob|AsConfig|AsSecrets))\b",
        )
        .expect("static regex")
    });
    re.replace_all(text, |c: &regex::Captures| match &c[2] {
        "Capabilities.APIVersions.Has" => "helmAPIVersionsHas".to_string(),
        // the receiver stays: `$ctx.Files.Get "a"` reads the files of `$ctx`'s chart
        files => format!("helm{} {}.Files", files.replace('.', ""), &c[1]),
    })
    .into_owned()
}

fn arg_str(args: &[Value], i: usize, function: &str) -> Result<String, FuncError> {
    match args.get(i) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(v) => Ok(v.to_string()),
        None => Err(FuncError::Generic(format!(
            "wrong number of args for {function}: want {} got {}",
            i + 1,
            args.len()
        ))),
    }
}

struct Depth(Rc<Session>);

impl Depth {
    fn enter(s: Rc<Session>, what: &str) -> Result<Depth, FuncError> {
        let d = s.depth.get() + 1;
        if d > MAX_INCLUDE_DEPTH {
            return Err(FuncError::Generic(format!(
                "rendering template has a nested reference name exceeded max depth of {MAX_INCLUDE_DEPTH}: {what}"
            )));
        }
        s.depth.set(d);
        Ok(Depth(s))
    }
}

impl Drop for Depth {
    fn drop(&mut self) {
        self.0.depth.set(self.0.depth.get() - 1);
    }
}

fn include(args: &[Value]) -> Result<Value, FuncError> {
    let name = arg_str(args, 0, "include")?;
    let data = args.get(1).cloned().unwrap_or(Value::Nil);
    let s = session()?;
    if !s.sources.iter().any(|(_, text)| defines(text, &name)) {
        return Err(FuncError::Generic(format!(
            "error calling include: template: no template \"{name}\" associated with template \"gotpl\""
        )));
    }
    let guard = Depth::enter(s.clone(), &name)?;
    let t = s.template(&name).map_err(FuncError::Generic)?;
    let out = t
        .render(&Context::from(data))
        .map_err(|e| FuncError::Generic(format!("error calling include: {e}")))?;
    drop(guard);
    Ok(Value::String(out))
}

fn defines(text: &str, name: &str) -> bool {
    let quoted = format!("\"{name}\"");
    text.match_indices("define")
        .any(|(i, _)| text[i + "define".len()..].trim_start().starts_with(&quoted))
        || text
            .match_indices("block")
            .any(|(i, _)| text[i + "block".len()..].trim_start().starts_with(&quoted))
}

fn tpl(args: &[Value]) -> Result<Value, FuncError> {
    let text = arg_str(args, 0, "tpl")?;
    let data = args.get(1).cloned().unwrap_or(Value::Nil);
    let s = session()?;
    let guard = Depth::enter(s.clone(), "tpl")?;
    let mut t = new_template();
    for (n, src) in &s.sources {
        t.add_template(n.clone(), src.clone())
            .map_err(|e| FuncError::Generic(e.to_string()))?;
    }
    t.add_template("tpl", rewrite(&text))
        .map_err(|e| FuncError::Generic(format!("error calling tpl: {e}")))?;
    t.name = "tpl".to_string();
    let out = t
        .render(&Context::from(data))
        .map_err(|e| FuncError::Generic(format!("error calling tpl: {e}")))?;
    drop(guard);
    Ok(Value::String(out))
}

fn nindent(args: &[Value]) -> Result<Value, FuncError> {
    let n = arg_str(args, 0, "nindent")?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| FuncError::Generic(format!("nindent: {n} is not a number")))?;
    let n = gtmpl_ng::helm_functions::bounded_count(n as i64, "spaces", "nindent")?;
    let text = arg_str(args, 1, "nindent")?;
    let pad = " ".repeat(n);
    let indented: Vec<String> = text.split('\n').map(|l| format!("{pad}{l}")).collect();
    Ok(Value::String(format!("\n{}", indented.join("\n"))))
}

fn required(args: &[Value]) -> Result<Value, FuncError> {
    let message = arg_str(args, 0, "required")?;
    match args.get(1) {
        None | Some(Value::Nil) | Some(Value::NoValue) => Err(FuncError::Generic(message)),
        Some(Value::String(s)) if s.is_empty() => Err(FuncError::Generic(message)),
        Some(v) => Ok(v.clone()),
    }
}

/// Go's yaml.Marshal: keys sorted; Helm trims the final newline.
fn to_yaml(args: &[Value]) -> Result<Value, FuncError> {
    let v = args.first().cloned().unwrap_or(Value::Nil);
    let yaml = serde_yaml_neo::to_string(&to_yaml_value(&v))
        .map_err(|e| FuncError::Generic(e.to_string()))?;
    let yaml = if matches!(v, Value::Nil | Value::NoValue) {
        "null".to_string()
    } else {
        yaml
    };
    Ok(Value::String(yaml.trim_end_matches('\n').to_string()))
}

pub(crate) fn to_yaml_value(v: &Value) -> serde_yaml_neo::Value {
    use serde_yaml_neo::Value as Y;
    match v {
        Value::Nil | Value::NoValue => Y::Null,
        Value::Bool(b) => Y::Bool(*b),
        Value::Number(n) => match n.kind() {
            gtmpl_ng::NumberKind::Unsigned(u) => Y::Number(u.into()),
            gtmpl_ng::NumberKind::Signed(i) => Y::Number(i.into()),
            gtmpl_ng::NumberKind::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 1e15 {
                    Y::Number((f as i64).into())
                } else {
                    Y::Number(f.into())
                }
            }
        },
        Value::String(s) => Y::String(s.clone()),
        Value::Array(a) => Y::Sequence(a.iter().map(to_yaml_value).collect()),
        Value::Map(m) | Value::Object(m) => {
            let sorted: BTreeMap<&String, &Value> = m.iter().collect();
            let mut out = serde_yaml_neo::Mapping::new();
            for (k, v) in sorted {
                if matches!(v, Value::Function(_)) {
                    continue;
                }
                out.insert(Y::String(k.clone()), to_yaml_value(v));
            }
            Y::Mapping(out)
        }
        Value::Function(_) => Y::Null,
    }
}

/// Helm's fromYaml: a map, or a map with `Error` when the text is not one.
fn from_yaml(args: &[Value]) -> Result<Value, FuncError> {
    let text = arg_str(args, 0, "fromYaml")?;
    let parsed: Result<serde_json::Value, _> = serde_yaml_neo::from_str(&text);
    Ok(match parsed {
        Ok(serde_json::Value::Object(m)) => to_value(serde_json::Value::Object(m)),
        Ok(serde_json::Value::Null) => Value::Map(HashMap::new()),
        Ok(_) => error_map("error unmarshaling JSON: cannot unmarshal into a map"),
        Err(e) => error_map(&e.to_string()),
    })
}

fn from_yaml_array(args: &[Value]) -> Result<Value, FuncError> {
    let text = arg_str(args, 0, "fromYamlArray")?;
    let parsed: Result<serde_json::Value, _> = serde_yaml_neo::from_str(&text);
    Ok(match parsed {
        Ok(v @ serde_json::Value::Array(_)) => to_value(v),
        Ok(_) => Value::Array(vec![Value::String(
            "error unmarshaling JSON: cannot unmarshal into a list".to_string(),
        )]),
        Err(e) => Value::Array(vec![Value::String(e.to_string())]),
    })
}

fn error_map(message: &str) -> Value {
    let mut m = HashMap::new();
    m.insert("Error".to_string(), Value::String(message.to_string()));
    Value::Map(m)
}

/// Values as the template engine sees them.
///
/// Objects become maps, not structs: a missing key is "no value" (as a Go map), not an
/// error (as a Go struct's missing field).
pub(crate) fn to_value(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Object(m) => {
            Value::Map(m.into_iter().map(|(k, v)| (k, to_value(v))).collect())
        }
        serde_json::Value::Array(a) => Value::Array(a.into_iter().map(to_value).collect()),
        v => gtmpl_ng::helm_functions::serde_json_value_to_gtmpl_value(v),
    }
}

/// `helm template` talks to no cluster: every lookup finds nothing.
fn lookup(_args: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::Map(HashMap::new()))
}

fn semver_compare(args: &[Value]) -> Result<Value, FuncError> {
    let constraint = arg_str(args, 0, "semverCompare")?;
    let version = arg_str(args, 1, "semverCompare")?;
    let version = lenient_version(&version)
        .ok_or_else(|| FuncError::Generic(format!("invalid semantic version: {version}")))?;
    // Masterminds' constraints: `||` between groups, `,` or spaces between terms
    for group in constraint.split("||") {
        let terms: Vec<String> = group
            .replace(',', " ")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let mut joined: Vec<String> = Vec::new();
        let mut pending = String::new();
        for t in terms {
            if matches!(t.as_str(), ">" | ">=" | "<" | "<=" | "=" | "!=" | "~" | "^") {
                pending = t;
            } else {
                joined.push(format!("{pending}{t}"));
                pending.clear();
            }
        }
        let mut all = true;
        for term in &joined {
            if !term_matches(term, &version)? {
                all = false;
                break;
            }
        }
        if all && !joined.is_empty() {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn term_matches(term: &str, version: &semver::Version) -> Result<bool, FuncError> {
    let (op, rest) = match term {
        t if t.starts_with(">=") || t.starts_with("<=") || t.starts_with("!=") => t.split_at(2),
        t if t.starts_with('>')
            || t.starts_with('<')
            || t.starts_with('=')
            || t.starts_with('~')
            || t.starts_with('^') =>
        {
            t.split_at(1)
        }
        t => ("", t),
    };
    let rest = rest.trim_start_matches('v');
    if op == "!=" {
        let other = lenient_version(rest)
            .ok_or_else(|| FuncError::Generic(format!("improper constraint: {term}")))?;
        return Ok(cmp_ignoring_pre(version, &other) != std::cmp::Ordering::Equal);
    }
    // semver wants `1.19.0-0` where Masterminds also reads `1.19-0`
    let padded = match lenient_version(rest) {
        Some(v) if !rest.contains(['x', 'X', '*']) => v.to_string(),
        _ => rest.to_string(),
    };
    let req = semver::VersionReq::parse(&format!("{op}{padded}"))
        .map_err(|_| FuncError::Generic(format!("improper constraint: {term}")))?;
    // Masterminds compares a pre-release like any other version when the constraint has
    // none (`>=1.20-0` style ranges); semver's requirement excludes them: compare without
    let plain = semver::Version::new(version.major, version.minor, version.patch);
    Ok(req.matches(version)
        || (rest.contains('-') && req.matches(&plain))
        || (!version.pre.is_empty() && req.matches(&plain) && !op.starts_with('<')))
}

fn cmp_ignoring_pre(a: &semver::Version, b: &semver::Version) -> std::cmp::Ordering {
    (a.major, a.minor, a.patch).cmp(&(b.major, b.minor, b.patch))
}

/// `v1.20`, `1.20.0-gke.1` and `1` as Masterminds reads them.
pub(crate) fn lenient_version(text: &str) -> Option<semver::Version> {
    let text = text.trim().trim_start_matches('v');
    let (core, rest) = match text.find(['-', '+']) {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    let mut parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    while parts.len() < 3 {
        parts.push("0");
    }
    semver::Version::parse(&format!("{}{rest}", parts.join("."))).ok()
}

fn api_versions_has(args: &[Value]) -> Result<Value, FuncError> {
    let want = arg_str(args, 0, "APIVersions.Has")?;
    let s = session()?;
    Ok(Value::Bool(s.api_versions.contains(&want)))
}

/// The files of the chart a `.Files` value stands for (the call's first argument, the
/// receiver [`rewrite`] kept) and the call's own arguments. A receiver that is not a
/// chart's `.Files` fails as Go fails to call a method on it.
fn receiver_files<'a>(
    args: &'a [Value],
    method: &str,
) -> Result<(ChartFiles, &'a [Value]), FuncError> {
    let (receiver, rest) = args.split_first().unwrap_or((&Value::Nil, &[]));
    let chart = match receiver {
        Value::Object(m) | Value::Map(m) => match m.get(FILES_KEY) {
            Some(Value::String(chart)) => chart.clone(),
            _ => {
                return Err(FuncError::Generic(format!(
                    "can't evaluate field {method} in type map[string]interface {{}}"
                )))
            }
        },
        Value::Nil | Value::NoValue => {
            return Err(FuncError::Generic(format!(
                "nil pointer evaluating interface {{}}.{method}"
            )))
        }
        other => {
            return Err(FuncError::Generic(format!(
                "can't evaluate field {method} in type {}",
                go_type(other)
            )))
        }
    };
    let s = session()?;
    let files = s.files.borrow().get(&chart).cloned().unwrap_or_default();
    Ok((files, rest))
}

fn go_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::Array(_) => "[]interface {}",
        _ => "interface {}",
    }
}

fn files_get(args: &[Value]) -> Result<Value, FuncError> {
    let (files, args) = receiver_files(args, "Get")?;
    let name = arg_str(args, 0, "Files.Get")?;
    Ok(Value::String(
        files
            .get(&name)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default(),
    ))
}

fn files_get_bytes(args: &[Value]) -> Result<Value, FuncError> {
    let (files, args) = receiver_files(args, "GetBytes")?;
    let name = arg_str(args, 0, "Files.GetBytes")?;
    Ok(Value::Array(
        files
            .get(&name)
            .map(|b| b.iter().map(|x| Value::from(*x as u64)).collect())
            .unwrap_or_default(),
    ))
}

fn files_lines(args: &[Value]) -> Result<Value, FuncError> {
    let (files, args) = receiver_files(args, "Lines")?;
    let name = arg_str(args, 0, "Files.Lines")?;
    let text = files
        .get(&name)
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    Ok(Value::Array(
        text.split('\n')
            .map(|l| Value::String(l.to_string()))
            .collect(),
    ))
}

/// A glob's files: a map from path to content with the `AsConfig`/`AsSecrets` methods.
fn files_glob(args: &[Value]) -> Result<Value, FuncError> {
    let (files, args) = receiver_files(args, "Glob")?;
    let pattern = arg_str(args, 0, "Files.Glob")?;
    let mut out = HashMap::new();
    for (path, bytes) in files.iter() {
        if glob_match(&pattern, path) {
            out.insert(
                path.clone(),
                Value::String(String::from_utf8_lossy(bytes).into_owned()),
            );
        }
    }
    out.insert("AsConfig".to_string(), Value::from(glob_as_config as Func));
    out.insert(
        "AsSecrets".to_string(),
        Value::from(glob_as_secrets as Func),
    );
    Ok(Value::Object(out))
}

fn glob_entries(v: Option<&Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(Value::Object(m) | Value::Map(m)) = v {
        for (k, v) in m {
            if let Value::String(s) = v {
                let base = k.rsplit('/').next().unwrap_or(k).to_string();
                out.insert(base, s.clone());
            }
        }
    }
    out
}

fn glob_as_config(args: &[Value]) -> Result<Value, FuncError> {
    as_config(glob_entries(args.first()))
}

fn glob_as_secrets(args: &[Value]) -> Result<Value, FuncError> {
    as_secrets(glob_entries(args.first()))
}

/// Every file of the chart, by base name, for `.Files.AsConfig` / `.Files.AsSecrets`.
fn all_files(args: &[Value], method: &str) -> Result<BTreeMap<String, String>, FuncError> {
    let (files, _) = receiver_files(args, method)?;
    Ok(files
        .iter()
        .map(|(k, v)| {
            (
                k.rsplit('/').next().unwrap_or(k).to_string(),
                String::from_utf8_lossy(v).into_owned(),
            )
        })
        .collect())
}

fn files_as_config(args: &[Value]) -> Result<Value, FuncError> {
    as_config(all_files(args, "AsConfig")?)
}

fn files_as_secrets(args: &[Value]) -> Result<Value, FuncError> {
    as_secrets(all_files(args, "AsSecrets")?)
}

fn as_config(entries: BTreeMap<String, String>) -> Result<Value, FuncError> {
    let mut map = serde_yaml_neo::Mapping::new();
    for (k, v) in entries {
        map.insert(
            serde_yaml_neo::Value::String(k),
            serde_yaml_neo::Value::String(v),
        );
    }
    yaml_text(serde_yaml_neo::Value::Mapping(map))
}

fn as_secrets(entries: BTreeMap<String, String>) -> Result<Value, FuncError> {
    let mut map = serde_yaml_neo::Mapping::new();
    for (k, v) in entries {
        map.insert(
            serde_yaml_neo::Value::String(k),
            serde_yaml_neo::Value::String(base64(v.as_bytes())),
        );
    }
    yaml_text(serde_yaml_neo::Value::Mapping(map))
}

fn yaml_text(v: serde_yaml_neo::Value) -> Result<Value, FuncError> {
    let text = serde_yaml_neo::to_string(&v).map_err(|e| FuncError::Generic(e.to_string()))?;
    Ok(Value::String(text.trim_end_matches('\n').to_string()))
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Go's `path.Match`, which Helm's `Files.Glob` and `--show-only` use: `*` and `?` stop at
/// `/`, `[...]` classes.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let mut re = String::from("^");
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => {
                if chars.peek() == Some(&'*') {
                    chars.next();
                    re.push_str(".*");
                } else {
                    re.push_str("[^/]*");
                }
            }
            '?' => re.push_str("[^/]"),
            '[' => {
                re.push('[');
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    if c == '\\' {
                        re.push_str("\\\\");
                    } else {
                        re.push(c);
                    }
                }
                re.push(']');
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).is_ok_and(|r| r.is_match(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_calls_with_arguments_become_functions() {
        assert_eq!(
            rewrite(r#"{{ if .Capabilities.APIVersions.Has "x" }}{{ $.Files.Get "a" }}"#),
            r#"{{ if helmAPIVersionsHas "x" }}{{ helmFilesGet $.Files "a" }}"#
        );
        assert_eq!(
            rewrite(r#"{{ .Files.Get "a" }}{{ (.Subcharts.db.Files.Glob "*").AsConfig }}"#),
            r#"{{ helmFilesGet .Files "a" }}{{ (helmFilesGlob .Subcharts.db.Files "*").AsConfig }}"#
        );
    }

    #[test]
    fn semver_constraints_as_masterminds() {
        let cmp = |c: &str, v: &str| {
            semver_compare(&[Value::from(c), Value::from(v)])
                .map(|v| v == Value::Bool(true))
                .unwrap()
        };
        assert!(cmp(">=1.16.0", "1.20.0"));
        assert!(!cmp("<1.16", "v1.20.0"));
        assert!(cmp(">=1.19-0", "v1.20.0-gke.1"));
        assert!(cmp("~1.20.0", "1.20.3"));
        assert!(cmp("<1.14 || >=1.20", "1.21.0"));
    }

    #[test]
    fn globs_as_go_path_match() {
        assert!(glob_match(
            "templates/subdir/role*",
            "templates/subdir/rolebinding.yaml"
        ));
        assert!(!glob_match("templates/*", "templates/subdir/role.yaml"));
    }
}

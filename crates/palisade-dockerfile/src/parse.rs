//! A line-oriented Dockerfile/Containerfile parser that keeps line numbers.
//!
//! It follows what BuildKit's front end does with the text: parser directives at the top
//! (`# escape=`), comment lines dropped (also inside continuations), `\` (or the escape
//! character) joining lines, heredocs (`RUN <<EOF`) consumed as part of their instruction,
//! JSON (exec) and shell forms, leading `--flags`, and stages split at `FROM`. Variable
//! substitution is done where the value is knowable from `ARG` defaults and `ENV`.

use std::collections::HashMap;

use crate::ParseError;

/// Larger inputs are refused: no real Dockerfile comes near it, and every rule is linear.
pub const MAX_DOCKERFILE_BYTES: usize = 4 * 1024 * 1024;
/// A heredoc that never ends would otherwise swallow the file silently.
const MAX_HEREDOCS_PER_INSTRUCTION: usize = 16;
/// Warnings kept per file: a binary file mistaken for a Dockerfile would otherwise yield
/// one per line.
const MAX_WARNINGS: usize = 100;

/// A parsed Dockerfile: its instructions in order and the build stages they form.
#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    /// `ARG`s declared before the first `FROM`, with their defaults.
    pub global_args: Vec<(String, Option<String>)>,
    pub escape: char,
    /// Lines that were skipped (unknown instructions); the rest of the file is still read.
    pub warnings: Vec<ParseError>,
}

/// The arguments of an instruction in one of its two forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arguments {
    /// `["executable", "arg"]`
    Exec(Vec<String>),
    /// Everything after the keyword and flags, continuation lines joined.
    Shell(String),
}

/// `--name=value` (or bare `--name`) given before an instruction's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
}

/// A heredoc attached to an instruction (`RUN <<EOF ... EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    pub body: String,
    /// Line of the first body line.
    pub line: u32,
}

/// One instruction, with the lines it spans.
#[derive(Debug, Clone)]
pub struct Instruction {
    /// Upper-cased keyword (`RUN`, `FROM`...).
    pub keyword: String,
    pub flags: Vec<Flag>,
    pub arguments: Arguments,
    pub heredocs: Vec<Heredoc>,
    /// 1-based line of the keyword.
    pub line: u32,
    /// 1-based last line (continuations and heredocs included).
    pub end_line: u32,
    /// Index into [`Dockerfile::stages`]; `None` for `ARG`s before the first `FROM`.
    pub stage: Option<usize>,
}

impl Instruction {
    pub fn is(&self, keyword: &str) -> bool {
        self.keyword.eq_ignore_ascii_case(keyword)
    }

    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The arguments as one string (exec form joined with spaces).
    pub fn text(&self) -> String {
        match &self.arguments {
            Arguments::Shell(s) => s.clone(),
            Arguments::Exec(words) => words.join(" "),
        }
    }

    /// Whitespace-separated words of the shell form, or the exec-form list.
    pub fn words(&self) -> Vec<String> {
        match &self.arguments {
            Arguments::Shell(s) => split_words(s),
            Arguments::Exec(words) => words.clone(),
        }
    }

    /// The shell script this instruction runs: the shell form, heredoc bodies, or the
    /// script of an exec-form `["sh", "-c", "..."]`. Exec forms of other programs are
    /// returned as their words joined by spaces, which is how a shell would read them.
    pub fn script(&self) -> String {
        let mut script = match &self.arguments {
            Arguments::Shell(s) => s.clone(),
            Arguments::Exec(words) => {
                let is_shell = words.first().is_some_and(|w| {
                    let base = w.rsplit('/').next().unwrap_or(w);
                    matches!(base, "sh" | "bash" | "ash" | "dash" | "zsh")
                });
                if is_shell && words.get(1).map(String::as_str) == Some("-c") {
                    words.get(2).cloned().unwrap_or_default()
                } else {
                    words
                        .iter()
                        .map(|w| crate::shell::quote(w))
                        .collect::<Vec<_>>()
                        .join(" ")
                }
            }
        };
        if !self.heredocs.is_empty() {
            // `RUN <<EOF` alone means "run the body"; the marker itself is not a command.
            // `RUN sh <<EOF` feeds the body to a shell too. Otherwise (`cat <<EOF > file`)
            // the body is file content, not commands.
            let trimmed = script.trim();
            let bare = self
                .heredocs
                .first()
                .is_some_and(|h| is_bare_heredoc_marker(trimmed, &h.delimiter));
            let fed_to_shell = [
                "sh <<",
                "bash <<",
                "ash <<",
                "dash <<",
                "zsh <<",
                "sh -s <<",
                "bash -s <<",
            ]
            .iter()
            .any(|p| trimmed.starts_with(p) || trimmed.contains(&format!(" {p}")));
            if bare {
                script.clear();
            }
            if bare || fed_to_shell {
                for h in &self.heredocs {
                    script.push('\n');
                    script.push_str(&h.body);
                }
            }
        }
        script
    }
}

fn is_bare_heredoc_marker(text: &str, delimiter: &str) -> bool {
    let t = text.trim_start_matches("<<").trim_start_matches('-');
    let t = t.trim_matches(|c| c == '"' || c == '\'');
    t == delimiter
}

/// Where a stage's base image comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseImage {
    /// As written after `FROM` (and its flags).
    pub written: String,
    /// After substituting global `ARG` defaults; `None` when a variable has no default.
    pub resolved: Option<String>,
}

/// One build stage: `FROM image [AS name]` and the instructions up to the next `FROM`.
#[derive(Debug, Clone)]
pub struct Stage {
    pub index: usize,
    /// The `AS` name as written (stage names are matched case-insensitively).
    pub name: Option<String>,
    pub base: BaseImage,
    pub platform: Option<String>,
    /// Line of the `FROM`.
    pub line: u32,
    /// Indices into [`Dockerfile::instructions`], the `FROM` included.
    pub instructions: std::ops::Range<usize>,
    /// The earlier stage this one is built on (`FROM builder`), if any.
    pub parent: Option<usize>,
}

impl Stage {
    /// `Dockerfile/<name or index>`: how findings name the stage.
    pub fn resource(&self) -> String {
        match &self.name {
            Some(n) => format!("Dockerfile/{n}"),
            None => format!("Dockerfile/{}", self.index),
        }
    }

    pub fn is_scratch(&self) -> bool {
        self.base
            .resolved
            .as_deref()
            .is_some_and(|b| b.eq_ignore_ascii_case("scratch"))
    }
}

impl Dockerfile {
    pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
        Parser::new(text)?.run()
    }

    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        &self.instructions[stage.instructions.clone()]
    }

    /// The final stage and the stages it is built on (`FROM <stage>`), final first: the
    /// stages whose layers end up in the shipped image.
    pub fn shipped_stages(&self) -> Vec<&Stage> {
        let mut out = Vec::new();
        let mut next = self.stages.len().checked_sub(1);
        while let Some(i) = next {
            out.push(&self.stages[i]);
            // A parent is always an earlier stage, so the chain ends.
            next = self.stages[i].parent.filter(|&p| p < i);
        }
        out
    }

    /// Instructions of the shipped stages, in file order.
    pub fn shipped_instructions(&self) -> Vec<&Instruction> {
        let mut stages = self.shipped_stages();
        stages.sort_by_key(|s| s.index);
        stages
            .into_iter()
            .flat_map(|s| self.stage_instructions(s).iter())
            .collect()
    }

    /// Index of the stage named `name` (or numbered `name`) declared before `before`.
    pub fn stage_by_reference(&self, name: &str, before: usize) -> Option<usize> {
        if let Ok(n) = name.parse::<usize>() {
            return (n < before).then_some(n);
        }
        self.stages[..before.min(self.stages.len())]
            .iter()
            .rposition(|s| {
                s.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
    }

    /// Variables known at `instruction` inside its stage: global ARG defaults redeclared
    /// in the stage, the stage's own ARG defaults and ENV values, in order.
    pub fn variables_at(&self, instruction_index: usize) -> HashMap<String, String> {
        let mut found = HashMap::new();
        if let Some(stage) = self.instructions[instruction_index].stage {
            self.walk_variables(stage, |i, vars| {
                if i == instruction_index {
                    found = vars.clone();
                    false
                } else {
                    true
                }
            });
        }
        found
    }

    /// Calls `visit(index, variables)` for each instruction of `stage` and of the stages
    /// it is built on, in build order, with the variables known before it, in one pass.
    /// (ARG defaults of a parent stage are kept visible in its children: a slight
    /// over-approximation that only ever resolves more.) `visit` returns `false` to stop.
    pub fn walk_variables(
        &self,
        stage: usize,
        mut visit: impl FnMut(usize, &HashMap<String, String>) -> bool,
    ) {
        let mut vars = HashMap::new();
        let mut chain = vec![stage];
        let mut p = self.stages[stage].parent;
        while let Some(i) = p {
            if chain.contains(&i) {
                break;
            }
            chain.push(i);
            p = self.stages[i].parent;
        }
        for &s in chain.iter().rev() {
            for i in self.stages[s].instructions.clone() {
                if !visit(i, &vars) {
                    return;
                }
                let ins = &self.instructions[i];
                if ins.is("ENV") {
                    for (k, v) in key_values(&ins.text()) {
                        let (v, _) = expand(&v, &vars);
                        vars.insert(k, v);
                    }
                } else if ins.is("ARG") {
                    for (k, v) in arg_declarations(&ins.text()) {
                        let value = v.or_else(|| {
                            self.global_args
                                .iter()
                                .find(|(g, _)| *g == k)
                                .and_then(|(_, d)| d.clone())
                        });
                        if let Some(value) = value {
                            let (value, _) = expand(&value, &vars);
                            vars.entry(k).or_insert(value);
                        }
                    }
                }
            }
        }
    }
}

struct Parser<'a> {
    lines: Vec<&'a str>,
    pos: usize,
    escape: char,
    warnings: Vec<ParseError>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Result<Self, ParseError> {
        if text.len() > MAX_DOCKERFILE_BYTES {
            return Err(ParseError::TooLarge {
                size: text.len(),
                limit: MAX_DOCKERFILE_BYTES,
            });
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lines = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        Ok(Parser {
            lines,
            pos: 0,
            escape: '\\',
            warnings: Vec::new(),
        })
    }

    fn run(mut self) -> Result<Dockerfile, ParseError> {
        self.directives();
        let mut df = Dockerfile {
            escape: self.escape,
            ..Dockerfile::default()
        };
        while let Some(parsed) = self.next_instruction()? {
            if let Some(ins) = parsed {
                df.instructions.push(ins);
            }
        }
        df.warnings = std::mem::take(&mut self.warnings);
        build_stages(&mut df)?;
        Ok(df)
    }

    /// Parser directives (`# escape=`) are only honoured at the very top of the file.
    fn directives(&mut self) {
        while let Some(line) = self.lines.get(self.pos) {
            let Some(body) = line.trim().strip_prefix('#') else {
                return;
            };
            let Some((key, value)) = body.split_once('=') else {
                return;
            };
            let key = key.trim().to_ascii_lowercase();
            if key.is_empty() || key.contains(char::is_whitespace) {
                return;
            }
            if key == "escape" {
                match value.trim() {
                    "`" => self.escape = '`',
                    "\\" => self.escape = '\\',
                    _ => {}
                }
            }
            self.pos += 1;
        }
    }

    /// The next instruction; `Some(None)` for a line that was skipped with a warning.
    fn next_instruction(&mut self) -> Result<Option<Option<Instruction>>, ParseError> {
        // Skip blank lines and comments.
        while let Some(line) = self.lines.get(self.pos) {
            let t = line.trim_start();
            if t.is_empty() || t.starts_with('#') {
                self.pos += 1;
            } else {
                break;
            }
        }
        let Some(first) = self.lines.get(self.pos) else {
            return Ok(None);
        };
        let start_line = self.pos as u32 + 1;
        let mut joined = String::new();
        let mut current = first.trim_start().to_string();
        self.pos += 1;
        loop {
            match strip_continuation(&current, self.escape) {
                Some(head) => {
                    joined.push_str(head);
                    // Comment and empty lines inside a continuation are dropped by BuildKit.
                    loop {
                        match self.lines.get(self.pos) {
                            None => {
                                current = String::new();
                                break;
                            }
                            Some(l) => {
                                let t = l.trim_start();
                                self.pos += 1;
                                if t.starts_with('#') || t.is_empty() {
                                    continue;
                                }
                                current = l.to_string();
                                break;
                            }
                        }
                    }
                    if current.is_empty() && self.pos >= self.lines.len() {
                        break;
                    }
                }
                None => {
                    joined.push_str(&current);
                    break;
                }
            }
        }
        let end_line = (self.pos as u32).max(start_line);
        let (keyword, rest) = match joined.find(char::is_whitespace) {
            Some(i) => (&joined[..i], joined[i..].trim()),
            None => (joined.as_str(), ""),
        };
        let keyword = keyword.to_ascii_uppercase();
        if !keyword.chars().all(|c| c.is_ascii_alphabetic()) {
            if self.warnings.len() < MAX_WARNINGS {
                self.warnings.push(ParseError::Syntax {
                    line: start_line,
                    message: format!("`{keyword}` is not a Dockerfile instruction; line skipped"),
                });
            }
            return Ok(Some(None));
        }
        let (flags, rest) = if takes_flags(&keyword) {
            leading_flags(rest)
        } else {
            (Vec::new(), rest)
        };
        let arguments = parse_arguments(&keyword, rest);
        let mut ins = Instruction {
            keyword,
            flags,
            arguments,
            heredocs: Vec::new(),
            line: start_line,
            end_line,
            stage: None,
        };
        if matches!(ins.keyword.as_str(), "RUN" | "COPY" | "ADD") {
            if let Arguments::Shell(s) = &ins.arguments {
                let markers = heredoc_markers(s);
                for (delimiter, strip_tabs) in
                    markers.into_iter().take(MAX_HEREDOCS_PER_INSTRUCTION)
                {
                    let body_line = self.pos as u32 + 1;
                    let mut body = String::new();
                    let mut closed = false;
                    while let Some(l) = self.lines.get(self.pos) {
                        self.pos += 1;
                        let candidate = if strip_tabs {
                            l.trim_start_matches('\t')
                        } else {
                            l
                        };
                        if candidate == delimiter {
                            closed = true;
                            break;
                        }
                        body.push_str(candidate);
                        body.push('\n');
                    }
                    if !closed {
                        return Err(ParseError::Syntax {
                            line: ins.line,
                            message: format!("heredoc `{delimiter}` is never closed"),
                        });
                    }
                    ins.heredocs.push(Heredoc {
                        delimiter,
                        body,
                        line: body_line,
                    });
                }
                ins.end_line = (self.pos as u32).max(ins.end_line);
            }
        }
        Ok(Some(Some(ins)))
    }
}

fn strip_continuation(line: &str, escape: char) -> Option<&str> {
    // BuildKit treats any escape character at the end of a line (trailing blanks allowed)
    // as a continuation, even when it is preceded by another escape character.
    line.trim_end().strip_suffix(escape)
}

fn takes_flags(keyword: &str) -> bool {
    matches!(keyword, "FROM" | "RUN" | "COPY" | "ADD" | "HEALTHCHECK")
}

fn leading_flags(mut rest: &str) -> (Vec<Flag>, &str) {
    let mut flags = Vec::new();
    while let Some(after) = rest.strip_prefix("--") {
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        let token = &after[..end];
        let (name, value) = match token.split_once('=') {
            Some((n, v)) => (n, Some(v.trim_matches('"').to_string())),
            None => (token, None),
        };
        if name.is_empty() {
            break;
        }
        flags.push(Flag {
            name: name.to_ascii_lowercase(),
            value,
        });
        rest = after[end..].trim_start();
    }
    (flags, rest)
}

fn parse_arguments(keyword: &str, rest: &str) -> Arguments {
    let exec_capable = matches!(
        keyword,
        "RUN" | "CMD" | "ENTRYPOINT" | "COPY" | "ADD" | "VOLUME" | "SHELL"
    );
    if exec_capable && rest.starts_with('[') {
        if let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(rest)
        {
            let words: Option<Vec<String>> = items
                .into_iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => Some(s),
                    _ => None,
                })
                .collect();
            if let Some(words) = words {
                return Arguments::Exec(words);
            }
        }
    }
    Arguments::Shell(rest.to_string())
}

/// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` markers of an instruction, in order.
fn heredoc_markers(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 2 < bytes.len() {
        if &bytes[i..i + 2] == b"<<" && (i == 0 || bytes[i - 1] != b'<') {
            let mut j = i + 2;
            if bytes.get(j) == Some(&b'<') {
                // `<<<` is a here-string, not a heredoc.
                i = j + 1;
                continue;
            }
            let strip_tabs = bytes.get(j) == Some(&b'-');
            if strip_tabs {
                j += 1;
            }
            let quote = match bytes.get(j) {
                Some(b'"') | Some(b'\'') => {
                    j += 1;
                    Some(bytes[j - 1])
                }
                _ => None,
            };
            let start = j;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                j += 1;
            }
            if j > start {
                let word = &text[start..j];
                if quote.is_none() || bytes.get(j) == quote.as_ref() {
                    out.push((word.to_string(), strip_tabs));
                }
            }
            i = j.max(i + 2);
        } else {
            i += 1;
        }
    }
    out
}

fn build_stages(df: &mut Dockerfile) -> Result<(), ParseError> {
    let mut current: Option<usize> = None;
    // BuildKit only substitutes global ARGs in FROM; an ARG default declared in an
    // earlier stage is used too, because it says what the author meant (and the build
    // would otherwise fail, which is not this rule's concern).
    let mut arg_defaults: HashMap<String, String> = HashMap::new();
    let mut stage_names: HashMap<String, usize> = HashMap::new();
    for i in 0..df.instructions.len() {
        if df.instructions[i].is("ARG") {
            for (k, v) in arg_declarations(&df.instructions[i].text()) {
                if let Some(v) = v {
                    arg_defaults.insert(k, v);
                }
            }
        }
        if df.instructions[i].is("FROM") {
            if let Some(c) = current {
                df.stages[c].instructions.end = i;
            }
            let ins = &df.instructions[i];
            let words = ins.words();
            let written = words.first().cloned().unwrap_or_default();
            let name = match (words.get(1), words.get(2)) {
                (Some(as_kw), Some(n)) if as_kw.eq_ignore_ascii_case("as") => Some(n.clone()),
                _ => None,
            };
            let (expanded, complete) = expand(&written, &arg_defaults);
            let index = df.stages.len();
            let parent = if !complete {
                None
            } else if let Ok(n) = expanded.parse::<usize>() {
                (n < index).then_some(n)
            } else {
                stage_names.get(&expanded.to_ascii_lowercase()).copied()
            };
            if let Some(n) = &name {
                stage_names.insert(n.to_ascii_lowercase(), index);
            }
            df.stages.push(Stage {
                index,
                name,
                base: BaseImage {
                    written,
                    resolved: complete.then_some(expanded),
                },
                platform: ins.flag("platform").and_then(|f| f.value.clone()),
                line: ins.line,
                instructions: i..df.instructions.len(),
                parent,
            });
            current = Some(index);
        } else if current.is_none() {
            let ins = &df.instructions[i];
            if ins.is("ARG") {
                let decls = arg_declarations(&ins.text());
                df.global_args.extend(decls);
            } else {
                return Err(ParseError::Syntax {
                    line: ins.line,
                    message: format!(
                        "`{}` before the first FROM (only ARG may come before FROM)",
                        ins.keyword
                    ),
                });
            }
        }
        df.instructions[i].stage = current;
    }
    if df.stages.is_empty() {
        return Err(ParseError::NoFrom);
    }
    Ok(())
}

/// `ARG NAME[=default] ...`
pub fn arg_declarations(text: &str) -> Vec<(String, Option<String>)> {
    split_words(text)
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(unquote(v))),
            None => (w, None),
        })
        .collect()
}

/// `ENV`/`LABEL` pairs: `K=V K2="v 2"` or the legacy `K value with spaces`.
pub fn key_values(text: &str) -> Vec<(String, String)> {
    let words = split_words(text);
    let Some(first) = words.first() else {
        return Vec::new();
    };
    if !first.contains('=') {
        let rest = text.trim_start()[first.len()..].trim();
        return vec![(first.clone(), unquote(rest))];
    }
    words
        .into_iter()
        .filter_map(|w| w.split_once('=').map(|(k, v)| (unquote(k), unquote(v))))
        .collect()
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return s[1..s.len() - 1].to_string();
        }
    }
    s.to_string()
}

/// Splits on whitespace outside quotes; quotes stay attached to their word.
pub fn split_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"') | (None, '\'') => {
                quote = Some(c);
                cur.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (_, '\\') => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (None, c) if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Substitutes `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}`; the flag says
/// whether every variable had a value.
pub fn expand(text: &str, vars: &HashMap<String, String>) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut complete = true;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1) == Some(&'$') {
            out.push('$');
            i += 2;
            continue;
        }
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'{') {
            let Some(close) = chars[i + 2..].iter().position(|c| *c == '}') else {
                out.push(c);
                i += 1;
                continue;
            };
            let inner: String = chars[i + 2..i + 2 + close].iter().collect();
            i += close + 3;
            let (name, op, word) = match inner.find(":-").or_else(|| inner.find(":+")) {
                Some(p) => (&inner[..p], &inner[p..p + 2], &inner[p + 2..]),
                None => (inner.as_str(), "", ""),
            };
            let value = vars.get(name).filter(|v| !v.is_empty());
            match (op, value) {
                (":-", Some(v)) => out.push_str(v),
                (":-", None) => out.push_str(word),
                (":+", Some(_)) => out.push_str(word),
                (":+", None) => {}
                (_, Some(v)) => out.push_str(v),
                (_, None) => complete = false,
            }
        } else {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_') {
                end += 1;
            }
            if end == start {
                out.push(c);
                i += 1;
                continue;
            }
            let name: String = chars[start..end].iter().collect();
            match vars.get(&name) {
                Some(v) => out.push_str(v),
                None => complete = false,
            }
            i = end;
        }
    }
    (out, complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_comments_and_lines() {
        let df = Dockerfile::parse(
            "FROM alpine:3.19 AS base\n# comment\nRUN apk add \\\n  # inside\n  curl\nUSER app\n",
        )
        .unwrap();
        assert_eq!(df.instructions.len(), 3);
        let run = &df.instructions[1];
        assert_eq!((run.line, run.end_line), (3, 5));
        assert_eq!(run.text(), "apk add   curl");
        assert_eq!(df.stages[0].name.as_deref(), Some("base"));
    }

    #[test]
    fn escape_directive_switches_to_backtick() {
        let df = Dockerfile::parse(
            "# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\nRUN dir c:\\ `\n  && echo hi\n",
        )
        .unwrap();
        assert_eq!(df.escape, '`');
        assert_eq!(df.instructions[1].text(), "dir c:\\   && echo hi");
    }

    #[test]
    fn heredocs_belong_to_their_instruction() {
        let df = Dockerfile::parse(
            "FROM debian:12\nRUN <<EOF\napt-get update\nFROM not-a-stage\nEOF\nUSER app\n",
        )
        .unwrap();
        assert_eq!(df.stages.len(), 1);
        let run = &df.instructions[1];
        assert_eq!(run.heredocs[0].body, "apt-get update\nFROM not-a-stage\n");
        assert_eq!(run.script().trim(), "apt-get update\nFROM not-a-stage");
        assert_eq!(df.instructions[2].line, 6);
    }

    #[test]
    fn heredoc_file_content_is_not_a_script() {
        let df = Dockerfile::parse(
            "FROM debian:12\nRUN cat <<EOF > /etc/motd\ncurl x | sh\nEOF\nRUN bash <<EOF\napt-get update\nEOF\n",
        )
        .unwrap();
        assert_eq!(df.instructions[1].script().trim(), "cat <<EOF > /etc/motd");
        assert!(df.instructions[2].script().contains("apt-get update"));
    }

    #[test]
    fn exec_form_and_flags() {
        let df = Dockerfile::parse(
            "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nCOPY --from=build --chown=1:1 /a /b\nCMD [\"./app\", \"-v\"]\n",
        )
        .unwrap();
        assert_eq!(df.stages[0].platform.as_deref(), Some("$BUILDPLATFORM"));
        assert_eq!(
            df.instructions[1].flag("from").unwrap().value.as_deref(),
            Some("build")
        );
        assert_eq!(
            df.instructions[2].arguments,
            Arguments::Exec(vec!["./app".into(), "-v".into()])
        );
    }

    #[test]
    fn global_args_resolve_from() {
        let df =
            Dockerfile::parse("ARG IMAGE=alpine:3.12\nARG TAG\nFROM $IMAGE\nFROM node:${TAG}\n")
                .unwrap();
        assert_eq!(df.stages[0].base.resolved.as_deref(), Some("alpine:3.12"));
        assert_eq!(df.stages[1].base.resolved, None);
    }

    #[test]
    fn parent_stages_and_shipped_chain() {
        let df = Dockerfile::parse(
            "FROM golang:1.22 AS build\nFROM alpine:3 AS base\nFROM base AS final\nCOPY --from=build /a /a\n",
        )
        .unwrap();
        let shipped: Vec<usize> = df.shipped_stages().iter().map(|s| s.index).collect();
        assert_eq!(shipped, vec![2, 1]);
    }

    #[test]
    fn errors_name_the_line() {
        let err = Dockerfile::parse("RUN echo\nFROM x\n").unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
        let err = Dockerfile::parse("FROM x\nRUN <<EOF\necho\n").unwrap_err();
        assert!(err.to_string().contains("never closed"), "{err}");
    }

    #[test]
    fn expansion() {
        let vars: HashMap<String, String> = [("A".to_string(), "1".to_string())].into();
        assert_eq!(
            expand("$A-${A}-${B:-x}-${A:+y}", &vars),
            ("1-1-x-y".into(), true)
        );
        assert!(!expand("$B", &vars).1);
    }
}

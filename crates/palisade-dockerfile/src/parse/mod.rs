//! A line-oriented Dockerfile/Containerfile parser that keeps line numbers.
//!
//! It follows what BuildKit's front end does with the text: parser directives at the top
//! (`# escape=`), comment lines dropped (also inside continuations), `\` (or the escape
//! character) joining lines, heredocs (`RUN <<EOF`) consumed as part of their instruction,
//! JSON (exec) and shell forms, leading `--flags`, and stages split at `FROM`. Variable
//! substitution is done where the value is knowable from `ARG` defaults and `ENV`.
//!
//! - `parser`: the text read into instructions (directives, continuations, heredocs, forms,
//!   flags) and the stages they form;
//! - `words`: words, `ARG` declarations, `ENV`/`LABEL` pairs and variable substitution.

mod parser;
mod words;

pub use words::{arg_declarations, expand, key_values, split_words};

use std::collections::HashMap;

use crate::ParseError;

use parser::Parser;

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

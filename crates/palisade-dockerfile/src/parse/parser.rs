//! The parser: parser directives, comment and continuation lines, heredocs consumed with
//! their instruction, exec and shell forms, leading `--flags`, and the build stages split
//! at `FROM` with their base images resolved.

use std::collections::HashMap;

use crate::ParseError;

use super::words::{arg_declarations, expand};
use super::{
    Arguments, BaseImage, Dockerfile, Flag, Heredoc, Instruction, Stage, MAX_DOCKERFILE_BYTES,
    MAX_HEREDOCS_PER_INSTRUCTION, MAX_WARNINGS,
};

pub(super) struct Parser<'a> {
    lines: Vec<&'a str>,
    pos: usize,
    escape: char,
    warnings: Vec<ParseError>,
}

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a str) -> Result<Self, ParseError> {
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

    pub(super) fn run(mut self) -> Result<Dockerfile, ParseError> {
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
}

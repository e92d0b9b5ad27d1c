//! Just enough of the POSIX shell to read `RUN` scripts: simple commands, the pipelines
//! they form and the order they run in. It does not expand variables or run anything;
//! rules look at command names and their words.

/// One simple command (`apt-get install -y curl`) with quotes removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub words: Vec<String>,
    /// Position in the script, counting every command; later commands have larger numbers.
    pub order: usize,
    /// Index of the pipeline (`a | b` share one) in the script.
    pub pipeline: usize,
    /// Files the command's output is redirected to (`> f`, `>> f`, `&> f`, `2>f`), as
    /// written; redirections are not in [`Command::words`].
    pub outputs: Vec<String>,
}

/// Programs that run the rest of their words as a command.
const WRAPPERS: &[&str] = &[
    "sudo", "env", "nohup", "time", "exec", "command", "doas", "xargs",
];
/// Shell words that may start a command position without being the command.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "do", "while", "until", "!", "{", "(",
];

impl Command {
    /// The command's words after variable assignments, shell keywords and wrappers such as
    /// `sudo` or `env` (with their options): `sudo -E apt-get install x` → `apt-get install x`.
    pub fn effective(&self) -> &[String] {
        let mut w: &[String] = &self.words;
        loop {
            let Some(first) = w.first() else {
                return w;
            };
            if KEYWORDS.contains(&first.as_str()) || is_assignment(first) {
                w = &w[1..];
                continue;
            }
            if WRAPPERS.contains(&basename(first)) {
                w = &w[1..];
                while let Some(f) = w.first() {
                    if f.starts_with('-') || is_assignment(f) {
                        // `sudo -u user cmd`: options with a value.
                        let takes_value = matches!(f.as_str(), "-u" | "-g" | "-C" | "-h" | "-p");
                        w = &w[1..];
                        if takes_value && !w.is_empty() {
                            w = &w[1..];
                        }
                    } else {
                        break;
                    }
                }
                continue;
            }
            return w;
        }
    }

    /// Basename of the effective program (`/usr/bin/apt-get` → `apt-get`).
    pub fn program(&self) -> &str {
        self.effective().first().map(|w| basename(w)).unwrap_or("")
    }

    /// The effective words after the program.
    pub fn args(&self) -> &[String] {
        let e = self.effective();
        if e.is_empty() {
            e
        } else {
            &e[1..]
        }
    }

    /// Whether any word of the command is exactly `word`.
    pub fn has_word(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }

    /// First word after the program that is not an option (the sub-command of
    /// `apt-get -y install`), skipping the values of options that take one.
    pub fn subcommand(&self, options_with_values: &[&str]) -> Option<&str> {
        let mut args = self.args().iter();
        while let Some(a) = args.next() {
            if a.starts_with('-') {
                if options_with_values.contains(&a.as_str()) {
                    args.next();
                }
                continue;
            }
            return Some(a.as_str());
        }
        None
    }
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

pub fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// Quotes a word for the shell when it needs it.
pub fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@%+,".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Splits a script into simple commands in execution order.
pub fn commands(script: &str) -> Vec<Command> {
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut pipeline = 0usize;
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;

    fn end_word(words: &mut Vec<String>, word: &mut String, in_word: &mut bool) {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    }
    fn end_command(out: &mut Vec<Command>, words: &mut Vec<String>, pipeline: usize) {
        if !words.is_empty() {
            let order = out.len();
            out.push(Command {
                words: std::mem::take(words),
                order,
                pipeline,
                outputs: Vec::new(),
            });
        }
    }

    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    word.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    word.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '\\' => {
                if chars.get(i + 1) == Some(&'\n') {
                    end_word(&mut words, &mut word, &mut in_word);
                } else if let Some(n) = chars.get(i + 1) {
                    in_word = true;
                    word.push(*n);
                }
                i += 2;
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                // Command substitution stays inside the word; its contents are not commands
                // of this script for our purposes.
                in_word = true;
                let mut depth = 0;
                while i < chars.len() {
                    word.push(chars[i]);
                    if chars[i] == '(' {
                        depth += 1;
                    } else if chars[i] == ')' {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    i += 1;
                }
                i += 1;
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '|' => {
                end_word(&mut words, &mut word, &mut in_word);
                end_command(&mut out, &mut words, pipeline);
                if chars.get(i + 1) == Some(&'|') {
                    pipeline += 1;
                    i += 2;
                } else {
                    i += 1;
                }
            }
            '&' => {
                // `2>&1` and `&>` are redirections, not separators.
                if (in_word && word.ends_with('>')) || chars.get(i + 1) == Some(&'>') {
                    in_word = true;
                    word.push('&');
                    i += 1;
                    continue;
                }
                end_word(&mut words, &mut word, &mut in_word);
                end_command(&mut out, &mut words, pipeline);
                pipeline += 1;
                i += if chars.get(i + 1) == Some(&'&') { 2 } else { 1 };
            }
            ';' | '\n' | '(' | ')' | '`' => {
                end_word(&mut words, &mut word, &mut in_word);
                end_command(&mut out, &mut words, pipeline);
                pipeline += 1;
                i += 1;
            }
            c if c.is_whitespace() => {
                end_word(&mut words, &mut word, &mut in_word);
                i += 1;
            }
            _ => {
                in_word = true;
                word.push(c);
                i += 1;
            }
        }
    }
    end_word(&mut words, &mut word, &mut in_word);
    end_command(&mut out, &mut words, pipeline);
    // Redirections (`> /dev/null`, `2>&1`) are not arguments.
    for cmd in &mut out {
        let mut cleaned = Vec::with_capacity(cmd.words.len());
        let mut skip_next = None;
        for w in cmd.words.drain(..) {
            if let Some(output) = skip_next.take() {
                if output {
                    cmd.outputs.push(w);
                }
                continue;
            }
            let t = w.trim_start_matches(|c: char| c.is_ascii_digit());
            let t = t.strip_prefix('&').unwrap_or(t);
            if t == ">" || t == ">>" || t == "<" || t == ">|" {
                skip_next = Some(t != "<");
                continue;
            }
            if let Some(target) = t.strip_prefix(">>").or_else(|| t.strip_prefix('>')) {
                // `>&1`, `>&2` duplicate a descriptor; `>/dev/null` writes nowhere.
                if !target.is_empty() && !target.starts_with('&') {
                    cmd.outputs.push(target.to_string());
                }
                continue;
            }
            if t.starts_with('<') {
                continue;
            }
            cleaned.push(w);
        }
        cmd.words = cleaned;
    }
    out.retain(|c| !c.words.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(script: &str) -> Vec<String> {
        commands(script)
            .iter()
            .map(|c| c.program().to_string())
            .collect()
    }

    #[test]
    fn splits_on_operators_and_keeps_pipelines() {
        let cmds = commands("apt-get update && curl -fsSL https://x | sh; echo 'a && b' # c");
        assert_eq!(cmds.len(), 4);
        assert_eq!(cmds[1].pipeline, cmds[2].pipeline);
        assert_ne!(cmds[0].pipeline, cmds[1].pipeline);
        assert_eq!(cmds[3].words, vec!["echo", "a && b"]);
    }

    #[test]
    fn wrappers_and_assignments_are_skipped() {
        assert_eq!(
            names("DEBIAN_FRONTEND=noninteractive sudo -E apt-get install x"),
            vec!["apt-get"]
        );
        assert_eq!(
            names("if [ -f a ]; then /usr/bin/pip install x; fi"),
            vec!["[", "pip", "fi"]
        );
    }

    #[test]
    fn redirections_are_not_arguments() {
        let cmds = commands("curl -o x https://y 2>&1 > /dev/null");
        assert_eq!(cmds.len(), 1);
        assert_eq!(cmds[0].words, vec!["curl", "-o", "x", "https://y"]);
    }

    #[test]
    fn subcommand_skips_options() {
        let c = &commands("apt-get -o Dpkg::Options::=x -y install curl")[0];
        assert_eq!(c.subcommand(&["-o"]), Some("install"));
    }
}

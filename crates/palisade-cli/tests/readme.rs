//! The README's examples are what the binary prints: every `$ palisade ...` command of a
//! fenced block that runs on the repository's own files is run (from a scratch folder that
//! links the repository's top-level folders, so `-o FILE` lands there), and each line the
//! README shows under it must come out, in order (`...` stands for lines left out).
//!
//! Examples that need something the repository does not hold are not run, and the test
//! says which: a live cluster or cloud account, a server, the network, an image built by
//! `.ci/install.d`, `jq`, or files the README shows being written first (`chart/`,
//! `overlays/prod`). The vulnerability database examples run on the corpus: the README's
//! `../shared/corpus` is this machine's corpus and its `/tmp/osv.db` a file of the scratch
//! folder, both written back as the README spells them in what the commands print.

mod common;

use std::path::Path;
use std::process::Command;

/// A command of the README and the lines shown under it.
struct Example {
    line: usize,
    command: String,
    expected: Vec<String>,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_block = false;
    let mut current: Option<Example> = None;
    for (n, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            out.extend(current.take());
            in_block = !in_block;
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            out.extend(current.take());
            current = Some(Example {
                line: n + 1,
                command: command.to_string(),
                expected: Vec::new(),
            });
        } else if let Some(example) = &mut current {
            example.expected.push(line.to_string());
        }
    }
    out
}

/// Why an example is not run here, if it is not.
fn not_runnable(command: &str, repo: &Path) -> Option<&'static str> {
    let words: Vec<&str> = command
        .split(" #")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let has = |w: &str| words.contains(&w);
    if words.first() != Some(&"palisade") {
        return Some("not a palisade command");
    }
    if has("serve") || has("--cluster") || has("--kubeconfig") || has("--endpoint-url") {
        return Some("needs a live cluster, a server or a cloud endpoint");
    }
    if has("cluster") && !has("--from-dump") && !has("--print-role") {
        return Some("needs a live cluster");
    }
    if has("db") && has("update") {
        return Some("needs the network");
    }
    if has("cloud") || has("image") {
        return Some("needs an image or a cloud account");
    }
    if command.contains("| jq") {
        return Some("needs jq");
    }
    // `render [NAME] CHART` names its chart without a slash
    let render = words.get(1) == Some(&"render");
    for (i, word) in words.iter().enumerate().skip(1) {
        // The database an example writes (`--db /tmp/osv.db`), not one it reads.
        if words[i - 1] == "--db" {
            continue;
        }
        let pathlike = !word.starts_with('-')
            && (word.contains('/') || *word == "examples" || render && *word != "render");
        // `.` is the folder the README's own files were just written to.
        if *word == "." || pathlike && !repo.join(word.trim_end_matches('/')).exists() {
            return Some("reads files the README writes first");
        }
    }
    None
}

/// Where the README's paths are on this machine: the corpus, and the database the
/// examples build (a file of the scratch folder).
struct Paths {
    corpus: String,
    database: String,
}

impl Paths {
    /// The command with the README's paths replaced by this machine's.
    fn command(&self, command: &str) -> String {
        command
            .replace("../shared/corpus", &self.corpus)
            .replace("/tmp/osv.db", &self.database)
    }

    /// A printed line with this machine's paths written as the README spells them, and
    /// the moment a database was built (`updated:`) as the README shows it.
    fn printed(&self, line: &str, shown_update: Option<&str>) -> String {
        let line = line
            .replace(&self.database, "/tmp/osv.db")
            .replace(&self.corpus, "../shared/corpus");
        match (line.strip_prefix("updated:"), shown_update) {
            (Some(_), Some(shown)) => shown.to_string(),
            _ => line,
        }
    }
}

/// The vulnerability database's path differs per machine.
fn normalize(line: &str) -> String {
    let line = line.trim_end();
    match line.find("no vulnerability database at ") {
        Some(start) => {
            let rest = &line[start + "no vulnerability database at ".len()..];
            let end = rest.find(": ").unwrap_or(rest.len());
            format!(
                "{}no vulnerability database at DB{}",
                &line[..start],
                &rest[end..]
            )
        }
        None => line.to_string(),
    }
}

#[test]
fn readme_examples_print_what_the_readme_shows() {
    let repo = common::repo_root();
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&repo).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        // Folders only: a file of the repository that an example writes (`> webhook.yaml`)
        // is written in the scratch folder, never through a link into the repository.
        if name.to_string_lossy().starts_with('.') || !entry.file_type().unwrap().is_dir() {
            continue;
        }
        std::os::unix::fs::symlink(entry.path(), scratch.path().join(&name)).unwrap();
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_palisade")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let Some(corpus) = palisade_testkit::corpus("") else {
        return;
    };
    let paths = Paths {
        corpus: corpus.display().to_string(),
        database: scratch.path().join("osv.db").display().to_string(),
    };
    let (mut checked, mut skipped, mut failures) = (0, Vec::new(), Vec::new());
    for example in examples(&readme) {
        if let Some(why) = not_runnable(&example.command, &repo) {
            skipped.push(format!(
                "README.md:{}: {why}: {}",
                example.line, example.command
            ));
            continue;
        }
        checked += 1;
        let shown_update = example
            .expected
            .iter()
            .find(|l| l.starts_with("updated:"))
            .map(String::as_str);
        let out = Command::new("sh")
            .arg("-c")
            .arg(paths.command(&example.command))
            .current_dir(scratch.path())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("PALISADE_DB", "/nonexistent/palisade/osv.db")
            .output()
            .unwrap();
        let stdout: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| normalize(&paths.printed(l, shown_update)))
            .collect();
        let stderr: Vec<String> = String::from_utf8_lossy(&out.stderr)
            .lines()
            .map(|l| normalize(&paths.printed(l, shown_update)))
            .collect();
        // Each shown line comes next on standard output or next on standard error (a
        // terminal interleaves them; the order within each stream is kept).
        let (mut at_out, mut at_err) = (0, 0);
        for shown in &example.expected {
            let shown = normalize(shown);
            if shown.trim().is_empty() || shown.trim() == "..." {
                continue;
            }
            if let Some(i) = stdout[at_out..].iter().position(|l| *l == shown) {
                at_out += i + 1;
            } else if let Some(i) = stderr[at_err..].iter().position(|l| *l == shown) {
                at_err += i + 1;
            } else {
                failures.push(format!(
                    "README.md:{}: `{}` does not print, where the README shows it:\n    {shown}\n  it printed:\n{}\n{}",
                    example.line,
                    example.command,
                    stdout.join("\n"),
                    stderr.join("\n"),
                ));
                break;
            }
        }
    }
    eprintln!(
        "README examples: {checked} run and compared, {} not run here:\n  {}",
        skipped.len(),
        skipped.join("\n  ")
    );
    assert!(
        checked >= 10,
        "only {checked} README examples could be run: the test no longer checks the README"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

//! Prints what the built-in rules report on each line of standard input (rule, line,
//! preview): a quick way to try a detector on a sample.
//!
//!     printf 'token = "..."\n' | cargo run -p palisade-secrets --example scan_text

use std::io::Read;

fn main() {
    let mut text = Vec::new();
    std::io::stdin().read_to_end(&mut text).unwrap();
    let scanner = palisade_secrets::Scanner::builtin().unwrap();
    for m in scanner.scan_bytes("stdin.txt", &text) {
        println!(
            "{} line {} col {} {}",
            m.rule_id, m.line, m.column, m.preview
        );
    }
}

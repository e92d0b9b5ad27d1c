//! Rego v0 that regorus reads differently from OPA, rewritten into the form both read
//! alike before it is compiled (see [`as_opa_reads_it`]).

use super::strip_strings_and_comments;

/// `source` with two Rego v0 constructs that regorus's parser reads differently from OPA
/// spelled out in the form both read alike, on the same lines (error positions hold):
/// - a rule with several bodies, `head { a } { b }`, which OPA defines as `head { a }`
///   plus `head { b }` and regorus rejects ("else cannot be used with set rules"): each
///   further body gets the head repeated, `} head {`;
/// - an expression ending a line and a parenthesised expression starting the next one,
///   which OPA reads as two expressions and regorus as a call of the first: the first
///   gets an explicit `;`;
/// - `sprintf` with fewer arguments than its format has verbs, which OPA formats as Go
///   does (`%!v(MISSING)` in place of each missing one) and regorus leaves undefined (so
///   the violation that carries the message disappears): the missing arguments are
///   given as those very strings, when the format and the array are written out and the
///   missing verbs are `%v` or `%s`;
/// - a negated call, `not f(x, params.ranges)`, whose arguments OPA's compiler evaluates
///   before the negation (its `RewriteDynamicTerms` stage binds every reference argument
///   to a variable ahead of the expression), so an undefined argument makes the body
///   fail where regorus makes the negation true: each argument that is a dotted path is
///   bound first, `__arg_L_K = params.ranges; not f(x, __arg_L_K)`, on the same line;
/// - a function defined by its head alone, `accept("RunAsAny", _, _)`, which OPA makes
///   true for those arguments and regorus leaves undefined: it gets the body `{ true }`.
///
/// Rego written for regorus is unchanged by it.
pub fn as_opa_reads_it(source: &str) -> String {
    lift_negated_call_arguments(&pad_sprintf_arguments(&split_bodies_and_lines(source)))
}

/// Negated calls with reference arguments, those arguments bound ahead of the negation, and
/// functions defined by their head alone, given a body (see [`as_opa_reads_it`]). Only
/// one-line calls without strings, comments or `with` are rewritten; any other line is
/// left as it is.
fn lift_negated_call_arguments(source: &str) -> String {
    rewrite_lines(source, |line, _| {
        let (text, depth) = (line.text, line.start);
        if depth == 0 && line.end == 0 && !text.contains('#') && is_bodiless_function(line.code) {
            return Some(format!("{} {{ true }}", text.trim_end()));
        }
        let plain = !text.contains(['"', '`', '#']);
        (depth >= 1 && line.end == depth && plain)
            .then(|| lifted(text, line.index + 1))
            .flatten()
    })
}

/// A line of Rego source: as written, its code (strings and comments emptied), and the
/// bracket depth before and after it.
struct SourceLine<'a> {
    /// From 0.
    index: usize,
    text: &'a str,
    code: &'a str,
    start: i64,
    end: i64,
}

/// `source` with each line replaced by what `rewrite` returns for it (`None`: kept as
/// written); `rewrite` also gets the code of every line, to look ahead. Unchanged when the
/// code and the text do not have the same lines.
fn rewrite_lines(
    source: &str,
    mut rewrite: impl FnMut(&SourceLine, &[&str]) -> Option<String>,
) -> String {
    let code = strip_strings_and_comments(source);
    let code: Vec<&str> = code.lines().collect();
    let lines: Vec<&str> = source.lines().collect();
    if code.len() != lines.len() {
        return source.to_string();
    }
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut depth = 0i64;
    for (index, (code_line, text)) in code.iter().zip(&lines).enumerate() {
        let start = depth;
        depth += code_line
            .chars()
            .map(|c| match c {
                '{' | '[' | '(' => 1,
                '}' | ']' | ')' => -1,
                _ => 0,
            })
            .sum::<i64>();
        let line = SourceLine {
            index,
            text,
            code: code_line,
            start,
            end: depth,
        };
        out.push(rewrite(&line, &code).unwrap_or_else(|| text.to_string()));
    }
    let mut joined = out.join("\n");
    if source.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

/// Whether a top-level line (strings emptied) is a function defined by its head alone,
/// `accept("RunAsAny", _, _)`: true for those arguments in OPA, never defined in regorus.
fn is_bodiless_function(code: &str) -> bool {
    let code = code.trim();
    let Some(open) = code.find('(') else {
        return false;
    };
    let name = &code[..open];
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && code.ends_with(')')
        && !code.contains(['{', '='])
}

/// `text` (`not name(args)`, alone on its line) with its reference arguments bound ahead,
/// `None` when it is not such a line or has no reference argument.
fn lifted(text: &str, line: usize) -> Option<String> {
    let indent = &text[..text.len() - text.trim_start().len()];
    let call = text.trim().strip_prefix("not ")?.trim_start();
    let open = call.find('(')?;
    let name = &call[..open];
    let is_name = |s: &str| {
        !s.is_empty()
            && s.split('.').all(|part| {
                part.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            })
    };
    if !is_name(name) || !call.ends_with(')') || call.contains(" with ") {
        return None;
    }
    let inner = &call[open + 1..call.len() - 1];
    let mut args = Vec::new();
    let (mut level, mut from) = (0i64, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '(' | '[' | '{' => level += 1,
            ')' | ']' | '}' => {
                level -= 1;
                if level < 0 {
                    return None;
                }
            }
            ',' if level == 0 => {
                args.push(inner[from..i].trim());
                from = i + 1;
            }
            _ => {}
        }
    }
    if level != 0 {
        return None;
    }
    args.push(inner[from..].trim());
    let mut bindings = Vec::new();
    let mut rewritten = Vec::new();
    for arg in args {
        // A reference by a dotted path (`params.ranges`): one value, never an iteration
        // (`x[_]` is left alone, so the negation keeps meaning "for no element").
        let is_reference = arg.contains('.') && is_name(arg);
        if is_reference {
            let var = format!("__arg_{line}_{}", bindings.len());
            // Unification, as OPA's compiler writes it: regorus's `:=` binds an undefined
            // value and goes on, where OPA's fails the body.
            bindings.push(format!("{var} = {arg}"));
            rewritten.push(var);
        } else {
            rewritten.push(arg.to_string());
        }
    }
    if bindings.is_empty() {
        return None;
    }
    Some(format!(
        "{indent}{}; not {name}({})",
        bindings.join("; "),
        rewritten.join(", ")
    ))
}

fn split_bodies_and_lines(source: &str) -> String {
    // The head of the rule being defined, as written (up to its body's `{`).
    let mut head: Option<String> = None;
    rewrite_lines(source, |line, code| {
        let (text, start, depth) = (line.text, line.start, line.end);
        let trimmed = line.code.trim();
        if start == 0 && !trimmed.is_empty() {
            head = head_of(text);
        }
        if start == 1 && depth == 1 && trimmed == "} {" {
            if let Some(head) = &head {
                return Some(text.replacen("} {", &format!("}} {head} {{"), 1));
            }
        }
        let ends_term = trimmed
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ']' | ')' | '"'));
        let next_opens = code[line.index + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
            .is_some_and(|l| l.starts_with('('));
        (start >= 1 && depth == start && ends_term && next_opens && !text.contains('#'))
            .then(|| format!("{};", text.trim_end()))
    })
}

/// `sprintf("format", [a, b])` calls with fewer elements than verbs, completed with Go's
/// `%!v(MISSING)` strings (see [`as_opa_reads_it`]).
fn pad_sprintf_arguments(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => i = string_end(bytes, i),
            b'`' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'`' {
                    i += 1;
                }
                i += 1;
            }
            // Bytes, not `str` slicing: `i` may sit inside a multi-byte character.
            _ if bytes[i..].starts_with(b"sprintf(")
                && (i == 0
                    || !(bytes[i - 1].is_ascii_alphanumeric()
                        || bytes[i - 1] == b'_'
                        || bytes[i - 1] == b'.')) =>
            {
                i += "sprintf(".len();
                if let Some((verbs, close, given)) = literal_call(source, i) {
                    // As a string, the padding prints as itself through `%v` and `%s` only.
                    if given < verbs.len() && verbs[given..].iter().all(|v| matches!(v, 'v' | 's'))
                    {
                        let padding: String = verbs[given..]
                            .iter()
                            .map(|v| {
                                format!("{}\"%!{v}(MISSING)\"", if given == 0 { "" } else { ", " })
                            })
                            .collect::<Vec<_>>()
                            .join(if given == 0 { ", " } else { "" });
                        inserts.push((close, padding));
                    }
                }
            }
            _ => i += 1,
        }
    }
    let mut out = source.to_string();
    for (at, text) in inserts.into_iter().rev() {
        out.insert_str(at, &text);
    }
    out
}

/// For the arguments of a `sprintf(` call starting at `at`, when they are a string literal
/// and an array literal: the format's verbs, the position of the array's `]` and how many
/// elements the array has.
fn literal_call(source: &str, at: usize) -> Option<(Vec<char>, usize, usize)> {
    let bytes = source.as_bytes();
    let mut i = at;
    let skip_space = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    i = skip_space(i);
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    let end = string_end(bytes, i);
    let format = source.get(i + 1..end.checked_sub(1)?)?;
    i = skip_space(end);
    if bytes.get(i) != Some(&b',') {
        return None;
    }
    i = skip_space(i + 1);
    if bytes.get(i) != Some(&b'[') {
        return None;
    }
    let (mut depth, mut commas, mut empty) = (0usize, 0usize, true);
    i += 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                empty = false;
                i = string_end(bytes, i);
                continue;
            }
            b'[' | b'(' | b'{' => depth += 1,
            b']' if depth == 0 => break,
            b']' | b')' | b'}' => depth = depth.checked_sub(1)?,
            b',' if depth == 0 => commas += 1,
            b'#' => return None,
            c if !c.is_ascii_whitespace() => empty = false,
            _ => {}
        }
        if !bytes[i].is_ascii_whitespace() && bytes[i] != b',' {
            empty = false;
        }
        i += 1;
    }
    if i >= bytes.len() {
        return None;
    }
    // A trailing comma adds no element.
    let trailing = source[..i].trim_end().ends_with(',');
    let given = if empty {
        0
    } else {
        commas + 1 - usize::from(trailing)
    };
    Some((format_verbs(format), i, given))
}

/// The verbs of a Go format string (`%v`, `%-5d`, `%.2f`; `%%` is none).
fn format_verbs(format: &str) -> Vec<char> {
    let mut verbs = Vec::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        while let Some(&f) = chars.peek() {
            if matches!(f, '+' | '-' | '#' | ' ' | '0'..='9' | '.') {
                chars.next();
            } else {
                break;
            }
        }
        match chars.next() {
            Some('%') | None => {}
            Some(verb) => verbs.push(verb),
        }
    }
    verbs
}

/// The position just after the string literal that starts at `start` (a `"`), or the end
/// of its line when it is not closed there.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The head of a rule whose definition starts on `line`: the text before the `{` that
/// opens its body (the first `{` outside brackets and strings), if the line has one.
fn head_of(line: &str) -> Option<String> {
    let mut depth = 0i64;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '#' => return None,
            '[' | '(' => depth += 1,
            ']' | ')' | '}' => depth -= 1,
            '{' if depth == 0 => {
                let head = line[..i].trim();
                return (!head.is_empty() && !head.starts_with("default "))
                    .then(|| head.to_string());
            }
            '{' => depth += 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rego::RegoPolicy;

    #[test]
    fn rego_that_opa_reads_one_way_is_read_the_same_way() {
        // Several bodies of one rule, and a line ending before a parenthesised expression.
        let rego = r#"package p
violation[{"msg": msg}] {
    input.review.operation == "UPDATE"
    msg := "one"
} {
    input.parameters.spread
    (input.review.max - input.review.min) < input.parameters.spread
    msg := sprintf("two (%v)", ["x"])
}
"#;
        let rewritten = as_opa_reads_it(rego);
        assert_eq!(rewritten.lines().count(), rego.lines().count());
        assert!(
            rewritten.contains(r#"} violation[{"msg": msg}] {"#),
            "{rewritten}"
        );
        assert!(
            rewritten.contains("input.parameters.spread;"),
            "{rewritten}"
        );
        let mut policy = RegoPolicy::compile(rego, &[]).unwrap();
        let messages = |policy: &mut RegoPolicy, input| {
            let mut found: Vec<String> = policy
                .evaluate(&input)
                .unwrap()
                .into_iter()
                .map(|v| v.message)
                .collect();
            found.sort();
            found
        };
        let input = serde_json::json!({"review": {"operation": "UPDATE", "max": 3, "min": 2},
            "parameters": {"spread": 2}});
        assert_eq!(messages(&mut policy, input), ["one", "two (x)"]);
        let input = serde_json::json!({"review": {"operation": "CREATE", "max": 9, "min": 2},
            "parameters": {"spread": 2}});
        assert!(messages(&mut policy, input).is_empty());
        // Rego that regorus already reads as OPA does is left as it is.
        let plain = "package p\nviolation[{\"msg\": \"x\"}] {\n  f(input.a)\n  y := (1 + 2)\n  y > [\n    (1)][0]\n}\nf(x) { x }\n";
        assert_eq!(as_opa_reads_it(plain), plain);
    }

    /// Characters outside ASCII anywhere in the code (Rego that does not compile, or
    /// names a builtin it cannot have) leave the text as it was, without a panic.
    #[test]
    fn text_outside_ascii_is_left_as_it_is() {
        for rego in [
            "package p\nviolation[{\"msg\": m}] { m := sprintf(\"%v\", [])é }\n",
            "package p\nvïolation { naïve(1) }\nr := \"ü\" ; s := sprintf(\"%v %v\", [r])\n",
            "package p\n€ } {\n(x)\n",
        ] {
            let rewritten = as_opa_reads_it(rego);
            assert_eq!(
                rewritten.lines().count(),
                rego.lines().count(),
                "{rewritten}"
            );
        }
        assert!(
            as_opa_reads_it("package p\nvïolation { s := sprintf(\"%v %v\", [\"ü\"]) }\n")
                .contains(r#"["ü", "%!v(MISSING)"]"#)
        );
    }

    /// OPA binds a negated call's reference arguments before the negation: an undefined
    /// one makes the body fail (no violation), where the negation alone would hold. And a
    /// function written as its head alone is true for those arguments.
    #[test]
    fn an_undefined_argument_of_a_negated_call_fails_the_body_as_in_opa() {
        let rego = r#"package p
violation[{"msg": "not accepted"}] {
    params := input.parameters
    not accept(params.rule, 1000, params.ranges)
}
accept("RunAsAny", _, _)
accept("MustRunAs", v, ranges) { v >= ranges[_].min }
"#;
        let rewritten = as_opa_reads_it(rego);
        assert!(
            rewritten.contains(
                "    __arg_4_0 = params.rule; __arg_4_1 = params.ranges; not accept(__arg_4_0, 1000, __arg_4_1)"
            ),
            "{rewritten}"
        );
        assert!(
            rewritten.contains("\naccept(\"RunAsAny\", _, _) { true }\n"),
            "{rewritten}"
        );
        assert_eq!(rewritten.lines().count(), rego.lines().count());
        let mut policy = RegoPolicy::compile(rego, &[]).unwrap();
        let count = |policy: &mut RegoPolicy, input| policy.evaluate(&input).unwrap().len();
        // `ranges` undefined: OPA (and gator) report nothing.
        let input = serde_json::json!({"parameters": {"rule": "RunAsAny"}});
        assert_eq!(count(&mut policy, input), 0);
        // Defined and refused: a violation.
        let input =
            serde_json::json!({"parameters": {"rule": "MustRunAs", "ranges": [{"min": 2000}]}});
        assert_eq!(count(&mut policy, input), 1);
        // Defined and accepted: none.
        let input = serde_json::json!({"parameters": {"rule": "RunAsAny", "ranges": []}});
        assert_eq!(count(&mut policy, input), 0);
        // Calls without reference arguments, and lines with strings, stay as written.
        let plain = "package p\nviolation { x := 1\n  not f(x, 2)\n  not g(\"a.b\", input.y)\n}\n";
        assert_eq!(as_opa_reads_it(plain), plain);
    }

    #[test]
    fn sprintf_with_missing_arguments_formats_as_go_does() {
        let rego = r#"package p
violation[{"msg": msg}] {
    msg := sprintf("%v <%v> is not allowed: %d. Allowed: %v (100%%)", [input.kind, "a,b", 3])
}
"#;
        let rewritten = as_opa_reads_it(rego);
        assert!(
            rewritten.contains(r#"[input.kind, "a,b", 3, "%!v(MISSING)"])"#),
            "{rewritten}"
        );
        let mut policy = RegoPolicy::compile(rego, &[]).unwrap();
        let found = policy
            .evaluate(&serde_json::json!({"kind": "Pod"}))
            .unwrap();
        assert_eq!(
            found[0].message,
            "Pod <a,b> is not allowed: 3. Allowed: %!v(MISSING) (100%)"
        );
        let none = "package p\nm := sprintf(\"%v\", [])\nn := sprintf(\"%v %d\", [1])\n";
        assert_eq!(
            as_opa_reads_it(none),
            "package p\nm := sprintf(\"%v\", [\"%!v(MISSING)\"])\nn := sprintf(\"%v %d\", [1])\n"
        );
    }
}

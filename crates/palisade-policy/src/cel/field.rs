//! Which field of the object a CEL validation is about, for locating its findings.

use super::Expression;

/// The field of the object that `source` is about: the first path it reads below `object`
/// (or Gatekeeper's `anyObject`), following `variables.<name>` into the variable's own
/// expression, up to the first method or macro call or index (`object.spec.containers.all(`
/// is about `spec.containers`). Empty when the expression reads no such path.
pub(super) fn field_read_by(
    source: &str,
    variables: &[(String, Expression)],
    depth: usize,
) -> Vec<String> {
    let bytes = source.as_bytes();
    let ident_at = |i: usize| -> (String, usize) {
        let end = source[i..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(source.len(), |n| i + n);
        (source[i..end].to_string(), end)
    };
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' || c == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != c {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            continue;
        }
        let boundary = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric() || matches!(bytes[i - 1], b'_' | b'.'));
        if !(boundary && (c.is_ascii_alphabetic() || c == b'_')) {
            i += 1;
            continue;
        }
        let (word, end) = ident_at(i);
        // The segments after `word`: `.name` or `.?name`, not followed by `(`.
        let mut path = Vec::new();
        let mut j = end;
        loop {
            let mut k = j;
            if bytes.get(k) != Some(&b'.') {
                break;
            }
            k += 1;
            if bytes.get(k) == Some(&b'?') {
                k += 1;
            }
            if !bytes
                .get(k)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
            {
                break;
            }
            let (segment, after) = ident_at(k);
            if source[after..].trim_start().starts_with('(') {
                break;
            }
            path.push(segment);
            j = after;
        }
        i = j.max(end);
        let path = match word.as_str() {
            "object" | "anyObject" => path,
            "variables" if !path.is_empty() => {
                let name = path.remove(0);
                if name != "anyObject" {
                    // A variable's own path; what follows it is the elements' fields
                    // when it holds a list, so it is not added.
                    if let Some((_, e)) = variables.iter().find(|(n, _)| *n == name) {
                        if depth < 4 {
                            let root = field_read_by(&e.source, variables, depth + 1);
                            if !root.is_empty() {
                                return root;
                            }
                        }
                    }
                    continue;
                }
                path
            }
            _ => continue,
        };
        if !path.is_empty() {
            return path;
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_a_validation_is_about() {
        let variables = vec![
            ("containers".to_string(), Expression::compile("has(variables.anyObject.spec.template) ? variables.anyObject.spec.template.spec.containers : object.spec.containers").unwrap()),
            ("names".to_string(), Expression::compile("variables.containers.map(c, c.name)").unwrap()),
        ];
        let field = |source: &str| field_read_by(source, &variables, 0).join(".");
        assert_eq!(
            field("object.spec.containers.all(c, has(c.securityContext))"),
            "spec.containers"
        );
        assert_eq!(
            field("!has(object.spec.hostNetwork) || object.spec.hostNetwork == false"),
            "spec.hostNetwork"
        );
        assert_eq!(
            field("object.?spec.?replicas.orValue(1) >= 2"),
            "spec.replicas"
        );
        assert_eq!(
            field("variables.names.all(n, n != 'object.spec.x')"),
            "spec.template"
        );
        assert_eq!(
            field("variables.anyObject.metadata.labels.exists(k, k == 'a')"),
            "metadata.labels"
        );
        assert_eq!(
            field("'object.spec' == params.x && request.operation == 'CREATE'"),
            ""
        );
        assert_eq!(field("oldObject.spec.x == object.kind"), "kind");
    }
}

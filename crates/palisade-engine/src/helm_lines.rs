//! The template line behind a field of a rendered Helm document. Helm keeps no map from
//! output to template, so this reads the template as the YAML it mostly is: the keys and
//! list items its lines open, by indentation, with lines that are only template actions
//! (`{{- if ... }}`, `{{- range ... }}`, `{{- include ... | nindent 4 }}`) skipped. The
//! field `spec.template.spec.containers[0].securityContext.privileged` is the line that
//! opens that path; a list item a `range` repeats is matched ignoring its index; a field
//! that a template action writes (`{{- toYaml .Values.securityContext | nindent 12 }}`) is
//! the line of its nearest key that the template spells out.

/// One segment of a field path: a key, or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// `a.b[0].c` as segments; `None` for an empty path.
fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Segment::Key(key.to_string()));
        }
        while let Some(end) = rest.find(']') {
            if let Ok(n) = rest[1..end].parse() {
                out.push(Segment::Index(n));
            }
            rest = &rest[end + 1..];
        }
    }
    out
}

/// A line that only holds template actions (and whitespace) writes no key of its own.
fn only_actions(content: &str) -> bool {
    let mut rest = content.trim();
    while let Some(after) = rest.strip_prefix("{{") {
        match after.find("}}") {
            Some(end) => rest = after[end + 2..].trim_start(),
            None => return true,
        }
    }
    rest.is_empty()
}

/// The key a line's content opens (`name:`, `"app.kubernetes.io/name":`), if it is a
/// plain one (a templated key is not).
fn key_of(content: &str) -> Option<&str> {
    let (key, _) = content
        .split_once(':')
        .filter(|(_, rest)| rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t'))?;
    let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
    (!key.is_empty() && !key.contains("{{") && !key.contains(' ')).then_some(key)
}

/// An open node while reading the template: the column of its key, or of the `-` of its
/// list item, and its segment.
struct Open {
    column: usize,
    segment: Segment,
}

impl Open {
    fn is_item(&self) -> bool {
        matches!(self.segment, Segment::Index(_))
    }
}

/// The 1-based line of `template` that writes the field at `path` (or its nearest
/// ancestor the template spells out).
pub(crate) fn template_line(template: &str, path: &str) -> Option<u32> {
    let wanted = segments(path);
    if wanted.is_empty() {
        return None;
    }
    let without_index = |s: &[Segment]| -> Vec<Segment> {
        s.iter()
            .filter(|s| matches!(s, Segment::Key(_)))
            .cloned()
            .collect()
    };
    let wanted_keys = without_index(&wanted);
    // The deepest line whose path is a prefix of the field's (the exact field at best),
    // and the deepest whose keys are, whatever its indices: a `range` writes one item
    // that the output repeats, so the output's `[3]` is the template's `[0]`.
    let mut exact: Option<(usize, u32)> = None;
    let mut blind: Option<(usize, u32)> = None;
    let mut consider = |path: &[Segment], line: u32| {
        if wanted.starts_with(path) && exact.is_none_or(|(d, _)| path.len() > d) {
            exact = Some((path.len(), line));
        }
        let keys = without_index(path);
        if wanted_keys.starts_with(&keys) && blind.is_none_or(|(d, _)| keys.len() > d) {
            blind = Some((keys.len(), line));
        }
    };

    let mut stack: Vec<Open> = Vec::new();
    // Items seen per sequence, keyed by the stack depth and indent of the `-`.
    let mut counters: Vec<(usize, usize, usize)> = Vec::new();
    for (n, raw) in template.lines().enumerate() {
        let line = n as u32 + 1;
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || only_actions(trimmed) {
            continue;
        }
        if trimmed == "---" {
            stack.clear();
            counters.clear();
            continue;
        }
        let mut indent = raw.len() - trimmed.len();
        let mut content = trimmed;
        // `- ` items (possibly `- - `): each opens an index under the key that owns the
        // list, which may sit at the same column as its `-`.
        while let Some(rest) = content
            .strip_prefix("- ")
            .or_else(|| (content == "-").then_some(""))
        {
            while stack
                .last()
                .is_some_and(|o| o.column > indent || (o.is_item() && o.column == indent))
            {
                stack.pop();
            }
            let depth = stack.len();
            counters.retain(|&(d, _, _)| d <= depth);
            let index = match counters
                .iter_mut()
                .find(|(d, c, _)| *d == depth && *c == indent)
            {
                Some(counter) => {
                    counter.2 += 1;
                    counter.2
                }
                None => {
                    counters.push((depth, indent, 0));
                    0
                }
            };
            stack.push(Open {
                column: indent,
                segment: Segment::Index(index),
            });
            let path: Vec<Segment> = stack.iter().map(|o| o.segment.clone()).collect();
            consider(&path, line);
            let after = content.len() - rest.len();
            let rest_trimmed = rest.trim_start();
            indent += after + (rest.len() - rest_trimmed.len());
            content = rest_trimmed;
        }
        if content.is_empty() || only_actions(content) {
            continue;
        }
        let Some(key) = key_of(content) else {
            continue;
        };
        while stack.last().is_some_and(|o| o.column >= indent) {
            stack.pop();
        }
        let depth = stack.len();
        counters.retain(|&(d, _, _)| d <= depth);
        stack.push(Open {
            column: indent,
            segment: Segment::Key(key.to_string()),
        });
        let path: Vec<Segment> = stack.iter().map(|o| o.segment.clone()).collect();
        consider(&path, line);
    }
    // The index-blind match only where the exact one stops at a list item the template
    // does not write out (a range), never over an item it does.
    match (exact, blind) {
        (Some((depth, _)), Some((keys, blind_line)))
            if depth < wanted.len()
                && matches!(wanted[depth], Segment::Index(_))
                && keys > without_index(&wanted[..depth]).len() =>
        {
            Some(blind_line)
        }
        (Some((_, line)), _) => Some(line),
        (None, blind) => blind.map(|(_, line)| line),
    }
}

#[cfg(test)]
mod tests {
    use super::template_line;

    const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    {{- include "web.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  template:
    spec:
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      hostNetwork: {{ .Values.hostNetwork }}
      containers:
        - name: sidecar
          image: busybox:1.36
        - name: {{ .Chart.Name }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          ports:
            - name: http
              containerPort: 80
          volumeMounts:
          {{- range .Values.mounts }}
          - name: {{ .name }}
            mountPath: {{ .path }}
          {{- end }}
"#;

    #[test]
    fn a_field_the_template_spells_out_is_its_line() {
        assert_eq!(template_line(DEPLOYMENT, "spec.replicas"), Some(9));
        assert_eq!(
            template_line(DEPLOYMENT, "spec.template.spec.hostNetwork"),
            Some(17)
        );
        assert_eq!(
            template_line(DEPLOYMENT, "spec.template.spec.containers[0].image"),
            Some(20)
        );
        assert_eq!(
            template_line(DEPLOYMENT, "spec.template.spec.containers[1].image"),
            Some(24)
        );
        assert_eq!(
            template_line(
                DEPLOYMENT,
                "spec.template.spec.containers[1].ports[0].containerPort"
            ),
            Some(27)
        );
        assert_eq!(
            template_line(DEPLOYMENT, "spec.template.spec.containers[1]"),
            Some(21)
        );
    }

    #[test]
    fn a_field_a_template_action_writes_is_its_nearest_spelled_out_key() {
        assert_eq!(
            template_line(
                DEPLOYMENT,
                "spec.template.spec.containers[1].securityContext.privileged"
            ),
            Some(22)
        );
        assert_eq!(template_line(DEPLOYMENT, "metadata.labels.app"), Some(5));
        assert_eq!(
            template_line(DEPLOYMENT, "spec.template.spec.imagePullSecrets[0].name"),
            Some(14)
        );
    }

    #[test]
    fn an_item_the_template_writes_is_not_taken_for_another() {
        let template = "spec:\n  containers:\n    - name: a\n      securityContext:\n        privileged: true\n    - name: b\n      securityContext:\n        {{- toYaml .Values.sc | nindent 8 }}\n";
        assert_eq!(
            template_line(template, "spec.containers[1].securityContext.privileged"),
            Some(7)
        );
        assert_eq!(
            template_line(template, "spec.containers[0].securityContext.privileged"),
            Some(5)
        );
    }

    #[test]
    fn items_a_range_repeats_match_whatever_their_index() {
        assert_eq!(
            template_line(
                DEPLOYMENT,
                "spec.template.spec.containers[1].volumeMounts[3].mountPath"
            ),
            Some(31)
        );
    }

    #[test]
    fn nothing_matching_is_no_line() {
        assert_eq!(template_line(DEPLOYMENT, ""), None);
        assert_eq!(template_line("{{ .Values.whole }}\n", "spec.x"), None);
        assert_eq!(template_line("", "spec"), None);
    }
}

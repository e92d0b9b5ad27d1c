//! Permissions boundaries: what a role's boundary lets through of what its policies grant.
//!
//! IAM allows a role an action only when one of its policies allows it **and** its
//! permissions boundary allows it, and neither denies it: the effective grant is the
//! intersection. The FN rules ask [`Boundary::reach`] about each broad grant they find and
//! report it at full severity, at low severity as *capped*, or not at all (see each rule's
//! documentation). The answer errs towards reporting: a boundary statement with conditions
//! counts as allowing, a partial `Deny` as not denying, and two wildcard patterns whose
//! overlap cannot be ruled out as overlapping.

use crate::model::{Boundary, PolicyStatement};
use palisade_core::text::wildcard_match;

/// How much of one grant a boundary lets through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// All of it (or the boundary's document is unknown).
    All,
    /// Only these parts (`s3:GetObject on arn:aws:s3:::b/*`): the grant is capped.
    Capped(Vec<String>),
    /// Nothing: the boundary does not allow it, or denies it.
    Blocked,
}

impl Boundary {
    /// The boundary policy's name, for messages (the last segment of an ARN).
    pub fn name(&self) -> &str {
        let v = self.policy.value.as_str();
        v.rsplit('/').next().unwrap_or(v)
    }

    /// How much of `action` (an IAM action pattern) on `resources` (the granting statement's
    /// resources; empty means every resource) the boundary lets through.
    pub fn reach(&self, action: &str, resources: &[&str]) -> Reach {
        let Some(statements) = &self.statements else {
            return Reach::All;
        };
        let resources: Vec<&str> = if resources.is_empty() {
            vec!["*"]
        } else {
            resources.to_vec()
        };
        if statements.iter().any(|d| denies(d, action, &resources)) {
            return Reach::Blocked;
        }
        let mut parts: Vec<String> = Vec::new();
        for st in statements.iter().filter(|s| s.allow) {
            // What the document does not say cannot be ruled out.
            if st.has_unknown {
                return Reach::All;
            }
            let actions = match action_part(st, action) {
                Part::All => vec![action.to_string()],
                Part::Some(a) => a,
                Part::None => continue,
            };
            let resources_through = match resource_part(st, &resources) {
                Part::All => resources.iter().map(|r| r.to_string()).collect(),
                Part::Some(r) => r,
                Part::None => continue,
            };
            let whole_action = actions.len() == 1 && actions[0] == action;
            let whole_resources = resources_through.len() == resources.len()
                && resources_through
                    .iter()
                    .zip(&resources)
                    .all(|(a, b)| a == b);
            if whole_action && whole_resources {
                return Reach::All;
            }
            let part = format!("{} on {}", actions.join(", "), resources_through.join(", "));
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        if parts.is_empty() {
            Reach::Blocked
        } else {
            Reach::Capped(parts)
        }
    }
}

enum Part {
    All,
    Some(Vec<String>),
    None,
}

/// An unconditional `Deny` that covers the whole action on every resource asked about.
fn denies(st: &PolicyStatement, action: &str, resources: &[&str]) -> bool {
    if st.allow || st.has_condition || st.has_unknown || !st.not_actions.is_empty() {
        return false;
    }
    if !st.not_resources.is_empty() {
        return false;
    }
    st.actions.iter().any(|d| covers(&d.value, action, true))
        && resources
            .iter()
            .all(|r| st.resources.iter().any(|d| covers(&d.value, r, false)))
}

fn action_part(st: &PolicyStatement, action: &str) -> Part {
    if !st.not_actions.is_empty() {
        // `NotAction` allows everything but the listed actions.
        if st
            .not_actions
            .iter()
            .any(|n| covers(&n.value, action, true))
        {
            return Part::None;
        }
        let excluded: Vec<&str> = st
            .not_actions
            .iter()
            .filter(|n| overlaps(&n.value, action, true))
            .map(|n| n.value.as_str())
            .collect();
        if excluded.is_empty() {
            return Part::All;
        }
        return Part::Some(vec![format!("{action} but {}", excluded.join(", "))]);
    }
    if st.actions.iter().any(|b| covers(&b.value, action, true)) {
        return Part::All;
    }
    let through: Vec<String> = st
        .actions
        .iter()
        .filter(|b| overlaps(&b.value, action, true))
        .map(|b| b.value.clone())
        .collect();
    if through.is_empty() {
        Part::None
    } else {
        Part::Some(through)
    }
}

fn resource_part(st: &PolicyStatement, resources: &[&str]) -> Part {
    // `NotResource` in a boundary is rare; counting it as every resource over-reports at worst.
    if !st.not_resources.is_empty() || st.resources.is_empty() {
        return Part::All;
    }
    if resources
        .iter()
        .all(|r| st.resources.iter().any(|b| covers(&b.value, r, false)))
    {
        return Part::All;
    }
    let mut through: Vec<String> = Vec::new();
    for r in resources {
        if st.resources.iter().any(|b| covers(&b.value, r, false)) {
            through.push(r.to_string());
            continue;
        }
        for b in st.resources.iter().filter(|b| overlaps(&b.value, r, false)) {
            if !through.contains(&b.value) {
                through.push(b.value.clone());
            }
        }
    }
    if through.is_empty() {
        Part::None
    } else {
        Part::Some(through)
    }
}

/// Whether every name `pattern` matches is also matched by `cover`. Exact for a pattern
/// without wildcards; for one with wildcards, `cover` must match the pattern's own text
/// (`s3:*` covers `s3:Get*`, `*` covers anything), which never claims too much.
fn covers(cover: &str, pattern: &str, ignore_case: bool) -> bool {
    wildcard_match(cover, pattern, ignore_case)
}

/// Whether some name could match both patterns. Exact when either has no wildcard; for two
/// wildcard patterns they are told apart only by a literal prefix or suffix that differs
/// (`s3:Get*` and `iam:*` cannot meet, `s3:Get*` and `s3:*Object` may).
fn overlaps(a: &str, b: &str, ignore_case: bool) -> bool {
    let wild = |s: &str| s.contains(['*', '?']);
    if !wild(a) {
        return wildcard_match(b, a, ignore_case);
    }
    if !wild(b) {
        return wildcard_match(a, b, ignore_case);
    }
    let norm = |s: &str| {
        if ignore_case {
            s.to_ascii_lowercase()
        } else {
            s.to_string()
        }
    };
    let (a, b) = (norm(a), norm(b));
    let prefix = |s: &str| s[..s.find(['*', '?']).unwrap_or(s.len())].to_string();
    let suffix = |s: &str| s[s.rfind(['*', '?']).map_or(0, |i| i + 1)..].to_string();
    let (pa, pb) = (prefix(&a), prefix(&b));
    let (sa, sb) = (suffix(&a), suffix(&b));
    (pa.starts_with(&pb) || pb.starts_with(&pa)) && (sa.ends_with(&sb) || sb.ends_with(&sa))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Spanned;
    use crate::value::Pos;

    fn st(allow: bool, actions: &[&str], resources: &[&str]) -> PolicyStatement {
        let s = |v: &[&str]| {
            v.iter()
                .map(|x| Spanned {
                    value: x.to_string(),
                    pos: Pos::default(),
                })
                .collect()
        };
        PolicyStatement {
            allow,
            actions: s(actions),
            resources: s(resources),
            ..PolicyStatement::default()
        }
    }

    fn boundary(statements: Vec<PolicyStatement>) -> Boundary {
        Boundary {
            policy: Spanned {
                value: "arn:aws:iam::1:policy/edge".into(),
                pos: Pos::default(),
            },
            statements: Some(statements),
        }
    }

    #[test]
    fn a_boundary_that_allows_everything_caps_nothing() {
        let b = boundary(vec![st(true, &["*"], &["*"])]);
        assert_eq!(b.reach("*", &["*"]), Reach::All);
        assert_eq!(b.reach("iam:PassRole", &["*"]), Reach::All);
        assert_eq!(b.name(), "edge");
    }

    #[test]
    fn a_wildcard_grant_is_capped_to_what_the_boundary_allows() {
        let b = boundary(vec![
            st(true, &["s3:GetObject", "logs:*"], &["arn:aws:s3:::b/*"]),
            st(true, &["dynamodb:GetItem"], &["*"]),
        ]);
        assert_eq!(
            b.reach("*", &["*"]),
            Reach::Capped(vec![
                "s3:GetObject, logs:* on arn:aws:s3:::b/*".into(),
                "dynamodb:GetItem on *".into()
            ])
        );
        assert_eq!(
            b.reach("s3:*", &["*"]),
            Reach::Capped(vec!["s3:GetObject on arn:aws:s3:::b/*".into()])
        );
        assert_eq!(b.reach("iam:PassRole", &["*"]), Reach::Blocked);
        assert_eq!(b.reach("iam:*", &["*"]), Reach::Blocked);
        assert_eq!(b.reach("dynamodb:GetItem", &["*"]), Reach::All);
    }

    #[test]
    fn an_unconditional_deny_blocks_and_a_conditional_one_does_not() {
        let mut conditional = st(false, &["iam:*"], &["*"]);
        conditional.has_condition = true;
        let b = boundary(vec![st(true, &["*"], &["*"]), conditional]);
        assert_eq!(b.reach("iam:PassRole", &["*"]), Reach::All);
        let b = boundary(vec![
            st(true, &["*"], &["*"]),
            st(false, &["iam:*"], &["*"]),
        ]);
        assert_eq!(b.reach("iam:PassRole", &["*"]), Reach::Blocked);
        // `iam:*` does not deny all of `*`: the rest still passes.
        assert_eq!(b.reach("*", &["*"]), Reach::All);
    }

    #[test]
    fn not_action_allows_everything_but_its_list() {
        let mut s = st(true, &[], &["*"]);
        s.not_actions = vec![Spanned {
            value: "iam:*".into(),
            pos: Pos::default(),
        }];
        let b = boundary(vec![s]);
        assert_eq!(b.reach("iam:PassRole", &["*"]), Reach::Blocked);
        assert_eq!(b.reach("s3:GetObject", &["*"]), Reach::All);
        assert_eq!(
            b.reach("*", &["*"]),
            Reach::Capped(vec!["* but iam:* on *".into()])
        );
    }

    #[test]
    fn an_unknown_document_caps_nothing() {
        let b = Boundary {
            policy: Spanned {
                value: "arn:aws:iam::1:policy/edge".into(),
                pos: Pos::default(),
            },
            statements: None,
        };
        assert_eq!(b.reach("*", &["*"]), Reach::All);
    }

    #[test]
    fn wildcard_patterns_overlap_unless_a_literal_end_differs() {
        assert!(overlaps("s3:Get*", "s3:*Object", true));
        assert!(!overlaps("s3:Get*", "iam:*", true));
        assert!(!overlaps("s3:*Acl", "s3:*Object", true));
        assert!(overlaps("S3:get*", "s3:GetObject", true));
        assert!(!overlaps("arn:aws:s3:::a/*", "arn:aws:s3:::b/*", false));
    }
}

//! An execution role into the model: its inline and attached policies' statements,
//! boundary and trust, with the documents that could not be read.

use super::*;

pub(super) fn role_model(r: &RoleData, loc: &mut Locator, errors: &mut Vec<CallError>) -> Role {
    let mut role = Role::new(r.arn.clone(), r.name.clone(), loc.pos(&r.arn, None));
    for (name, text) in &r.inline {
        let field = format!("RolePolicy.{name}");
        add_document(
            &mut role,
            text,
            &format!("inline policy {name}"),
            &r.arn,
            &field,
            loc,
            errors,
            "iam:GetRolePolicy",
        );
    }
    for (arn, document) in &r.attached {
        let pos = loc.pos(&r.arn, Some(&format!("AttachedPolicies.{arn}")));
        match document {
            // A managed policy whose document was fetched is judged from it, statement by
            // statement; the ones the serverless crate knows are judged from its table.
            Some(text) => {
                add_document(
                    &mut role,
                    text,
                    &format!("policy {arn}"),
                    &r.arn,
                    &format!("AttachedPolicies.{arn}"),
                    loc,
                    errors,
                    "iam:GetPolicyVersion",
                );
            }
            None => role.managed_policies.push(Spanned {
                value: arn.clone(),
                pos,
            }),
        }
    }
    if let Some((arn, document)) = &r.boundary {
        let pos = loc.pos(&r.arn, Some("PermissionsBoundary"));
        // A document that could not be read or parsed caps nothing: the policies are
        // judged alone, as when there is no boundary (the call's error says why).
        let statements = document.as_deref().and_then(|text| {
            let mut holder = Role::new(r.arn.clone(), r.name.clone(), pos);
            add_document(
                &mut holder,
                text,
                &format!("permissions boundary {arn}"),
                &r.arn,
                "PermissionsBoundary",
                loc,
                errors,
                "iam:GetPolicyVersion",
            )
            .then_some(holder.statements)
        });
        role.boundary = Some(Boundary {
            policy: Spanned {
                value: arn.clone(),
                pos,
            },
            statements,
        });
    }
    if let Some(a) = r.activity {
        role.usage = Some(RoleUsage {
            created: a.created,
            last_used: a.last_used,
            observed: a.observed,
            pos: loc.pos(&r.arn, Some("RoleLastUsed")),
        });
    }
    role
}

#[allow(clippy::too_many_arguments)]
pub(super) fn add_document(
    role: &mut Role,
    text: &str,
    source: &str,
    role_arn: &str,
    field: &str,
    loc: &mut Locator,
    errors: &mut Vec<CallError>,
    action: &str,
) -> bool {
    match policy_doc::parse(text) {
        Ok(doc) => {
            for (i, mut st) in palisade_serverless::iam::statements(&doc, source)
                .into_iter()
                .enumerate()
            {
                let pos = loc.pos(role_arn, Some(&format!("{field}.Statement[{i}]")));
                st.pos = pos;
                for s in st
                    .actions
                    .iter_mut()
                    .chain(st.not_actions.iter_mut())
                    .chain(st.resources.iter_mut())
                    .chain(st.not_resources.iter_mut())
                {
                    s.pos = pos;
                }
                role.statements.push(st);
            }
            true
        }
        Err(e) => {
            errors.push(CallError::new(
                action,
                "global",
                Some(&role.name),
                CallErrorKind::Malformed,
                format!("{source} is not a policy document ({e}); the role is judged without it"),
            ));
            false
        }
    }
}

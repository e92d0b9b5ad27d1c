//! A function's resource-based policy: invoke permissions, whether it is public, and the
//! triggers it implies.

use super::*;

/// The statements of a function's (or an alias's: `arn`) resource-based policy as invoke
/// permissions.
pub(super) fn permissions(doc: &Value, arn: &str, loc: &mut Locator) -> Vec<InvokePermission> {
    let mut out = Vec::new();
    let statements = doc
        .get("Statement")
        .map(Value::one_or_many)
        .unwrap_or_default();
    for (i, s) in statements.into_iter().enumerate() {
        let allow = s
            .get_ci("Effect")
            .and_then(Value::as_str)
            .is_none_or(|e| e.eq_ignore_ascii_case("allow"));
        if !allow {
            continue;
        }
        let sid = s
            .get_ci("Sid")
            .and_then(Value::as_text)
            .unwrap_or_else(|| i.to_string());
        let pos = loc.pos(arn, Some(&format!("Policy.Statement[{sid}].Principal")));
        let principal = match s.get_ci("Principal") {
            Some(p) if p.as_str().is_some() => p.as_str().map(str::to_string),
            Some(p) => p
                .get_ci("AWS")
                .or_else(|| p.get_ci("Service"))
                .and_then(|v| {
                    v.one_or_many()
                        .first()
                        .and_then(|x| x.as_str())
                        .map(str::to_string)
                }),
            None => None,
        };
        let mut keys: Vec<(String, Option<String>)> = Vec::new();
        if let Some(cond) = s.get_ci("Condition") {
            for (_, block) in cond.entries() {
                for (k, v) in block.entries() {
                    keys.push((
                        k.to_ascii_lowercase(),
                        v.one_or_many().first().and_then(|x| x.as_text()),
                    ));
                }
            }
        }
        let has = |name: &str| keys.iter().any(|(k, _)| k == name);
        out.push(InvokePermission {
            resource: arn.to_string(),
            principal: match principal {
                Some(p) => Attr::Set(p, pos),
                None => Attr::Unknown(pos),
            },
            source_arn: has("aws:sourcearn"),
            source_account: has("aws:sourceaccount"),
            principal_org: has("aws:principalorgid"),
            for_public_url: keys
                .iter()
                .any(|(k, v)| k == "lambda:functionurlauthtype" && v.as_deref() == Some("NONE")),
            pos,
        });
    }
    out
}

/// Whether a resource policy lets any account in: an `Allow` to Principal `*` (or
/// `{"AWS": "*"}`) without an `aws:PrincipalOrgID` condition.
pub(super) fn is_public(doc: &Value) -> bool {
    let statements = doc
        .get("Statement")
        .map(Value::one_or_many)
        .unwrap_or_default();
    statements.into_iter().any(|s| {
        let allow = s
            .get_ci("Effect")
            .and_then(Value::as_str)
            .is_some_and(|e| e.eq_ignore_ascii_case("allow"));
        let anyone = match s.get_ci("Principal") {
            Some(p) if p.as_str().is_some() => p.as_str() == Some("*"),
            Some(p) => p
                .get_ci("AWS")
                .is_some_and(|v| v.one_or_many().iter().any(|x| x.as_str() == Some("*"))),
            None => false,
        };
        let org = s.get_ci("Condition").is_some_and(|c| {
            c.entries().iter().any(|(_, block)| {
                block
                    .entries()
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case("aws:PrincipalOrgID"))
            })
        });
        allow && anyone && !org
    })
}

/// Services that invoke a function asynchronously, recognised by their principal in the
/// resource policy: their failed events need a dead-letter queue or on-failure destination.
pub(super) fn async_trigger(p: &InvokePermission) -> Option<Trigger> {
    let Attr::Set(principal, pos) = &p.principal else {
        return None;
    };
    let service = principal.strip_suffix(".amazonaws.com")?;
    matches!(
        service,
        "s3" | "sns" | "events" | "iot" | "logs" | "ses" | "codecommit" | "config" | "scheduler"
    )
    .then(|| Trigger::new(TriggerKind::Async, service, *pos))
}

/// `arn:aws:kinesis:...` -> `kinesis`.
pub(super) fn service_of(arn: &str) -> String {
    arn.split(':').nth(2).unwrap_or("unknown").to_string()
}

/// The function name in a Lambda ARN or an API Gateway integration URI
/// (`.../functions/arn:aws:lambda:r:a:function:NAME[:alias]/invocations`).
pub(super) fn function_name_in(text: &str) -> Option<&str> {
    let rest = &text[text.find(":function:")? + ":function:".len()..];
    let end = rest.find([':', '/']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|n| !n.is_empty())
}

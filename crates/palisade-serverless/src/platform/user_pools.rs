//! Cognito, which signs users in to the APIs in front of functions: user pools with their
//! second factor, password policy and advanced security, identity pools that give AWS
//! credentials to anyone.

use super::model::*;
use super::{attr_bool, attr_str, blocks, SourceResource};
use crate::model::Attr;
use crate::value::{Pos, Value};

pub(super) const TERRAFORM_TYPES: &[&str] = &["aws_cognito_user_pool", "aws_cognito_identity_pool"];

pub(super) const CFN_TYPES: &[&str] = &["AWS::Cognito::UserPool", "AWS::Cognito::IdentityPool"];

pub(super) fn terraform(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    match r.rtype {
        "aws_cognito_user_pool" => {
            // SMS needs its configuration block; a software token or email code is switched
            // on in its own block.
            let factors = [
                present(blocks(b, "sms_configuration").first().copied()),
                block_switch(b, "software_token_mfa_configuration"),
                block_switch(b, "email_mfa_configuration"),
            ];
            p.user_pools.push(UserPool {
                resource: r.id.clone(),
                pos: r.pos,
                mfa: mfa(b.get("mfa_configuration"), r.pos),
                second_factor: any(&factors, r.pos),
                password_policy: password_policy(
                    blocks(b, "password_policy").first().copied(),
                    &TERRAFORM_PASSWORD,
                    r.pos,
                ),
                advanced_security: advanced_security(
                    blocks(b, "user_pool_add_ons").first().copied(),
                    "advanced_security_mode",
                    r.pos,
                ),
            });
        }
        "aws_cognito_identity_pool" => guests(r, b.get("allow_unauthenticated_identities"), p),
        _ => {}
    }
}

pub(super) fn cfn(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    match r.rtype {
        "AWS::Cognito::UserPool" => {
            let listed = match b.get("EnabledMfas") {
                None => Attr::Unset,
                Some(v) if v.is_unknown() => Attr::Unknown(v.pos),
                Some(v) => Attr::Set(!v.items().is_empty(), v.pos),
            };
            let factors = [listed, present(b.get("SmsConfiguration"))];
            let policies = b.get("Policies");
            let policy = match policies {
                Some(v) if v.is_unknown() => Some(v),
                Some(v) => v.get("PasswordPolicy"),
                None => None,
            };
            p.user_pools.push(UserPool {
                resource: r.id.clone(),
                pos: r.pos,
                mfa: mfa(b.get("MfaConfiguration"), r.pos),
                second_factor: any(&factors, r.pos),
                password_policy: password_policy(policy, &CFN_PASSWORD, r.pos),
                advanced_security: advanced_security(
                    b.get("UserPoolAddOns"),
                    "AdvancedSecurityMode",
                    r.pos,
                ),
            });
        }
        "AWS::Cognito::IdentityPool" => guests(r, b.get("AllowUnauthenticatedIdentities"), p),
        _ => {}
    }
}

/// The names of the password policy's settings in one template language.
struct PasswordSchema {
    min_length: &'static str,
    /// `(setting, character class)`.
    classes: [(&'static str, &'static str); 4],
}

const TERRAFORM_PASSWORD: PasswordSchema = PasswordSchema {
    min_length: "minimum_length",
    classes: [
        ("require_lowercase", "lowercase"),
        ("require_uppercase", "uppercase"),
        ("require_numbers", "numbers"),
        ("require_symbols", "symbols"),
    ],
};

const CFN_PASSWORD: PasswordSchema = PasswordSchema {
    min_length: "MinimumLength",
    classes: [
        ("RequireLowercase", "lowercase"),
        ("RequireUppercase", "uppercase"),
        ("RequireNumbers", "numbers"),
        ("RequireSymbols", "symbols"),
    ],
};

/// Without a policy Cognito requires 8 characters of every class; a written policy
/// requires only the classes it switches on (an unwritten switch is sent as false).
fn password_policy(
    section: Option<&Value>,
    schema: &PasswordSchema,
    fallback: Pos,
) -> Attr<PasswordPolicy> {
    let Some(s) = section.filter(|s| !s.is_null()) else {
        return Attr::Set(
            PasswordPolicy {
                min_length: 8,
                missing_classes: Vec::new(),
            },
            fallback,
        );
    };
    if s.is_unknown() {
        return Attr::Unknown(s.pos);
    }
    let min_length = match s.get(schema.min_length).filter(|v| !v.is_null()) {
        None => 8,
        Some(v) => match v.as_i64() {
            Some(n) => n,
            None => return Attr::Unknown(v.pos),
        },
    };
    let mut missing_classes = Vec::new();
    for (key, class) in schema.classes {
        match attr_bool(s.get(key)) {
            Attr::Set(true, _) => {}
            Attr::Set(false, _) | Attr::Unset => missing_classes.push(class),
            Attr::Unknown(pos) => return Attr::Unknown(pos),
        }
    }
    Attr::Set(
        PasswordPolicy {
            min_length,
            missing_classes,
        },
        s.pos,
    )
}

fn advanced_security(section: Option<&Value>, key: &str, fallback: Pos) -> Attr<String> {
    let Some(s) = section.filter(|s| !s.is_null()) else {
        return Attr::Set("OFF".to_string(), fallback);
    };
    if s.is_unknown() {
        return Attr::Unknown(s.pos);
    }
    match attr_str(s.get(key)) {
        Attr::Set(mode, pos) => Attr::Set(mode.trim().to_ascii_uppercase(), pos),
        Attr::Unset => Attr::Set("OFF".to_string(), s.pos),
        Attr::Unknown(pos) => Attr::Unknown(pos),
    }
}

fn guests(r: &SourceResource, allow: Option<&Value>, p: &mut Platform) {
    if let Attr::Set(true, pos) = attr_bool(allow) {
        p.guest_identity_pools.push((r.id.clone(), pos));
    }
}

/// The MFA setting upper-cased; unwritten is `OFF`, the service default.
fn mfa(v: Option<&Value>, fallback: Pos) -> Attr<String> {
    match attr_str(v) {
        Attr::Set(s, pos) => Attr::Set(s.to_ascii_uppercase(), pos),
        Attr::Unset => Attr::Set("OFF".to_string(), fallback),
        Attr::Unknown(pos) => Attr::Unknown(pos),
    }
}

fn present(v: Option<&Value>) -> Attr<bool> {
    match v {
        None => Attr::Unset,
        Some(v) if v.is_null() => Attr::Unset,
        Some(v) if v.is_unknown() => Attr::Unknown(v.pos),
        Some(v) => Attr::Set(true, v.pos),
    }
}

/// `{ enabled = true }` in the first block `key`.
fn block_switch(b: &Value, key: &str) -> Attr<bool> {
    match blocks(b, key).first() {
        None => Attr::Unset,
        Some(s) if s.is_unknown() => Attr::Unknown(s.pos),
        Some(s) => attr_bool(s.get("enabled")),
    }
}

/// Some factor is on; unknown when none is on and one cannot be evaluated.
fn any(factors: &[Attr<bool>], fallback: Pos) -> Attr<bool> {
    if let Some(Attr::Set(true, pos)) = factors.iter().find(|f| matches!(f, Attr::Set(true, _))) {
        return Attr::Set(true, *pos);
    }
    match factors.iter().find_map(|f| match f {
        Attr::Unknown(pos) => Some(*pos),
        _ => None,
    }) {
        Some(pos) => Attr::Unknown(pos),
        None => Attr::Set(false, fallback),
    }
}

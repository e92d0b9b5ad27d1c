//! Function resources per cloud: `aws_lambda_function`, the Azure function apps (with
//! their App Service site settings) and Google Cloud Functions.

use crate::frontend::cfn::{attr_bool, attr_i64, attr_str, env_vars, layer_ref};
use crate::model::*;
use crate::value::{Pos, Value, ValueKind};

use super::builder::Builder;
use super::{block, blocks, TfResource};

impl Builder<'_> {
    pub(super) fn lambda(&mut self, r: &TfResource) {
        let b = &r.body;
        let name = b
            .get("function_name")
            .and_then(Value::as_str)
            .unwrap_or(&r.address)
            .to_string();
        let mut f = Function::new(r.address.clone(), name, Cloud::Aws, r.pos);
        f.runtime = attr_str(b.get("runtime"));
        f.handler = attr_str(b.get("handler"));
        f.image = b.get("package_type").and_then(Value::as_str) == Some("Image")
            || b.get("image_uri").is_some();
        if let Some(env) = block(b, "environment") {
            f.environment_pos = Some(env.pos);
            f.environment = env_vars(env.get("variables"));
            for (_, v) in env.get("variables").map(Value::entries).unwrap_or_default() {
                if let Some(t) = v.ref_target() {
                    if t.starts_with("aws_db_instance")
                        || t.starts_with("aws_rds_cluster")
                        || t.starts_with("aws_elasticache_")
                    {
                        f.vpc_only_targets.push(Spanned {
                            value: t.to_string(),
                            pos: v.pos,
                        });
                    }
                }
            }
        }
        f.kms_key = attr_str(b.get("kms_key_arn"));
        f.timeout = attr_i64(b.get("timeout"));
        f.memory = attr_i64(b.get("memory_size"));
        f.reserved_concurrency = match b.get("reserved_concurrent_executions") {
            Some(v) if v.as_i64() == Some(-1) => Attr::Unset,
            other => attr_i64(other),
        };
        f.tracing = match block(b, "tracing_config").and_then(|t| t.get("mode")) {
            Some(m) => match m.as_str() {
                Some(s) => Attr::Set(s == "Active", m.pos),
                None => Attr::Unknown(m.pos),
            },
            None => Attr::Unset,
        };
        if let Some(d) = block(b, "dead_letter_config").and_then(|d| d.get("target_arn")) {
            f.dead_letter = Attr::Set(d.display(), d.pos);
        }
        if let Some(v) = block(b, "vpc_config") {
            f.vpc = Attr::Set(
                VpcConfig {
                    subnets: v
                        .get("subnet_ids")
                        .map(|s| s.one_or_many().len())
                        .unwrap_or(0),
                    security_groups: v
                        .get("security_group_ids")
                        .map(|s| s.one_or_many().iter().map(|x| x.display()).collect())
                        .unwrap_or_default(),
                },
                v.pos,
            );
        }
        f.code_signing = attr_str(b.get("code_signing_config_arn"));
        f.layers = b
            .get("layers")
            .map(Value::one_or_many)
            .unwrap_or_default()
            .into_iter()
            .map(layer_ref)
            .collect();
        if let Some(role) = b.get("role") {
            match role.ref_target() {
                Some(t) => {
                    f.role = self.roles.get(t).copied();
                    f.role_ref = Attr::Set(t.to_string(), role.pos);
                }
                None => f.role_ref = attr_str(Some(role)),
            }
        }
        self.functions
            .insert(r.address.clone(), self.inv.functions.len());
        self.inv.functions.push(f);
    }

    pub(super) fn azure_function_app(&mut self, r: &TfResource) {
        let b = &r.body;
        let name = b
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(&r.address)
            .to_string();
        let mut f = Function::new(r.address.clone(), name, Cloud::Azure, r.pos);
        let app_settings = b.get("app_settings");
        f.environment = env_vars(app_settings);
        // Connection strings are settings too, and the likeliest place for a literal password.
        for c in blocks(b, "connection_string") {
            if let (Some(n), Some(v)) = (c.get("name").and_then(Value::as_text), c.get("value")) {
                f.environment.extend(env_vars(Some(&Value::new(
                    ValueKind::Map(vec![(n, v.clone())]),
                    c.pos,
                ))));
            }
        }
        let site_config = b.get("site_config").map(|_| block(b, "site_config"));
        let site = site_config.flatten();
        let site_unknown = site.is_some_and(Value::is_unknown);
        let in_site = |key: &str| -> Attr<String> {
            match site {
                Some(s) if s.is_unknown() => Attr::Unknown(s.pos),
                Some(s) => attr_str(s.get(key)),
                None => Attr::Unset,
            }
        };
        let legacy = matches!(
            r.rtype.as_str(),
            "azurerm_function_app" | "azurerm_function_app_slot"
        );
        let app_insights = {
            let in_config = [
                "application_insights_connection_string",
                "application_insights_key",
            ]
            .iter()
            .find_map(|k| site.and_then(|s| s.get(k)));
            let in_settings = app_settings.and_then(|a| {
                a.entries()
                    .iter()
                    .find(|(k, _)| {
                        k == "APPINSIGHTS_INSTRUMENTATIONKEY"
                            || k == "APPLICATIONINSIGHTS_CONNECTION_STRING"
                    })
                    .map(|(_, v)| v)
            });
            match in_config.or(in_settings) {
                Some(v) if v.is_null() => Attr::Set(false, v.pos),
                Some(v) => Attr::Set(true, v.pos),
                None if site_unknown => Attr::Unknown(site.map(|s| s.pos).unwrap_or(r.pos)),
                None => match app_settings {
                    Some(a) if !a.is_map() => Attr::Unknown(a.pos),
                    _ => Attr::Unset,
                },
            }
        };
        f.site = Some(AppServiceSite {
            https_only: attr_bool(b.get("https_only")),
            min_tls_version: in_site(if legacy {
                "min_tls_version"
            } else {
                "minimum_tls_version"
            }),
            scm_min_tls_version: in_site(if legacy {
                "scm_min_tls_version"
            } else {
                "scm_minimum_tls_version"
            }),
            ftps_state: in_site("ftps_state"),
            ftp_allowed_by_default: legacy,
            platform_auth: platform_auth(b),
            managed_identity: match b.get("identity").map(|_| block(b, "identity")) {
                Some(Some(i)) if i.is_unknown() => Attr::Unknown(i.pos),
                Some(Some(i)) => match i.get("type") {
                    Some(t) => match t.as_str() {
                        Some(t) => Attr::Set(t.contains("Assigned"), t_pos(i, "type")),
                        None => Attr::Unknown(t.pos),
                    },
                    None => Attr::Set(false, i.pos),
                },
                _ => Attr::Unset,
            },
            app_insights,
            functions_version: attr_str(
                b.get(if legacy {
                    "version"
                } else {
                    "functions_extension_version"
                })
                .or_else(|| app_settings.and_then(|a| a.get("FUNCTIONS_EXTENSION_VERSION"))),
            ),
            pos: r.pos,
        });
        f.runtime = azure_runtime(site);
        self.functions
            .insert(r.address.clone(), self.inv.functions.len());
        self.inv.functions.push(f);
    }

    pub(super) fn google(&mut self, r: &TfResource) {
        let b = &r.body;
        let name = b
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(&r.address)
            .to_string();
        let mut f = Function::new(r.address.clone(), name, Cloud::Google, r.pos);
        let service = block(b, "service_config");
        f.runtime = attr_str(
            b.get("runtime")
                .or_else(|| block(b, "build_config").and_then(|c| c.get("runtime"))),
        );
        f.handler = attr_str(
            b.get("entry_point")
                .or_else(|| block(b, "build_config").and_then(|c| c.get("entry_point"))),
        );
        f.timeout = attr_i64(
            b.get("timeout")
                .or_else(|| service.and_then(|s| s.get("timeout_seconds"))),
        );
        f.memory = attr_i64(b.get("available_memory_mb"));
        f.environment = env_vars(
            b.get("environment_variables")
                .or_else(|| service.and_then(|s| s.get("environment_variables"))),
        );
        f.kms_key = attr_str(b.get("kms_key_name"));
        if let Some(v) = b
            .get("vpc_connector")
            .or_else(|| service.and_then(|s| s.get("vpc_connector")))
        {
            f.vpc = Attr::Set(
                VpcConfig {
                    subnets: 1,
                    security_groups: Vec::new(),
                },
                v.pos,
            );
        }
        self.functions
            .insert(r.address.clone(), self.inv.functions.len());
        self.inv.functions.push(f);
    }
}

fn t_pos(v: &Value, key: &str) -> Pos {
    v.get(key).map(|x| x.pos).unwrap_or(v.pos)
}

/// App Service authentication of a function app: on when `auth_settings.enabled` or
/// `auth_settings_v2.auth_enabled` is true; a block that cannot be evaluated is unknown.
fn platform_auth(b: &Value) -> Attr<bool> {
    let mut result = Attr::Unset;
    for (key, flag) in [
        ("auth_settings", "enabled"),
        ("auth_settings_v2", "auth_enabled"),
    ] {
        let Some(settings) = b.get(key).and_then(|_| block(b, key)) else {
            continue;
        };
        if settings.is_unknown() {
            return Attr::Unknown(settings.pos);
        }
        match settings.get(flag) {
            Some(v) => match v.as_bool() {
                Some(true) => return Attr::Set(true, v.pos),
                Some(false) => result = Attr::Set(false, v.pos),
                None => return Attr::Unknown(v.pos),
            },
            // `auth_enabled` defaults to false; `enabled` is required, so a block
            // without it is not a valid configuration to judge.
            None if flag == "auth_enabled" => result = Attr::Set(false, settings.pos),
            None => return Attr::Unknown(settings.pos),
        }
    }
    result
}

/// The language stack of an Azure function app as `language|version`: the version set in
/// `site_config.application_stack` (`python_version = "3.7"`), or the legacy
/// `site_config.linux_fx_version` (`PYTHON|3.7`).
fn azure_runtime(site: Option<&Value>) -> Attr<String> {
    let Some(site) = site else {
        return Attr::Unset;
    };
    if site.is_unknown() {
        return Attr::Unknown(site.pos);
    }
    if let Some(fx) = site.get("linux_fx_version") {
        return match fx.as_str().and_then(|t| t.split_once('|')) {
            Some((lang, version)) => Attr::Set(
                crate::runtimes::azure_stack(&lang.to_ascii_lowercase(), version),
                fx.pos,
            ),
            None if fx.as_str().is_some() => Attr::Unset,
            None => Attr::Unknown(fx.pos),
        };
    }
    let Some(stack) = block(site, "application_stack") else {
        return Attr::Unset;
    };
    for (key, lang) in [
        ("python_version", "python"),
        ("node_version", "node"),
        ("dotnet_version", "dotnet"),
        ("java_version", "java"),
        ("powershell_core_version", "powershell"),
    ] {
        if let Some(v) = stack.get(key) {
            return match v.as_text() {
                Some(t) => Attr::Set(crate::runtimes::azure_stack(lang, &t), v.pos),
                None => Attr::Unknown(v.pos),
            };
        }
    }
    Attr::Unset
}

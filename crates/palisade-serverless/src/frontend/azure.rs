//! Azure Functions `function.json` (one function per folder) into an [`Inventory`].
//!
//! The function is named after its folder, as the Functions host names it. `host.json`
//! holds host-wide settings none of the rules read, so it is not parsed.

use palisade_core::ScanError;

use crate::model::*;
use crate::value::{from_node, Value};

/// Builds the inventory of one `function.json`.
pub fn build(path: &str, text: &str) -> Result<Inventory, ScanError> {
    let docs =
        palisade_yaml::load(text).map_err(|e| ScanError::new(path, Some(e.line), e.message))?;
    let root = docs
        .first()
        .map(|d| from_node(&d.root))
        .ok_or_else(|| ScanError::new(path, None, "empty function.json"))?;
    let mut parts = path.rsplit(['/', '\\']);
    parts.next();
    let name = parts
        .next()
        .filter(|p| !p.is_empty() && *p != ".")
        .unwrap_or("function")
        .to_string();
    let resource = format!("azure:function/{name}");
    let mut inv = Inventory::new(path, Format::AzureFunctions);
    let mut f = Function::new(resource.clone(), name, Cloud::Azure, root.pos);
    f.handler = match root.get("scriptFile").or_else(|| root.get("entryPoint")) {
        Some(v) => v
            .as_text()
            .map(|s| Attr::Set(s, v.pos))
            .unwrap_or(Attr::Unknown(v.pos)),
        None => Attr::Unset,
    };
    for b in root.get("bindings").map(Value::items).unwrap_or_default() {
        let ty = b.get("type").and_then(Value::as_str).unwrap_or("");
        let direction = b.get("direction").and_then(Value::as_str).unwrap_or("in");
        if direction != "in" {
            continue;
        }
        let kind = match ty {
            "httpTrigger" => TriggerKind::Http,
            "timerTrigger" | "blobTrigger" | "eventGridTrigger" => TriggerKind::Async,
            "queueTrigger" | "serviceBusTrigger" | "eventHubTrigger" | "cosmosDBTrigger"
            | "kafkaTrigger" => TriggerKind::Poll,
            _ => continue,
        };
        f.triggers.push(Trigger::new(kind, ty, b.pos));
        if kind == TriggerKind::Http {
            // The host's default level is `function` (a key per function).
            let auth = match b.get("authLevel") {
                Some(l) => match l.as_str() {
                    Some(s) if s.eq_ignore_ascii_case("anonymous") => {
                        Attr::Set(EndpointAuth::None, l.pos)
                    }
                    Some(s) => Attr::Set(EndpointAuth::Authorizer(format!("{s} key")), l.pos),
                    None => Attr::Unknown(l.pos),
                },
                None => Attr::Set(EndpointAuth::Authorizer("function key".into()), b.pos),
            };
            let methods = b
                .get("methods")
                .map(|m| {
                    m.items()
                        .iter()
                        .filter_map(|x| x.as_str())
                        .map(str::to_uppercase)
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "ANY".into());
            let route = b
                .get("route")
                .map(Value::display)
                .unwrap_or_else(|| format!("/api/{}", f.name));
            inv.endpoints.push(Endpoint {
                kind: EndpointKind::AzureHttp,
                resource: resource.clone(),
                route: format!("{methods} {route}"),
                auth,
                cors: None,
                function: Some(0),
                pos: b.get("authLevel").map(|l| l.pos).unwrap_or(b.pos),
            });
        }
    }
    inv.functions.push(f);
    Ok(inv)
}

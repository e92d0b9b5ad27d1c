//! The SAM policy templates Palisade ships expand the way sam-translator expands them: every
//! template use in sam-translator's input/output pairs (corpus `sam-translator-aws-sam`) is
//! expanded here and compared with the statements sam-translator wrote into the role.

use palisade_serverless::policy_templates::{expand_json, is_template, names};
use palisade_yaml::{Node, NodeKind};
use serde_json::{Map, Value as Json};

/// CloudFormation YAML as sam-translator reads it: short-form tags become `Fn::` maps.
fn to_json(n: &Node) -> Json {
    let plain = match &n.kind {
        NodeKind::Scalar(s) if !s.quoted && n.tag.is_none() => match s.value.as_str() {
            "true" => Json::Bool(true),
            "false" => Json::Bool(false),
            v => v
                .parse::<i64>()
                .map(Json::from)
                .unwrap_or_else(|_| Json::String(v.to_string())),
        },
        NodeKind::Scalar(s) => Json::String(s.value.clone()),
        NodeKind::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        NodeKind::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or("").to_string(), to_json(v)))
                .collect(),
        ),
    };
    match n.tag.as_deref().and_then(|t| t.strip_prefix('!')) {
        Some("Ref") => serde_json::json!({ "Ref": plain }),
        Some("GetAtt") => match plain {
            Json::String(s) => {
                let (a, b) = s.split_once('.').unwrap_or((&s, ""));
                serde_json::json!({ "Fn::GetAtt": [a, b] })
            }
            other => serde_json::json!({ "Fn::GetAtt": other }),
        },
        Some(t) if !t.starts_with('!') => {
            let mut m = Map::new();
            m.insert(format!("Fn::{t}"), plain);
            Json::Object(m)
        }
        _ => plain,
    }
}

#[test]
fn templates_expand_like_sam_translator() {
    let Some(dir) = palisade_testkit::corpus("sam-translator-aws-sam") else {
        return;
    };
    let mut checked = std::collections::BTreeSet::new();
    let mut uses = 0;
    let mut failures = Vec::new();
    let mut inputs: Vec<_> = std::fs::read_dir(dir.join("input"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    inputs.sort();
    for input in inputs {
        let text = std::fs::read_to_string(&input).unwrap();
        if !text.contains("Policies") {
            continue;
        }
        let stem = input.file_stem().unwrap().to_string_lossy().to_string();
        let Ok(out_text) = std::fs::read_to_string(dir.join("output").join(format!("{stem}.json")))
        else {
            continue;
        };
        let Ok(docs) = palisade_yaml::load(&text) else {
            continue;
        };
        let output: Json = serde_json::from_str(&out_text).unwrap();
        let template = to_json(&docs[0].root);
        let Some(resources) = template.get("Resources").and_then(Json::as_object) else {
            continue;
        };
        for (name, r) in resources {
            if r.get("Type").and_then(Json::as_str) != Some("AWS::Serverless::Function") {
                continue;
            }
            let Some(props) = r.get("Properties") else {
                continue;
            };
            if props.get("Role").is_some() {
                continue;
            }
            let policies = match props.get("Policies") {
                Some(Json::Array(a)) => a.clone(),
                Some(m @ Json::Object(_)) => vec![m.clone()],
                _ => continue,
            };
            // sam-translator names the role's inline policies `<Function>RolePolicy<i>`,
            // counting inline statements and templates in order; managed names go elsewhere.
            let written = output
                .pointer(&format!("/Resources/{name}Role/Properties/Policies"))
                .and_then(Json::as_array)
                .cloned()
                .unwrap_or_default();
            let inline: Vec<&Json> = policies.iter().filter(|p| p.is_object()).collect();
            if inline.len() != written.len() {
                continue;
            }
            for (p, w) in inline.iter().zip(&written) {
                let Some((tname, params)) = p.as_object().and_then(|m| m.iter().next()) else {
                    continue;
                };
                if !is_template(tname) {
                    continue;
                }
                let params = params.as_object().cloned().unwrap_or_default();
                uses += 1;
                let want = w.pointer("/PolicyDocument/Statement");
                match expand_json(tname, &params) {
                    Ok(got) if Some(&Json::Array(got.clone())) == want => {
                        checked.insert(tname.clone());
                    }
                    Ok(got) => failures.push(format!(
                        "{stem} {name} {tname}:\n  got  {}\n  want {}",
                        Json::Array(got),
                        want.cloned().unwrap_or(Json::Null)
                    )),
                    Err(e) => failures.push(format!("{stem} {name}: {e}")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let all: Vec<&str> = names().collect();
    let unchecked: Vec<&&str> = all.iter().filter(|n| !checked.contains(**n)).collect();
    eprintln!(
        "SAM policy templates: {uses} uses in sam-translator's pairs expanded identically; {} of {} templates covered; not covered by a pair: {unchecked:?}",
        checked.len(),
        all.len()
    );
    // Floors of the corpus as taken: 81 uses, 65 templates (the other 16 appear in no pair).
    assert!(
        uses >= 81,
        "only {uses} template uses found; corpus layout changed?"
    );
    assert!(
        checked.len() >= 65,
        "only {} templates checked; not covered: {unchecked:?}",
        checked.len()
    );
}

#[test]
fn a_missing_parameter_is_an_error_like_sam_s() {
    assert!(expand_json("DynamoDBCrudPolicy", &Map::new()).is_err());
    assert!(expand_json("NoSuchPolicy", &Map::new()).is_err());
}

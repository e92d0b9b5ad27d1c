//! XML manifests: a small element reader with lines, Maven pom.xml and `*.csproj`.

use std::collections::BTreeMap;

use crate::inventory::Package;

use super::{line_of, LockfileError};

/// Elements of a small XML document with the line each starts on.
struct XmlElem {
    path: Vec<String>,
    text: String,
    line: u32,
    attrs: Vec<(String, String)>,
}

fn xml_elements(path: &str, text: &str) -> Result<Vec<XmlElem>, LockfileError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<String> = vec![];
    let mut open: Vec<usize> = vec![];
    let mut out: Vec<XmlElem> = vec![];
    loop {
        let pos = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                stack.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                let attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        (
                            String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned(),
                            String::from_utf8_lossy(&a.value).into_owned(),
                        )
                    })
                    .collect();
                out.push(XmlElem {
                    path: stack.clone(),
                    text: String::new(),
                    line: line_of(text, pos + 1),
                    attrs,
                });
                open.push(out.len() - 1);
            }
            Ok(Event::Empty(e)) => {
                let mut p = stack.clone();
                p.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                let attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        (
                            String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned(),
                            String::from_utf8_lossy(&a.value).into_owned(),
                        )
                    })
                    .collect();
                out.push(XmlElem {
                    path: p,
                    text: String::new(),
                    line: line_of(text, pos + 1),
                    attrs,
                });
            }
            Ok(Event::Text(t)) => {
                if let Some(&i) = open.last() {
                    out[i].text.push_str(&String::from_utf8_lossy(t.as_ref()));
                }
            }
            Ok(Event::End(_)) => {
                stack.pop();
                open.pop();
            }
            Ok(Event::Eof) => break,
            Err(e) => {
                return Err(LockfileError::new(
                    path,
                    Some(line_of(text, reader.buffer_position() as usize)),
                    format!("invalid XML: {e}"),
                ))
            }
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(LockfileError::new(
            path,
            Some(text.lines().count() as u32),
            format!(
                "unclosed <{}> (truncated file?)",
                stack.last().map(String::as_str).unwrap_or("")
            ),
        ));
    }
    Ok(out)
}

pub(super) fn pom(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
    let elems = xml_elements(path, text)?;
    let mut props: BTreeMap<String, String> = BTreeMap::new();
    for e in &elems {
        if e.path.len() == 3 && e.path[1] == "properties" {
            props.insert(e.path[2].clone(), e.text.trim().to_string());
        }
        if e.path == ["project", "version"] {
            props.insert("project.version".into(), e.text.trim().to_string());
        }
    }
    let resolve = |v: &str| -> Option<String> {
        let v = v.trim();
        if let Some(key) = v.strip_prefix("${").and_then(|s| s.strip_suffix('}')) {
            props.get(key).cloned().filter(|x| !x.contains("${"))
        } else if v.is_empty() || v.starts_with('[') || v.starts_with('(') {
            None
        } else {
            Some(v.to_string())
        }
    };
    let mut out = vec![];
    let mut i = 0;
    while i < elems.len() {
        let e = &elems[i];
        let is_dep = e.path.last().is_some_and(|l| l == "dependency")
            && e.path.len() >= 2
            && e.path[e.path.len() - 2] == "dependencies";
        if is_dep {
            let depth = e.path.len();
            let (mut g, mut a, mut v) = (None, None, None);
            let mut j = i + 1;
            while j < elems.len() && elems[j].path.len() > depth {
                if elems[j].path.len() == depth + 1 {
                    match elems[j].path[depth].as_str() {
                        "groupId" => g = Some(elems[j].text.trim().to_string()),
                        "artifactId" => a = Some(elems[j].text.trim().to_string()),
                        "version" => v = resolve(&elems[j].text),
                        _ => {}
                    }
                }
                j += 1;
            }
            if let (Some(g), Some(a), Some(v)) = (g, a, v) {
                out.push(
                    Package::new("Maven", format!("{g}:{a}"), v, path, Some(e.line))
                        .with_direct(Some(true)),
                );
            }
            i = j;
            continue;
        }
        i += 1;
    }
    Ok(out)
}

pub(super) fn csproj(path: &str, text: &str) -> Result<Vec<Package>, LockfileError> {
    let elems = xml_elements(path, text)?;
    let mut out = vec![];
    for (i, e) in elems.iter().enumerate() {
        if e.path.last().is_some_and(|l| l == "PackageReference") {
            let attr = |k: &str| e.attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            let version = attr("Version").or_else(|| {
                elems[i + 1..]
                    .iter()
                    .take_while(|c| c.path.len() > e.path.len())
                    .find(|c| c.path.last().is_some_and(|l| l == "Version"))
                    .map(|c| c.text.trim().to_string())
            });
            if let (Some(n), Some(v)) = (attr("Include"), version) {
                if !v.starts_with('[') && !v.contains('*') && !v.contains("$(") {
                    out.push(
                        Package::new("NuGet", n, v, path, Some(e.line)).with_direct(Some(true)),
                    );
                }
            }
        }
    }
    Ok(out)
}

//! Chart loading: a directory or a `.tgz` archive becomes an in-memory [`Chart`] with its
//! metadata, default values, templates, CRDs, other files and subcharts (folders and
//! archives under `charts/`). Archives are read through the image reader's bounded tar
//! reader, so a path that climbs out of the chart or a decompression bomb is refused.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

/// Bounds on what loading one chart may read.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest single file read.
    pub max_file_bytes: u64,
    /// Most bytes over all files of the chart and its subcharts.
    pub max_total_bytes: u64,
    /// Deepest nesting of subcharts.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 16 << 20,
            max_total_bytes: 256 << 20,
            max_depth: 32,
        }
    }
}

/// One chart and its subcharts, as Helm loads it.
#[derive(Debug, Clone)]
pub struct Chart {
    /// `Chart.yaml`, as a map.
    pub metadata: Map<String, Value>,
    /// `values.yaml` (nulls removed: in a chart's own defaults a null means "no default").
    pub values: Map<String, Value>,
    /// Every file of the chart outside `charts/`, by path relative to the chart root.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Subcharts found under `charts/`, before conditions and tags are applied.
    pub dependencies: Vec<Chart>,
}

impl Chart {
    /// The chart's name from `Chart.yaml`.
    pub fn name(&self) -> &str {
        self.metadata
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// `application` unless `Chart.yaml` says otherwise.
    pub fn chart_type(&self) -> &str {
        self.metadata
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("application")
    }

    /// Templates (`templates/...`) with their text.
    pub fn templates(&self) -> impl Iterator<Item = (&String, String)> {
        self.files
            .iter()
            .filter(|(p, _)| p.starts_with("templates/"))
            .map(|(p, b)| (p, String::from_utf8_lossy(b).into_owned()))
    }

    /// The `dependencies` of `Chart.yaml`, else of `requirements.yaml` (v1 charts).
    pub fn dependency_entries(&self) -> Vec<Map<String, Value>> {
        let from = |v: Option<&Value>| -> Vec<Map<String, Value>> {
            v.and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|d| d.as_object().cloned()).collect())
                .unwrap_or_default()
        };
        let listed = from(self.metadata.get("dependencies"));
        if !listed.is_empty() {
            return listed;
        }
        match self.files.get("requirements.yaml") {
            Some(bytes) => match serde_yaml_neo::from_slice::<Value>(bytes) {
                Ok(v) => from(v.get("dependencies")),
                Err(_) => Vec::new(),
            },
            None => Vec::new(),
        }
    }
}

/// Reads a chart directory or archive.
pub fn load(path: &Path, limits: &Limits) -> Result<Chart, String> {
    let mut budget = limits.max_total_bytes;
    let files = if path.is_dir() {
        let mut files = BTreeMap::new();
        read_dir(path, "", &mut files, limits, &mut budget)?;
        files
    } else {
        let bytes = read_file(path, limits, &mut budget)?;
        unpack(&bytes, limits)?
    };
    from_files(files, limits, 0)
}

fn read_file(path: &Path, limits: &Limits, budget: &mut u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.len() > limits.max_file_bytes || meta.len() > *budget {
        return Err(format!(
            "{}: {} bytes is more than a chart file may hold ({} bytes)",
            path.display(),
            meta.len(),
            limits.max_file_bytes.min(*budget)
        ));
    }
    *budget -= meta.len();
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_dir(
    dir: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, Vec<u8>>,
    limits: &Limits,
    budget: &mut u64,
) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        // symlinks are not followed: a chart is what is inside its folder
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", entry.path().display()))?;
        if kind.is_dir() {
            read_dir(&entry.path(), &format!("{rel}/"), files, limits, budget)?;
        } else if kind.is_file() {
            files.insert(rel, read_file(&entry.path(), limits, budget)?);
        }
    }
    Ok(())
}

/// The files of a chart archive, without the archive's top folder.
fn unpack(bytes: &[u8], limits: &Limits) -> Result<BTreeMap<String, Vec<u8>>, String> {
    use palisade_artifact::layer::{read_layer, EntryKind, Expected};
    let bounds = palisade_artifact::Limits {
        max_file_read: limits.max_file_bytes,
        max_layer_uncompressed: limits.max_total_bytes,
        ..Default::default()
    };
    let mut notes = Vec::new();
    let mut files = BTreeMap::new();
    read_layer(
        bytes,
        &Expected::Nothing,
        &bounds,
        &mut notes,
        "chart archive",
        |entry, reader| {
            if entry.kind != EntryKind::File {
                return Ok(());
            }
            if entry.size > limits.max_file_bytes {
                return Err(format!(
                    "{}: {} bytes is more than a chart file may hold",
                    entry.path, entry.size
                ));
            }
            let Some((_, rel)) = entry.path.split_once('/') else {
                return Ok(());
            };
            let mut content = Vec::new();
            reader
                .read_to_end(&mut content)
                .map_err(|e| format!("{}: {e}", entry.path))?;
            files.insert(rel.to_string(), content);
            Ok(())
        },
    )
    .map_err(|e| format!("chart archive: {e}"))?;
    if let Some(note) = notes.iter().find(|n| n.message.contains("climbs")) {
        return Err(format!(
            "chart archive: entry {} {}",
            note.entry.as_deref().unwrap_or(""),
            note.message
        ));
    }
    Ok(files)
}

fn from_files(
    mut files: BTreeMap<String, Vec<u8>>,
    limits: &Limits,
    depth: usize,
) -> Result<Chart, String> {
    if depth > limits.max_depth {
        return Err(format!(
            "subcharts nested deeper than {} levels",
            limits.max_depth
        ));
    }
    let chart_yaml = files
        .get("Chart.yaml")
        .ok_or_else(|| "Chart.yaml file is missing".to_string())?;
    let metadata: Value = serde_yaml_neo::from_slice(chart_yaml)
        .map_err(|e| format!("cannot load Chart.yaml: {e}"))?;
    let metadata = metadata
        .as_object()
        .cloned()
        .ok_or_else(|| "cannot load Chart.yaml: not a map".to_string())?;
    let values = match files.get("values.yaml") {
        Some(bytes) => {
            let v: Value = serde_yaml_neo::from_slice(bytes)
                .map_err(|e| format!("cannot load values.yaml: {e}"))?;
            match v {
                Value::Null => Map::new(),
                Value::Object(mut m) => {
                    crate::values::drop_nulls(&mut m);
                    m
                }
                _ => return Err("cannot load values.yaml: not a map".to_string()),
            }
        }
        None => Map::new(),
    };
    let mut sub_files: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    let mut dependencies = Vec::new();
    let chart_paths: Vec<String> = files
        .keys()
        .filter(|p| p.starts_with("charts/"))
        .cloned()
        .collect();
    for path in chart_paths {
        let bytes = files.remove(&path).unwrap_or_default();
        let rest = &path["charts/".len()..];
        match rest.split_once('/') {
            Some((dir, inner)) => {
                sub_files
                    .entry(dir.to_string())
                    .or_default()
                    .insert(inner.to_string(), bytes);
            }
            None if rest.ends_with(".tgz") || rest.ends_with(".tar.gz") => {
                let unpacked = unpack(&bytes, limits).map_err(|e| format!("{path}: {e}"))?;
                let sub =
                    from_files(unpacked, limits, depth + 1).map_err(|e| format!("{path}: {e}"))?;
                dependencies.push(sub);
            }
            None => {}
        }
    }
    for (dir, inner) in sub_files {
        if !inner.contains_key("Chart.yaml") {
            continue;
        }
        let sub = from_files(inner, limits, depth + 1).map_err(|e| format!("charts/{dir}: {e}"))?;
        dependencies.push(sub);
    }
    Ok(Chart {
        metadata,
        values,
        files,
        dependencies,
    })
}

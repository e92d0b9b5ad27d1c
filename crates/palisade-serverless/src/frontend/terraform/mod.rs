//! Terraform modules (HCL through `hcl-edit`, which keeps byte spans, and `.tf.json`) into
//! an [`Inventory`](crate::model::Inventory).
//!
//! A module is the set of files of one directory. Expressions are evaluated just far
//! enough for the rules: literals, templates whose parts are known, `var.x` through the
//! variable's default, `local.x`, `jsonencode(...)`, conditionals with a known condition;
//! `aws_iam_role.r.arn` and `data.aws_iam_policy_document.d.json` become references so
//! functions find their roles and policies. Anything else stays unknown.
//!
//! - `eval`: expressions evaluated against variables, locals and references;
//! - `expand`: `count`, `for_each` and `dynamic` blocks expanded into instances;
//! - `modules`: the files of a module parsed and local module calls followed;
//! - `builder`: the evaluated resources turned into the inventory;
//! - `functions`: Lambda, Azure function app and Google Cloud Functions resources;
//! - `policy`: IAM policy documents as statements.

mod builder;
mod eval;
mod expand;
mod functions;
mod modules;
mod policy;

pub use modules::{
    build_module, build_root, module_folder, module_sources, BuiltModule, ModuleFolders,
    ModuleFoldersFn,
};

use hcl_edit::structure::Body;

use crate::value::{Pos, Value, ValueKind};

/// Biggest Terraform file read; larger ones are reported, not parsed.
const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Positions of a module's files share one line space: file `i` starts at line
/// `i * FILE_LINE_SPAN`, so the model keeps plain positions and [`split_line`] recovers the
/// file when findings are reported. A file of at most 8 MiB has fewer lines than the span.
pub const FILE_LINE_SPAN: u32 = 1 << 24;
/// Most files of one module read together (`u32` lines / [`FILE_LINE_SPAN`]).
pub const MAX_MODULE_FILES: usize = 255;

/// The file index and real line of a module-wide line.
pub fn split_line(line: u32) -> (usize, u32) {
    ((line / FILE_LINE_SPAN) as usize, line % FILE_LINE_SPAN)
}

struct LineIndex {
    starts: Vec<usize>,
    base: u32,
}

impl LineIndex {
    fn new(text: &str, file: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            starts,
            base: file as u32 * FILE_LINE_SPAN,
        }
    }

    fn pos(&self, offset: usize) -> Pos {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        Pos {
            line: self.base + line as u32,
            column: (offset - self.starts[line - 1] + 1) as u32,
        }
    }
}

enum Source {
    Hcl { body: Body, lines: LineIndex },
    Json(Value),
}

struct File {
    source: Source,
}

/// A `resource` or `data` block, evaluated.
struct TfResource {
    /// `aws_lambda_function.api` or `data.aws_iam_policy_document.d`.
    address: String,
    rtype: String,
    pos: Pos,
    body: Value,
}

/// The first nested block `key` (HCL blocks are lists; `.tf.json` may write a map).
fn block<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let b = v.get(key)?;
    match &b.kind {
        ValueKind::List(items) => items.first(),
        _ => Some(b),
    }
}

fn blocks<'v>(v: &'v Value, key: &str) -> Vec<&'v Value> {
    v.get(key).map(|b| b.one_or_many()).unwrap_or_default()
}

/// Moves positions of a document parsed from a string to where the string starts.
fn shift(v: &mut Value, base: Pos) {
    v.pos.line = base.line + v.pos.line.saturating_sub(1);
    match &mut v.kind {
        ValueKind::List(items) => items.iter_mut().for_each(|i| shift(i, base)),
        ValueKind::Map(entries) => entries.iter_mut().for_each(|(_, x)| shift(x, base)),
        _ => {}
    }
}

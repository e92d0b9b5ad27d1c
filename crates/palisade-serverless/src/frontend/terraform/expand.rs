//! Expansion of `count`, `for_each` and `dynamic` blocks into the instances and blocks
//! they stand for, within [`MAX_INSTANCES`] each.

use hcl_edit::expr::Expression;
use hcl_edit::Span;

use crate::value::{Pos, Value, ValueKind};

use super::eval::{Ctx, Instance, MAX_DYNAMIC_BLOCKS};
use super::LineIndex;

/// Most instances one `count` / `for_each` / `dynamic` block expands to; more are not read.
const MAX_INSTANCES: usize = 64;

impl<'a> Ctx<'a> {
    /// The blocks a `dynamic "label"` block generates: one per element of a known
    /// `for_each` collection (none for an empty one), or one unknown block when the
    /// collection cannot be known.
    pub(super) fn dynamic(
        &self,
        b: &hcl_edit::structure::Block,
        label: &str,
        lines: &LineIndex,
        pos: Pos,
        depth: usize,
    ) -> Vec<Value> {
        let unknown = || vec![Value::unknown(format!("dynamic \"{label}\" block"), pos)];
        let Some(for_each) = b.body.get_attribute("for_each") else {
            return unknown();
        };
        let Some(content) = b
            .body
            .blocks()
            .find(|c| c.ident.value().as_str() == "content")
        else {
            return unknown();
        };
        let iterator = match b.body.get_attribute("iterator").map(|a| &a.value) {
            Some(Expression::Variable(v)) => v.value().to_string(),
            _ => label.to_string(),
        };
        let collection = self.expr(&for_each.value, lines, depth + 1);
        let Some(items) = elements(&collection) else {
            return unknown();
        };
        let used = self.dynamic_blocks.get() + items.len().min(MAX_INSTANCES);
        if used > MAX_DYNAMIC_BLOCKS {
            return unknown();
        }
        self.dynamic_blocks.set(used);
        let cpos = content.span().map(|s| lines.pos(s.start)).unwrap_or(pos);
        items
            .into_iter()
            .take(MAX_INSTANCES)
            .map(|(k, v)| {
                self.iterators.borrow_mut().push((iterator.clone(), k, v));
                let body = self.body(&content.body, lines, cpos, depth + 1);
                self.iterators.borrow_mut().pop();
                body
            })
            .collect()
    }

    /// The instances of a block with `count` or `for_each` (evaluated outside the block):
    /// none for `count = 0` or an empty collection, one per index or key when those are
    /// known, one with unknown `count.index` / `each` when they are not.
    pub(super) fn instances(&self, count: Option<Value>, for_each: Option<Value>) -> Vec<Instance> {
        if let Some(c) = count {
            return match c.as_i64() {
                Some(n) if n <= 0 => Vec::new(),
                Some(n) => (0..n.min(MAX_INSTANCES as i64))
                    .map(|i| Instance {
                        suffix: format!("[{i}]"),
                        count_index: Some(Value::new(ValueKind::Num(i as f64), c.pos)),
                        each: None,
                    })
                    .collect(),
                None => vec![Instance {
                    suffix: String::new(),
                    count_index: Some(Value::unknown("count.index", c.pos)),
                    each: None,
                }],
            };
        }
        let Some(fe) = for_each else {
            return vec![Instance::default()];
        };
        let keyed = match &fe.kind {
            ValueKind::Map(entries) => Some(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<Vec<_>>(),
            ),
            // A set of strings: each.key and each.value are both the element.
            ValueKind::List(items) => items
                .iter()
                .map(|i| i.as_text().map(|t| (t, i.clone())))
                .collect::<Option<Vec<_>>>(),
            _ => None,
        };
        match keyed {
            Some(pairs) => pairs
                .into_iter()
                .take(MAX_INSTANCES)
                .map(|(k, v)| Instance {
                    suffix: format!("[\"{k}\"]"),
                    count_index: None,
                    each: Some((Value::str(k, v.pos), v)),
                })
                .collect(),
            None => vec![Instance {
                suffix: String::new(),
                count_index: None,
                each: Some((
                    Value::unknown("each.key", fe.pos),
                    Value::unknown("each.value", fe.pos),
                )),
            }],
        }
    }
}

/// Key and value of each element of a known collection (`dynamic` blocks): map entries by
/// key, list elements by index.
fn elements(v: &Value) -> Option<Vec<(Value, Value)>> {
    match &v.kind {
        ValueKind::Map(entries) => Some(
            entries
                .iter()
                .map(|(k, x)| (Value::str(k.clone(), x.pos), x.clone()))
                .collect(),
        ),
        ValueKind::List(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| (Value::new(ValueKind::Num(i as f64), x.pos), x.clone()))
                .collect(),
        ),
        _ => None,
    }
}

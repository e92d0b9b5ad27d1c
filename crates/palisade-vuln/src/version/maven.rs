//! Maven versions, ordered like `org.apache.maven.artifact.versioning.ComparableVersion`
//! (maven-artifact 3.8/3.9).
//!
//! The version splits into a tree of items at `.` (same level) and `-` or a digit/letter
//! transition (a new sub-list). Trailing "null" items (`0`, `""`, `final`, `ga`, `release`)
//! are dropped per level. Qualifiers order `alpha < beta < milestone < rc = cr < snapshot <
//! "" = ga = final = release < sp`, unknown qualifiers after all of them, alphabetically.
//! Every string is a valid Maven version, so there is no fallback.

use std::cmp::Ordering;

use super::numeric::cmp_decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    Int(String),
    Str(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

fn comparable_qualifier(q: &str) -> String {
    match QUALIFIERS.iter().position(|x| *x == q) {
        Some(i) => i.to_string(),
        None => format!("{}-{}", QUALIFIERS.len(), q),
    }
}

fn string_item(s: &str, followed_by_digit: bool) -> Item {
    let s = if followed_by_digit && s.len() == 1 {
        match s {
            "a" => "alpha",
            "b" => "beta",
            "m" => "milestone",
            other => other,
        }
    } else {
        s
    };
    let s = match s {
        "ga" | "final" | "release" => "",
        "cr" => "rc",
        other => other,
    };
    Item::Str(s.to_string())
}

fn parse_item(s: &str, digit: bool) -> Item {
    if digit {
        let t = s.trim_start_matches('0');
        Item::Int(if t.is_empty() { "0".into() } else { t.into() })
    } else {
        string_item(s, false)
    }
}

fn is_null(item: &Item) -> bool {
    match item {
        Item::Int(v) => v == "0",
        Item::Str(s) => s.is_empty(),
        Item::List(l) => l.is_empty(),
    }
}

fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if is_null(&list[i]) {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

/// Builds the item tree. `path` holds the chain of open sub-lists; each new sub-list is
/// appended to the innermost one, as ComparableVersion's stack does.
pub(crate) fn parse(version: &str) -> Item {
    let v = version.trim().to_lowercase();
    let chars: Vec<char> = v.chars().collect();
    // arena of lists; each entry: (items, parent index)
    let mut lists: Vec<Vec<Node>> = vec![Vec::new()];
    let mut cur = 0usize;
    let mut is_digit = false;
    let mut start = 0usize;
    let sub = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    for (i, &c) in chars.iter().enumerate() {
        if c == '.' {
            if i == start {
                lists[cur].push(Node::Leaf(Item::Int("0".into())));
            } else {
                lists[cur].push(Node::Leaf(parse_item(&sub(start, i), is_digit)));
            }
            start = i + 1;
        } else if c == '-' {
            if i == start {
                lists[cur].push(Node::Leaf(Item::Int("0".into())));
            } else {
                lists[cur].push(Node::Leaf(parse_item(&sub(start, i), is_digit)));
            }
            start = i + 1;
            lists.push(Vec::new());
            let new = lists.len() - 1;
            lists[cur].push(Node::Child(new));
            cur = new;
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                // `1.0.0.X1 < 1.0.0-X2`: a qualifier followed by a digit opens a sub-list
                if !lists[cur].is_empty() {
                    lists.push(Vec::new());
                    let new = lists.len() - 1;
                    lists[cur].push(Node::Child(new));
                    cur = new;
                }
                lists[cur].push(Node::Leaf(string_item(&sub(start, i), true)));
                start = i;
                lists.push(Vec::new());
                let new = lists.len() - 1;
                lists[cur].push(Node::Child(new));
                cur = new;
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                lists[cur].push(Node::Leaf(parse_item(&sub(start, i), true)));
                start = i;
                lists.push(Vec::new());
                let new = lists.len() - 1;
                lists[cur].push(Node::Child(new));
                cur = new;
            }
            is_digit = false;
        }
    }
    if chars.len() > start {
        // ComparableVersion 3.8: a trailing `.X` qualifier is treated as `-X`
        if !is_digit && !lists[cur].is_empty() {
            lists.push(Vec::new());
            let new = lists.len() - 1;
            lists[cur].push(Node::Child(new));
            cur = new;
        }
        lists[cur].push(Node::Leaf(parse_item(&sub(start, chars.len()), is_digit)));
    }
    build(&lists, 0)
}

enum Node {
    Leaf(Item),
    Child(usize),
}

/// Materialises list `idx`; children are normalised before their parent, like the
/// stack unwinding at the end of ComparableVersion's parser.
fn build(lists: &[Vec<Node>], idx: usize) -> Item {
    let mut items: Vec<Item> = lists[idx]
        .iter()
        .map(|n| match n {
            Node::Leaf(item) => item.clone(),
            Node::Child(c) => build(lists, *c),
        })
        .collect();
    normalize(&mut items);
    Item::List(items)
}

pub(crate) fn cmp_item(a: &Item, b: Option<&Item>) -> Ordering {
    match (a, b) {
        (Item::Int(v), None) => {
            if v == "0" {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        }
        (Item::Int(x), Some(Item::Int(y))) => cmp_decimal(x, y),
        (Item::Int(_), Some(_)) => Ordering::Greater,
        (Item::Str(s), None) => comparable_qualifier(s).cmp(&"5".to_string()),
        (Item::Str(_), Some(Item::Int(_))) => Ordering::Less,
        (Item::Str(x), Some(Item::Str(y))) => comparable_qualifier(x).cmp(&comparable_qualifier(y)),
        (Item::Str(_), Some(Item::List(_))) => Ordering::Less,
        // MNG-6964: the whole list against nothing, not only its first item
        (Item::List(l), None) => l
            .iter()
            .map(|i| cmp_item(i, None))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal),
        (Item::List(_), Some(Item::Int(_))) => Ordering::Less,
        (Item::List(_), Some(Item::Str(_))) => Ordering::Greater,
        (Item::List(x), Some(Item::List(y))) => {
            let n = x.len().max(y.len());
            for i in 0..n {
                let ord = match (x.get(i), y.get(i)) {
                    (None, None) => Ordering::Equal,
                    (None, Some(r)) => cmp_item(r, None).reverse(),
                    (Some(l), r) => cmp_item(l, r),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            Ordering::Equal
        }
    }
}

pub fn compare(a: &str, b: &str) -> Ordering {
    cmp_item(&parse(a), Some(&parse(b)))
}

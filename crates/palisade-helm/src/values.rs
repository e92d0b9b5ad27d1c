//! Values as Helm computes them: `-f` files and `--set`/`--set-string` merged over the
//! chart's defaults, subchart values scoped under the subchart's name with `global`
//! passed down, and a user's null deleting a key.

use serde_json::{Map, Value};

/// Removes null entries: in a chart's own `values.yaml` a null means "no default".
pub fn drop_nulls(map: &mut Map<String, Value>) {
    map.retain(|_, v| !v.is_null());
    for v in map.values_mut() {
        if let Value::Object(m) = v {
            drop_nulls(m);
        }
    }
}

/// Merges `src` into `dst`, `src` winning (how `-f` files and `--set` stack up).
pub fn merge_into(dst: &mut Map<String, Value>, src: Map<String, Value>) {
    for (k, v) in src {
        match (dst.get_mut(&k), v) {
            (Some(Value::Object(d)), Value::Object(s)) => merge_into(d, s),
            (_, v) => {
                dst.insert(k, v);
            }
        }
    }
}

/// Fills `dst` (what the user gave) with the chart's defaults `src`; a null the user gave
/// deletes the key.
pub fn coalesce(dst: &mut Map<String, Value>, src: &Map<String, Value>) {
    for (k, default) in src {
        match dst.get_mut(k) {
            None => {
                dst.insert(k.clone(), default.clone());
            }
            Some(Value::Object(d)) => {
                if let Value::Object(s) = default {
                    coalesce(d, s);
                }
            }
            Some(_) => {}
        }
    }
    drop_nulls(dst);
}

/// Parses one `--set` (typed) or `--set-string` argument into `into`: `a.b=c`,
/// `a[0]=x`, `a={x,y}`, `a\.b=c`, several pairs separated by commas.
pub fn parse_set(arg: &str, into: &mut Map<String, Value>, as_string: bool) -> Result<(), String> {
    let chars: Vec<char> = arg.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // key up to '='
        let mut path: Vec<Step> = Vec::new();
        let mut key = String::new();
        loop {
            let Some(&c) = chars.get(i) else {
                return Err(format!("key \"{key}\" has no value"));
            };
            i += 1;
            match c {
                '\\' => {
                    if let Some(&n) = chars.get(i) {
                        key.push(n);
                        i += 1;
                    }
                }
                '.' => {
                    if !key.is_empty() {
                        path.push(Step::Key(std::mem::take(&mut key)));
                    }
                }
                '[' => {
                    if !key.is_empty() {
                        path.push(Step::Key(std::mem::take(&mut key)));
                    }
                    let mut digits = String::new();
                    while let Some(&d) = chars.get(i) {
                        i += 1;
                        if d == ']' {
                            break;
                        }
                        digits.push(d);
                    }
                    let n: usize = digits
                        .parse()
                        .map_err(|_| format!("failed to parse index \"{digits}\" in {arg}"))?;
                    if n > 65536 {
                        return Err(format!(
                            "index of {n} is greater than maximum supported index of 65536"
                        ));
                    }
                    path.push(Step::Index(n));
                }
                '=' => break,
                ',' => return Err(format!("key \"{key}\" has no value (cannot end with ,)")),
                c => key.push(c),
            }
        }
        if !key.is_empty() {
            path.push(Step::Key(key));
        }
        if path.is_empty() {
            return Err(format!("key map \"{arg}\" has no value"));
        }
        // value up to ',' (a list `{...}` as a whole)
        let value = if chars.get(i) == Some(&'{') {
            i += 1;
            let mut items = Vec::new();
            let mut cur = String::new();
            loop {
                let Some(&c) = chars.get(i) else {
                    return Err(format!("list in {arg} is not closed"));
                };
                i += 1;
                match c {
                    '\\' => {
                        if let Some(&n) = chars.get(i) {
                            cur.push(n);
                            i += 1;
                        }
                    }
                    ',' => items.push(typed(&std::mem::take(&mut cur), as_string)),
                    '}' => {
                        if !cur.is_empty() || !items.is_empty() {
                            items.push(typed(&cur, as_string));
                        }
                        break;
                    }
                    c => cur.push(c),
                }
            }
            if chars.get(i) == Some(&',') {
                i += 1;
            }
            Value::Array(items)
        } else {
            let mut cur = String::new();
            while let Some(&c) = chars.get(i) {
                i += 1;
                match c {
                    '\\' => {
                        if let Some(&n) = chars.get(i) {
                            cur.push(n);
                            i += 1;
                        }
                    }
                    ',' => break,
                    c => cur.push(c),
                }
            }
            typed(&cur, as_string)
        };
        set_path(into, &path, value);
    }
    Ok(())
}

enum Step {
    Key(String),
    Index(usize),
}

fn typed(s: &str, as_string: bool) -> Value {
    if as_string {
        return Value::String(s.to_string());
    }
    match s {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        // as strvals: an integer is an int64 unless it has a leading zero
        _ if s.len() > 1 && s.starts_with('0') => Value::String(s.to_string()),
        _ => match s.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::String(s.to_string()),
        },
    }
}

fn set_path(map: &mut Map<String, Value>, path: &[Step], value: Value) {
    let Some((Step::Key(first), rest)) = path.split_first() else {
        return;
    };
    let slot = map.entry(first.clone()).or_insert(Value::Null);
    set_value(slot, rest, value);
}

fn set_value(slot: &mut Value, path: &[Step], value: Value) {
    match path.split_first() {
        None => *slot = value,
        Some((Step::Key(k), rest)) => {
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Value::Object(m) = slot {
                set_value(m.entry(k.clone()).or_insert(Value::Null), rest, value);
            }
        }
        Some((Step::Index(n), rest)) => {
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            if let Value::Array(a) = slot {
                while a.len() <= *n {
                    a.push(Value::Null);
                }
                set_value(&mut a[*n], rest, value);
            }
        }
    }
}

/// The value at a dotted path (`a.b.c`), if any.
pub fn lookup<'a>(map: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut cur = map.get(parts.next()?)?;
    for p in parts {
        cur = cur.as_object()?.get(p)?;
    }
    Some(cur)
}

/// Puts `value` at a dotted path, merging into what is there (`.` is the root).
pub fn merge_at(map: &mut Map<String, Value>, path: &str, value: Map<String, Value>) {
    if path.is_empty() || path == "." {
        merge_into(map, value);
        return;
    }
    let mut cur = map;
    for p in path.split('.') {
        let slot = cur
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        cur = match slot {
            Value::Object(m) => m,
            _ => return,
        };
    }
    merge_into(cur, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(arg: &str) -> Value {
        let mut m = Map::new();
        parse_set(arg, &mut m, false).unwrap();
        Value::Object(m)
    }

    #[test]
    fn set_syntax_as_helm_reads_it() {
        assert_eq!(set("a.b=c"), serde_json::json!({"a": {"b": "c"}}));
        assert_eq!(set("a=1,b=true"), serde_json::json!({"a": 1, "b": true}));
        assert_eq!(set("a={x,y}"), serde_json::json!({"a": ["x", "y"]}));
        assert_eq!(set("a[1]=x"), serde_json::json!({"a": [null, "x"]}));
        assert_eq!(set("a\\.b=c"), serde_json::json!({"a.b": "c"}));
        assert_eq!(set("a=007"), serde_json::json!({"a": "007"}));
        assert_eq!(set("a=x\\,y"), serde_json::json!({"a": "x,y"}));
    }

    #[test]
    fn user_null_deletes_a_default() {
        let mut user = serde_json::json!({"a": {"b": null}})
            .as_object()
            .cloned()
            .unwrap();
        let defaults = serde_json::json!({"a": {"b": 1, "c": 2}})
            .as_object()
            .cloned()
            .unwrap();
        coalesce(&mut user, &defaults);
        assert_eq!(Value::Object(user), serde_json::json!({"a": {"c": 2}}));
    }
}

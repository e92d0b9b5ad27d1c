//! [`Json`]: a JSON value in the compact form a large cluster's objects are held in
//! between the API (or a dump) and the scan.
//!
//! `serde_json::Value` keeps each object in a `BTreeMap`, whose smallest node holds room
//! for eleven entries (about 630 bytes even for a map of one key), and each key in its own
//! `String`: 50,000 Kubernetes objects from a 31 MB dump take about 440 MB that way. Here a
//! map is a boxed slice of its entries sorted by key, each key shared with every other
//! occurrence of the same key ([`Json`] is read with an interner of short keys), and each
//! string is boxed without spare capacity: the same objects take a fraction of that.
//!
//! The methods mirror `serde_json::Value`'s (`get`, `pointer`, `as_str`...), and a [`Json`]
//! serializes exactly as the `Value` of the same text does (keys in the same order, the
//! last of repeated keys kept), so a scan of either gives the same findings.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Number;

/// A JSON value (see the module documentation).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Json {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(Box<str>),
    Array(Box<[Json]>),
    Object(JsonMap),
}

/// The entries of a JSON object, sorted by key, each key once.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JsonMap(Box<[(Arc<str>, Json)]>);

impl JsonMap {
    /// The map of `entries`, in any order; of repeated keys the last is kept, as a JSON
    /// parser that fills a map keeps it.
    pub fn from_entries(mut entries: Vec<(Arc<str>, Json)>) -> JsonMap {
        // Stable: among equal keys the last one read stays last.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut unique: Vec<(Arc<str>, Json)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match unique.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => unique.push(entry),
            }
        }
        JsonMap(unique.into_boxed_slice())
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Json> {
        // Most maps of an object are small: a scan comparing lengths first beats the
        // ordered comparisons of a binary search there.
        if self.0.len() <= 8 {
            return self
                .0
                .iter()
                .find(|(k, _)| k.as_ref() == key)
                .map(|(_, v)| v);
        }
        self.0
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// The value of `key`, to change it in place.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        let i = self.0.binary_search_by(|(k, _)| k.as_ref().cmp(key)).ok()?;
        Some(&mut self.0[i].1)
    }

    /// The entries, by key, to build another map from.
    pub fn into_entries(self) -> Vec<(Arc<str>, Json)> {
        self.0.into_vec()
    }

    /// Removes `key` and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Json> {
        let i = self.0.binary_search_by(|(k, _)| k.as_ref().cmp(key)).ok()?;
        let mut entries = std::mem::take(&mut self.0).into_vec();
        let (_, value) = entries.remove(i);
        self.0 = entries.into_boxed_slice();
        Some(value)
    }

    /// The entries, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Json {
    /// The value of `key` of an object; `None` for anything else.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.as_object()?.get(key)
    }

    /// The value at a JSON Pointer (RFC 6901: `/metadata/name`, `/items/0`), as
    /// `serde_json::Value::pointer` finds it.
    pub fn pointer(&self, pointer: &str) -> Option<&Json> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/').try_fold(self, |target, token| {
            // Most tokens hold no escape: no allocation for them.
            let token: std::borrow::Cow<str> = if token.contains('~') {
                token.replace("~1", "/").replace("~0", "~").into()
            } else {
                token.into()
            };
            match target {
                Json::Object(map) => map.get(&token),
                Json::Array(list) => index(&token).and_then(|i| list.get(i)),
                _ => None,
            }
        })
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(list) => Some(list),
            _ => None,
        }
    }

    /// The value of `key` of an object, to change it in place.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self {
            Json::Object(map) => map.get_mut(key),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&JsonMap> {
        match self {
            Json::Object(map) => Some(map),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Json::Array(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// The same value as a `serde_json::Value`.
    pub fn to_value(&self) -> serde_json::Value {
        match self {
            Json::Null => serde_json::Value::Null,
            Json::Bool(b) => serde_json::Value::Bool(*b),
            Json::Number(n) => serde_json::Value::Number(n.clone()),
            Json::String(s) => serde_json::Value::String(s.to_string()),
            Json::Array(list) => {
                serde_json::Value::Array(list.iter().map(Json::to_value).collect())
            }
            Json::Object(map) => serde_json::Value::Object(
                map.iter()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
        }
    }
}

/// An array index of a JSON Pointer: digits, no sign, no leading zero.
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// Keys longer than this are not shared (they are rarely repeated: data keys, long
/// annotations).
const MAX_SHARED_KEY: usize = 64;
/// How many distinct keys a thread shares at most; later keys are allocated each time, so
/// input made of endless distinct keys cannot grow the table without bound.
const MAX_SHARED_KEYS: usize = 1 << 16;

thread_local! {
    static KEYS: RefCell<HashSet<Arc<str>>> = RefCell::new(HashSet::new());
}

/// `key`, shared with the earlier occurrences of the same key when it is short.
fn shared_key(key: &str) -> Arc<str> {
    if key.len() > MAX_SHARED_KEY {
        return Arc::from(key);
    }
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if let Some(shared) = keys.get(key) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(key);
        if keys.len() < MAX_SHARED_KEYS {
            keys.insert(shared.clone());
        }
        shared
    })
}

impl From<&serde_json::Value> for Json {
    fn from(value: &serde_json::Value) -> Json {
        match value {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(*b),
            serde_json::Value::Number(n) => Json::Number(n.clone()),
            serde_json::Value::String(s) => Json::String(s.as_str().into()),
            serde_json::Value::Array(list) => Json::Array(list.iter().map(Json::from).collect()),
            // A Value's map holds each key once already; from_entries only sorts.
            serde_json::Value::Object(map) => Json::Object(JsonMap::from_entries(
                map.iter()
                    .map(|(k, v)| (shared_key(k), Json::from(v)))
                    .collect(),
            )),
        }
    }
}

impl From<serde_json::Value> for Json {
    fn from(value: serde_json::Value) -> Json {
        Json::from(&value)
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => serializer.serialize_unit(),
            Json::Bool(b) => serializer.serialize_bool(*b),
            Json::Number(n) => n.serialize(serializer),
            Json::String(s) => serializer.serialize_str(s),
            Json::Array(list) => {
                let mut seq = serializer.serialize_seq(Some(list.len()))?;
                for item in list.iter() {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(map) => {
                let mut out = serializer.serialize_map(Some(map.len()))?;
                for (key, value) in map.iter() {
                    out.serialize_entry(key, value)?;
                }
                out.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Json, E> {
        // As serde_json::Value reads it: a number JSON cannot hold is null.
        Ok(Number::from_f64(n).map_or(Json::Null, Json::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(s.into()))
    }

    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::String(s.into_boxed_str()))
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        Json::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element::<Json>()? {
            list.push(item);
        }
        Ok(Json::Array(list.into_boxed_slice()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some(key) = map.next_key::<KeyText>()? {
            let value = map.next_value::<Json>()?;
            entries.push((shared_key(&key.0), value));
        }
        Ok(Json::Object(JsonMap::from_entries(entries)))
    }
}

/// A map key as read (borrowed from the input when it can be).
struct KeyText<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for KeyText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<KeyText<'de>, E> {
                Ok(KeyText(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<KeyText<'de>, E> {
                Ok(KeyText(std::borrow::Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<KeyText<'de>, E> {
                Ok(KeyText(std::borrow::Cow::Owned(s)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJECT: &str = r#"{"kind":"Pod","metadata":{"name":"web","labels":{"b":"2","a":"1"},
        "annotations":{"x/y":"z"}},"spec":{"containers":[{"name":"app","image":"nginx",
        "ports":[{"containerPort":8080}],"securityContext":{"privileged":true}}],
        "n":-3,"f":1.5,"nothing":null,"a":"first","a":"second"}}"#;

    #[test]
    fn it_reads_and_writes_like_serde_json_value() {
        let value: serde_json::Value = serde_json::from_str(OBJECT).unwrap();
        let json: Json = serde_json::from_str(OBJECT).unwrap();
        assert_eq!(
            serde_json::to_string_pretty(&json).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
        assert_eq!(json.to_value(), value);
        assert_eq!(Json::from(&value), json);
    }

    #[test]
    fn lookups_answer_as_serde_json_value_does() {
        let value: serde_json::Value = serde_json::from_str(OBJECT).unwrap();
        let json: Json = serde_json::from_str(OBJECT).unwrap();
        for pointer in [
            "",
            "/kind",
            "/metadata/labels/a",
            "/metadata/annotations/x~1y",
            "/spec/containers/0/ports/0/containerPort",
            "/spec/containers/00",
            "/spec/containers/+0",
            "/spec/a",
            "/spec/n",
            "/spec/f",
            "/spec/nothing",
            "/missing/deeper",
            "kind",
        ] {
            assert_eq!(
                json.pointer(pointer).map(Json::to_value).as_ref(),
                value.pointer(pointer),
                "{pointer}"
            );
        }
        assert_eq!(json.get("kind").and_then(Json::as_str), Some("Pod"));
        assert_eq!(json.pointer("/spec/n").and_then(Json::as_i64), Some(-3));
        assert_eq!(
            json.pointer("/spec/containers/0/securityContext/privileged")
                .and_then(Json::as_bool),
            Some(true)
        );
    }

    #[test]
    fn repeated_keys_are_stored_once() {
        let json: Json = serde_json::from_str(r#"[{"name":"a"},{"name":"b"}]"#).unwrap();
        let keys: Vec<&Arc<str>> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|o| &o.as_object().unwrap().0[0].0)
            .collect();
        assert!(Arc::ptr_eq(keys[0], keys[1]));
    }

    #[test]
    fn nesting_past_the_parser_limit_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(serde_json::from_str::<Json>(&deep).is_err());
    }

    #[test]
    fn an_entry_can_be_taken_out() {
        let mut json: Json = serde_json::from_str(r#"{"kind":"List","items":[1,2]}"#).unwrap();
        let Json::Object(map) = &mut json else {
            panic!("an object")
        };
        assert_eq!(map.remove("items").unwrap().as_array().unwrap().len(), 2);
        assert_eq!(map.len(), 1);
        assert!(map.remove("items").is_none());
    }
}

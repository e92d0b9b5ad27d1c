//! The objects the server holds and their history: each change gets the next
//! `resourceVersion` and is kept as an event for watches until compacted.

use serde_json::{json, Value};

/// One change, as a watch replays it.
pub(super) struct Event {
    pub(super) version: u64,
    /// `plural.group` ([`super::discovery::qualified`]).
    pub(super) resource: String,
    pub(super) kind: &'static str,
    pub(super) object: Value,
}

/// The objects and their history.
pub(super) struct Store {
    /// Each object with its resource, `plural.group` ([`super::discovery::qualified`]).
    pub(super) objects: Vec<(String, Value)>,
    pub(super) version: u64,
    pub(super) events: Vec<Event>,
    /// Versions below this are no longer in the history: a watch from one is 410 Gone.
    pub(super) oldest: u64,
    pub(super) uids: u64,
}

pub(super) fn name_of(object: &Value) -> (Option<&str>, &str) {
    (
        object["metadata"]["namespace"].as_str(),
        object["metadata"]["name"].as_str().unwrap_or(""),
    )
}

impl Store {
    /// Creates or replaces the object of `resource` (`plural.group`) with the name and namespace of `object`;
    /// the stored object (with its new version) and whether it was created.
    pub(super) fn put(&mut self, resource: &str, mut object: Value) -> (Value, bool) {
        self.version += 1;
        let version = self.version;
        let (ns, name) = name_of(&object);
        let (ns, name) = (ns.map(str::to_string), name.to_string());
        let at = self
            .objects
            .iter()
            .position(|(p, o)| p == resource && name_of(o) == (ns.as_deref(), name.as_str()));
        let metadata = &mut object["metadata"];
        metadata["resourceVersion"] = json!(version.to_string());
        if let Some(at) = at {
            let old = &self.objects[at].1["metadata"];
            for kept in ["uid", "creationTimestamp"] {
                if !old[kept].is_null() {
                    metadata[kept] = old[kept].clone();
                }
            }
        }
        if metadata["uid"].is_null() {
            self.uids += 1;
            metadata["uid"] = json!(format!("uid-{}", self.uids));
        }
        let kind = if at.is_some() { "MODIFIED" } else { "ADDED" };
        self.events.push(Event {
            version,
            resource: resource.to_string(),
            kind,
            object: object.clone(),
        });
        match at {
            Some(at) => self.objects[at].1 = object.clone(),
            None => self.objects.push((resource.to_string(), object.clone())),
        }
        (object, at.is_none())
    }

    pub(super) fn remove(
        &mut self,
        resource: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Value> {
        let at = self
            .objects
            .iter()
            .position(|(p, o)| p == resource && name_of(o) == (namespace, name))?;
        let (_, mut object) = self.objects.remove(at);
        self.version += 1;
        object["metadata"]["resourceVersion"] = json!(self.version.to_string());
        self.events.push(Event {
            version: self.version,
            resource: resource.to_string(),
            kind: "DELETED",
            object: object.clone(),
        });
        Some(object)
    }
}

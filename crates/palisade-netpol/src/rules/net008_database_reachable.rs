use palisade_core::{declare_rule, Finding, Location};

use crate::engine::{Endpoint, Engine};

declare_rule! {
    /// ## What it checks
    /// Workloads listening on a database-like port (PostgreSQL 5432, MySQL 3306, Redis 6379,
    /// MongoDB 27017, Elasticsearch 9200/9300, Cassandra 9042, CouchDB 5984, Memcached 11211,
    /// SQL Server 1433, Oracle 1521, CockroachDB 26257, InfluxDB 8086) that pods of another
    /// namespace, or the internet, can reach on that port under the scanned policies.
    /// ## Why it matters
    /// Data stores are the target; they should answer their own application only. Reachable
    /// from other namespaces, they are one compromised pod away from a breach, and many run
    /// without authentication inside clusters.
    /// ## Fix
    /// Select the database pods with an ingress policy that allows the port only from the
    /// application's pods (and, if needed, a named namespace of operators).
    /// ## References
    /// - https://kubernetes.io/docs/concepts/services-networking/network-policies/
    pub static RULE = {
        id: "NET008", practice: Net, severity: High,
        title: "Database port reachable from other namespaces",
    };
}

const DATABASE_PORTS: &[(u16, &str)] = &[
    (5432, "PostgreSQL"),
    (3306, "MySQL"),
    (6379, "Redis"),
    (27017, "MongoDB"),
    (9200, "Elasticsearch"),
    (9300, "Elasticsearch"),
    (9042, "Cassandra"),
    (5984, "CouchDB"),
    (11211, "Memcached"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (26257, "CockroachDB"),
    (8086, "InfluxDB"),
];

/// Whether `port` is one of the data stores' ports this rule judges: a workload serving
/// none of them cannot be a reachable database, whoever may reach it.
pub fn is_database_port(port: u16) -> bool {
    DATABASE_PORTS.iter().any(|(p, _)| *p == port)
}

pub fn check(e: &Engine, out: &mut Vec<Finding>) {
    // Sources from other namespaces: one "any pod" endpoint per namespace covers the pods
    // that no specific policy names; real pod groups cover the ones that are named.
    for (wi, w) in e.model.workloads.iter().enumerate() {
        let dst = e.workload_group[wi];
        for cp in &w.ports {
            let Some((_, db)) = DATABASE_PORTS.iter().find(|(p, _)| *p == cp.port) else {
                continue;
            };
            let mut from: Vec<String> = Vec::new();
            for (s, ep) in e.endpoints.iter().enumerate() {
                let foreign = match ep {
                    Endpoint::Internet => true,
                    _ => ep.namespace() != Some(w.namespace.as_str()),
                };
                if foreign && e.allowed(s, dst).contains(cp.protocol, cp.port) {
                    from.push(ep.label());
                }
            }
            if from.is_empty() {
                continue;
            }
            let total = from.len();
            from.truncate(4);
            let more = if total > 4 {
                format!(" and {} more", total - 4)
            } else {
                String::new()
            };
            let location = match cp.source {
                Some((line, column)) => Location::at(w.source.path.as_ref(), line, column)
                    .with_resource(w.resource_id()),
                None => w.source.location(&w.resource_id()),
            };
            out.push(Finding::new(
                &RULE,
                format!(
                    "{} serves {db} on port {} and is reachable from {}{more}",
                    w.resource_id(),
                    cp.port,
                    from.join(", ")
                ),
                location,
            ));
        }
    }
}

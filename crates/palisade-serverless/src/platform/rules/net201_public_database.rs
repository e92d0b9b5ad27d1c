//! NET201 — database, warehouse or broker reachable from the internet.

use palisade_core::Finding;

use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A managed database given a public endpoint: `publicly_accessible = true` /
    /// `PubliclyAccessible: true` on RDS and Neptune instances, Redshift clusters, DMS
    /// replication instances and Amazon MQ brokers; a Cloud SQL instance whose
    /// `authorized_networks` include `0.0.0.0/0`; an Azure SQL, PostgreSQL or MySQL
    /// firewall rule from `0.0.0.0` to `255.255.255.255`. The provider defaults (private)
    /// are not reported, nor values that cannot be evaluated.
    /// ## Why it matters
    /// A database endpoint on the internet is one leaked or guessed password away from a
    /// breach, and is exposed to every pre-authentication vulnerability of the engine.
    /// ## Fix
    /// Keep databases in private subnets (`publicly_accessible = false`), connect through
    /// the application's network, a bastion or a private endpoint, and allow only the
    /// address ranges that need access.
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html
    /// - https://cloud.google.com/sql/docs/mysql/authorize-networks
    /// - https://learn.microsoft.com/azure/azure-sql/database/firewall-configure
    pub static RULE = {
        id: "NET201", practice: Net, severity: High, title: "Database reachable from the internet",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for db in &ctx.platform().databases {
        if let Some(true) = db.publicly_accessible.value() {
            out.push(ctx.finding(
                &RULE,
                format!("{} has a public endpoint (publicly accessible)", db.kind),
                db.publicly_accessible.pos().unwrap_or(db.pos),
                &db.resource,
            ));
        }
        for n in &db.open_networks {
            out.push(ctx.finding(
                &RULE,
                format!("{} admits connections from {}", db.kind, n.value),
                n.pos,
                &db.resource,
            ));
        }
    }
}

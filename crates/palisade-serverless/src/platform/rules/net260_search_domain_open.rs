//! NET260 — search domain with a public endpoint open to anyone.

use palisade_core::{Finding, Severity};

use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An OpenSearch or Elasticsearch domain (`aws_opensearch_domain`,
    /// `aws_elasticsearch_domain`, `AWS::OpenSearchService::Domain`,
    /// `AWS::Elasticsearch::Domain`) outside any VPC (no `vpc_options` / `VPCOptions`, so its
    /// endpoint is on the internet) whose access policy (`access_policies`,
    /// `aws_opensearch_domain_policy` / `aws_elasticsearch_domain_policy` naming it,
    /// `AccessPolicies`) allows `Principal: *` without a `Condition`. Critical when anyone
    /// may write (`es:*`, `es:ESHttpPut`, `es:ESHttpPost`, `es:ESHttpDelete`...), high for
    /// reads. Domains inside a VPC are reachable only through its security groups and are not
    /// reported; policies that cannot be evaluated, or that name a domain outside the
    /// module, are not judged.
    /// ## Why it matters
    /// Open search clusters are among the most common sources of mass data leaks: anyone who
    /// finds the endpoint can read every index (logs, user records, what functions indexed)
    /// and, with write access, delete it or hold it for ransom.
    /// ## Fix
    /// Put the domain in a VPC (`vpc_options { subnet_ids, security_group_ids }`), or name
    /// the IAM roles that may call it, or narrow the statement with an `aws:SourceIp`
    /// condition; turn on fine-grained access control.
    /// ## References
    /// - https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ac.html
    /// - https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html
    pub static RULE = {
        id: "NET260", practice: Net, severity: High, title: "Search domain open to anyone",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for g in &ctx.platform().search_grants {
        let (severity, verb) = if g.write {
            (Severity::Critical, "writable")
        } else {
            (Severity::High, "readable")
        };
        out.push(ctx.finding_sev(
            &RULE,
            severity,
            format!(
                "{} outside a VPC is {verb} by anyone: {}",
                g.target, g.grant
            ),
            g.pos,
            &g.resource,
        ));
    }
}

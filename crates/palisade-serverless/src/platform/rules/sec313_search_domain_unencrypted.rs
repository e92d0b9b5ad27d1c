//! SEC313 — search domain data not encrypted at rest or between nodes.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// An OpenSearch or Elasticsearch domain (`aws_opensearch_domain`,
    /// `aws_elasticsearch_domain`, `AWS::OpenSearchService::Domain`,
    /// `AWS::Elasticsearch::Domain`) without encryption at rest (`encrypt_at_rest`,
    /// `EncryptionAtRestOptions` off or unwritten), and a domain of more than one node (an
    /// `instance_count` above one, or dedicated masters) without node-to-node encryption
    /// (`node_to_node_encryption`, `NodeToNodeEncryptionOptions` off or unwritten). A
    /// single-node domain exchanges no data between nodes. Values that cannot be evaluated
    /// are not judged.
    /// ## Why it matters
    /// Indices, snapshots and swap hold every document the domain serves; unencrypted they
    /// can be read from storage outside the service's access control. Between nodes, shards
    /// and queries travel in clear inside the VPC.
    /// ## Fix
    /// Set `encrypt_at_rest { enabled = true }` (with `kms_key_id` for a customer key) and
    /// `node_to_node_encryption { enabled = true }`. Both need a recent engine version and,
    /// on older domains, a blue/green update.
    /// ## References
    /// - https://docs.aws.amazon.com/opensearch-service/latest/developerguide/encryption-at-rest.html
    /// - https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ntn.html
    pub static RULE = {
        id: "SEC313", practice: Sec, severity: Medium, title: "Search domain not encrypted at rest or between nodes",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for d in &ctx.platform().search_domains {
        if let Attr::Set(false, pos) = d.encrypted_at_rest {
            out.push(ctx.finding(
                &RULE,
                format!("{} does not encrypt its data at rest", d.kind),
                pos,
                &d.resource,
            ));
        }
        if let (Attr::Set(false, pos), Attr::Set(true, _)) = (&d.node_to_node, &d.multi_node) {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "{} sends data between its nodes unencrypted (node-to-node encryption off)",
                    d.kind
                ),
                *pos,
                &d.resource,
            ));
        }
    }
}

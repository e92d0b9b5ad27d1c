//! NET210 — bucket or container readable or writable by anyone.

use palisade_core::{Finding, Severity};

use crate::model::Attr;
use crate::platform::{GrantVia, PublicGrant};
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A grant to everyone on object storage: an S3 canned ACL `public-read`,
    /// `public-read-write` or `authenticated-read` (`AccessControl: PublicRead`...), an S3
    /// ACL grant to the `AllUsers` / `AuthenticatedUsers` groups, an S3 bucket policy
    /// statement allowing `Principal: "*"` without a `Condition`; a Cloud Storage IAM member,
    /// binding or ACL entry for `allUsers` or `allAuthenticatedUsers`; an Azure storage
    /// container with `container_access_type` `blob` or `container` (unless its account sets
    /// `allow_nested_items_to_be_public = false`). S3 ACL grants are not reported when the
    /// bucket's public access block ignores public ACLs, nor policies when it restricts
    /// public buckets. Critical when anyone may write, high otherwise.
    /// ## Why it matters
    /// Public buckets are the most common cloud data leak; a writable one also lets anyone
    /// replace the files functions and deployments read, or fill it at the owner's cost.
    /// `AuthenticatedUsers` and `allAuthenticatedUsers` mean any account of the provider,
    /// not your organisation's.
    /// ## Fix
    /// Remove the public grant; serve public content through a CDN with an origin access
    /// identity or signed URLs, and grant access to named principals only.
    /// ## References
    /// - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    /// - https://cloud.google.com/storage/docs/access-control/making-data-public
    /// - https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent
    pub static RULE = {
        id: "NET210", practice: Net, severity: High, title: "Bucket readable or writable by anyone",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let platform = ctx.platform();
    for g in &platform.public_grants {
        if neutralised(g, platform) {
            continue;
        }
        let (sev, access) = if g.write {
            (Severity::Critical, "writable")
        } else {
            (Severity::High, "readable")
        };
        out.push(ctx.finding_sev(
            &RULE,
            sev,
            format!("{} is {access} by anyone: {}", g.target, g.grant),
            g.pos,
            &g.resource,
        ));
    }
}

/// The bucket's public access block makes the grant ineffective.
fn neutralised(g: &PublicGrant, platform: &crate::platform::Platform) -> bool {
    let Some(key) = &g.bucket else { return false };
    let Some(bucket) = platform.s3_buckets.iter().find(|b| &b.key == key) else {
        return false;
    };
    let Attr::Set(block, _) = &bucket.public_access_block else {
        return false;
    };
    let on = |name: &str| {
        block
            .switches
            .iter()
            .any(|(n, v)| *n == name && v.value() == Some(&true))
    };
    match g.via {
        GrantVia::Acl => on("ignore_public_acls"),
        GrantVia::Policy => on("restrict_public_buckets"),
        GrantVia::Iam => false,
    }
}

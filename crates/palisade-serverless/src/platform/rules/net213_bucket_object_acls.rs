//! NET213 — Cloud Storage bucket whose objects can carry their own ACLs.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A Google Cloud Storage bucket (`google_storage_bucket`) without uniform
    /// bucket-level access: `uniform_bucket_level_access` is `false` or unwritten (the
    /// provider's default is off). Values that cannot be evaluated are not judged.
    /// ## Why it matters
    /// With fine-grained access, every object can carry its own ACL, and any writer can
    /// make one object readable by `allUsers`. The bucket's IAM policy, which reviews and
    /// NET210 look at, then no longer says who can read the data; a function that writes
    /// its output there can publish it by accident.
    /// ## Fix
    /// `uniform_bucket_level_access = true` (or the organization policy
    /// `storage.uniformBucketLevelAccess`), and grant access with bucket IAM bindings.
    /// ## References
    /// - https://cloud.google.com/storage/docs/uniform-bucket-level-access
    pub static RULE = {
        id: "NET213", practice: Net, severity: Medium, title: "Cloud Storage bucket allows per-object ACLs",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for (resource, uniform) in &ctx.platform().uniform_access {
        if let Attr::Set(false, pos) = uniform {
            out.push(
                ctx.finding(
                    &RULE,
                    "bucket has no uniform bucket-level access: each object can carry an ACL that \
                 makes it public, whatever the bucket's IAM policy says"
                        .to_string(),
                    *pos,
                    resource,
                ),
            );
        }
    }
}

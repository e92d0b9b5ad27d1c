//! SEC315 — DynamoDB table without point-in-time recovery.

use palisade_core::Finding;

use crate::model::Attr;
use crate::rules::Context;

palisade_core::declare_rule! {
    /// ## What it checks
    /// A DynamoDB table (`aws_dynamodb_table`, `AWS::DynamoDB::Table`) without
    /// point-in-time recovery (`point_in_time_recovery { enabled = true }`,
    /// `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled`, off or unwritten), and
    /// a global table (`AWS::DynamoDB::GlobalTable`) with a replica that has it off. SAM's
    /// `SimpleTable` has no such setting and is not judged; neither are values that cannot
    /// be evaluated.
    /// ## Why it matters
    /// A function with write access — or a stolen set of its credentials — can overwrite or
    /// delete every item. Without continuous backups the data is gone, and so is the record
    /// of what it was before the incident.
    /// ## Fix
    /// `point_in_time_recovery { enabled = true }` (or
    /// `PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}` on the table
    /// and on each replica of a global table).
    /// ## References
    /// - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html
    pub static RULE = {
        id: "SEC315", practice: Sec, severity: Low, title: "DynamoDB table without point-in-time recovery",
    };
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for t in &ctx.platform().tables {
        if let Attr::Set(false, pos) = t.point_in_time_recovery {
            out.push(ctx.finding(
                &RULE,
                format!(
                    "{} has point-in-time recovery off: deleted or overwritten items cannot be restored",
                    t.kind
                ),
                pos,
                &t.resource,
            ));
        }
    }
}

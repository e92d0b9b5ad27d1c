//! VPCs and the flow logs of the same Terraform module or CloudFormation template that
//! record their traffic.

use super::model::*;
use super::SourceResource;
use crate::model::Attr;
use crate::value::{Value, ValueKind};

pub(super) const TERRAFORM_TYPES: &[&str] = &["aws_vpc", "aws_flow_log"];

pub(super) const CFN_TYPES: &[&str] = &["AWS::EC2::VPC", "AWS::EC2::FlowLog"];

/// What the flow logs of a template name.
#[derive(Default)]
struct Covered<'a> {
    vpcs: Vec<&'a str>,
    /// A flow log names a VPC Palisade cannot resolve (a variable, a parameter): any VPC
    /// may be the one it records, so a missing flow log is not judged.
    unresolved: bool,
}

impl<'a> Covered<'a> {
    fn add(&mut self, v: &'a Value) {
        match &v.kind {
            ValueKind::Ref { target, .. } => self.vpcs.push(target),
            // A literal id names a VPC that exists outside the template.
            ValueKind::Str(_) => {}
            _ => self.unresolved = true,
        }
    }

    fn flow_logged(&self, key: &str, r: &SourceResource) -> Attr<bool> {
        if self.vpcs.contains(&key) {
            Attr::Set(true, r.pos)
        } else if self.unresolved {
            Attr::Unknown(r.pos)
        } else {
            Attr::Set(false, r.pos)
        }
    }
}

pub(super) fn terraform(resources: &[SourceResource], p: &mut Platform) {
    let mut covered = Covered::default();
    for r in resources.iter().filter(|r| r.rtype == "aws_flow_log") {
        if let Some(v) = r.body.get("vpc_id") {
            covered.add(v);
        }
    }
    for r in resources.iter().filter(|r| r.rtype == "aws_vpc") {
        p.vpcs.push(Vpc {
            resource: r.id.clone(),
            pos: r.pos,
            flow_logged: covered.flow_logged(r.key, r),
        });
    }
}

pub(super) fn cfn(resources: &[SourceResource], p: &mut Platform) {
    let mut covered = Covered::default();
    for r in resources.iter().filter(|r| r.rtype == "AWS::EC2::FlowLog") {
        let kind = r.body.get("ResourceType");
        match kind.and_then(Value::as_str) {
            Some("VPC") => {}
            // Subnet and interface flow logs record part of a VPC only.
            Some(_) => continue,
            None => {
                covered.unresolved = true;
                continue;
            }
        }
        if let Some(v) = r.body.get("ResourceId") {
            covered.add(v);
        }
    }
    for r in resources.iter().filter(|r| r.rtype == "AWS::EC2::VPC") {
        p.vpcs.push(Vpc {
            resource: r.id.clone(),
            pos: r.pos,
            flow_logged: covered.flow_logged(r.key, r),
        });
    }
}

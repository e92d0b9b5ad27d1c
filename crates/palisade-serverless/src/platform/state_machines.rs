//! Step Functions state machines, which orchestrate functions: whether their executions
//! are logged and traced.

use super::model::*;
use super::{attr_str, blocks, section_switch, SourceResource};
use crate::model::Attr;
use crate::value::{Pos, Value};

pub(super) const TERRAFORM_TYPES: &[&str] = &["aws_sfn_state_machine"];

pub(super) const CFN_TYPES: &[&str] = &[
    "AWS::StepFunctions::StateMachine",
    "AWS::Serverless::StateMachine",
];

pub(super) fn terraform(r: &SourceResource, p: &mut Platform) {
    if r.rtype != "aws_sfn_state_machine" {
        return;
    }
    let b = r.body;
    p.state_machines.push(StateMachine {
        resource: r.id.clone(),
        pos: r.pos,
        express: express(b.get("type")),
        log_level: level(
            blocks(b, "logging_configuration").first().copied(),
            "level",
            r.pos,
        ),
        tracing: section_switch(
            blocks(b, "tracing_configuration").first().copied(),
            "enabled",
            r.pos,
        ),
    });
}

pub(super) fn cfn(r: &SourceResource, p: &mut Platform) {
    let b = r.body;
    let (logging, tracing, kind) = match r.rtype {
        "AWS::StepFunctions::StateMachine" => (
            "LoggingConfiguration",
            "TracingConfiguration",
            "StateMachineType",
        ),
        "AWS::Serverless::StateMachine" => ("Logging", "Tracing", "Type"),
        _ => return,
    };
    p.state_machines.push(StateMachine {
        resource: r.id.clone(),
        pos: r.pos,
        express: express(b.get(kind)),
        log_level: level(b.get(logging), "Level", r.pos),
        tracing: section_switch(b.get(tracing), "Enabled", r.pos),
    });
}

/// `EXPRESS` or `STANDARD` (the default).
fn express(v: Option<&Value>) -> Attr<bool> {
    match attr_str(v) {
        Attr::Set(s, pos) => Attr::Set(s.eq_ignore_ascii_case("EXPRESS"), pos),
        Attr::Unset => Attr::Set(false, Pos::default()),
        Attr::Unknown(pos) => Attr::Unknown(pos),
    }
}

/// The logging level upper-cased; `OFF` when the section or its level is unwritten.
fn level(section: Option<&Value>, key: &str, fallback: Pos) -> Attr<String> {
    let Some(s) = section else {
        return Attr::Set("OFF".to_string(), fallback);
    };
    if s.is_unknown() {
        return Attr::Unknown(s.pos);
    }
    match attr_str(s.get(key)) {
        Attr::Set(l, pos) => Attr::Set(l.to_ascii_uppercase(), pos),
        Attr::Unset => Attr::Set("OFF".to_string(), s.pos),
        Attr::Unknown(pos) => Attr::Unknown(pos),
    }
}

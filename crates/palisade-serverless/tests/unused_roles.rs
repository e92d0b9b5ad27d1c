//! FN010: a deployed role's use (what `palisade cloud aws` reads from IAM) with the
//! permissions its template gives it. The template stands in for the live role here; the
//! cloud aws tests read the same data from moto.

use palisade_serverless::model::RoleUsage;
use palisade_serverless::value::Pos;
use palisade_serverless::{check, scan_template, Inventory, ServerlessSettings};

const DAY: i64 = 86_400;
/// 2026-12-01T00:00:00Z.
const NOW: i64 = 1_796_083_200;

fn template(statement: &str) -> Inventory {
    let text = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\n\
         Resources:\n\
         \x20 Role:\n\
         \x20   Type: AWS::IAM::Role\n\
         \x20   Properties:\n\
         \x20     Policies:\n\
         \x20       - PolicyName: p\n\
         \x20         PolicyDocument:\n\
         \x20           Statement: [{statement}]\n\
         \x20 Fn:\n\
         \x20   Type: AWS::Lambda::Function\n\
         \x20   Properties: {{Runtime: python3.13, Handler: i.h, Role: !GetAtt Role.Arn}}\n"
    );
    let scan = scan_template("t.yaml", &text, &ServerlessSettings::default());
    scan.inventories.into_iter().next().expect("an inventory")
}

fn fn010(inv: &Inventory, settings: &ServerlessSettings) -> Vec<String> {
    check(inv, settings)
        .into_iter()
        .filter(|f| f.rule_id == "FN010")
        .map(|f| f.message)
        .collect()
}

fn used(inv: &mut Inventory, created_days_ago: i64, last_used_days_ago: Option<i64>) {
    inv.roles[0].usage = Some(RoleUsage {
        created: NOW - created_days_ago * DAY,
        last_used: last_used_days_ago.map(|d| NOW - d * DAY),
        observed: NOW,
        pos: Pos { line: 1, column: 1 },
    });
}

#[test]
fn a_broad_role_idle_for_months_is_reported_with_its_last_use() {
    let mut inv = template("{Effect: Allow, Action: '*', Resource: '*'}");
    used(&mut inv, 400, Some(120));
    let found = fn010(&inv, &ServerlessSettings::default());
    assert_eq!(
        found,
        ["role Role of function Fn has not been used for 120 days (last used 2026-08-03) but holds broad permissions (FN001)"]
    );
    used(&mut inv, 100, None);
    let found = fn010(&inv, &ServerlessSettings::default());
    assert_eq!(found.len(), 1);
    assert!(
        found[0].contains("100 days (never used since its creation on 2026-08-23)"),
        "{found:?}"
    );
}

#[test]
fn recent_use_narrow_grants_and_templates_are_not_reported() {
    let mut inv = template("{Effect: Allow, Action: '*', Resource: '*'}");
    // No use data: a template.
    assert!(fn010(&inv, &ServerlessSettings::default()).is_empty());
    // Used last week; created a month ago and never used.
    used(&mut inv, 400, Some(7));
    assert!(fn010(&inv, &ServerlessSettings::default()).is_empty());
    used(&mut inv, 30, None);
    assert!(fn010(&inv, &ServerlessSettings::default()).is_empty());
    // The threshold is a setting.
    let strict = ServerlessSettings {
        unused_role_days: 7,
        ..ServerlessSettings::default()
    };
    assert_eq!(fn010(&inv, &strict).len(), 1);
    // Idle but narrow: nothing broad to take away.
    let mut narrow = template(
        "{Effect: Allow, Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:eu-west-1:1:table/t'}",
    );
    used(&mut narrow, 400, None);
    assert!(fn010(&narrow, &ServerlessSettings::default()).is_empty());
}

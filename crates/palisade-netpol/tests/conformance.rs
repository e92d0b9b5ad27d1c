//! Conformance over the labelled NetworkPolicy fixtures of the corpus. KICS
//! `network_policy_is_not_targeting_any_pod` maps to NET009; the other labelled network
//! fixtures are listed as unmapped in `crates/palisade-rbac/CONFORMANCE.md`.

use crate::common;

use std::collections::BTreeSet;
use std::fs;

#[test]
fn net009_agrees_with_kics_network_policy_is_not_targeting_any_pod() {
    let Some(dir) =
        palisade_testkit::corpus("misconfig-kics/k8s/network_policy_is_not_targeting_any_pod/test")
    else {
        return;
    };
    let expected: Vec<serde_json::Value> = serde_json::from_str(
        &fs::read_to_string(dir.join("positive_expected_result.json")).unwrap(),
    )
    .unwrap();
    for (file, positive) in [("positive.yaml", true), ("negative.yaml", false)] {
        let text = fs::read_to_string(dir.join(file)).unwrap();
        let objects = common::objects(file, &text);
        let refs: Vec<_> = objects.iter().collect();
        let object_at = |line: u32| {
            objects
                .iter()
                .filter(|o| o.start_line <= line)
                .max_by_key(|o| o.start_line)
                .map(|o| o.resource_id())
        };
        let found: BTreeSet<String> =
            palisade_netpol::check(&refs, &palisade_netpol::Options::default())
                .findings
                .iter()
                .filter(|f| f.rule_id == "NET009")
                .filter_map(|f| object_at(f.location.line.unwrap()))
                .collect();
        let want: BTreeSet<String> = if positive {
            expected
                .iter()
                .filter_map(|e| object_at(e["line"].as_u64().unwrap() as u32))
                .collect()
        } else {
            BTreeSet::new()
        };
        assert_eq!(found, want, "{file}");
    }
}

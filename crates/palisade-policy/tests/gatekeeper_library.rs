//! Conformance: every `suite.yaml` case of the Gatekeeper policy library, run with each
//! template's Rego engine and again with its CEL (`K8sNativeValidation`) engine where it has
//! one, against the suite's own assertions (what `gator verify` checks).
//! The cases where Palisade disagrees are listed with the reason; the test fails when a
//! case outside the list fails, and when a listed case starts passing (update the list).

/// (policy folder, test/case, why Palisade's verdict differs from the suite's): none today;
/// a case that starts to differ goes here with its reason.
const KNOWN_DISAGREEMENTS: &[(&str, &str, &str)] = &[];

#[test]
fn gatekeeper_library_suites_agree_with_their_assertions() {
    let Some(library) = palisade_testkit::corpus("policies-gatekeeper-library/library") else {
        return;
    };
    let run = palisade_policy::suite::run(&library, palisade_policy::suite::Engines::Both);
    assert!(run.errors.is_empty(), "unreadable suites: {:?}", run.errors);
    let total = run.cases.len();
    for engine in ["rego", "cel"] {
        let cases: Vec<_> = run.cases.iter().filter(|c| c.engine == engine).collect();
        let passed = cases.iter().filter(|c| c.passed).count();
        eprintln!(
            "gatekeeper library, {engine} engine: {passed}/{} cases agree ({:.1}%)",
            cases.len(),
            100.0 * passed as f64 / cases.len().max(1) as f64
        );
    }
    let cel = run.cases.iter().filter(|c| c.engine == "cel").count();
    assert!(cel >= 120, "only {cel} cases ran with the CEL engine");
    let known = |suite: &str, name: &str| {
        // The list is of Rego disagreements: every CEL case agrees.
        KNOWN_DISAGREEMENTS.iter().any(|(folder, case, _)| {
            suite.ends_with(&format!("{folder}/suite.yaml")) && name == *case
        })
    };
    let mut unexpected = Vec::new();
    for case in &run.cases {
        if !case.passed {
            eprintln!(
                "FAIL {} {}: {}",
                case.suite,
                case.name,
                case.reason.as_deref().unwrap_or("")
            );
        }
        if case.passed == (case.engine == "rego" && known(&case.suite, &case.name)) {
            unexpected.push(format!(
                "{} {} (passed: {})",
                case.suite, case.name, case.passed
            ));
        }
    }
    assert!(total >= 250, "only {total} cases found");
    assert!(
        unexpected.is_empty(),
        "verdicts that differ from the known list: {unexpected:#?}"
    );
}

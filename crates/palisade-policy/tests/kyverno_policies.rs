//! Conformance: every result of every `kyverno-test.yaml` of Kyverno's CEL policies (the
//! `*-cel` folders: ClusterPolicies with `validate.cel`; the `*-vpol` folders:
//! ValidatingPolicies), checked like `kyverno test` does. The tests Palisade cannot pass
//! offline are listed with the reason; the run fails when any other result differs, and
//! when a listed test starts passing (update the list).

const FOLDERS: &[&str] = &[
    "best-practices-cel",
    "best-practices-vpol",
    "other-cel",
    "other-vpol",
    "pod-security-cel",
    "pod-security-vpol",
    "psa-cel",
];

const CLUSTER: &str = "reads the cluster (resource.Get / resource.List): not evaluated offline";
const REGISTRY: &str =
    "reads image metadata from a registry (image.GetMetadata): not evaluated offline";

/// (policy folder, why its failing results cannot agree).
const KNOWN: &[(&str, &str)] = &[
    ("other-vpol/advanced-restrict-image-registries", CLUSTER),
    ("other-vpol/allowed-base-images", CLUSTER),
    ("other-vpol/allowed-pod-priorities", CLUSTER),
    ("other-vpol/check-hpa-exists", CLUSTER),
    ("other-vpol/block-images-with-volumes", REGISTRY),
    ("other-vpol/block-stale-images", REGISTRY),
    ("other-vpol/check-nvidia-gpu", REGISTRY),
    ("psa-cel/deny-privileged-profile",
     "excludes requests by the requesting user's roles (exclude.any[].clusterRoles), which a test of objects does not give"),
];

#[test]
fn kyverno_cel_policy_tests_agree_with_their_results() {
    let Some(base) = palisade_testkit::corpus("policies-kyverno") else {
        return;
    };
    let mut passed = 0;
    let mut total = 0;
    let mut unexpected = Vec::new();
    let mut known_failing = std::collections::BTreeSet::new();
    for folder in FOLDERS {
        let run =
            palisade_policy::suite::run(&base.join(folder), palisade_policy::suite::Engines::Cel);
        assert!(run.errors.is_empty(), "unreadable tests: {:?}", run.errors);
        assert!(!run.cases.is_empty(), "no Kyverno test under {folder}");
        for case in &run.cases {
            assert_eq!(case.engine, "kyverno");
            total += 1;
            let known = KNOWN
                .iter()
                .find(|(f, _)| case.suite.contains(&format!("/{f}/.kyverno-test/")));
            if case.passed {
                passed += 1;
            } else {
                eprintln!(
                    "FAIL {} {}: {}",
                    case.suite,
                    case.name,
                    case.reason.as_deref().unwrap_or("")
                );
                match known {
                    Some((f, _)) => {
                        known_failing.insert(*f);
                    }
                    None => unexpected.push(format!("{} {}", case.suite, case.name)),
                }
            }
        }
    }
    eprintln!(
        "kyverno CEL policies: {passed}/{total} results agree ({:.1}%)",
        100.0 * passed as f64 / total.max(1) as f64
    );
    let stale: Vec<_> = KNOWN
        .iter()
        .filter(|(f, _)| !known_failing.contains(f))
        .collect();
    assert!(total >= 2500, "only {total} results found");
    assert!(
        unexpected.is_empty(),
        "unexpected disagreements: {unexpected:#?}"
    );
    assert!(stale.is_empty(), "listed folders that now agree: {stale:?}");
    assert!(passed * 100 >= total * 98, "{passed}/{total} is below 98%");
}

//! The manifests Palisade writes for a cluster (`webhook manifests`, `cluster manifests`)
//! hold only fields the Kubernetes API's schema knows, each with its type. `kubectl apply
//! --dry-run=client` offline (in `webhook.rs`) checks kinds and scopes but not fields, for
//! want of the server's OpenAPI document: here every built-in object is read into its
//! k8s-openapi type and must come back whole (`palisade_testkit::k8s_schema`).

use palisade_testkit::k8s_schema::{check, Checked};

use crate::common::{palisade, stderr, stdout};

/// Checks every document of `yaml`; returns the kinds that have no built-in schema.
fn checked(yaml: &str, what: &str) -> Vec<String> {
    let documents = palisade_yaml::load(yaml).unwrap_or_else(|e| panic!("{what}: {e:?}"));
    assert!(!documents.is_empty(), "{what}: no document");
    let mut custom = Vec::new();
    for document in &documents {
        let value = palisade_yaml::to_json(&document.root);
        match check(&value) {
            Ok(Checked::Valid) => {}
            Ok(Checked::NotBuiltIn) => custom.push(value["kind"].as_str().unwrap_or("?").into()),
            Err(error) => panic!("{what}: {error}"),
        }
    }
    custom
}

#[test]
fn webhook_manifests_hold_only_fields_the_api_knows() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &[][..],
        &["--mutating", "--cluster-view", "--failure-policy", "ignore"][..],
        &["--cert-manager", "--mutating"][..],
    ] {
        let out = palisade(dir.path(), &[&["webhook", "manifests"][..], args].concat());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let mut custom = checked(&stdout(&out), &format!("webhook manifests {args:?}"));
        custom.sort();
        // cert-manager's kinds are custom resources: no built-in schema to hold them to.
        let expected: &[&str] = if args.contains(&"--cert-manager") {
            &["Certificate", "Issuer"]
        } else {
            &[]
        };
        assert_eq!(custom, expected, "{args:?}");
    }
}

#[test]
fn cluster_manifests_hold_only_fields_the_api_knows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("palisade.toml"),
        "[kubernetes]\npod_template_paths = [\"example.com/Sandbox:spec.podTemplate\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("images.txt"), "nginx:1.27\nredis:7\n").unwrap();
    for args in [
        &["cluster", "manifests"][..],
        &["cluster", "manifests", "--config", "palisade.toml"][..],
        &[
            "cluster",
            "manifests",
            "--images-job",
            "--images-file",
            "images.txt",
            "--registry-secret",
            "pull",
        ][..],
    ] {
        let out = palisade(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let custom = checked(&stdout(&out), &format!("{args:?}"));
        assert!(custom.is_empty(), "{args:?}: {custom:?}");
    }
}

#[test]
fn exported_admission_policies_hold_only_fields_the_api_knows() {
    let dir = tempfile::tempdir().unwrap();
    for action in ["deny", "warn"] {
        let out = palisade(dir.path(), &["policy", "export", "vap", "--action", action]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        let custom = checked(&text, &format!("policy export vap --action {action}"));
        assert!(custom.is_empty(), "{custom:?}");
        assert!(
            text.matches("kind: ValidatingAdmissionPolicyBinding")
                .count()
                > 10
        );
    }
}

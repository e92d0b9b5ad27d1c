//! `values.schema.json` as Helm checks it: the cases of Helm's `TestInstall` that exercise
//! the schema (corpus `helm-template-golden`, charts `chart-with-schema*` and their goldens
//! in `output/`), rendered natively. The check is the same for `helm template` and `helm
//! install`; the golden's `Error: INSTALLATION FAILED: ` prefix is the install command's.

use palisade_helm::{render, RenderOptions};

/// (chart, `-f` file, `--set` values, `--skip-schema-validation`, golden error or `None`
/// for a chart that must render).
type Case = (
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    bool,
    Option<&'static str>,
);

const CASES: &[Case] = &[
    ("chart-with-schema", None, &[], false, None),
    (
        "chart-with-schema-negative",
        None,
        &[],
        false,
        Some("output/schema-negative.txt"),
    ),
    (
        "chart-with-schema",
        Some("chart-with-schema/extra-values.yaml"),
        &[],
        false,
        Some("output/schema-negative.txt"),
    ),
    (
        "chart-with-schema",
        None,
        &["age=-5"],
        false,
        Some("output/schema-negative-cli.txt"),
    ),
    (
        "chart-with-schema-and-subchart",
        None,
        &[],
        false,
        Some("output/subchart-schema-negative.txt"),
    ),
    (
        "chart-with-schema-and-subchart",
        None,
        &["lastname=doe", "subchart-with-schema.age=25"],
        false,
        None,
    ),
    (
        "chart-with-schema-and-subchart",
        None,
        &["lastname=doe", "subchart-with-schema.age=-25"],
        false,
        Some("output/subchart-schema-cli-negative.txt"),
    ),
    (
        "chart-with-schema-and-subchart",
        None,
        &["lastname=doe", "subchart-with-schema.age=-25"],
        true,
        None,
    ),
];

#[test]
fn values_are_checked_against_the_schema_as_helm_does() {
    let Some(root) = palisade_testkit::corpus("helm-template-golden") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "corpus helm-template-golden not found (required when CI is set)"
        );
        eprintln!("SKIP values.schema.json conformance: corpus helm-template-golden not found");
        return;
    };
    let charts = root.join("pkg/cmd/testdata/testcharts");
    let mut agree = 0;
    for (n, (chart, file, set, skip, golden)) in CASES.iter().enumerate() {
        let options = RenderOptions {
            release_name: Some("schema".to_string()),
            value_files: file.iter().map(|f| charts.join(f)).collect(),
            set: set.iter().map(|s| s.to_string()).collect(),
            skip_schema_validation: *skip,
            ..RenderOptions::default()
        };
        let result = render(&charts.join(chart), &options);
        match (golden, result) {
            (None, Ok(_)) => agree += 1,
            (None, Err(e)) => panic!("case {n} ({chart}): must render, failed: {}", e.message),
            (Some(_), Ok(_)) => panic!("case {n} ({chart}): the schema must refuse the values"),
            (Some(golden), Err(e)) => {
                let text = std::fs::read_to_string(root.join("pkg/cmd/testdata").join(golden))
                    .expect("golden");
                let want = text
                    .strip_prefix("Error: INSTALLATION FAILED: ")
                    .unwrap_or(&text)
                    .trim_end();
                assert_eq!(e.message.trim_end(), want, "case {n} ({chart}, {golden})");
                agree += 1;
            }
        }
    }
    eprintln!(
        "values.schema.json conformance: {agree}/{} cases as Helm",
        CASES.len()
    );
}

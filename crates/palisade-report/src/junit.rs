//! JUnit XML: one test suite per file with findings, one failing test case per finding.

use std::collections::BTreeMap;

use palisade_core::{Finding, ScanReport};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::ReportError;

pub fn render(report: &ScanReport) -> Result<String, ReportError> {
    let mut junit = Report::new("palisade");
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_file.entry(&f.location.path).or_default().push(f);
    }
    for (path, findings) in by_file {
        let mut suite = TestSuite::new(path);
        for f in findings {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_type(f.severity.as_str());
            status.set_message(format!("{}: {}", f.title, f.message));
            let mut description = format!("{}\n", f.location);
            if let Some(resource) = &f.location.resource {
                description.push_str(&format!("resource: {resource}\n"));
            }
            if let Some(fix) = &f.remediation {
                description.push_str(&format!("fix: {fix}\n"));
            }
            status.set_description(description);
            let name = format!(
                "[{}] {} {} (line {})",
                f.severity.as_str().to_uppercase(),
                f.rule_id,
                f.location.resource.as_deref().unwrap_or(""),
                f.location.line.unwrap_or(0)
            );
            let mut case = TestCase::new(name, status);
            case.set_classname(f.rule_id.as_ref());
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    let mut errors = TestSuite::new("palisade: unreadable input");
    for e in &report.errors {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message(e.message.as_str());
        let mut case = TestCase::new(e.to_string(), status);
        case.set_classname("input");
        errors.add_test_case(case);
    }
    if !report.errors.is_empty() {
        junit.add_test_suite(errors);
    }
    if report.findings.is_empty() && report.errors.is_empty() {
        let mut suite = TestSuite::new("palisade");
        suite.add_test_case(TestCase::new(
            format!("{} files scanned, no findings", report.files_scanned),
            TestCaseStatus::success(),
        ));
        junit.add_test_suite(suite);
    }
    Ok(junit.to_string()?)
}

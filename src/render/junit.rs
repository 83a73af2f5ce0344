//! JUnit XML: one testsuite per report, one testcase per check, so CI reporters show each check.

use crate::report::{Report, Status};
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

pub fn junit(report: &Report) -> String {
    junit_suites(vec![junit_suite(report)])
}

/// One XML document holding `suites` (`scan`: one per server).
pub fn junit_suites(suites: Vec<TestSuite>) -> String {
    let mut report = quick_junit::Report::new("mcp-auth");
    report.add_test_suites(suites);
    report.to_string().unwrap_or_default()
}

/// The test suite of one report: one testcase per check, and one error case when it could not complete.
pub fn junit_suite(report: &Report) -> TestSuite {
    let mut suite = TestSuite::new(format!("{} {}", report.command, report.target));
    for check in &report.checks {
        let status = match check.status {
            Status::Fail => failure(&check.message, "fail"),
            Status::Warn if report.strict => failure(&check.message, "warn"),
            Status::Skip => {
                let mut s = TestCaseStatus::skipped();
                if let TestCaseStatus::Skipped { message, .. } = &mut s {
                    *message = Some(check.message.clone().into());
                }
                s
            }
            _ => TestCaseStatus::success(),
        };
        let name = match &check.subject {
            Some(subject) => format!("{} ({subject})", check.id),
            None => check.id.to_owned(),
        };
        let mut case = TestCase::new(name, status);
        case.set_classname(format!("mcp-auth.{}", report.command));
        case.set_system_out(format!(
            "[{}/{}] {}\n{}",
            check.status.as_str(),
            check.level.as_str(),
            check.message,
            check.spec
        ));
        suite.add_test_case(case);
    }
    if let Some(err) = &report.error {
        let mut case = TestCase::new(
            "could-not-complete",
            TestCaseStatus::NonSuccess {
                kind: NonSuccessKind::Error,
                message: Some(err.message.clone().into()),
                ty: Some(err.kind.into()),
                description: None,
                reruns: Vec::new(),
            },
        );
        case.set_classname(format!("mcp-auth.{}", report.command));
        suite.add_test_case(case);
    }
    suite
}

fn failure(message: &str, ty: &str) -> TestCaseStatus {
    TestCaseStatus::NonSuccess {
        kind: NonSuccessKind::Failure,
        message: Some(message.to_owned().into()),
        ty: Some(ty.to_owned().into()),
        description: None,
        reruns: Vec::new(),
    }
}

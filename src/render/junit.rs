//! JUnit XML: one testsuite per report, one testcase per check, so CI reporters show each check. Test-case
//! names are unique (a check made on several fields or URLs is named after each), skips are `<skipped/>`
//! and counted as `skipped`, and the suite carries the run's `time`.

use crate::report::{CheckResult, Report, Status};
use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

/// The report as JUnit XML; `elapsed` is the run's wall time.
pub fn junit(report: &Report, elapsed: Duration) -> String {
    junit_suites(vec![junit_suite(report, elapsed)], elapsed)
}

/// One XML document holding `suites` (one per report), with the run's `time`.
pub fn junit_suites(suites: Vec<TestSuite>, elapsed: Duration) -> String {
    let mut report = quick_junit::Report::new("mcp-auth");
    report.add_test_suites(suites);
    report.set_time(elapsed);
    report.to_string().unwrap_or_default()
}

/// The test suite of one report: one testcase per check, and one error case when it could not complete.
pub fn junit_suite(report: &Report, elapsed: Duration) -> TestSuite {
    let mut suite = TestSuite::new(format!("{} {}", report.command, report.target));
    let names = names(&report.checks);
    for (check, name) in report.checks.iter().zip(names) {
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
        let mut case = TestCase::new(name, status);
        case.set_classname(format!("mcp-auth.{}", report.command));
        // Checks are not timed one by one; the suite has the run's time.
        case.set_time(Duration::ZERO);
        let subject = check.subject.as_deref().map(|s| format!("\n{s}")).unwrap_or_default();
        case.set_system_out(format!(
            "[{}/{}] {}{subject}\n{}",
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
        case.set_time(Duration::ZERO);
        suite.add_test_case(case);
    }
    // quick-junit counts skips as `disabled`; JUnit reporters read `skipped`.
    let skipped = suite.disabled;
    suite.disabled = 0;
    suite.extra.insert("skipped".into(), skipped.to_string().into());
    suite.set_time(elapsed);
    suite
}

/// One unique name per check: the id alone when it occurs once; otherwise the id with what tells the
/// occurrences apart: the field the message starts with (`as-endpoints-https[token_endpoint]`), else the
/// subject, else the position.
fn names(checks: &[CheckResult]) -> Vec<String> {
    let count = |id: &str| checks.iter().filter(|c| c.id == id).count();
    let field = |c: &CheckResult| {
        c.message
            .split(' ')
            .next()
            .filter(|w| !w.is_empty() && w.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
            .map(str::to_owned)
    };
    let mut names: Vec<String> = checks
        .iter()
        .map(|c| {
            if count(c.id) == 1 {
                return c.id.to_owned();
            }
            let qualifier = field(c).or_else(|| c.subject.clone()).unwrap_or_default();
            format!("{}[{qualifier}]", c.id)
        })
        .collect();
    // Whatever is still repeated gets its position among the repeats.
    for i in 0..names.len() {
        let same: Vec<usize> = (0..names.len()).filter(|j| names[*j] == names[i]).collect();
        if same.len() > 1 {
            for (n, j) in same.into_iter().enumerate() {
                names[j] = format!("{}#{}", names[j], n + 1);
            }
        }
    }
    names
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{AS_ENDPOINTS_HTTPS, AS_TOKEN_ENDPOINT};
    use crate::report::Checks;
    use crate::spec::SpecRevision;

    #[test]
    fn names_are_unique_and_say_which_field() {
        let mut c = Checks::new(SpecRevision::LATEST, None);
        c.pass(&AS_ENDPOINTS_HTTPS, "token_endpoint is https");
        c.pass(&AS_ENDPOINTS_HTTPS, "jwks_uri is https");
        c.pass(&AS_ENDPOINTS_HTTPS, "jwks_uri is https");
        c.skip(&AS_TOKEN_ENDPOINT, "offline");
        let mut r = Report::new("check-provider", "x", SpecRevision::LATEST, false);
        r.checks = c.into_results();
        let xml = junit(&r, Duration::from_millis(1500));
        for name in [
            "\"as-endpoints-https[token_endpoint]\"",
            "\"as-endpoints-https[jwks_uri]#1\"",
            "\"as-endpoints-https[jwks_uri]#2\"",
            "\"as-token-endpoint\"",
        ] {
            assert!(xml.contains(&format!("name={name}")), "{name} in {xml}");
        }
        assert!(
            xml.contains("<skipped") && xml.contains("skipped=\"1\"") && xml.contains("disabled=\"0\""),
            "{xml}"
        );
        assert!(xml.contains("time=\"1.500\""), "{xml}");
    }
}

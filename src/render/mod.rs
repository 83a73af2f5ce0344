//! Renders a [`Report`](crate::report::Report): a doctor-style report for people, one JSON document, JUnit
//! XML, GitHub Actions workflow commands or SARIF. Rendering is pure: it returns a string (or a value) and
//! never decides the exit code.

mod github;
mod human;
mod json;
mod junit;
mod sarif;
mod schema;

pub use github::github;
pub use human::{Style, error_text, human, plural, verdict_line};
pub use json::{BatchLine, batch_line_into, json, json_line_into};
pub use junit::{junit, junit_suite, junit_suites};
pub use sarif::{SARIF_SCHEMA, sarif};
pub use schema::report_schema;

//! Renders a [`Report`](crate::report::Report): a table for people, one JSON document, or JUnit XML.
//! Rendering is pure: it returns a string and never decides the exit code.

mod human;
mod json;
mod junit;
mod schema;

pub use human::{Style, human, verdict_line};
pub use json::{BatchLine, batch_line_into, json, json_line_into};
pub use junit::junit;
pub use schema::report_schema;

//! Evaluation of documents into check results. Pure functions: no I/O.

pub mod jwks;
pub mod provider;
pub mod resource;
pub mod token;

use crate::catalogue::CheckDef;
use crate::http::{Transport, transport};
use crate::report::Checks;
use crate::sanitize;
use url::Url;

/// Records the https rule for one URL-valued member: https passes, loopback http warns, anything else
/// (http elsewhere, not absolute, not a URL) is a violation.
pub(crate) fn https_url(checks: &mut Checks, def: &'static CheckDef, name: &str, value: &str) -> bool {
    let shown = sanitize::line(value);
    match Url::parse(value) {
        Err(e) => {
            checks.violated(
                def,
                format!("{name} is not an absolute URL ({e}): \"{shown}\". Advertise an absolute https URL."),
            );
            false
        }
        Ok(url) => match transport(&url) {
            Transport::Https => {
                checks.pass(def, format!("{name} is https: {shown}"));
                true
            }
            Transport::LoopbackHttp => {
                checks.warn(def, format!("{name} is http on a loopback host ({shown}): fine for local development, use https in production."));
                true
            }
            Transport::Insecure => {
                checks.violated(
                    def,
                    format!("{name} is not https: {shown}. MCP clients refuse it; serve it over https."),
                );
                false
            }
        },
    }
}

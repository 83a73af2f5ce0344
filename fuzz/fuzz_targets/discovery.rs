//! Well-known URL construction for any URL: never panics, the origin never changes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mcp_auth::discovery::{ProviderType, as_candidates, prm_candidates};
use mcp_auth::spec::SpecRevision;

fuzz_target!(|data: &str| {
    let Ok(url) = url::Url::parse(data) else { return };
    // The CLI refuses other schemes up front (cli::input::http_url); non-special URLs have opaque origins.
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return;
    }
    for spec in SpecRevision::ALL {
        for kind in [ProviderType::Auto, ProviderType::Oauth, ProviderType::Oidc] {
            for c in as_candidates(&url, kind, spec) {
                assert_eq!(c.url.origin(), url.origin());
            }
        }
    }
    for u in prm_candidates(&url) {
        assert_eq!(u.origin(), url.origin());
    }
});

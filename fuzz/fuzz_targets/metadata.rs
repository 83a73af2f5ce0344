//! Any bytes as an authorization server metadata document: parse strictly, evaluate, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mcp_auth::discovery::DocKind;
use mcp_auth::spec::SpecRevision;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(doc) = mcp_auth::json::parse(text) else { return };
    for kind in [DocKind::Oauth, DocKind::Oidc] {
        let results = mcp_auth::provider::check_document(&doc, "https://auth.example.com/t", kind, SpecRevision::LATEST, "fuzz");
        assert!(results.iter().all(|r| mcp_auth::catalogue::find(r.id).is_some()));
    }
    if let (Some(a), Some(b)) = (doc.as_object(), doc.get("other").and_then(|v| v.as_object())) {
        let mut checks = mcp_auth::report::Checks::new(SpecRevision::LATEST, None);
        mcp_auth::rules::provider::consistency(&mut checks, a, b);
    }
});

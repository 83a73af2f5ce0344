//! `mcp-auth explain`: one check, the whole list, and unknown ids.

use crate::support::{cmd, run_human};

fn explain(args: &[&str]) -> assert_cmd::Command {
    let mut c = cmd();
    c.arg("explain").args(args);
    c
}

#[test]
fn explain_prints_what_why_spec_levels_and_fix() {
    let text = run_human(explain(&["as-pkce-s256"]), 0);
    let def = mcp_auth::catalogue::find("as-pkce-s256").unwrap();
    assert!(text.starts_with("as-pkce-s256\n"), "{text}");
    for part in [def.summary, def.why, def.spec, def.fix] {
        assert!(text.contains(part), "missing {part:?} in {text}");
    }
    assert!(text.contains("Level per MCP revision: 2025-03-26: must"), "{text}");
    assert!(text.contains("How to fix:"), "{text}");
}

#[test]
fn explain_shows_levels_that_change_between_revisions() {
    let text = run_human(explain(&["as-dcr-endpoint"]), 0);
    assert!(
        text.contains("2025-06-18: should") && text.contains("2026-07-28: may"),
        "{text}"
    );
}

#[test]
fn explain_json_is_one_document() {
    let out = explain(&["as-pkce-s256", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], "as-pkce-s256");
    assert_eq!(v["levels"]["2026-07-28"], "must");
    assert!(v["fix"].as_str().unwrap().contains("S256"));
}

#[test]
fn explain_list_names_every_catalogue_id() {
    let text = run_human(explain(&["--list"]), 0);
    let ids: Vec<&str> = mcp_auth::catalogue::all().map(|c| c.id).collect();
    assert!(ids.len() >= 28, "{ids:?}");
    for id in &ids {
        assert!(
            text.lines().any(|l| l.split_whitespace().next() == Some(id)),
            "{id} missing from explain --list"
        );
    }
    assert_eq!(text.lines().count(), ids.len());
    let out = explain(&["--list", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), ids.len());
}

#[test]
fn explain_unknown_id_is_a_usage_error_with_a_hint() {
    let text = run_human(explain(&["pkce"]), 2);
    assert!(text.contains("unknown check id \"pkce\""), "{text}");
    assert!(
        text.contains("did you mean: as-pkce-advertised, as-pkce-s256, cl-pkce-supported, cl-pkce-enforced?"),
        "{text}"
    );
    let text = run_human(explain(&["no-such-check"]), 2);
    assert!(text.contains("mcp-auth explain --list"), "{text}");
}

#[test]
fn explain_without_an_id_is_a_usage_error() {
    run_human(explain(&[]), 2);
}

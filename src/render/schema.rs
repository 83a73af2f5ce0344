//! JSON Schema (draft 2020-12) of the `--json` report, docs/contract.md, "The JSON document". Hand-written
//! here; the enumerations (statuses, levels, revisions, check ids) come from the code so they cannot drift.
//! `docs/report.schema.json` is generated from it and tests validate real reports against it.

use crate::catalogue;
use crate::spec::SpecRevision;
use serde_json::{Value, json};

/// The schema as a JSON value.
pub fn report_schema() -> Value {
    let ids: Vec<&str> = catalogue::all().map(|c| c.id).collect();
    let specs: Vec<&str> = SpecRevision::ALL.iter().map(|s| s.as_str()).collect();
    let count = json!({"type": "integer", "minimum": 0});
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "mcp-auth --json report",
        "description": "One document per run on stdout (--batch: one per line). Command-specific members (discovery, metadata, jwks_uri, header, claims, document, well_known_url, ...) may be added; the members listed here are stable.",
        "type": "object",
        "required": ["command", "target", "spec", "ok", "summary", "checks"],
        "properties": {
            "command": {"type": "string", "description": "The subcommand, e.g. check-provider."},
            "target": {"type": "string", "description": "What was checked: an issuer, a URL, a resource."},
            "spec": {"enum": specs, "description": "The MCP authorization revision whose levels applied (--spec)."},
            "ok": {"type": "boolean", "description": "The verdict: true exactly when the exit code is 0."},
            "summary": {
                "type": "object",
                "required": ["pass", "fail", "warn", "skip", "info"],
                "additionalProperties": false,
                "properties": {"pass": count, "fail": count, "warn": count, "skip": count, "info": count}
            },
            "checks": {"type": "array", "items": {"$ref": "#/$defs/check"}},
            "chain": {
                "type": "array",
                "description": "probe and gen-metadata --verify: the same checks grouped by link, in order.",
                "items": {
                    "type": "object",
                    "required": ["link", "subject", "ok", "checks"],
                    "additionalProperties": false,
                    "properties": {
                        "link": {"type": "string"},
                        "subject": {"type": "string"},
                        "ok": {"type": "boolean"},
                        "checks": {"type": "array", "items": {"$ref": "#/$defs/check"}}
                    }
                }
            },
            "error": {"$ref": "#/$defs/error"}
        },
        "$defs": {
            "error": {
                "type": "object",
                "description": "Present when the run could not complete (exit 3).",
                "required": ["kind", "message"],
                "additionalProperties": false,
                "properties": {
                    "kind": {"type": "string", "description": "Stable kebab-case kind: timeout, connect, tls, too-large, ..."},
                    "message": {"type": "string"},
                    "url": {"type": "string"}
                }
            },
            "batch_line": batch_line_schema(&ids),
            "check": {
                "type": "object",
                "required": ["id", "level", "status", "message", "spec"],
                "additionalProperties": false,
                "properties": {
                    "id": {"enum": ids, "description": "Stable check id; `mcp-auth explain ID` describes it."},
                    "level": {"enum": ["must", "should", "may", "info"]},
                    "status": {"enum": ["pass", "fail", "warn", "skip", "info"]},
                    "message": {"type": "string", "description": "What was found and, on failure, what to fix."},
                    "spec": {"type": "string", "description": "Citation."},
                    "subject": {"type": "string", "description": "The URL or input the check was made on."}
                }
            }
        }
    })
}

/// `verify-token --batch`'s compact line.
fn batch_line_schema(ids: &[&str]) -> Value {
    json!({
        "type": "object",
        "description": "verify-token --batch (default --batch-detail compact): one per token, in input order. --batch-detail full writes the whole report document instead.",
        "required": ["line", "token", "ok", "issuer", "failed"],
        "additionalProperties": false,
        "properties": {
            "line": {"type": "integer", "minimum": 1, "description": "The 1-based input line."},
            "token": {
                "type": "object",
                "required": ["prefix", "sha256"],
                "additionalProperties": false,
                "properties": {
                    "prefix": {"type": "string", "description": "The token's first 12 characters."},
                    "sha256": {"type": "string", "description": "Lower-case hex SHA-256 of the token."}
                }
            },
            "ok": {"type": "boolean", "description": "Verified, and no check failed (nor warned under --strict)."},
            "issuer": {"type": ["string", "null"], "description": "The issuer the token was verified against; null with --jwks alone."},
            "failed": {
                "type": "array",
                "description": "Only the checks that did not pass (fail, warn); `mcp-auth explain ID` gives the citation.",
                "items": {
                    "type": "object",
                    "required": ["id", "level", "status", "message"],
                    "additionalProperties": false,
                    "properties": {
                        "id": {"enum": ids},
                        "level": {"enum": ["must", "should", "may", "info"]},
                        "status": {"enum": ["fail", "warn"]},
                        "message": {"type": "string"}
                    }
                }
            },
            "error": {"$ref": "#/$defs/error"}
        }
    })
}

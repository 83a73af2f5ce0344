//! `mcp-auth decode-token [TOKEN|-]`: header and claims WITHOUT verification, said in words, with the
//! command that would verify the token. No network, so start-up stays in milliseconds.

use super::verify_token::read_token;
use crate::catalogue::JWT_COMPACT_JWS;
use crate::cli::args::DecodeTokenArgs;
use crate::cli::context::Context;
use crate::cli::printer::emit;
use crate::exit::ExitStatus;
use crate::jwt::{self, Unverified};
use crate::report::{Checks, Report};
use crate::sanitize;
use crate::verify::push_sections;
use serde_json::{Map, Value};

pub fn decode_token(args: DecodeTokenArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    let token = read_token(args.token, "decode-token")?;
    let now = i64::try_from(crate::time::now()).unwrap_or(i64::MAX);
    let mut report = Report::new("decode-token", token.label(), ctx.spec, ctx.strict);
    let mut checks = Checks::new(ctx.spec, None);
    let (header, claims) = match jwt::decode_unverified(token.expose()) {
        Unverified::Jws(p) => {
            checks.pass(
                &JWT_COMPACT_JWS,
                "a compact JWS (header.payload.signature); decoded, NOT verified",
            );
            (Some(p.header), Some(p.claims))
        }
        Unverified::Jwe { header } => {
            checks.info(
                &JWT_COMPACT_JWS,
                "an encrypted token (JWE, 5 segments): only its protected header is readable. The claims need the resource server's decryption key; mcp-auth cannot decrypt or verify it.",
            );
            (header, None)
        }
        Unverified::Opaque => {
            checks.info(
                &JWT_COMPACT_JWS,
                "not a JWT: an opaque (reference) token with nothing to decode. The resource server must introspect it at the authorization server (RFC 7662).",
            );
            (None, None)
        }
        Unverified::Malformed(why) => {
            checks.violated(&JWT_COMPACT_JWS, format!("not a valid JWT: {why}."));
            (None, None)
        }
    };
    if let (Some(h), Some(c)) = (&header, &claims) {
        crate::rules::token::id_token_hint(&mut checks, h, c);
    }
    report.checks = checks.into_results();
    let verify_with = claims.as_ref().map(verify_command);
    report.headline = Some(match &verify_with {
        Some(cmd) => format!(
            "UNVERIFIED: decoded only. The signature, issuer, audience and expiry were NOT checked; do not trust these claims. To verify: {cmd}"
        ),
        None => "UNVERIFIED: decoded only; nothing was checked.".to_owned(),
    });
    push_sections(&mut report, header.as_ref(), claims.as_ref(), now);
    report.set("unverified", true);
    report.set("token", token.describe());
    if let Some(h) = header {
        report.set("header", Value::Object(h));
    }
    if let Some(c) = claims {
        report.set("claims", Value::Object(c));
    }
    if let Some(cmd) = verify_with {
        report.set("verify_with", cmd);
    }
    emit(ctx, &report)
}

/// The verify-token command line for this token. The token's own `iss` is only a suggestion: the user
/// confirms it by typing it as `--issuer`.
fn verify_command(claims: &Map<String, Value>) -> String {
    let quote = |s: &str| {
        let s = sanitize::line(s).into_owned();
        if s.chars().all(|c| c.is_ascii_alphanumeric() || ":/._-~%".contains(c)) {
            s
        } else {
            format!("'{}'", s.replace('\'', "'\\''"))
        }
    };
    let issuer = claims
        .get("iss")
        .and_then(Value::as_str)
        .map_or_else(|| "ISSUER".to_owned(), quote);
    let resource = match claims.get("aud") {
        Some(Value::String(a)) => quote(a),
        Some(Value::Array(a)) if a.len() == 1 => a[0].as_str().map_or_else(|| "RESOURCE".to_owned(), quote),
        _ => "RESOURCE".to_owned(),
    };
    format!(
        "mcp-auth verify-token - --resource {resource} --issuer {issuer} (after checking that issuer is the one you trust)"
    )
}

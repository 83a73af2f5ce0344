//! The token tests: garbage and forged tokens, `--token` and `--foreign-token`, and verifying `--token`
//! against the chain.

use super::{ProbeOptions, RequestShape};
use crate::catalogue::*;
use crate::challenge::{self};
use crate::error::FetchError;
use crate::http::{HttpClient, Response, Transport, transport};
use crate::report::{CheckResult, Checks};
use crate::rules::resource::{self as rules};
use crate::sanitize;
use crate::spec::SpecRevision;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Map, Value, json};
use url::Url;

/// A forged variant of a token.
#[derive(Clone, Debug)]
pub struct Forgery {
    pub name: &'static str,
    pub token: String,
}

/// Forged variants of a JWT (tampered payload, stripped signature, alg none, re-signed by a foreign key);
/// `Err` when the token is not a JWT.
pub fn forge(token: &str) -> Result<Vec<Forgery>, String> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err(format!(
            "the token has {} segment(s), not a JWS compact JWT",
            parts.len()
        ));
    }
    let decode = |s: &str| -> Result<Map<String, Value>, String> {
        let bytes = B64
            .decode(s.trim_end_matches('='))
            .map_err(|e| format!("not base64url ({e})"))?;
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err("a segment is not a JSON object".into()),
        }
    };
    let header = decode(parts[0])?;
    let mut claims = decode(parts[1])?;
    let enc = |v: &Map<String, Value>| B64.encode(Value::Object(v.clone()).to_string());
    let original = claims.clone();
    claims.insert("sub".into(), json!("mcp-auth-forged-subject"));
    claims.insert("mcp_auth_forged".into(), json!(true));
    let tampered = format!("{}.{}.{}", parts[0], enc(&claims), parts[2]);
    let stripped = format!("{}.{}.", parts[0], parts[1]);
    let mut none_header = header.clone();
    none_header.insert("alg".into(), json!("none"));
    let none = format!("{}.{}.", enc(&none_header), parts[1]);
    let kid = header.get("kid").and_then(Value::as_str).unwrap_or("mcp-auth-forged");
    let typ = header.get("typ").and_then(Value::as_str).unwrap_or("at+jwt");
    let foreign = crate::jwt::SigningKey::generate(kid).sign_with_header(&Value::Object(original), typ);
    Ok(vec![
        Forgery {
            name: "a copy with a tampered payload (original signature)",
            token: tampered,
        },
        Forgery {
            name: "a copy with the signature stripped",
            token: stripped,
        },
        Forgery {
            name: "a copy with alg \"none\"",
            token: none,
        },
        Forgery {
            name: "a copy re-signed by a foreign key with the same kid",
            token: foreign,
        },
    ])
}

/// Why the user's tokens are not sent to `url`: plain http to a host that is not loopback would put them
/// on the wire in clear text (and the query test into a URL). `None` when they may be sent.
pub(super) fn withheld(url: &Url, opts: &ProbeOptions) -> Option<&'static str> {
    let has_token = opts.token.is_some() || opts.foreign_token.is_some();
    (has_token && !opts.allow_insecure_token && transport(url) == Transport::Insecure).then_some(
        "not sent: the MCP endpoint is plain http on a host that is not loopback, so the token would travel in clear text (pass --allow-insecure-token to send it anyway)",
    )
}

/// The token every probe sends to see it refused (`rs-invalid-token-401`).
pub(super) const GARBAGE_TOKEN: &str = "mcp-auth-probe-not-a-token";

/// The token tests (`rs-invalid-token-401`, and with `--token` the valid, query and forged variants).
/// `early`: the answer to [`GARBAGE_TOKEN`] sent in the first request shape with the first round trip,
/// used when `shape` is that shape (else the garbage token is sent again, in `shape`).
pub(super) async fn token_tests(
    client: &HttpClient,
    url: &Url,
    shape: RequestShape,
    opts: &ProbeOptions,
    spec: SpecRevision,
    subject: &str,
    early: Option<Result<Response, FetchError>>,
) -> Vec<CheckResult> {
    let mut checks = Checks::new(spec, Some(subject.to_owned()));
    let mut variants: Vec<(&'static str, String)> = vec![("a garbage token", GARBAGE_TOKEN.to_owned())];
    let mut forge_note = None;
    let withheld = withheld(url, opts);
    let token = opts
        .token
        .as_ref()
        .filter(|_| withheld.is_none())
        .map(crate::jwt::SecretToken::expose);
    if let Some(t) = token {
        match forge(t) {
            Ok(f) => variants.extend(f.into_iter().map(|f| (f.name, f.token))),
            Err(why) => forge_note = Some(why),
        }
    }
    let query_url = token.map(|t| {
        let mut u = url.clone();
        u.query_pairs_mut().append_pair("access_token", t);
        u
    });
    let sends = send_variants(client, url, shape, &variants, early);
    let valid = async {
        match token {
            Some(t) => Some(client.send(shape.request(url, Some(t))).await),
            None => None,
        }
    };
    let query = async {
        match &query_url {
            Some(u) => Some(client.send(shape.request(u, None)).await),
            None => None,
        }
    };
    let foreign = opts
        .foreign_token
        .as_ref()
        .filter(|_| withheld.is_none())
        .map(crate::jwt::SecretToken::expose);
    let foreign_send = async {
        match foreign {
            Some(t) => Some(client.send(shape.request(url, Some(t))).await),
            None => None,
        }
    };
    let (forged, valid, query, foreign_resp) = futures::join!(sends, valid, query, foreign_send);

    for ((name, _), r) in variants.iter().zip(forged) {
        match r {
            Err(e) => checks.violated(
                &RS_INVALID_TOKEN_401,
                format!(
                    "{name}: the request failed ({}); the server must answer 401.",
                    sanitize::line(&e.to_string())
                ),
            ),
            Ok(resp) => invalid_token_result(&mut checks, name, &resp),
        }
    }
    if let Some(why) = forge_note {
        checks.info(
            &RS_INVALID_TOKEN_401,
            format!("--token is not a JWT ({why}): forged variants were not tried"),
        );
    }
    let not_sent = withheld.unwrap_or("no --token given");
    let forbidden = valid_token_result(&mut checks, valid, url, token, not_sent);
    query_token_result(&mut checks, query, not_sent);
    foreign_token_result(&mut checks, foreign_resp, withheld);
    match forbidden {
        Some(resp) => rules::evaluate_forbidden(
            &mut checks,
            &challenge::parse_all(&resp.header_values("www-authenticate")),
        ),
        None => checks.skip(&RS_INSUFFICIENT_SCOPE_403, "no 403 was seen"),
    }
    let mut results = checks.into_results();
    // Error texts can quote the ?access_token= URL: never let a token reach the output, in any encoding.
    for t in [token, foreign].into_iter().flatten() {
        for r in &mut results {
            if let Some(scrubbed) = sanitize::scrub(&r.message, t) {
                r.message = scrubbed.into();
            }
        }
    }
    results
}

/// Each token of `variants` sent in `shape`, but for the garbage token (variant 0) when `early` answered
/// it in that shape already.
async fn send_variants(
    client: &HttpClient,
    url: &Url,
    shape: RequestShape,
    variants: &[(&'static str, String)],
    early: Option<Result<Response, FetchError>>,
) -> Vec<Result<Response, FetchError>> {
    let mut early = early.filter(|_| shape == super::SHAPES[0]);
    futures::future::join_all(variants.iter().map(|(_, tok)| {
        let answered = early.take();
        async move {
            match answered {
                Some(r) => r,
                None => client.send(shape.request(url, Some(tok))).await,
            }
        }
    }))
    .await
}

/// `rs-valid-token-accepted` on the answer to `--token`; returns a 403 answer, for `rs-insufficient-scope-403`.
fn valid_token_result(
    checks: &mut Checks,
    valid: Option<Result<Response, FetchError>>,
    url: &Url,
    token: Option<&str>,
    not_sent: &str,
) -> Option<Response> {
    let mut forbidden: Option<Response> = None;
    match valid {
        None => checks.skip(&RS_VALID_TOKEN_ACCEPTED, not_sent.to_owned()),
        Some(Err(e)) => checks.violated(
            &RS_VALID_TOKEN_ACCEPTED,
            format!("the request with the token failed: {}", sanitize::line(&e.to_string())),
        ),
        Some(Ok(resp)) => match resp.status {
            200..=299 => checks.pass(&RS_VALID_TOKEN_ACCEPTED, format!("HTTP {} with the token in the Authorization header", resp.status)),
            // The user's token cannot be used on this server: a failure, whatever the reason.
            403 => {
                checks.violated(&RS_VALID_TOKEN_ACCEPTED, scope_problem(&resp, token));
                forbidden = Some(resp);
            }
            s => checks.violated(
                &RS_VALID_TOKEN_ACCEPTED,
                format!(
                    "HTTP {s} with the token in the Authorization header{}. Check issuer, audience (the server's canonical URI) and keys; `mcp-auth verify-token --resource {}` shows which claim does not fit.",
                    error_description(&resp),
                    sanitize::line(url.as_str())
                ),
            ),
        },
    }
    forbidden
}

/// The `rs-valid-token-accepted` message for a 403 to `--token`: what the challenge asked for and what the
/// token carries (its `scope` or `scp` claim, read without verifying; never the token itself).
fn scope_problem(resp: &Response, token: Option<&str>) -> String {
    let parsed = challenge::parse_all(&resp.header_values("www-authenticate"));
    let asked = match parsed.find("Bearer").and_then(|c| c.param("scope")) {
        Some(s) => format!("the challenge asks for scope \"{}\"", sanitize::line(s)),
        None => "the 403 names no scope".to_owned(),
    };
    let has = match token.map(crate::jwt::decode_unverified) {
        Some(crate::jwt::Unverified::Jws(p)) => match (p.claims.get("scope"), p.claims.get("scp")) {
            (Some(Value::String(s)), _) => format!("the token has scope \"{}\"", sanitize::line(s)),
            (_, Some(Value::Array(a))) => {
                let scopes: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
                format!("the token has scp [{}]", sanitize::line(&scopes.join(", ")))
            }
            _ => "the token has no scope claim".to_owned(),
        },
        _ => "the token's scopes cannot be read (it is not a JWT)".to_owned(),
    };
    format!(
        "HTTP 403: the token was recognised but cannot be used on this server: {asked}, {has}. Mint a token with the scopes the challenge names (and check the server's required scopes match its scopes_supported)."
    )
}

/// `rs-query-token-ignored` on the answer to the token in `?access_token=`.
fn query_token_result(checks: &mut Checks, query: Option<Result<Response, FetchError>>, not_sent: &str) {
    match query {
        None => checks.skip(&RS_QUERY_TOKEN_IGNORED, not_sent.to_owned()),
        // The URL carries the token: the message names only the cause.
        Some(Err(e)) => checks.violated(
            &RS_QUERY_TOKEN_IGNORED,
            format!(
                "the request with the token in ?access_token= failed: {}",
                sanitize::line(&e.cause())
            ),
        ),
        Some(Ok(resp)) => match resp.status {
            401 => checks.pass(&RS_QUERY_TOKEN_IGNORED, "the token in ?access_token= was ignored (401)"),
            200..=299 => checks.violated(
                &RS_QUERY_TOKEN_IGNORED,
                format!("HTTP {}: the server ACCEPTED the token from the ?access_token= query parameter; tokens in URLs leak into logs. Read tokens only from the Authorization header.", resp.status),
            ),
            s => checks.warn(
                &RS_QUERY_TOKEN_IGNORED,
                format!("HTTP {s} instead of 401 for a request whose only token is in the query; it was not accepted, but clients expect 401."),
            ),
        },
    }
}

/// `rs-wrong-audience-rejected` on the answer to `--foreign-token`.
fn foreign_token_result(
    checks: &mut Checks,
    foreign_resp: Option<Result<Response, FetchError>>,
    withheld: Option<&'static str>,
) {
    match foreign_resp {
        None => checks.skip(
            &RS_WRONG_AUDIENCE_REJECTED,
            withheld.unwrap_or(
                "needs a valid token issued for another resource (--foreign-token), which cannot be forged without the AS key",
            ),
        ),
        Some(Err(e)) => checks.violated(
            &RS_WRONG_AUDIENCE_REJECTED,
            format!(
                "the request with --foreign-token failed ({}); the server must answer 401.",
                sanitize::line(&e.to_string())
            ),
        ),
        Some(Ok(resp)) => match resp.status {
            401 => checks.pass(&RS_WRONG_AUDIENCE_REJECTED, "401 for the token issued for another resource"),
            200..=299 => checks.violated(
                &RS_WRONG_AUDIENCE_REJECTED,
                format!(
                    "HTTP {}: the server accepted a token issued for another resource: it does not check aud. Require aud to contain the server's canonical URI.",
                    resp.status
                ),
            ),
            s => checks.warn(
                &RS_WRONG_AUDIENCE_REJECTED,
                format!("HTTP {s} for the token issued for another resource: not accepted, but a token for the wrong audience needs 401 invalid_token."),
            ),
        },
    }
}

pub(super) fn error_description(resp: &Response) -> String {
    let parsed = challenge::parse_all(&resp.header_values("www-authenticate"));
    match parsed
        .find("Bearer")
        .and_then(|c| c.param("error_description").or(c.param("error")))
    {
        Some(d) => format!(" (server says: {})", sanitize::line(d)),
        None => String::new(),
    }
}

pub(super) fn invalid_token_result(checks: &mut Checks, name: &str, resp: &Response) {
    match resp.status {
        401 => {
            let parsed = challenge::parse_all(&resp.header_values("www-authenticate"));
            let error = parsed.find("Bearer").and_then(|c| c.param("error")).map(str::to_owned);
            match error.as_deref() {
                Some("invalid_token") => checks.pass(&RS_INVALID_TOKEN_401, format!("{name}: 401 invalid_token")),
                other => checks.warn(
                    &RS_INVALID_TOKEN_401,
                    format!(
                        "{name}: 401, but error is {}; RFC 9068 §4 says error=\"invalid_token\".",
                        other.map_or_else(|| "missing".to_owned(), |e| format!("\"{}\"", sanitize::line(e)))
                    ),
                ),
            }
        }
        200..=299 => checks.violated(
            &RS_INVALID_TOKEN_401,
            format!("{name}: HTTP {} — the server ACCEPTED a forged token. Anyone can call it: verify signatures against the AS's JWKS with an algorithm allow-list (never none).", resp.status),
        ),
        500..=599 => checks.violated(
            &RS_INVALID_TOKEN_401,
            format!("{name}: HTTP {} — the server fails on an invalid token instead of answering 401; catch verification errors and answer 401 invalid_token.", resp.status),
        ),
        403 => checks.violated(
            &RS_INVALID_TOKEN_401,
            format!("{name}: HTTP 403 — the server ACCEPTED the forged token as authentic (then refused its scope); verify signatures before checking scopes, and answer 401."),
        ),
        s => checks.violated(
            &RS_INVALID_TOKEN_401,
            format!("{name}: HTTP {s}; an invalid token MUST get 401."),
        ),
    }
}

/// Verifies `--token` the way this MCP server must (with the verify library, as `verify-token` does), with
/// what the chain found: its `iss` must be one of the PRM's authorization servers (`jwt-iss-is-resource-as`),
/// the key set is that server's JWKS (already fetched on the walk), the audience is the probed MCP URL, and
/// the leeway and algorithms are the user's.
pub(super) fn verify_against_chain(
    token: &crate::jwt::SecretToken,
    issuers: &[String],
    key_sets: &[(String, Option<Value>)],
    url: &Url,
    opts: &ProbeOptions,
    spec: SpecRevision,
) -> Vec<CheckResult> {
    use crate::jwt::{self, KeySet, Unverified};
    use crate::verify::{Keys, VerifyOptions};
    let subject = token.label();
    let mut checks = Checks::new(spec, Some(subject.clone()));
    let claims = match jwt::decode_unverified(token.expose()) {
        Unverified::Jws(p) => p.claims,
        _ => {
            checks.info(
                &JWT_COMPACT_JWS,
                "the token is not a signed JWT (opaque or encrypted): only the server's answers above show whether it is valid",
            );
            return checks.into_results();
        }
    };
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or_default();
    if !issuers.iter().any(|i| i == iss) {
        // No key set is trusted for an unlisted issuer: the verdict stops here.
        crate::rules::token::iss_is_resource_as(&mut checks, &claims, Some(issuers));
        return checks.into_results();
    }
    let keys = key_sets
        .iter()
        .find(|(i, _)| i == iss)
        .and_then(|(_, jwks)| jwks.as_ref());
    let Some(set) = keys.and_then(|k| KeySet::from_json(k).ok()) else {
        checks.skip(
            &JWT_SIGNATURE_VALID,
            "the issuer's key set could not be fetched (see its jwks link)",
        );
        return checks.into_results();
    };
    let verify = VerifyOptions {
        scopes: opts.scopes.clone(),
        leeway: opts.leeway,
        algorithms: opts.algorithms.clone(),
        spec,
        strict: opts.strict,
        ..VerifyOptions::new(url.as_str()).issuer(iss)
    };
    let keys = Keys::from_key_set(&verify, set, None, Some(issuers.to_vec()));
    let mut results = checks.into_results();
    results.extend(keys.report(token, false).checks.into_iter().map(|c| CheckResult {
        subject: Some(subject.clone()),
        ..c
    }));
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgeries_are_derived_from_the_token() {
        let key = crate::jwt::SigningKey::generate("k1");
        let token = key.sign(&json!({"sub": "a", "aud": "x"}));
        let f = forge(&token).unwrap();
        assert_eq!(f.len(), 4);
        for v in &f {
            assert_ne!(v.token, token);
        }
        assert!(f[1].token.ends_with('.'));
        let none_header: Value =
            serde_json::from_slice(&B64.decode(f[2].token.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(none_header["alg"], "none");
        let foreign_header: Value =
            serde_json::from_slice(&B64.decode(f[3].token.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(foreign_header["kid"], "k1");
        assert!(forge("opaque-token").is_err());
    }
}

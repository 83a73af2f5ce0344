//! Access-token claim and header rules (checklist §2.4): pure functions over the decoded JSON, no crypto
//! and no I/O. The cryptographic checks live in [`crate::jwt`].

use crate::catalogue::*;
use crate::json::Members;
use crate::report::Checks;
use crate::sanitize;
use serde_json::Value;
use std::borrow::Cow;
use url::Url;

/// Longest token lifetime (`exp - iat`) that `jwt-short-lived` accepts without a warning. Tool policy:
/// the spec says "short-lived" and gives no number.
pub const MAX_LIFETIME_SECS: i64 = 3600;

/// What the verifier expects of a token. Built once per run and shared by every token of a batch.
#[derive(Clone, Debug)]
pub struct Expectations {
    /// The expected issuer, exactly; `None` when only `--jwks` was given (then `iss` is not compared).
    pub issuer: Option<String>,
    /// The `authorization_servers` of the resource's protected resource metadata, when it was consulted:
    /// `iss` must be one of them (`jwt-iss-is-resource-as`). `None`: that check is skipped.
    pub authorization_servers: Option<Vec<String>>,
    /// The value `aud` must contain (`--audience`, else `--resource`).
    pub audience: String,
    /// Whether `audience` came from `--audience` (changes the wording only).
    pub audience_overridden: bool,
    /// Scopes the token must carry.
    pub scopes: Vec<String>,
    /// Clock skew allowed for exp, nbf and iat, in seconds.
    pub leeway: i64,
    /// Seconds since the epoch at which the token is judged.
    pub now: i64,
    /// `--profile rfc9068`: `typ` and the RFC 9068 claims become MUST.
    pub rfc9068: bool,
}

/// Header rules that need no key: explicit typing and the untrusted key headers.
pub fn header(checks: &mut Checks, header: &impl Members) {
    const KEY_HEADERS: [&str; 4] = ["jku", "x5u", "jwk", "x5c"];
    if !KEY_HEADERS.iter().any(|h| header.contains_key(h)) {
        checks.pass(&JWT_NO_UNTRUSTED_KEY_HEADERS, "no jku, x5u, jwk or x5c header");
    } else {
        let untrusted: Vec<&str> = KEY_HEADERS.into_iter().filter(|h| header.contains_key(h)).collect();
        checks.violated(
            &JWT_NO_UNTRUSTED_KEY_HEADERS,
            format!(
                "the header carries {}: key material chosen by whoever made the token. Ignored: keys come only from the issuer's JWKS. Remove these headers from access tokens.",
                untrusted.join(", ")
            ),
        );
    }
    crit(checks, header);
    let profile = if checks.level_of(&JWT_TYP_AT_JWT) == crate::catalogue::Level::Must {
        "RFC 9068 requires it"
    } else {
        "RFC 9068 explicit typing; a warning because MCP does not require RFC 9068 (use --profile rfc9068 to enforce)"
    };
    match header.get("typ") {
        Some(Value::String(t)) if t.eq_ignore_ascii_case("at+jwt") || t.eq_ignore_ascii_case("application/at+jwt") => {
            checks.pass_with(&JWT_TYP_AT_JWT, || format!("typ is \"{}\"", sanitize::line(t)));
        }
        Some(Value::String(t)) => checks.violated(
            &JWT_TYP_AT_JWT,
            format!(
                "typ is \"{}\", not \"at+jwt\" ({profile}). Set typ at+jwt on access tokens.",
                sanitize::line(t)
            ),
        ),
        Some(other) => checks.violated(
            &JWT_TYP_AT_JWT,
            format!("typ is {}, not the string \"at+jwt\" ({profile}).", type_name(other)),
        ),
        None => checks.violated(
            &JWT_TYP_AT_JWT,
            format!("no typ header; RFC 9068 access tokens carry typ \"at+jwt\" ({profile})."),
        ),
    }
}

/// `jwt-crit-understood`: no extension is understood, so every `crit` (even malformed) fails.
fn crit(checks: &mut Checks, header: &impl Members) {
    let Some(crit) = header.get("crit") else {
        checks.pass(&JWT_CRIT_UNDERSTOOD, "no crit header");
        return;
    };
    let listed = match crit {
        Value::Array(names) if !names.is_empty() && names.iter().all(Value::is_string) => {
            let names: Vec<String> = names
                .iter()
                .filter_map(Value::as_str)
                .map(|n| format!("\"{}\"", sanitize::line(n)))
                .collect();
            format!("lists {} as critical extension(s)", names.join(", "))
        }
        Value::Array(names) if names.is_empty() => "is an empty array (RFC 7515 forbids that)".to_owned(),
        other => format!("is {}, not an array of names (malformed)", type_name(other)),
    };
    checks.violated(
        &JWT_CRIT_UNDERSTOOD,
        format!(
            "crit {listed}: this verifier understands no JWS extension, so the token is invalid (RFC 7515 §4.1.11). Remove crit from access-token headers."
        ),
    );
}

/// Every claim rule, in catalogue order.
pub fn claims(checks: &mut Checks, header: &impl Members, claims: &impl Members, exp: &Expectations) {
    issuer(checks, claims, exp);
    iss_is_resource_as(checks, claims, exp.authorization_servers.as_deref());
    audience(checks, claims, exp);
    times(checks, claims, exp);
    profile_claims(checks, claims);
    scope(checks, claims, exp);
    lifetime(checks, claims);
    id_token_hint(checks, header, claims);
}

fn issuer(checks: &mut Checks, claims: &impl Members, exp: &Expectations) {
    let Some(expected) = &exp.issuer else {
        if exp.authorization_servers.is_none() {
            // Keys from --jwks: nothing at all ties the token to an issuer.
            checks.warn(
                &JWT_ISS_MATCHES,
                "iss was NOT checked: no --issuer was given, and a key set (--jwks) says nothing about which issuer a token must come from. Any issuer whose tokens these keys sign is accepted. Pass --issuer to check iss.",
            );
            return;
        }
        checks.skip(
            &JWT_ISS_MATCHES,
            "no --issuer given: the token's iss was not compared (an unverified iss is never trusted on its own)",
        );
        return;
    };
    match claims.get("iss") {
        Some(Value::String(iss)) if iss == expected => {
            checks.pass_with(&JWT_ISS_MATCHES, || format!("iss is \"{}\"", sanitize::line(iss)));
        }
        Some(Value::String(iss)) => {
            let hint = near_miss(iss, expected).map(|h| format!(" ({h})")).unwrap_or_default();
            checks.violated(
                &JWT_ISS_MATCHES,
                format!(
                    "iss is \"{}\" but the expected issuer is \"{}\"{hint}. Issuers must match exactly; accept tokens only from the authorization server the resource trusts.",
                    sanitize::line(iss),
                    sanitize::line(expected)
                ),
            );
        }
        Some(other) => checks.violated(&JWT_ISS_MATCHES, format!("iss is {}, not a string.", type_name(other))),
        None => checks.violated(
            &JWT_ISS_MATCHES,
            format!("the token has no iss claim; expected \"{}\".", sanitize::line(expected)),
        ),
    }
}

/// `jwt-iss-is-resource-as`: `iss` is one of the resource's `authorization_servers` (`None`: the metadata
/// was not consulted, skipped). Returns whether it passed.
pub fn iss_is_resource_as(checks: &mut Checks, claims: &impl Members, servers: Option<&[String]>) -> bool {
    let Some(servers) = servers else {
        checks.skip(
            &JWT_ISS_IS_RESOURCE_AS,
            "the resource's protected resource metadata was not consulted (--issuer or --jwks given); `mcp-auth probe` checks the issuer against authorization_servers",
        );
        return false;
    };
    let got = match claims.get("iss") {
        Some(Value::String(iss)) if servers.iter().any(|s| s == iss) => {
            checks.pass_with(&JWT_ISS_IS_RESOURCE_AS, || {
                format!(
                    "iss \"{}\" is one of the resource's authorization_servers",
                    sanitize::line(iss)
                )
            });
            return true;
        }
        Some(Value::String(iss)) => {
            let hint = servers
                .iter()
                .find_map(|s| near_miss(iss, s))
                .map(|h| format!("; near miss: {h}"))
                .unwrap_or_default();
            format!("\"{}\"{hint}", sanitize::line(iss))
        }
        Some(other) => format!("a {}", type_name(other)),
        None => "absent".to_owned(),
    };
    let listed = if servers.is_empty() {
        "none are listed".to_owned()
    } else {
        servers
            .iter()
            .map(|s| format!("\"{}\"", sanitize::line(s)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    checks.violated(
        &JWT_ISS_IS_RESOURCE_AS,
        format!(
            "the token's iss ({got}) is not one of the resource's authorization_servers ({listed}): the MCP server must not accept it. Use a token from one of those servers, or list its issuer in the protected resource metadata."
        ),
    );
    false
}

/// Why two identifiers that differ look alike, in words.
fn near_miss(got: &str, want: &str) -> Option<&'static str> {
    if got.trim_end_matches('/') == want.trim_end_matches('/') {
        Some("they differ only by a trailing slash")
    } else if got.eq_ignore_ascii_case(want) {
        Some("they differ only in letter case")
    } else {
        None
    }
}

fn audience(checks: &mut Checks, claims: &impl Members, exp: &Expectations) {
    // Borrowed from the claims, a string as a one-value list: nothing is collected per token.
    let values: &[Value] = match claims.get("aud") {
        None => {
            checks.violated(
                &JWT_AUD_PRESENT,
                "the token has no aud claim, so it is valid for any resource. Request it with the RFC 8707 resource parameter.",
            );
            checks.violated(
                &JWT_AUD_CONTAINS_RESOURCE,
                format!("no aud claim; it must contain \"{}\".", sanitize::line(&exp.audience)),
            );
            return;
        }
        Some(one @ Value::String(_)) => std::slice::from_ref(one),
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_string) => items,
        Some(other) => {
            checks.violated(
                &JWT_AUD_PRESENT,
                format!(
                    "aud is {}; it must be a string or a non-empty array of strings (RFC 7519 §4.1.3).",
                    type_name(other)
                ),
            );
            checks.violated(
                &JWT_AUD_CONTAINS_RESOURCE,
                "aud is malformed, so it cannot name the resource.",
            );
            return;
        }
    };
    checks.pass(
        &JWT_AUD_PRESENT,
        if values.len() == 1 {
            Cow::Borrowed("aud has 1 value(s)")
        } else {
            Cow::Owned(format!("aud has {} value(s)", values.len()))
        },
    );
    let source = if exp.audience_overridden {
        "--audience"
    } else {
        "the resource"
    };
    let values = || values.iter().filter_map(Value::as_str);
    if values().any(|v| v == exp.audience) {
        checks.pass_with(&JWT_AUD_CONTAINS_RESOURCE, || {
            format!("aud contains {source} \"{}\"", sanitize::line(&exp.audience))
        });
        return;
    }
    let shown: Vec<String> = values().map(|v| format!("\"{}\"", sanitize::line(v))).collect();
    let hint = values()
        .find_map(|v| audience_near_miss(v, &exp.audience, claims))
        .unwrap_or_else(|| {
            "Request the token with resource=<the MCP server's canonical URI> so that aud names this server.".to_owned()
        });
    checks.violated(
        &JWT_AUD_CONTAINS_RESOURCE,
        format!(
            "aud is [{}] and does not contain {source} \"{}\". {hint}",
            shown.join(", "),
            sanitize::line(&exp.audience)
        ),
    );
}

/// Explains an `aud` value that is almost the expected audience.
fn audience_near_miss(got: &str, want: &str, claims: &impl Members) -> Option<String> {
    if let Some(h) = near_miss(got, want) {
        return Some(format!(
            "Near miss: {h}. Audiences are compared exactly (RFC 8707 canonical URI): request the token with resource=\"{}\", or configure the server with the same string.",
            sanitize::line(want)
        ));
    }
    if let (Ok(g), Ok(w)) = (Url::parse(got), Url::parse(want))
        && g.origin() == w.origin()
        && g.path().trim_end_matches('/').is_empty()
        && !w.path().trim_end_matches('/').is_empty()
    {
        return Some(format!(
            "Near miss: aud is the server's origin, not the MCP endpoint \"{}\". MCP clients send the endpoint URL as the RFC 8707 resource; configure the audience as the full endpoint URL.",
            sanitize::line(want)
        ));
    }
    let client = ["client_id", "azp"]
        .iter()
        .find_map(|c| claims.get(c).and_then(Value::as_str));
    if client == Some(got) {
        return Some(
            "aud equals the client id: this is how ID tokens (and some providers' default access tokens) look. Send an access token requested for this resource (resource parameter / API audience), not an ID token.".to_owned(),
        );
    }
    None
}

fn times(checks: &mut Checks, claims: &impl Members, exp: &Expectations) {
    let (now, leeway) = (exp.now, exp.leeway);
    match numeric(claims.get("exp")) {
        Num::Absent => checks.violated(
            &JWT_EXP_VALID,
            "the token has no exp claim: it never expires. Configure the authorization server to set exp.",
        ),
        Num::Wrong(t) => checks.violated(&JWT_EXP_VALID, format!("exp is {t}, not a number of seconds.")),
        Num::Value(e) if now < e.saturating_add(leeway) => {
            checks.pass_with(&JWT_EXP_VALID, || format!("expires {}", when(e, now)));
        }
        Num::Value(e) => checks.violated(
            &JWT_EXP_VALID,
            format!(
                "the token expired {} (leeway {leeway} s). Get a fresh token; if it should still be valid, check the clocks.",
                when(e, now)
            ),
        ),
    }
    match numeric(claims.get("nbf")) {
        Num::Absent => checks.pass(&JWT_NBF_VALID, "no nbf claim (optional)"),
        Num::Wrong(t) => checks.violated(&JWT_NBF_VALID, format!("nbf is {t}, not a number of seconds.")),
        Num::Value(n) if now >= n.saturating_sub(leeway) => {
            checks.pass_with(&JWT_NBF_VALID, || format!("valid since {}", when(n, now)));
        }
        Num::Value(n) => checks.violated(
            &JWT_NBF_VALID,
            format!(
                "the token is not valid yet: nbf is {} (leeway {leeway} s). Wait, or check the issuer's clock.",
                when(n, now)
            ),
        ),
    }
    match numeric(claims.get("iat")) {
        Num::Absent => checks.violated(&JWT_IAT_PRESENT, "the token has no iat claim (RFC 9068 requires it)."),
        Num::Wrong(t) => checks.violated(&JWT_IAT_PRESENT, format!("iat is {t}, not a number of seconds.")),
        Num::Value(i) if i > now.saturating_add(leeway) => checks.warn(
            &JWT_IAT_PRESENT,
            format!(
                "iat is in the future ({}, leeway {leeway} s): the issuer's clock is ahead. Check NTP.",
                when(i, now)
            ),
        ),
        Num::Value(i) => checks.pass_with(&JWT_IAT_PRESENT, || format!("issued {}", when(i, now))),
    }
}

fn profile_claims(checks: &mut Checks, claims: &impl Members) {
    let bad: Vec<String> = ["sub", "client_id", "jti"]
        .into_iter()
        .filter_map(|c| match claims.get(c) {
            Some(Value::String(_)) => None,
            Some(other) => Some(format!("{c} is {}", type_name(other))),
            None => Some(format!("{c} is missing")),
        })
        .collect();
    if bad.is_empty() {
        checks.pass(&JWT_PROFILE_CLAIMS, "sub, client_id and jti are present");
    } else {
        let profile = if checks.level_of(&JWT_PROFILE_CLAIMS) == crate::catalogue::Level::Must {
            "required by RFC 9068"
        } else {
            "required by RFC 9068, which MCP does not mandate; --profile rfc9068 enforces it"
        };
        checks.violated(&JWT_PROFILE_CLAIMS, format!("{} ({profile}).", bad.join(", ")));
    }
}

fn scope(checks: &mut Checks, claims: &impl Members, exp: &Expectations) {
    // The granted scopes as a space-delimited string or a list, borrowed from the claims.
    let (spaced, listed, note): (Option<&str>, &[Value], &str) = match (claims.get("scope"), claims.get("scp")) {
        (Some(Value::String(s)), _) => (Some(s), &[], ""),
        (_, Some(Value::Array(items))) if items.iter().all(Value::is_string) => (
            None,
            items,
            " (from the non-standard scp array; RFC 9068 §2.2.3 uses a space-delimited scope string)",
        ),
        (_, Some(Value::String(s))) => (
            Some(s),
            &[],
            " (from the non-standard scp claim; RFC 9068 §2.2.3 uses scope)",
        ),
        (Some(other), _) => {
            checks.violated(
                &JWT_SCOPE_SUFFICIENT,
                format!(
                    "scope is {}; RFC 9068 §2.2.3 requires a space-delimited string.",
                    type_name(other)
                ),
            );
            return;
        }
        (None, _) if exp.scopes.is_empty() => {
            checks.warn(
                &JWT_SCOPE_SUFFICIENT,
                "the token has no scope claim (RFC 9068 §2.2.3 says it SHOULD); the resource cannot tell what it may do.",
            );
            return;
        }
        (None, _) => (None, &[], ""),
    };
    let granted = || {
        let spaced = spaced.into_iter().flat_map(|s| s.split(' ')).filter(|s| !s.is_empty());
        spaced.chain(listed.iter().filter_map(Value::as_str))
    };
    let missing: Vec<&str> = exp
        .scopes
        .iter()
        .map(String::as_str)
        .filter(|s| !granted().any(|g| g == *s))
        .collect();
    let shown = || sanitize::line(&granted().collect::<Vec<_>>().join(" ")).into_owned();
    if !missing.is_empty() {
        let shown = shown();
        checks.violated(
            &JWT_SCOPE_SUFFICIENT,
            format!(
                "missing scope(s) {}; the token grants \"{shown}\"{note}. Request them in the authorization request; an MCP server answers 403 insufficient_scope.",
                sanitize::line(&missing.join(" "))
            ),
        );
    } else if exp.scopes.is_empty() {
        checks.pass_with(&JWT_SCOPE_SUFFICIENT, || {
            format!("scope \"{}\"{note}; no --scope required", shown())
        });
    } else {
        checks.pass_with(&JWT_SCOPE_SUFFICIENT, || {
            format!("every required scope is granted: \"{}\"{note}", shown())
        });
    }
}

fn lifetime(checks: &mut Checks, claims: &impl Members) {
    match (numeric(claims.get("iat")), numeric(claims.get("exp"))) {
        (Num::Value(i), Num::Value(e)) => {
            let Some(life) = e.checked_sub(i) else {
                checks.skip(&JWT_SHORT_LIVED, "iat and exp are too far apart to subtract");
                return;
            };
            if life <= MAX_LIFETIME_SECS {
                checks.pass_with(&JWT_SHORT_LIVED, || format!("lifetime {}", duration(life)));
            } else {
                checks.violated(
                    &JWT_SHORT_LIVED,
                    format!(
                        "lifetime {} exceeds {} (tool policy); a stolen token stays useful that long. Lower the access-token lifetime and use refresh tokens.",
                        duration(life),
                        duration(MAX_LIFETIME_SECS)
                    ),
                );
            }
        }
        _ => checks.skip(&JWT_SHORT_LIVED, "needs numeric iat and exp"),
    }
}

/// `jwt-not-id-token`: an explanatory hint, also used by `decode-token`.
pub fn id_token_hint(checks: &mut Checks, header: &impl Members, claims: &impl Members) {
    let plain_typ = match header.get("typ").and_then(Value::as_str) {
        None => true,
        Some(t) => t.eq_ignore_ascii_case("JWT"),
    };
    let mut signs: Vec<&str> = ["nonce", "at_hash", "c_hash"]
        .into_iter()
        .filter(|c| claims.contains_key(c))
        .collect();
    let aud_is_client = ["azp", "client_id"].iter().any(|c| {
        let Some(client) = claims.get(c).and_then(Value::as_str) else {
            return false;
        };
        match claims.get("aud") {
            Some(Value::String(a)) => a == client,
            Some(Value::Array(a)) => a.len() == 1 && a[0].as_str() == Some(client),
            _ => false,
        }
    });
    if aud_is_client {
        signs.push("aud equals the client id");
    }
    if plain_typ && !signs.is_empty() {
        checks.violated(
            &JWT_NOT_ID_TOKEN,
            format!(
                "this looks like an OpenID Connect ID token ({}), not an access token. Send the access_token from the token response, not the id_token.",
                signs.join(", ")
            ),
        );
    } else {
        checks.pass(&JWT_NOT_ID_TOKEN, "no sign of an ID token");
    }
}

enum Num {
    Absent,
    Wrong(&'static str),
    Value(i64),
}

/// The NumericDates accepted: 1970-01-01 to 9999-12-31 23:59:59 UTC. Anything else (`1e300`, `-1e300`) is
/// not a date a token can mean, and within this range every difference and leeway fits an `i64`.
const DATE_RANGE: std::ops::RangeInclusive<i64> = 0..=253_402_300_799;

fn numeric(v: Option<&Value>) -> Num {
    match v {
        None => Num::Absent,
        Some(Value::Number(n)) => match n.as_i64().map(|i| i as f64).or_else(|| n.as_f64()) {
            Some(f) if f.is_finite() && f >= 0.0 && f <= *DATE_RANGE.end() as f64 => Num::Value(f as i64),
            _ => Num::Wrong("a date out of range (before 1970 or after 9999)"),
        },
        Some(other) => Num::Wrong(type_name(other)),
    }
}

fn type_name(v: &Value) -> &'static str {
    crate::metadata::type_name(v)
}

/// `t` as a UTC date with the time relative to `now`: "2026-11-27 20:25:00 UTC (in 4 min)".
pub fn when(t: i64, now: i64) -> String {
    let mut out = String::with_capacity(40);
    write_date(&mut out, t);
    if t == now {
        out.push_str(" (now)");
        return out;
    }
    out.push_str(if t > now { " (in " } else { " (" });
    write_duration(&mut out, t - now);
    out.push_str(if t > now { ")" } else { " ago)" });
    out
}

/// A coarse human duration: "42 s", "4 min", "3 h 5 min", "12 days".
pub fn duration(secs: i64) -> String {
    let mut out = String::new();
    write_duration(&mut out, secs);
    out
}

fn write_duration(out: &mut String, secs: i64) {
    use std::fmt::Write as _;
    let s = secs.unsigned_abs();
    let _ = match s {
        0..60 => write!(out, "{s} s"),
        60..3600 => write!(out, "{} min", s / 60),
        3600..172_800 if (s % 3600) / 60 == 0 => write!(out, "{} h", s / 3600),
        3600..172_800 => write!(out, "{} h {} min", s / 3600, (s % 3600) / 60),
        _ => write!(out, "{} days", s / 86_400),
    };
}

/// Seconds since the epoch as "YYYY-MM-DD HH:MM:SS UTC" (proleptic Gregorian, no time-zone database).
fn write_date(out: &mut String, t: i64) {
    use std::fmt::Write as _;
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Status;
    use crate::spec::SpecRevision;
    use serde_json::{Map, json};

    const NOW: i64 = 1_800_000_000;

    fn exp() -> Expectations {
        Expectations {
            issuer: Some("https://auth.example.com".into()),
            authorization_servers: None,
            audience: "https://mcp.example.com/mcp".into(),
            audience_overridden: false,
            scopes: vec!["mcp:read".into()],
            leeway: 60,
            now: NOW,
            rfc9068: false,
        }
    }

    fn good() -> Map<String, Value> {
        json!({"iss": "https://auth.example.com", "aud": "https://mcp.example.com/mcp", "sub": "u", "client_id": "c",
               "jti": "j", "scope": "mcp:read mcp:write", "iat": NOW - 10, "exp": NOW + 290})
        .as_object()
        .unwrap()
        .clone()
    }

    fn run(claims: &Map<String, Value>, e: &Expectations) -> Vec<(&'static str, Status, String)> {
        let mut c = Checks::new(SpecRevision::LATEST, None);
        let header = json!({"typ": "at+jwt"}).as_object().unwrap().clone();
        super::claims(&mut c, &header, claims, e);
        c.into_results()
            .into_iter()
            .map(|r| (r.id, r.status, r.message.into_owned()))
            .collect()
    }

    fn status(r: &[(&'static str, Status, String)], id: &str) -> (Status, String) {
        let (_, s, m) = r.iter().find(|(i, ..)| *i == id).unwrap();
        (*s, m.clone())
    }

    #[test]
    fn a_good_token_passes_every_claim_rule() {
        let r = run(&good(), &exp());
        let bad: Vec<_> = r
            .iter()
            .filter(|(_, s, _)| !matches!(s, Status::Pass | Status::Skip))
            .collect();
        assert!(bad.is_empty(), "{bad:?}");
    }

    #[test]
    fn audience_near_misses_are_explained() {
        for (aud, words) in [
            ("https://mcp.example.com/mcp/", "trailing slash"),
            ("https://mcp.example.com", "origin"),
            ("https://MCP.example.com/mcp", "letter case"),
            ("c", "client id"),
            ("https://other.example/api", "resource="),
        ] {
            let mut c = good();
            c.insert("aud".into(), json!(aud));
            let (s, m) = status(&run(&c, &exp()), "jwt-aud-contains-resource");
            assert_eq!(s, Status::Fail, "{aud}");
            assert!(m.contains(words), "{aud}: {m}");
        }
        let mut c = good();
        c.insert("aud".into(), json!(["x", "https://mcp.example.com/mcp"]));
        assert_eq!(status(&run(&c, &exp()), "jwt-aud-contains-resource").0, Status::Pass);
    }

    #[test]
    fn iss_is_checked_against_the_listed_authorization_servers() {
        assert_eq!(status(&run(&good(), &exp()), "jwt-iss-is-resource-as").0, Status::Skip);
        let mut e = exp();
        e.authorization_servers = Some(vec!["https://other.example".into(), "https://auth.example.com".into()]);
        assert_eq!(status(&run(&good(), &e), "jwt-iss-is-resource-as").0, Status::Pass);
        e.authorization_servers = Some(vec!["https://auth.example.com/".into()]);
        let (s, m) = status(&run(&good(), &e), "jwt-iss-is-resource-as");
        assert_eq!(s, Status::Fail);
        assert!(
            m.contains("\"https://auth.example.com/\"") && m.contains("trailing slash"),
            "{m}"
        );
        e.authorization_servers = Some(Vec::new());
        let (s, m) = status(&run(&good(), &e), "jwt-iss-is-resource-as");
        assert_eq!(s, Status::Fail);
        assert!(m.contains("none are listed"), "{m}");
    }

    #[test]
    fn times_honour_the_leeway() {
        let mut c = good();
        c.insert("exp".into(), json!(NOW - 30));
        assert_eq!(status(&run(&c, &exp()), "jwt-exp-valid").0, Status::Pass);
        c.insert("exp".into(), json!(NOW - 61));
        let (s, m) = status(&run(&c, &exp()), "jwt-exp-valid");
        assert_eq!(s, Status::Fail);
        assert!(m.contains("expired") && m.contains("1 min ago"), "{m}");
        c.insert("nbf".into(), json!(NOW + 120));
        assert_eq!(status(&run(&c, &exp()), "jwt-nbf-valid").0, Status::Fail);
        c.insert("iat".into(), json!(NOW + 120));
        assert_eq!(status(&run(&c, &exp()), "jwt-iat-present").0, Status::Warn);
    }

    #[test]
    fn scp_arrays_are_accepted_and_called_non_standard() {
        let mut c = good();
        c.remove("scope");
        c.insert("scp".into(), json!(["mcp:read"]));
        let (s, m) = status(&run(&c, &exp()), "jwt-scope-sufficient");
        assert_eq!(s, Status::Pass);
        assert!(m.contains("non-standard"), "{m}");
        c.remove("scp");
        assert_eq!(status(&run(&c, &exp()), "jwt-scope-sufficient").0, Status::Fail);
        let mut none = exp();
        none.scopes.clear();
        assert_eq!(status(&run(&c, &none), "jwt-scope-sufficient").0, Status::Warn);
    }

    #[test]
    fn long_lifetimes_and_id_tokens_are_reported() {
        let mut c = good();
        c.insert("exp".into(), json!(NOW + 86_400));
        assert_eq!(status(&run(&c, &exp()), "jwt-short-lived").0, Status::Warn);
        let mut id = good();
        id.insert("nonce".into(), json!("n"));
        let mut ch = Checks::new(SpecRevision::LATEST, None);
        super::claims(
            &mut ch,
            &json!({"typ": "JWT"}).as_object().unwrap().clone(),
            &id,
            &exp(),
        );
        let r = ch.into_results();
        let hint = r.iter().find(|r| r.id == "jwt-not-id-token").unwrap();
        assert_eq!(hint.status, Status::Info);
        assert!(hint.message.contains("ID token"), "{}", hint.message);
    }

    /// `iat: -1e300, exp: 1e300` once passed as "lifetime 1 s" (the subtraction wrapped; debug builds panicked).
    #[test]
    fn out_of_range_numeric_dates_are_invalid() {
        let mut c = good();
        c.insert("iat".into(), json!(-1e300));
        c.insert("exp".into(), json!(1e300));
        let r = run(&c, &exp());
        assert_eq!(status(&r, "jwt-short-lived").0, Status::Skip);
        for id in ["jwt-exp-valid", "jwt-iat-present"] {
            let (s, m) = status(&r, id);
            assert_eq!(s, Status::Fail, "{id}: {m}");
            assert!(m.contains("out of range"), "{id}: {m}");
        }
        for (claim, v) in [
            ("exp", json!(i64::MAX)),
            ("nbf", json!(-1)),
            ("exp", json!(253_402_300_800_i64)),
        ] {
            let mut c = good();
            c.insert(claim.into(), v.clone());
            let id = if claim == "exp" {
                "jwt-exp-valid"
            } else {
                "jwt-nbf-valid"
            };
            assert_eq!(status(&run(&c, &exp()), id).0, Status::Fail, "{claim} {v}");
        }
        c.insert("iat".into(), json!(0));
        c.insert("exp".into(), json!(253_402_300_799_i64));
        assert_eq!(status(&run(&c, &exp()), "jwt-short-lived").0, Status::Warn);
    }

    #[test]
    fn dates_and_durations_read_well() {
        let utc_date = |t| {
            let mut s = String::new();
            write_date(&mut s, t);
            s
        };
        assert_eq!(utc_date(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_date(1_800_000_000), "2027-01-15 08:00:00 UTC");
        assert_eq!(utc_date(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(when(NOW + 240, NOW), "2027-01-15 08:04:00 UTC (in 4 min)");
        assert_eq!(duration(7_500), "2 h 5 min");
        assert_eq!(duration(3 * 86_400), "3 days");
    }
}

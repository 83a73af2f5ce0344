//! The token endpoint: the authorization_code exchange (with `code_verifier` and RFC 8707 `resource`),
//! client_credentials, and the request the refresh stage reuses. Token responses are validated, error
//! responses explained, and the token's binding to the resource checked.

use super::{Credentials, Found, Run, Session, Stop, fetch_error, join, split};
use crate::catalogue::{CL_RESOURCE_PARAMETER, CL_SCOPE_SELECTION, CL_TOKEN_RESPONSE};
use crate::http::Request;
use crate::jwt::SecretToken;
use crate::report::{Checks, ErrorInfo};
use crate::sanitize;
use base64::Engine;
use serde_json::Value;

/// A fix for an OAuth error response (RFC 6749 §5.2 codes and known provider codes), as
/// `": <error>: <description> — <fix>"`, or an empty string for a body that is not one.
pub fn explain_error(v: &Value) -> String {
    let Some(error) = v["error"].as_str() else {
        return String::new();
    };
    let desc = v["error_description"].as_str().unwrap_or("");
    let fix = if desc.contains("AADSTS9010010") {
        "Entra ID rejects `resource` with v2 scopes: request scopes of the API's Application ID URI (api://…/.default) and make the PRM `resource` that URI"
    } else if desc.contains("AADSTS901002") {
        "Entra ID's v2 endpoint does not support `resource`: use the scope `<Application ID URI>/.default` and a PRM `resource` equal to that URI"
    } else if desc.to_ascii_lowercase().contains("redirect") {
        "the redirect URI differs from the registered one: register http://127.0.0.1/callback (any port, RFC 8252 §7.3) exactly as sent"
    } else {
        match error {
            "invalid_client" => {
                "the server does not know this client or its authentication failed: check --client-id/--client-secret and the registered token_endpoint_auth_method"
            }
            "invalid_grant" => {
                "the code or refresh token was refused: expired, already used, issued to another client, or redirect_uri/code_verifier differ from the authorization request"
            }
            "invalid_scope" => {
                "a requested scope is unknown or not allowed: pass --scope with scopes the server lists (some servers refuse offline_access)"
            }
            "invalid_target" => {
                "the server refused the RFC 8707 resource: it must accept the PRM's resource and issue tokens for it"
            }
            "unauthorized_client" => {
                "this client may not use this grant type: register it with the grant (grant_types)"
            }
            "unsupported_grant_type" => "the server does not support this grant: check grant_types_supported",
            "access_denied" => "the user or the server's policy refused the authorization",
            _ => "see the authorization server's documentation for this error",
        }
    };
    sanitize::line(&format!(": {error}: {desc} — {fix}")).into_owned()
}

/// POSTs a token request with the client's authentication. Returns the status and the JSON body.
pub async fn post(
    run: &Run<'_>,
    found: &Found,
    creds: &Credentials,
    mut form: Vec<(&str, String)>,
) -> Result<(u16, Value, bool), Stop> {
    let endpoint = found.endpoint("token_endpoint").ok_or_else(|| {
        Stop::Error(ErrorInfo {
            kind: "no-token-endpoint",
            message: "the authorization server metadata has no token_endpoint".into(),
            url: None,
        })
    })?;
    if creds.issuer != found.issuer {
        // Never reached: credentials are registered per issuer. Guarded so a refactor cannot leak them.
        return Err(Stop::Error(ErrorInfo {
            kind: "credentials-per-issuer",
            message: "client credentials of another authorization server".into(),
            url: None,
        }));
    }
    let mut req = Request::get(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json");
    match (&creds.secret, creds.auth_method.as_str(), &creds.key) {
        (_, "private_key_jwt", Some(key)) => {
            form.push(("client_id", creds.client_id.clone()));
            form.push(("client_assertion_type", super::assertion::ASSERTION_TYPE.to_owned()));
            let assertion = key.assertion(&creds.client_id, &found.issuer);
            form.push(("client_assertion", assertion.expose().to_owned()));
        }
        (Some(s), "client_secret_post", _) => {
            form.push(("client_id", creds.client_id.clone()));
            form.push(("client_secret", s.expose().to_owned()));
        }
        (Some(s), _, _) => {
            let enc = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
            let basic = base64::engine::general_purpose::STANDARD.encode(format!(
                "{}:{}",
                enc(&creds.client_id),
                enc(s.expose())
            ));
            req = req.header("authorization", &format!("Basic {basic}"));
        }
        (None, _, _) => form.push(("client_id", creds.client_id.clone())),
    }
    req.method = reqwest::Method::POST;
    req.body = Some(
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish()
            .into_bytes(),
    );
    let r = run.client.send(req).await.map_err(|e| fetch_error(&e))?;
    let no_store = r
        .header_values("cache-control")
        .iter()
        .any(|v| v.to_ascii_lowercase().contains("no-store"));
    Ok((r.status, r.json().unwrap_or(Value::Null), no_store))
}

/// Validates a token response; returns the access token, the refresh token and the granted scope.
pub fn read_response(
    c: &mut Checks,
    status: u16,
    v: &Value,
    no_store: bool,
    resource: &str,
) -> Option<(SecretToken, Option<SecretToken>, Option<String>)> {
    let token = v["access_token"].as_str().filter(|t| !t.is_empty());
    let bearer = v["token_type"]
        .as_str()
        .is_some_and(|t| t.eq_ignore_ascii_case("bearer"));
    match (status, token) {
        (200, Some(t)) if bearer => {
            if no_store {
                c.pass(
                    &CL_TOKEN_RESPONSE,
                    "200 with a Bearer access_token, Cache-Control: no-store",
                );
            } else {
                c.warn(&CL_TOKEN_RESPONSE, "the token response lacks Cache-Control: no-store (RFC 6749 §5.1); add it so proxies never cache tokens");
            }
            let rt = v["refresh_token"].as_str().map(SecretToken::new);
            Some((SecretToken::new(t), rt, v["scope"].as_str().map(str::to_owned)))
        }
        (200, Some(_)) => {
            c.violated(
                &CL_TOKEN_RESPONSE,
                sanitize::line(&format!(
                    "token_type is {}, not Bearer; MCP uses Bearer tokens (RFC 6750)",
                    v["token_type"]
                ))
                .into_owned(),
            );
            None
        }
        _ => {
            let why = explain_error(v);
            if v["error"] == "invalid_target" {
                c.violated(
                    &CL_RESOURCE_PARAMETER,
                    sanitize::line(&format!("the token request with resource={resource} was refused{why}"))
                        .into_owned(),
                );
            }
            if v["error"] == "invalid_scope" {
                c.violated(
                    &CL_SCOPE_SELECTION,
                    format!("the token request's scopes were refused{why}"),
                );
            }
            c.violated(
                &CL_TOKEN_RESPONSE,
                sanitize::line(&format!(
                    "the token endpoint answered HTTP {status} without an access token{why}"
                ))
                .into_owned(),
            );
            None
        }
    }
}

/// Redeems the authorization code.
pub async fn exchange(
    run: &mut Run<'_>,
    found: &Found,
    creds: Credentials,
    code: &str,
    verifier: &str,
    redirect_uri: &str,
    scopes: Vec<String>,
) -> Result<Session, Stop> {
    let mut form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code.to_owned()),
        ("redirect_uri", redirect_uri.to_owned()),
        ("code_verifier", verifier.to_owned()),
    ];
    if !run.opts.no_resource {
        form.push(("resource", found.resource.clone()));
    }
    let (status, v, no_store) = post(run, found, &creds, form).await?;
    finish(run, found, creds, status, &v, no_store, scopes).await
}

/// client_credentials with `resource`.
pub async fn client_credentials(run: &mut Run<'_>, found: &Found, creds: Credentials) -> Result<Session, Stop> {
    let scopes = super::discover::initial_scopes(run, found);
    let mut form = vec![("grant_type", "client_credentials".to_owned())];
    if !scopes.is_empty() {
        form.push(("scope", join(&scopes)));
    }
    if !run.opts.no_resource {
        form.push(("resource", found.resource.clone()));
    }
    let (status, v, no_store) = post(run, found, &creds, form).await?;
    finish(run, found, creds, status, &v, no_store, scopes).await
}

async fn finish(
    run: &mut Run<'_>,
    found: &Found,
    creds: Credentials,
    status: u16,
    v: &Value,
    no_store: bool,
    scopes: Vec<String>,
) -> Result<Session, Stop> {
    let subject = found
        .endpoint("token_endpoint")
        .map(|u| u.to_string())
        .unwrap_or_default();
    let mut c = run.checks(&subject);
    let read = read_response(&mut c, status, v, no_store, &found.resource);
    if read.is_some() {
        resource_sent(run, &mut c, found);
    }
    run.link("token", &subject, c)?;
    let Some((token, refresh_token, granted)) = read else {
        return Err(Stop::Check);
    };
    let mut c = run.checks(&subject);
    super::audience::check(run, &mut c, found, &token).await;
    run.note("access-token", &subject, c);
    let scopes = granted.map(|g| split(&g)).unwrap_or(scopes);
    run.fact("scope", join(&scopes));
    Ok(Session {
        creds,
        token,
        refresh_token,
        scopes,
        authorizations: 0,
        callback: None,
    })
}

fn resource_sent(run: &Run<'_>, c: &mut Checks, found: &Found) {
    if run.opts.no_resource {
        c.violated(&CL_RESOURCE_PARAMETER, "--no-resource: the RFC 8707 resource parameter was not sent, which MCP clients MUST send; the token is not bound to this server");
    } else {
        c.pass(
            &CL_RESOURCE_PARAMETER,
            sanitize::line(&format!(
                "resource={} accepted on the authorization and token requests",
                found.resource
            ))
            .into_owned(),
        );
    }
}

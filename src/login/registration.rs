//! Client registration in the MCP spec's order: pre-registered (`--client-id`), then a Client ID Metadata
//! Document (`--client-metadata-url`, when the server advertises support), then RFC 7591 dynamic
//! registration. The report says which route was taken and why the others were not.

use super::{Credentials, Found, RegistrationMode, Run, Stop, fetch_error};
use crate::catalogue::{CL_DCR_RESPONSE, CL_REDIRECT_URI_REGISTERED, CL_REGISTRATION};
use crate::http::Request;
use crate::jwt::SecretToken;
use crate::report::Checks;
use crate::sanitize;
use serde_json::{Value, json};

/// Obtains client credentials at `found`'s authorization server. `redirect_uri` is the loopback callback
/// (authorization code grant) or `None` (client credentials).
pub async fn register(run: &mut Run<'_>, found: &Found, redirect_uri: Option<&str>) -> Result<Credentials, Stop> {
    let mode = run.opts.registration;
    let wants = |m: RegistrationMode| mode == RegistrationMode::Auto || mode == m;
    let cimd_supported = found.metadata.get("client_id_metadata_document_supported") == Some(&json!(true));
    let dcr_endpoint = found.endpoint("registration_endpoint");
    let mut why_not = Vec::new();
    let mut c = run.checks(&found.issuer);
    if let Some(id) = run
        .opts
        .client_id
        .clone()
        .filter(|_| wants(RegistrationMode::PreRegistered))
    {
        c.pass(
            &CL_REGISTRATION,
            "pre-registered client (--client-id), the first route in the spec's order",
        );
        run.fact("registration", "pre-registered");
        run.note("registration", &found.issuer, c);
        return Ok(pre_registered(run, found, id));
    }
    why_not.push(if run.opts.client_id.is_none() {
        "no --client-id"
    } else {
        "--registration excludes it"
    });
    match (&run.opts.client_metadata_url, cimd_supported) {
        (Some(u), true) if wants(RegistrationMode::Cimd) => {
            c.pass(
                &CL_REGISTRATION,
                format!(
                    "Client ID Metadata Document {u} ({}), the server advertises support",
                    why_not.join(", ")
                ),
            );
            run.fact("registration", "cimd");
            run.note("registration", &found.issuer, c);
            return Ok(Credentials {
                client_id: u.clone(),
                secret: None,
                auth_method: "none".into(),
                key: None,
                issuer: found.issuer.clone(),
            });
        }
        (None, _) => why_not.push("no --client-metadata-url"),
        (Some(_), false) => why_not.push("the server does not advertise client_id_metadata_document_supported"),
        (Some(_), true) => why_not.push("--registration excludes the metadata document"),
    }
    match dcr_endpoint {
        Some(endpoint) if wants(RegistrationMode::Dcr) => {
            c.pass(
                &CL_REGISTRATION,
                format!("dynamic registration ({})", why_not.join(", ")),
            );
            run.fact("registration", "dcr");
            run.note("registration", &found.issuer, c);
            dcr(run, found, &endpoint, redirect_uri).await
        }
        other => {
            why_not.push(if other.is_none() {
                "no registration_endpoint"
            } else {
                "--registration excludes dynamic registration"
            });
            c.violated(
                &CL_REGISTRATION,
                sanitize::line(&format!(
                    "no registration route applies: {}. Pass --client-id of a pre-registered client, or --client-metadata-url when the server supports Client ID Metadata Documents",
                    why_not.join("; ")
                ))
                .into_owned(),
            );
            run.link("registration", &found.issuer, c)?;
            Err(Stop::Check)
        }
    }
}

fn pre_registered(run: &Run<'_>, found: &Found, client_id: String) -> Credentials {
    let methods = found.list("token_endpoint_auth_methods_supported");
    let listed = |m: &str| methods.iter().any(|x| x == m);
    let auth_method = match (&run.opts.client_key, &run.opts.client_secret) {
        (Some(_), _) if listed("private_key_jwt") => "private_key_jwt",
        (_, Some(_)) if listed("client_secret_basic") || methods.is_empty() => "client_secret_basic",
        (_, Some(_)) => "client_secret_post",
        (Some(_), None) => "private_key_jwt",
        (None, None) => "none",
    };
    Credentials {
        client_id,
        secret: run.opts.client_secret.clone(),
        auth_method: auth_method.into(),
        key: run.opts.client_key.clone(),
        issuer: found.issuer.clone(),
    }
}

/// RFC 7591 registration with `application_type`, the loopback redirect URI and the grant types used.
async fn dcr(
    run: &mut Run<'_>,
    found: &Found,
    endpoint: &url::Url,
    redirect_uri: Option<&str>,
) -> Result<Credentials, Stop> {
    let methods = found.list("token_endpoint_auth_methods_supported");
    let with_key = run
        .opts
        .client_key
        .as_ref()
        .filter(|_| methods.iter().any(|m| m == "private_key_jwt"));
    let method = if with_key.is_some() {
        "private_key_jwt"
    } else if methods.is_empty() || methods.iter().any(|m| m == "none") {
        "none"
    } else if methods.iter().any(|m| m == "client_secret_basic") {
        "client_secret_basic"
    } else {
        "client_secret_post"
    };
    let grants: Vec<&str> = match redirect_uri {
        Some(_) => vec!["authorization_code", "refresh_token"],
        None => vec!["client_credentials"],
    };
    let mut body = json!({
        "client_name": "mcp-auth",
        "application_type": "native",
        "grant_types": grants,
        "response_types": if redirect_uri.is_some() { json!(["code"]) } else { json!([]) },
        "token_endpoint_auth_method": method,
    });
    if let Some(r) = redirect_uri {
        body["redirect_uris"] = json!([r]);
    }
    if let Some(k) = with_key {
        body["jwks"] = json!({"keys": [k.public_jwk]});
    }
    let mut req = Request::get(endpoint.clone())
        .header("content-type", "application/json")
        .header("accept", "application/json");
    req.method = reqwest::Method::POST;
    req.body = Some(body.to_string().into_bytes());
    let r = run.client.send(req).await.map_err(|e| fetch_error(&e))?;
    let mut c = run.checks(endpoint.as_str());
    let doc = r.json().ok().filter(|_| r.status == 201 || r.status == 200);
    let id = doc.as_ref().and_then(|d| d["client_id"].as_str()).map(str::to_owned);
    let Some((doc, id)) = doc.zip(id) else {
        let detail = r.json().map(|v| super::token::explain_error(&v)).unwrap_or_default();
        c.violated(
            &CL_DCR_RESPONSE,
            sanitize::line(&format!("registration answered HTTP {} without a client_id{detail}; RFC 7591 §3.2.1 requires 201 with the client information", r.status)).into_owned(),
        );
        run.link("registration", endpoint.as_str(), c)?;
        return Err(Stop::Check);
    };
    if r.status == 201 {
        c.pass(&CL_DCR_RESPONSE, format!("registered client {}", sanitize::line(&id)));
    } else {
        c.warn(
            &CL_DCR_RESPONSE,
            "registration answered 200; RFC 7591 §3.2.1 says 201 Created",
        );
    }
    redirect_registered(&mut c, &doc, redirect_uri);
    run.link("registration", endpoint.as_str(), c)?;
    let method = doc["token_endpoint_auth_method"].as_str().unwrap_or(method).to_owned();
    Ok(Credentials {
        client_id: id,
        secret: doc["client_secret"].as_str().map(SecretToken::new),
        auth_method: method,
        key: run.opts.client_key.clone(),
        issuer: found.issuer.clone(),
    })
}

/// The registered `redirect_uris` must hold the one the client will use (port aside on loopback).
fn redirect_registered(c: &mut Checks, doc: &Value, redirect_uri: Option<&str>) {
    let Some(ours) = redirect_uri else { return };
    let registered: Vec<&str> = doc["redirect_uris"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if registered.is_empty() || registered.contains(&ours) {
        c.pass(&CL_REDIRECT_URI_REGISTERED, format!("{ours} is registered"));
    } else {
        c.violated(
            &CL_REDIRECT_URI_REGISTERED,
            sanitize::line(&format!(
                "the server registered {} instead of {ours}: the authorization request will be refused as a redirect URI mismatch. Keep loopback redirect URIs as sent (127.0.0.1 is not localhost)",
                registered.join(", ")
            ))
            .into_owned(),
        );
    }
}

//! Discovery as a client does it: the unauthenticated MCP request and its 401 challenge, the protected
//! resource metadata (the challenge's URL, else the well-known URLs), the authorization server metadata in
//! the spec's URL order. Stops on a PRM whose `resource` is not the server, an `issuer` that differs from
//! the one fetched for, and a server without PKCE S256.

use super::{Found, Run, Stop, fetch_error, split};
use crate::catalogue::{AS_ISSUER_MATCHES, CL_PKCE_SUPPORTED, CL_SCOPE_SELECTION, PRM_RESOURCE_MATCHES};
use crate::challenge;
use crate::discovery::{self, ProviderType};
use crate::http::Request;
use crate::report::ErrorInfo;
use crate::resource_metadata::canonical_resource;
use crate::sanitize;
use serde_json::{Map, Value};
use url::Url;

/// GETs `url` and returns its JSON object, or why not.
pub async fn get_object(run: &Run<'_>, url: &Url) -> Result<Map<String, Value>, String> {
    let r = run
        .client
        .send(Request::get(url.clone()).header("accept", "application/json"))
        .await
        .map_err(|e| e.to_string())?;
    if r.status != 200 {
        return Err(format!("{url}: HTTP {}", r.status));
    }
    match r.json() {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(format!("{url}: not a JSON object")),
        Err(why) => Err(format!("{url}: {why}")),
    }
}

/// The first document that answers among `urls`, with its URL.
async fn first_object(run: &Run<'_>, urls: &[Url]) -> Result<(Url, Map<String, Value>), Vec<String>> {
    let mut tried = Vec::new();
    for u in urls {
        match get_object(run, u).await {
            Ok(doc) => return Ok((u.clone(), doc)),
            Err(why) => tried.push(why),
        }
    }
    Err(tried)
}

fn not_found(what: &str, url: &Url, tried: &[String]) -> Stop {
    Stop::Error(ErrorInfo {
        kind: "not-found",
        message: sanitize::line(&format!("no {what} found: {}", tried.join("; "))).into_owned(),
        url: Some(url.to_string()),
    })
}

/// A server that lets `initialize` through without a token may guard its tools: asks `tools/list` in the
/// same session.
async fn tools_list(run: &Run<'_>, url: &Url, init: &crate::http::Response) -> Result<crate::http::Response, Stop> {
    let mut req = crate::probe::SHAPES[1].request(url, None);
    if let Some(sid) = init.header_values("mcp-session-id").first() {
        req = req.header("mcp-session-id", sid);
    }
    req.body = Some(br#"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}"#.to_vec());
    run.client.send(req).await.map_err(|e| fetch_error(&e))
}

/// The 401 challenge's `resource_metadata` URL and `scope`.
async fn challenge(run: &Run<'_>, url: &Url) -> Result<(Option<Url>, Option<String>), Stop> {
    let r = run
        .client
        .send(crate::probe::SHAPES[1].request(url, None))
        .await
        .map_err(|e| fetch_error(&e))?;
    let r = if matches!(r.status, 200 | 400) {
        tools_list(run, url, &r).await?
    } else {
        r
    };
    if r.status != 401 {
        return Err(Stop::Error(ErrorInfo {
            kind: "no-authorization-required",
            message: format!(
                "the MCP server answered HTTP {} without a token, not 401: there is nothing to log in to",
                r.status
            ),
            url: Some(url.to_string()),
        }));
    }
    let parsed = challenge::parse_all(&r.header_values("www-authenticate"));
    let bearer = parsed.find("Bearer");
    let prm = bearer
        .and_then(|c| c.param("resource_metadata"))
        .and_then(|u| Url::parse(u).ok());
    let scope = bearer.and_then(|c| c.param("scope")).map(str::to_owned);
    Ok((prm, scope))
}

/// Walks discovery for the MCP server at `url`.
pub async fn discover(run: &mut Run<'_>, url: &Url) -> Result<Found, Stop> {
    let (header_prm, challenge_scope) = challenge(run, url).await?;
    let candidates: Vec<Url> = header_prm.into_iter().chain(discovery::prm_candidates(url)).collect();
    let (resource, issuer, prm_scopes, legacy) = match first_object(run, &candidates).await {
        Ok((prm_url, doc)) => {
            let (resource, issuer, scopes) = read_prm(run, url, &prm_url, &doc)?;
            (resource, issuer, scopes, false)
        }
        // A 2025-03-26 server: no PRM, the authorization server metadata at the server's own origin.
        Err(_) if run.spec == crate::spec::SpecRevision::V2025_03_26 => {
            (url.to_string(), url.origin().ascii_serialization(), Vec::new(), true)
        }
        Err(tried) => return Err(not_found("protected resource metadata", url, &tried)),
    };
    let metadata = as_metadata(run, &issuer, legacy).await?;
    let found = Found {
        resource,
        issuer,
        metadata,
        challenge_scope,
        prm_scopes,
    };
    pkce(run, &found)?;
    run.fact("resource", found.resource.clone());
    run.fact("issuer", found.issuer.clone());
    Ok(found)
}

/// Whether `resource` identifies the server at `url`: the same canonical URI, or the same origin with a
/// path that is a whole-segment prefix of the server's (metadata served for the origin or a parent path,
/// as at the root well-known URL; the TypeScript SDK accepts the same).
fn covers(resource: &Url, url: &Url) -> bool {
    let (r, u) = (canonical_resource(resource), canonical_resource(url));
    if r == u {
        return true;
    }
    let path = resource.path().trim_end_matches('/');
    resource.origin() == url.origin()
        && resource.query().is_none()
        && (path.is_empty() || url.path() == path || url.path().starts_with(&format!("{path}/")))
}

/// Checks the PRM's `resource` against the server and picks the first authorization server.
fn read_prm(
    run: &mut Run<'_>,
    url: &Url,
    prm_url: &Url,
    doc: &Map<String, Value>,
) -> Result<(String, String, Vec<String>), Stop> {
    let mut c = run.checks(prm_url.as_str());
    let resource = doc.get("resource").and_then(Value::as_str).unwrap_or("").to_owned();
    let matches = Url::parse(&resource).is_ok_and(|r| covers(&r, url));
    c.check(
        &PRM_RESOURCE_MATCHES,
        matches,
        format!("resource {resource} is this server"),
        sanitize::line(&format!(
            "resource \"{resource}\" is not this MCP server ({url}); a client must stop here (RFC 9728 §3.3). Set `resource` to the MCP endpoint URL"
        ))
        .into_owned(),
    );
    let issuer = doc
        .get("authorization_servers")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_str)
        .map(str::to_owned);
    let scopes = doc
        .get("scopes_supported")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    run.link("protected-resource-metadata", prm_url.as_str(), c)?;
    let Some(issuer) = issuer else {
        return Err(not_found(
            "authorization server",
            prm_url,
            &["authorization_servers is empty or missing".into()],
        ));
    };
    Ok((resource, issuer, scopes))
}

/// Fetches the authorization server metadata and compares its `issuer` exactly.
async fn as_metadata(run: &mut Run<'_>, issuer: &str, legacy: bool) -> Result<Map<String, Value>, Stop> {
    let issuer_url = Url::parse(issuer).map_err(|e| {
        Stop::Error(ErrorInfo {
            kind: "bad-issuer",
            message: sanitize::line(&format!("authorization server \"{issuer}\" is not a URL ({e})")).into_owned(),
            url: None,
        })
    })?;
    let urls: Vec<Url> = discovery::as_candidates(&issuer_url, ProviderType::Auto, run.spec)
        .into_iter()
        .map(|c| c.url)
        .collect();
    let (meta_url, doc) = match first_object(run, &urls).await {
        Ok(found) => found,
        Err(_) if legacy => return Ok(default_endpoints(issuer)),
        Err(tried) => return Err(not_found("authorization server metadata", &issuer_url, &tried)),
    };
    let mut c = run.checks(meta_url.as_str());
    let advertised = doc.get("issuer").and_then(Value::as_str).unwrap_or("");
    if advertised == issuer {
        c.pass(&AS_ISSUER_MATCHES, format!("issuer is {issuer}, as expected"));
    } else if legacy {
        c.warn(
            &AS_ISSUER_MATCHES,
            sanitize::line(&format!("issuer \"{advertised}\" differs from the server origin {issuer}; 2025-03-26 gave clients no issuer to compare with")).into_owned(),
        );
    } else {
        c.violated(
            &AS_ISSUER_MATCHES,
            sanitize::line(&format!(
                "issuer \"{advertised}\" differs from {issuer}, the issuer it was fetched for; a client must stop (RFC 8414 §3.3). Publish the exact issuer"
            ))
            .into_owned(),
        );
    }
    run.link("authorization-server", meta_url.as_str(), c)?;
    Ok(doc)
}

/// MCP 2025-03-26 without metadata: `/authorize`, `/token` and `/register` at the server's origin (PKCE is
/// required of every client in that revision).
fn default_endpoints(origin: &str) -> Map<String, Value> {
    let doc = serde_json::json!({
        "issuer": origin,
        "authorization_endpoint": format!("{origin}/authorize"),
        "token_endpoint": format!("{origin}/token"),
        "registration_endpoint": format!("{origin}/register"),
        "code_challenge_methods_supported": ["S256"],
    });
    doc.as_object().cloned().unwrap_or_default()
}

fn pkce(run: &mut Run<'_>, found: &Found) -> Result<(), Stop> {
    if run.opts.grant == super::GrantKind::ClientCredentials {
        return Ok(());
    }
    let mut c = run.checks(&found.issuer);
    let methods = found.list("code_challenge_methods_supported");
    c.check(
        &CL_PKCE_SUPPORTED,
        methods.iter().any(|m| m == "S256"),
        "S256 is advertised",
        format!(
            "code_challenge_methods_supported is {}; without S256 a client must refuse to proceed. Advertise and enforce S256",
            if methods.is_empty() { "absent".to_owned() } else { sanitize::line(&methods.join(", ")).into_owned() }
        ),
    );
    run.link("pkce", &found.issuer, c)
}

/// The scopes of the first authorization request: `--scope`, else the challenge's `scope`, else the PRM's
/// `scopes_supported`; `offline_access` added only when the authorization server lists it.
pub fn initial_scopes(run: &mut Run<'_>, found: &Found) -> Vec<String> {
    let (mut scopes, from) = if let Some(s) = &run.opts.scope {
        (split(s), "--scope")
    } else if let Some(s) = &found.challenge_scope {
        (split(s), "the 401 challenge's scope")
    } else if !found.prm_scopes.is_empty() {
        (found.prm_scopes.clone(), "the metadata's scopes_supported")
    } else {
        (Vec::new(), "none available")
    };
    let offline = found.list("scopes_supported").iter().any(|s| s == "offline_access");
    if offline && run.opts.scope.is_none() && !scopes.iter().any(|s| s == "offline_access") {
        scopes.push("offline_access".into());
    }
    let mut c = run.checks(&found.issuer);
    c.pass(
        &CL_SCOPE_SELECTION,
        sanitize::line(&format!(
            "requesting \"{}\" (from {from}{})",
            scopes.join(" "),
            if offline {
                "; offline_access listed by the authorization server"
            } else {
                ""
            }
        ))
        .into_owned(),
    );
    run.note("scopes", &found.issuer, c);
    scopes
}

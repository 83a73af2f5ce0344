//! The MCP calls with the new token (`initialize`, `tools/list`, `--call`), and step-up: a 403
//! `insufficient_scope` re-authorizes with the union of granted and challenged scopes.

use super::{Found, Run, Session, Stop, fetch_error, join, split};
use crate::catalogue::{CL_MCP_CALL, CL_STEP_UP};
use crate::challenge;
use crate::http::{Request, Response};
use crate::report::Checks;
use crate::sanitize;
use serde_json::{Value, json};
use url::Url;

/// The newest revision, tried first (stateless: `server/discover`, `_meta`, `Mcp-Method`).
const NEWEST: &str = "2026-07-28";
/// The fallback revision (`initialize` and a session).
const CLASSIC: &str = "2025-11-25";

fn request(url: &Url, token: &str, session: Option<&str>, rev: &str, body: &Value) -> Request {
    let mut r = Request::get(url.clone())
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("mcp-protocol-version", rev)
        .header("authorization", &format!("Bearer {token}"));
    if let Some(s) = session {
        r = r.header("mcp-session-id", s);
    }
    if rev == NEWEST {
        let method = body["method"].as_str().unwrap_or("");
        r = r.header("mcp-method", method);
        if let Some(name) = body["params"]["name"].as_str().filter(|_| method == "tools/call") {
            r = r.header("mcp-name", name);
        }
    }
    r.method = reqwest::Method::POST;
    r.body = Some(body.to_string().into_bytes());
    r
}

/// The JSON-RPC message of a response: a JSON body or the first `data:` event of an SSE stream.
fn message(r: &Response) -> Option<Value> {
    if r.media_type().as_deref() == Some("text/event-stream") {
        let text = String::from_utf8_lossy(&r.body);
        return text.lines().filter_map(|l| l.strip_prefix("data:")).find_map(|d| {
            serde_json::from_str::<Value>(d.trim())
                .ok()
                .filter(|v| v.get("id").is_some())
        });
    }
    r.json().ok()
}

/// What one call came to.
enum Answer {
    Ok(Value, Option<String>),
    /// 403 `insufficient_scope` with the challenged scopes.
    InsufficientScope(Vec<String>),
    Failed(String),
}

async fn call(
    run: &Run<'_>,
    url: &Url,
    token: &str,
    session: Option<&str>,
    rev: &str,
    method: &str,
    mut params: Value,
) -> Result<Answer, Stop> {
    if rev == NEWEST {
        params["_meta"] = json!({"io.modelcontextprotocol/protocolVersion": NEWEST, "io.modelcontextprotocol/clientCapabilities": {}});
    }
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let r = run
        .client
        .send(request(url, token, session, rev, &body))
        .await
        .map_err(|e| fetch_error(&e))?;
    let parsed = challenge::parse_all(&r.header_values("www-authenticate"));
    let bearer = parsed.find("Bearer");
    let param = |n: &str| bearer.and_then(|c| c.param(n)).map(str::to_owned);
    if r.status == 403 && param("error").as_deref() == Some("insufficient_scope") {
        return Ok(Answer::InsufficientScope(split(&param("scope").unwrap_or_default())));
    }
    if r.status != 200 {
        let detail = [param("error"), param("error_description")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(": ");
        let mut scope = param("scope")
            .map(|s| format!(" (challenge scope \"{s}\")"))
            .unwrap_or_default();
        if let Some(m) = message(&r).and_then(|v| v["error"]["message"].as_str().map(str::to_owned)) {
            scope.push_str(&format!(" (JSON-RPC error: {m})"));
        }
        return Ok(Answer::Failed(format!(
            "{method} answered HTTP {}{}{scope}",
            r.status,
            if detail.is_empty() {
                String::new()
            } else {
                format!(" {detail}")
            }
        )));
    }
    let session_id = r.header_values("mcp-session-id").into_iter().next();
    match message(&r) {
        Some(v) if v.get("result").is_some() => Ok(Answer::Ok(v["result"].clone(), session_id)),
        Some(v) => Ok(Answer::Failed(format!(
            "{method} answered a JSON-RPC error {}",
            v["error"]
        ))),
        None => Ok(Answer::Failed(format!(
            "{method} answered 200 without a JSON-RPC response"
        ))),
    }
}

/// The first request of a revision.
fn opening(rev: &str) -> (&'static str, Value) {
    if rev == NEWEST {
        ("server/discover", json!({}))
    } else {
        let init = json!({"protocolVersion": CLASSIC, "capabilities": {}, "clientInfo": {"name": "mcp-auth", "version": env!("CARGO_PKG_VERSION")}});
        ("initialize", init)
    }
}

/// The revision the server speaks: the newest when `server/discover` works, else the classic one.
async fn negotiate(run: &Run<'_>, url: &Url, session: &Session) -> Result<&'static str, Stop> {
    let (method, params) = opening(NEWEST);
    Ok(
        match call(run, url, session.token.expose(), None, NEWEST, method, params).await? {
            Answer::Failed(why)
                if why.contains("HTTP 400") || why.contains("JSON-RPC error") || why.contains("HTTP 404") =>
            {
                CLASSIC
            }
            _ => NEWEST,
        },
    )
}

/// The opening request (`server/discover` or `initialize`), `tools/list` and `--call`, with step-up on 403.
pub async fn calls(run: &mut Run<'_>, url: &Url, found: &mut Found, session: &mut Session) -> Result<(), Stop> {
    let rev = negotiate(run, url, session).await?;
    run.fact("protocol_revision", rev);
    let mut steps: Vec<(&str, Value)> = vec![opening(rev), ("tools/list", json!({}))];
    if let Some((tool, args)) = &run.opts.call {
        steps.push(("tools/call", json!({"name": tool, "arguments": args})));
    }
    let mut c = run.checks(url.as_str());
    let mut mcp_session: Option<String> = None;
    let mut done = Vec::new();
    let mut i = 0;
    let mut migrated = false;
    while i < steps.len() {
        let (method, params) = steps[i].clone();
        match call(
            run,
            url,
            session.token.expose(),
            mcp_session.as_deref(),
            rev,
            method,
            params,
        )
        .await?
        {
            Answer::Ok(result, sid) => {
                if method == "initialize" {
                    mcp_session = sid;
                    notify_initialized(run, url, session, mcp_session.as_deref(), rev).await;
                }
                if method == "tools/list" {
                    run.fact("tools", result["tools"].as_array().map_or(0, Vec::len));
                }
                done.push(method);
                i += 1;
            }
            Answer::InsufficientScope(challenged) => {
                if !step_up(run, &mut c, found, session, method, challenged).await? {
                    break;
                }
            }
            Answer::Failed(why) if why.contains("HTTP 401") && !migrated => {
                migrated = true;
                if !super::migration::migrate(run, url, found, session).await? {
                    refused(&mut c, &why);
                    break;
                }
            }
            Answer::Failed(why) => {
                refused(&mut c, &why);
                break;
            }
        }
    }
    if i == steps.len() {
        c.pass(&CL_MCP_CALL, format!("{} succeeded with the token", done.join(", ")));
    }
    run.link("mcp", url.as_str(), c)
}

fn refused(c: &mut Checks, why: &str) {
    let hint = if why.contains("invalid_token") && why.contains("challenge scope") {
        "; if the token lacks a scope, answer 403 insufficient_scope (step-up), not 401"
    } else {
        ""
    };
    c.violated(
        &CL_MCP_CALL,
        sanitize::line(&format!(
            "{why}{hint}; the server does not accept the token it had issued"
        ))
        .into_owned(),
    );
}

async fn notify_initialized(run: &Run<'_>, url: &Url, session: &Session, sid: Option<&str>, rev: &str) {
    let body = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let _ = run
        .client
        .send(request(url, session.token.expose(), sid, rev, &body))
        .await;
}

/// Re-authorizes with the union of the session's and the challenged scopes. `Ok(false)`: gave up.
async fn step_up(
    run: &mut Run<'_>,
    c: &mut Checks,
    found: &Found,
    session: &mut Session,
    method: &str,
    challenged: Vec<String>,
) -> Result<bool, Stop> {
    let mut union = session.scopes.clone();
    let new: Vec<String> = challenged.into_iter().filter(|s| !union.contains(s)).collect();
    if new.is_empty() {
        c.violated(&CL_STEP_UP, format!("{method}: 403 insufficient_scope, but the challenge names no scope the token lacks (it has \"{}\"); put the needed scopes in the challenge", join(&union)));
        return Ok(false);
    }
    union.extend(new);
    if !super::authorize::reauthorize(run, found, session, union.clone()).await? {
        c.violated(
            &CL_STEP_UP,
            format!(
                "{method}: still insufficient_scope after {} authorization requests; giving up",
                super::MAX_AUTHORIZATIONS
            ),
        );
        return Ok(false);
    }
    c.pass(
        &CL_STEP_UP,
        sanitize::line(&format!(
            "{method}: 403 insufficient_scope; re-authorized with \"{}\"",
            join(&union)
        ))
        .into_owned(),
    );
    Ok(true)
}

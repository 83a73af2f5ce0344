//! The authorization request: PKCE S256, `state`, RFC 8707 `resource`, a loopback callback listener on
//! 127.0.0.1 with a bounded wait, and the user agent (`BROWSER`, the system browser, or `--no-browser`
//! with a pasted redirect URL). The callback is validated (`state`, RFC 9207 `iss`) before the code is
//! redeemed.

use super::{Browser, Credentials, Found, MAX_AUTHORIZATIONS, Run, Session, Stop, join};
use crate::catalogue::{CL_AUTHORIZATION_RESPONSE, CL_RESOURCE_PARAMETER, CL_SCOPE_SELECTION};
use crate::report::ErrorInfo;
use crate::sanitize;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;

/// Largest callback request read.
const MAX_CALLBACK_REQUEST: usize = 16 * 1024;

/// The loopback redirect listener (`http://127.0.0.1:<port>/callback`).
#[derive(Clone, Debug)]
pub struct Callback {
    listener: Arc<tokio::net::TcpListener>,
    pub redirect_uri: String,
}

fn stop(kind: &'static str, message: String) -> Stop {
    Stop::Error(ErrorInfo {
        kind,
        message,
        url: None,
    })
}

impl Callback {
    /// Listens on 127.0.0.1:`port` (a free port when `None`).
    pub async fn bind(port: Option<u16>) -> Result<Self, Stop> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port.unwrap_or(0)))
            .await
            .map_err(|e| {
                stop(
                    "callback",
                    format!("could not listen on 127.0.0.1:{}: {e}", port.unwrap_or(0)),
                )
            })?;
        let port = listener
            .local_addr()
            .map_err(|e| stop("callback", e.to_string()))?
            .port();
        Ok(Self {
            listener: Arc::new(listener),
            redirect_uri: format!("http://127.0.0.1:{port}/callback"),
        })
    }

    /// The query of the next request to `/callback`; other paths get 404.
    async fn next(&self) -> std::io::Result<String> {
        loop {
            let (mut s, _) = self.listener.accept().await?;
            let mut buf = Vec::new();
            let mut chunk = [0u8; 2048];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < MAX_CALLBACK_REQUEST {
                let n = s.read(&mut chunk).await?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let text = String::from_utf8_lossy(&buf);
            let target = text.split(' ').nth(1).unwrap_or("").to_owned();
            let (path, query) = target.split_once('?').unwrap_or((&target, ""));
            if path != "/callback" {
                let _ = s
                    .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
                continue;
            }
            let body = "mcp-auth: authorization received. You can close this window.";
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(reply.as_bytes()).await;
            return Ok(query.to_owned());
        }
    }
}

/// A pasted redirect URL's query, read from stdin (`--no-browser`); `None` at end of input.
async fn pasted() -> Option<String> {
    let line = tokio::task::spawn_blocking(|| {
        let mut s = String::new();
        std::io::stdin().read_line(&mut s).ok().filter(|n| *n > 0).map(|_| s)
    })
    .await
    .ok()??;
    Url::parse(line.trim()).ok()?.query().map(str::to_owned)
}

/// Hands `url` to the user agent.
fn open(browser: &Browser, url: &str) -> Result<(), Stop> {
    let (program, mut args): (String, Vec<String>) = match browser {
        Browser::Manual(show) => {
            show(url);
            return Ok(());
        }
        Browser::Follow => {
            tokio::spawn(follow(url.to_owned()));
            return Ok(());
        }
        Browser::System if cfg!(target_os = "macos") => ("open".into(), Vec::new()),
        Browser::System => ("xdg-open".into(), Vec::new()),
        Browser::Command(cmd) => {
            let first = cmd.split(':').next().unwrap_or("");
            let mut words = first.split_whitespace().map(str::to_owned);
            let program = words.next().ok_or_else(|| stop("browser", "BROWSER is empty".into()))?;
            (program, words.collect())
        }
    };
    if args.iter().any(|a| a.contains("%s")) {
        args = args.iter().map(|a| a.replace("%s", url)).collect();
    } else {
        args.push(url.to_owned());
    }
    let mut child = std::process::Command::new(&program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| {
            stop(
                "browser",
                format!("could not run the browser \"{program}\": {e}; use --no-browser"),
            )
        })?;
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// A headless user agent for auto-approving servers: follows up to 3 redirects from `url`.
async fn follow(url: String) {
    let Ok(client) = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(3))
        .timeout(std::time::Duration::from_secs(30))
        .build()
    else {
        return;
    };
    let _ = client.get(url).send().await;
}

/// A random URL-safe string of `bytes` random bytes.
pub fn random(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    aws_lc_rs::rand::fill(&mut b).expect("system randomness");
    B64.encode(b)
}

/// The PKCE S256 code challenge of `verifier` (RFC 7636 §4.2).
pub fn challenge(verifier: &str) -> String {
    B64.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        verifier.as_bytes(),
    ))
}

/// The authorization request URL.
pub fn request_url(
    run: &Run<'_>,
    found: &Found,
    creds: &Credentials,
    redirect_uri: &str,
    pkce: (&str, &str),
    scopes: &[String],
) -> Result<Url, Stop> {
    let mut url = found.endpoint("authorization_endpoint").ok_or_else(|| {
        stop(
            "no-authorization-endpoint",
            "the authorization server metadata has no authorization_endpoint".into(),
        )
    })?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", &creds.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("code_challenge", &challenge(pkce.0))
            .append_pair("code_challenge_method", "S256")
            .append_pair("state", pkce.1);
        if !scopes.is_empty() {
            q.append_pair("scope", &join(scopes));
        }
        if !run.opts.no_resource {
            q.append_pair("resource", &found.resource);
        }
    }
    Ok(url)
}

/// One authorization round trip: returns the code and the PKCE verifier.
pub async fn authorize(
    run: &mut Run<'_>,
    found: &Found,
    creds: &Credentials,
    cb: &Callback,
    scopes: &[String],
) -> Result<(String, String), Stop> {
    let verifier = random(32);
    let state = random(16);
    let url = request_url(run, found, creds, &cb.redirect_uri, (&verifier, &state), scopes)?;
    open(&run.opts.browser, url.as_str())?;
    let manual = matches!(run.opts.browser, Browser::Manual(_));
    let wait = async {
        if manual {
            tokio::select! {
                q = cb.next() => q.ok(),
                Some(q) = pasted() => Some(q),
            }
        } else {
            cb.next().await.ok()
        }
    };
    let secs = run.opts.timeout.as_secs();
    let query = tokio::time::timeout(run.opts.timeout, wait)
        .await
        .map_err(|_| stop("login-timeout", format!("no authorization response within {secs} s (raise --login-timeout, or use --no-browser and paste the redirect URL)")))?
        .ok_or_else(|| stop("callback", "the callback listener failed".into()))?;
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let code = validate(run, found, &params, &state)?;
    Ok((code, verifier))
}

/// Checks the callback: `error`, `state`, `iss`; returns the code.
fn validate(run: &mut Run<'_>, found: &Found, params: &[(String, String)], state: &str) -> Result<String, Stop> {
    let get = |n: &str| params.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let mut c = run.checks(&found.issuer);
    if let Some(error) = get("error") {
        let v = serde_json::json!({"error": error, "error_description": get("error_description")});
        let why = super::token::explain_error(&v);
        if error == "invalid_target" {
            c.violated(
                &CL_RESOURCE_PARAMETER,
                sanitize::line(&format!(
                    "the authorization request with resource={} was refused{why}",
                    found.resource
                ))
                .into_owned(),
            );
        } else if error == "invalid_scope" {
            c.violated(
                &CL_SCOPE_SELECTION,
                sanitize::line(&format!("the requested scopes were refused{why}")).into_owned(),
            );
        }
        c.violated(
            &CL_AUTHORIZATION_RESPONSE,
            sanitize::line(&format!("the authorization server answered with an error{why}")).into_owned(),
        );
        run.link("authorization", &found.issuer, c)?;
        return Err(Stop::Check);
    }
    let advertised =
        found.metadata.get("authorization_response_iss_parameter_supported") == Some(&serde_json::json!(true));
    let problem = match (get("code"), get("state"), get("iss")) {
        (None, _, _) => Some("the callback has no code".to_owned()),
        (_, s, _) if s != Some(state) => Some("the callback's state differs from the one sent: a forged or replayed response (CSRF); the code is not redeemed".to_owned()),
        (_, _, Some(iss)) if iss != found.issuer => Some(format!("iss \"{iss}\" differs from the issuer {}: a mix-up attack or a misconfigured issuer (RFC 9207 §2.4); the code is not redeemed", found.issuer)),
        (_, _, None) if advertised => Some("no iss in the response although the metadata sets authorization_response_iss_parameter_supported (RFC 9207 §2.4); the code is not redeemed. Return iss on every authorization response".to_owned()),
        _ => None,
    };
    match problem {
        Some(why) => c.violated(&CL_AUTHORIZATION_RESPONSE, sanitize::line(&why).into_owned()),
        None => c.pass(
            &CL_AUTHORIZATION_RESPONSE,
            if get("iss").is_some() {
                "code, state and iss as expected"
            } else {
                "code and state as expected (the server does not send iss)"
            },
        ),
    }
    run.link("authorization", &found.issuer, c)?;
    Ok(get("code").unwrap_or_default().to_owned())
}

/// The first authorization and its token exchange.
pub async fn authorize_and_exchange(
    run: &mut Run<'_>,
    found: &Found,
    creds: Credentials,
    cb: Callback,
    scopes: Vec<String>,
) -> Result<Session, Stop> {
    let (code, verifier) = authorize(run, found, &creds, &cb, &scopes).await?;
    let mut session = super::token::exchange(run, found, creds, &code, &verifier, &cb.redirect_uri, scopes).await?;
    session.authorizations = 1;
    session.callback = Some(cb);
    Ok(session)
}

/// Step-up: authorizes again with `scopes`; `Ok(false)` when the bound on authorizations is reached.
pub async fn reauthorize(
    run: &mut Run<'_>,
    found: &Found,
    session: &mut Session,
    scopes: Vec<String>,
) -> Result<bool, Stop> {
    let Some(cb) = session.callback.clone() else {
        return Ok(false);
    };
    if session.authorizations >= MAX_AUTHORIZATIONS {
        return Ok(false);
    }
    let (code, verifier) = authorize(run, found, &session.creds, &cb, &scopes).await?;
    let mut next = super::token::exchange(
        run,
        found,
        session.creds.clone(),
        &code,
        &verifier,
        &cb.redirect_uri,
        scopes,
    )
    .await?;
    next.authorizations = session.authorizations + 1;
    next.callback = Some(cb);
    *session = next;
    Ok(true)
}

//! `--audit` (opt-in, three extra authorization round trips): does the server refuse a wrong
//! `code_verifier`, a code redeemed twice, and a redirect URI that was not registered? No peer tool
//! checks these.

use super::{Found, Run, Session, Stop};
use crate::catalogue::{CL_CODE_SINGLE_USE, CL_PKCE_ENFORCED, CL_REDIRECT_URI_ENFORCED};
use crate::error::FetchError;
use crate::report::Checks;
use url::Url;

/// Redeems `code` and says whether a token came back.
async fn redeem(
    run: &Run<'_>,
    found: &Found,
    session: &Session,
    code: &str,
    verifier: &str,
    redirect: &str,
) -> Result<(u16, bool), Stop> {
    let mut form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code.to_owned()),
        ("redirect_uri", redirect.to_owned()),
        ("code_verifier", verifier.to_owned()),
    ];
    if !run.opts.no_resource {
        form.push(("resource", found.resource.clone()));
    }
    let (status, v, _) = super::token::post(run, found, &session.creds, form).await?;
    Ok((status, status == 200 && v["access_token"].is_string()))
}

fn record(c: &mut Checks, def: &'static crate::catalogue::CheckDef, accepted: (u16, bool), what: &str) {
    match accepted {
        (_, true) => c.violated(
            def,
            format!("the token endpoint issued a token for {what}; it must answer invalid_grant"),
        ),
        (status, false) => c.pass(def, format!("{what}: refused (HTTP {status})")),
    }
}

/// Runs the audit with the session's client and callback.
pub async fn audit(run: &mut Run<'_>, found: &Found, session: &Session) -> Result<(), Stop> {
    let Some(cb) = session.callback.clone() else {
        return Ok(());
    };
    let subject = found
        .endpoint("token_endpoint")
        .map(|u| u.to_string())
        .unwrap_or_default();
    let mut c = run.checks(&subject);
    let (code, _) = super::authorize::authorize(run, found, &session.creds, &cb, &session.scopes).await?;
    let wrong = super::authorize::random(32);
    let accepted = redeem(run, found, session, &code, &wrong, &cb.redirect_uri).await?;
    record(
        &mut c,
        &CL_PKCE_ENFORCED,
        accepted,
        "a code redeemed with a wrong code_verifier",
    );
    let (code, verifier) = super::authorize::authorize(run, found, &session.creds, &cb, &session.scopes).await?;
    let first = redeem(run, found, session, &code, &verifier, &cb.redirect_uri).await?;
    if first.1 {
        let replay = redeem(run, found, session, &code, &verifier, &cb.redirect_uri).await?;
        record(&mut c, &CL_CODE_SINGLE_USE, replay, "a code redeemed a second time");
    } else {
        c.skip(
            &CL_CODE_SINGLE_USE,
            format!("the first redemption failed (HTTP {})", first.0),
        );
    }
    unregistered_redirect(run, found, session, &cb.redirect_uri, &mut c).await?;
    run.link("audit", &subject, c)
}

/// The redirect URI the client did not register: the registered one with another path (same loopback port,
/// so the RFC 8252 §7.3 port exception cannot excuse it).
fn unregistered(registered: &str) -> Option<Url> {
    let mut u = Url::parse(registered).ok()?;
    u.set_path("/callback-unregistered");
    Some(u)
}

/// Whether `to` (a redirect target) is `bad` with a query or fragment added.
fn leads_to(to: &str, bad: &Url) -> bool {
    Url::parse(to).is_ok_and(|mut u| {
        u.set_query(None);
        u.set_fragment(None);
        u == *bad
    })
}

/// Sends one authorization request with an unregistered `redirect_uri`, directly (no user agent): the
/// project's client follows only same-origin redirects, so a redirect to the loopback callback's origin
/// ends as [`FetchError::CrossOriginRedirect`] naming its target, and nothing reaches the listener.
async fn unregistered_redirect(
    run: &Run<'_>,
    found: &Found,
    session: &Session,
    registered: &str,
    c: &mut Checks,
) -> Result<(), Stop> {
    let Some(bad) = unregistered(registered) else {
        return Ok(());
    };
    let pkce = (super::authorize::random(32), super::authorize::random(16));
    let url = super::authorize::request_url(
        run,
        found,
        &session.creds,
        bad.as_str(),
        (&pkce.0, &pkce.1),
        &session.scopes,
    )?;
    let inconclusive = format!(
        "the server may ask the user to sign in first and refuse only then, which this check cannot see. \
         Check by hand: open {url} in a browser, sign in, and confirm that the server shows an error instead of \
         redirecting to {bad} (it MUST NOT redirect to an unregistered URI and should inform the user, RFC 9700 §4.1.3)"
    );
    match run.client.get(&url).await {
        Err(FetchError::CrossOriginRedirect { to, .. }) if leads_to(&to, &bad) => c.violated(
            &CL_REDIRECT_URI_ENFORCED,
            format!("the authorization endpoint redirected to the unregistered redirect_uri {bad}: an open redirector that sends codes to whoever owns that URI"),
        ),
        Err(FetchError::CrossOriginRedirect { to, .. }) => c.warn(
            &CL_REDIRECT_URI_ENFORCED,
            crate::sanitize::line(&format!("inconclusive: with redirect_uri {bad} the server redirected to {to}; {inconclusive}")).into_owned(),
        ),
        Err(e) => c.skip(
            &CL_REDIRECT_URI_ENFORCED,
            crate::sanitize::line(&format!("the authorization request failed: {e}")).into_owned(),
        ),
        Ok(r) if r.status >= 400 => c.pass(
            &CL_REDIRECT_URI_ENFORCED,
            format!("an authorization request with the unregistered redirect_uri {bad}: refused (HTTP {})", r.status),
        ),
        Ok(r) => c.warn(
            &CL_REDIRECT_URI_ENFORCED,
            crate::sanitize::line(&format!("inconclusive: with redirect_uri {bad} the server answered HTTP {} (a login or consent page, not a refusal); {inconclusive}", r.status)).into_owned(),
        ),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unregistered_uri_keeps_the_port_and_matches_only_with_a_query_added() {
        let bad = unregistered("http://127.0.0.1:4567/callback").unwrap();
        assert_eq!(bad.as_str(), "http://127.0.0.1:4567/callback-unregistered");
        assert!(leads_to(
            "http://127.0.0.1:4567/callback-unregistered?code=x&state=y",
            &bad
        ));
        assert!(!leads_to("http://127.0.0.1:4567/callback?code=x", &bad));
        assert!(!leads_to("https://idp.example/login?next=x", &bad));
    }
}

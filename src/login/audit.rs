//! `--audit` (opt-in, two extra authorization round trips): does the server refuse a wrong
//! `code_verifier`, and a code redeemed twice? No peer tool checks these.

use super::{Found, Run, Session, Stop};
use crate::catalogue::{CL_CODE_SINGLE_USE, CL_PKCE_ENFORCED};
use crate::report::Checks;

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
    run.link("audit", &subject, c)
}

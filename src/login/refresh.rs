//! `--test-refresh`: use the refresh token once, with `resource`, and check the new token is still bound
//! to the resource and the refresh token was rotated (a MUST for public clients).

use super::{Found, Run, Session, Stop};
use crate::catalogue::CL_REFRESH;
use crate::report::Status;
use crate::sanitize;

pub async fn test(run: &mut Run<'_>, found: &Found, session: &mut Session) -> Result<(), Stop> {
    let subject = found
        .endpoint("token_endpoint")
        .map(|u| u.to_string())
        .unwrap_or_default();
    let mut c = run.checks(&subject);
    let Some(old) = session.refresh_token.clone() else {
        c.violated(&CL_REFRESH, "no refresh token was issued; clients must log in again when the token expires. Issue refresh tokens (some servers need offline_access)");
        return run.link("refresh", &subject, c);
    };
    let mut form = vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", old.expose().to_owned()),
    ];
    if !run.opts.no_resource {
        form.push(("resource", found.resource.clone()));
    }
    let (status, v, no_store) = super::token::post(run, found, &session.creds, form).await?;
    let Some((token, rt, _)) = super::token::read_response(&mut c, status, &v, no_store, &found.resource) else {
        c.violated(
            &CL_REFRESH,
            sanitize::line(&format!(
                "the refresh token was refused{}",
                super::token::explain_error(&v)
            ))
            .into_owned(),
        );
        return run.link("refresh", &subject, c);
    };
    let mut bound = run.checks(&subject);
    super::audience::check(run, &mut bound, found, &token).await;
    let audience_ok = !bound.results().iter().any(|r| r.status == Status::Fail);
    let rotated = rt.as_ref().is_some_and(|n| n != &old);
    let public = session.creds.secret.is_none();
    let mut problems = Vec::new();
    if !audience_ok {
        problems.push("the refreshed token is no longer bound to the resource (keep resource and aud on refresh)");
    }
    if !rotated && public {
        problems.push("the refresh token was not rotated for this public client (OAuth 2.1 §4.3.1: issue a new one and revoke the old)");
    }
    if problems.is_empty() {
        let rot = if rotated {
            "rotated"
        } else {
            "not rotated (confidential client)"
        };
        c.pass(
            &CL_REFRESH,
            format!(
                "refresh with resource worked; the new token is bound to the resource; the refresh token was {rot}"
            ),
        );
    } else {
        c.violated(&CL_REFRESH, problems.join("; "));
    }
    c.absorb(bound.into_results());
    session.token = token;
    session.refresh_token = rt;
    run.link("refresh", &subject, c)
}

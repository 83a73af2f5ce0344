//! A 401 after a successful login may mean the authorization server changed (the protected resource
//! metadata now names another issuer): discover again, register at the new server and authorize there.
//! One server's client credentials are never used at another (`cl-credentials-per-issuer`).

use super::{Found, Run, Session, Stop};
use crate::catalogue::CL_CREDENTIALS_PER_ISSUER;
use crate::sanitize;
use url::Url;

/// `Ok(true)` when the server moved and `session` now holds a token of the new one.
pub async fn migrate(run: &mut Run<'_>, url: &Url, found: &mut Found, session: &mut Session) -> Result<bool, Stop> {
    let Some(cb) = session.callback.clone() else {
        return Ok(false);
    };
    let new = super::discover::discover(run, url).await?;
    if new.issuer == found.issuer {
        return Ok(false);
    }
    let creds = super::registration::register(run, &new, Some(&cb.redirect_uri)).await?;
    let mut c = run.checks(&new.issuer);
    c.check(
        &CL_CREDENTIALS_PER_ISSUER,
        creds.issuer == new.issuer,
        sanitize::line(&format!(
            "the authorization server changed from {} to {}: registered again there; the first server's client is not used",
            found.issuer, new.issuer
        ))
        .into_owned(),
        "the client credentials are keyed by another issuer",
    );
    run.note("credentials", &new.issuer, c);
    let scopes = session.scopes.clone();
    let (code, verifier) = super::authorize::authorize(run, &new, &creds, &cb, &scopes).await?;
    let mut next = super::token::exchange(run, &new, creds, &code, &verifier, &cb.redirect_uri, scopes).await?;
    next.authorizations = session.authorizations + 1;
    next.callback = Some(cb);
    *session = next;
    *found = new;
    Ok(true)
}

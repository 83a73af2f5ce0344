//! Is the issued token bound to the resource? `login` verifies every token it obtains with the library's
//! verify operation ([`crate::verify::Keys`]): audience = the resource, issuer = the authorization server
//! used, signature against that server's key set when the token is a JWT. The key set is loaded once per
//! authorization server (straight from its `jwks_uri`: the metadata is already in hand) and kept for the
//! tokens that follow (step-up, refresh).

use super::{Found, Run};
use crate::catalogue::CL_TOKEN_AUDIENCE;
use crate::jwt::{self, SecretToken, Unverified};
use crate::report::{Checks, Status};
use crate::sanitize;
use crate::verify::{Keys, VerifyOptions};

/// Records `cl-token-audience` (and, for a JWT, the `jwt-*` checks of the verification) in `c`.
pub async fn check(run: &mut Run<'_>, c: &mut Checks, found: &Found, token: &SecretToken) {
    if !matches!(jwt::decode_unverified(token.expose()), Unverified::Jws(_)) {
        c.info(
            &CL_TOKEN_AUDIENCE,
            "the access token is opaque (not a JWT): its audience can only be checked by introspection or by the MCP server accepting it",
        );
        return;
    }
    let keys = match keys(run, found).await {
        Ok(k) => k,
        Err(why) => {
            c.violated(
                &CL_TOKEN_AUDIENCE,
                sanitize::line(&format!("the token could not be verified: {why}")).into_owned(),
            );
            return;
        }
    };
    let report = keys.verify(token);
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|r| r.status == Status::Fail)
        .map(|r| r.id)
        .collect();
    let aud = report
        .extra
        .get("claims")
        .and_then(|c| c.get("aud"))
        .map(|a| a.to_string())
        .unwrap_or_else(|| "absent".into());
    if failed.is_empty() {
        c.pass(
            &CL_TOKEN_AUDIENCE,
            sanitize::line(&format!("signed by the issuer, aud {aud} contains {}", found.resource)).into_owned(),
        );
    } else {
        c.violated(
            &CL_TOKEN_AUDIENCE,
            sanitize::line(&format!(
                "the token is not bound to this server (failed: {}; aud {aud}, expected {}): any server of this authorization server would accept it",
                failed.join(", "),
                found.resource
            ))
            .into_owned(),
        );
    }
    c.absorb(report.checks);
}

/// The verify operation's keys for `found`'s authorization server: loaded on first use, then reused.
async fn keys<'r>(run: &'r mut Run<'_>, found: &Found) -> Result<&'r Keys, String> {
    let cached = run.keys.as_ref().is_some_and(|(issuer, _)| *issuer == found.issuer);
    if !cached {
        let jwks_uri = found
            .metadata
            .get("jwks_uri")
            .and_then(|v| v.as_str())
            .ok_or("the metadata has no jwks_uri")?;
        let mut opts = VerifyOptions::new(found.resource.clone())
            .issuer(found.issuer.clone())
            .jwks(jwks_uri);
        opts.spec = run.spec;
        let keys = Keys::load(run.client, &opts, None).await.map_err(|e| e.to_string())?;
        run.keys = Some((found.issuer.clone(), keys));
    }
    Ok(&run.keys.as_ref().expect("loaded above").1)
}

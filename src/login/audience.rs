//! Is the issued token bound to the resource? The one place `login` verifies a token: with the issuer's
//! JWKS and [`crate::jwt::verify`] (audience = the resource, issuer = the authorization server used).
//! Kept to one function so it can be swapped for the library's verify operation.

use super::{Found, Run};
use crate::catalogue::CL_TOKEN_AUDIENCE;
use crate::jwt::{self, KeySet, SecretToken, Unverified};
use crate::report::{Checks, Status};
use crate::rules::token::Expectations;
use crate::sanitize;

/// Records `cl-token-audience` (and, for a JWT, the `jwt-*` checks of the verification) in `c`.
pub async fn check(run: &Run<'_>, c: &mut Checks, found: &Found, token: &SecretToken) {
    if !matches!(jwt::decode_unverified(token.expose()), Unverified::Jws(_)) {
        c.info(
            &CL_TOKEN_AUDIENCE,
            "the access token is opaque (not a JWT): its audience can only be checked by introspection or by the MCP server accepting it",
        );
        return;
    }
    let keys = match found.metadata.get("jwks_uri").and_then(|v| v.as_str()) {
        Some(u) => match url::Url::parse(u) {
            Ok(url) => super::discover::get_object(run, &url)
                .await
                .and_then(|doc| KeySet::from_json(&serde_json::Value::Object(doc))),
            Err(e) => Err(format!("jwks_uri is not a URL ({e})")),
        },
        None => Err("the metadata has no jwks_uri".into()),
    };
    let keys = match keys {
        Ok(k) => k,
        Err(why) => {
            c.violated(
                &CL_TOKEN_AUDIENCE,
                sanitize::line(&format!("the token could not be verified: {why}")).into_owned(),
            );
            return;
        }
    };
    let now = crate::server::auth::now() as i64;
    let exp = Expectations {
        issuer: Some(found.issuer.clone()),
        authorization_servers: Some(vec![found.issuer.clone()]),
        audience: found.resource.clone(),
        audience_overridden: false,
        scopes: Vec::new(),
        leeway: 60,
        now,
        rfc9068: false,
    };
    let v = jwt::verify(token, &keys, &jwt::DEFAULT_ALGORITHMS, &exp, run.spec);
    let failed: Vec<&str> = v
        .checks
        .iter()
        .filter(|r| r.status == Status::Fail)
        .map(|r| r.id)
        .collect();
    let aud = v
        .claims
        .as_ref()
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
    c.absorb(v.checks);
}

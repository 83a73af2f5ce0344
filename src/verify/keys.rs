//! Stage one of a verification run: from [`VerifyOptions`] to loaded key sets ([`Keys`]).

use super::{Error, Keys, Server, Verifier, VerifyOptions};
use crate::catalogue::{AS_ISSUER_MATCHES, AS_JWKS_VALID};
use crate::discovery::ProviderType;
use crate::http::HttpClient;
use crate::jwt::{self, KeySet, SecretToken, Unverified};
use crate::provider::{self, Source};
use crate::report::{ErrorInfo, Status};
use crate::rules::token::Expectations;
use crate::sanitize;
use serde_json::Value;
use url::Url;

/// See [`Keys::load`].
pub(super) async fn load(
    client: &HttpClient,
    opts: &VerifyOptions,
    token: Option<&SecretToken>,
) -> Result<Keys, Error> {
    let resource = Url::parse(&opts.resource).map_err(|e| {
        Error::Usage(format!(
            "--resource \"{}\" is not a URL ({e})",
            crate::cli::input::shown(&opts.resource)
        ))
    })?;
    if let Some(issuer) = &opts.issuer {
        Url::parse(issuer).map_err(|e| {
            Error::Usage(format!(
                "--issuer \"{}\" is not a URL ({e})",
                crate::cli::input::shown(issuer)
            ))
        })?;
    }
    if opts.issuer.is_some() || opts.jwks.is_some() {
        let (set, jwks_uri) = load_keys(client, opts, opts.issuer.as_deref()).await?;
        return Ok(from_key_set(opts, set, jwks_uri, None));
    }
    // The PRM names the authorization servers and they name their jwks_uri: server-named URLs, fetched
    // through the SSRF guard decided for the resource the user typed (HttpConfig::allow_private lifts it).
    let client = &client
        .guarded_for(&resource, false)
        .await
        .map_err(|e| Error::Unavailable(e.to_info()))?;
    let mut keys = empty(opts);
    let (prm_url, listed) = listed_servers(client, &resource, opts).await?;
    let wanted = wanted(&listed, token, &mut keys.warnings);
    let loaded = futures::future::join_all(wanted.iter().map(|issuer| load_keys(client, opts, Some(issuer)))).await;
    for (issuer, loaded) in wanted.into_iter().zip(loaded) {
        let note = format!("the issuer is the token's iss, {issuer}, listed in authorization_servers of {prm_url}");
        keys.servers.push(Server {
            issuer: Some(issuer.clone()),
            listed: true,
            verifier: match loaded {
                Ok((set, jwks_uri)) => Ok(verifier(
                    opts,
                    set,
                    jwks_uri,
                    Some(issuer.clone()),
                    Some(listed.clone()),
                )),
                Err(Error::Unavailable(info)) => Err(info),
                Err(e) => return Err(e),
            },
            note: Some(sanitize::line(&note).into_owned()),
        });
    }
    if keys.servers.iter().all(|s| s.verifier.is_err()) {
        // Not one issuer could be loaded, so no token can be verified: one error, as when the metadata is
        // missing (`listed` is never empty, so neither is `servers`).
        if let Err(info) = keys.servers.swap_remove(0).verifier {
            return Err(Error::Unavailable(info));
        }
    }
    let fallback_note = format!(
        "the issuer is the first of authorization_servers of {prm_url}, {} (the token's iss is not listed there)",
        listed[0]
    );
    keys.fallback_note = Some(sanitize::line(&fallback_note).into_owned());
    Ok(keys)
}

/// See [`Keys::from_key_set`].
pub(super) fn from_key_set(
    opts: &VerifyOptions,
    set: KeySet,
    jwks_uri: Option<String>,
    authorization_servers: Option<Vec<String>>,
) -> Keys {
    let mut keys = empty(opts);
    keys.servers.push(Server {
        issuer: opts.issuer.clone(),
        listed: false,
        verifier: Ok(verifier(
            opts,
            set,
            jwks_uri,
            opts.issuer.clone(),
            authorization_servers,
        )),
        note: None,
    });
    keys
}

/// A run with no server yet.
fn empty(opts: &VerifyOptions) -> Keys {
    Keys {
        servers: Vec::new(),
        fallback_note: None,
        resource: opts.resource.clone(),
        spec: opts.spec,
        strict: opts.strict,
        warnings: Vec::new(),
    }
}

/// Everything one issuer's tokens are checked against.
fn verifier(
    opts: &VerifyOptions,
    keys: KeySet,
    jwks_uri: Option<String>,
    issuer: Option<String>,
    authorization_servers: Option<Vec<String>>,
) -> Verifier {
    let algorithms = if opts.algorithms.is_empty() {
        jwt::DEFAULT_ALGORITHMS.to_vec()
    } else {
        opts.algorithms.clone()
    };
    let now = i64::try_from(crate::time::now()).unwrap_or(i64::MAX);
    Verifier {
        keys,
        algorithms,
        expectations: expectations(opts, issuer, authorization_servers, now),
        jwks_uri,
    }
}

/// The listed servers whose keys are loaded: for one token, the one [`Keys::pick`] will choose (its `iss`
/// when listed, else the first); for a batch, every distinct listed server up to the bound.
fn wanted<'l>(listed: &'l [String], token: Option<&SecretToken>, warnings: &mut Vec<String>) -> Vec<&'l String> {
    match token {
        Some(token) => {
            let iss = match jwt::decode_unverified(token.expose()) {
                Unverified::Jws(p) => p.claims.get("iss").and_then(Value::as_str).map(str::to_owned),
                _ => None,
            };
            vec![listed.iter().find(|s| Some(*s) == iss.as_ref()).unwrap_or(&listed[0])]
        }
        None => {
            let mut seen = std::collections::HashSet::new();
            let unique: Vec<&String> = listed.iter().filter(|s| seen.insert(s.as_str())).collect();
            if unique.len() > crate::probe::MAX_AUTHORIZATION_SERVERS {
                warnings.push(crate::probe::too_many_servers(unique.len()));
            }
            unique
                .into_iter()
                .take(crate::probe::MAX_AUTHORIZATION_SERVERS)
                .collect()
        }
    }
}

/// What the claims are checked against for one issuer.
fn expectations(
    opts: &VerifyOptions,
    issuer: Option<String>,
    authorization_servers: Option<Vec<String>>,
    now: i64,
) -> Expectations {
    Expectations {
        issuer,
        authorization_servers,
        audience: opts.audience.clone().unwrap_or_else(|| opts.resource.clone()),
        audience_overridden: opts.audience.is_some(),
        scopes: opts
            .scopes
            .iter()
            .flat_map(|s| s.split(' '))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        leeway: i64::try_from(opts.leeway).unwrap_or(i64::MAX),
        now,
        rfc9068: opts.rfc9068,
    }
}

/// The resource's protected resource metadata (fetched as `probe` does): its URL and `authorization_servers`,
/// which are never empty. A token's unverified `iss` is trusted only when it is one of them.
async fn listed_servers(
    client: &HttpClient,
    resource: &Url,
    opts: &VerifyOptions,
) -> Result<(String, Vec<String>), Error> {
    const HOW: &str = "The token's iss is trusted only when the resource's protected resource metadata lists it: pass --issuer ISSUER or --jwks URL|FILE";
    let (prm_url, doc) = crate::probe::fetch_prm(client, resource, opts.spec)
        .await
        .map_err(|why| {
            Error::Unavailable(ErrorInfo {
                kind: why.kind,
                message: sanitize::line(&format!("{}. {HOW}", why.message)).into_owned(),
                url: None,
            })
        })?;
    let servers: Vec<String> = doc
        .get("authorization_servers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    if servers.is_empty() {
        return Err(Error::Unavailable(ErrorInfo {
            kind: "no-authorization-servers",
            message: sanitize::line(&format!(
                "{prm_url} lists no authorization_servers (run `mcp-auth probe {resource}`). {HOW}"
            ))
            .into_owned(),
            url: Some(prm_url),
        }));
    }
    Ok((prm_url, servers))
}

fn unreachable(kind: &'static str, message: String, url: Option<String>) -> Error {
    Error::Unavailable(ErrorInfo {
        kind,
        message: sanitize::line(&message).into_owned(),
        url,
    })
}

/// Loads one key set: `jwks` (URL or file) wins; otherwise discovery from `issuer`. Returns the set and the
/// URL it came from.
async fn load_keys(
    client: &HttpClient,
    opts: &VerifyOptions,
    issuer: Option<&str>,
) -> Result<(KeySet, Option<String>), Error> {
    if let Some(jwks) = &opts.jwks {
        return jwks_source(client, jwks).await;
    }
    let issuer = issuer.unwrap_or_default();
    let outcome = provider::check(client, issuer, &Source::Discover(ProviderType::Auto), opts.spec).await;
    if let Some(err) = outcome.error {
        return Err(Error::Unavailable(err));
    }
    if outcome.metadata.is_none() {
        return Err(unreachable(
            "no-metadata",
            format!(
                "{issuer}: no authorization server metadata at any well-known URL; run `mcp-auth check-provider {issuer}`, or pass --jwks"
            ),
            None,
        ));
    }
    if let Some(bad) = outcome
        .checks
        .iter()
        .find(|c| c.id == AS_ISSUER_MATCHES.id && c.status == Status::Fail)
    {
        return Err(unreachable(
            "issuer-mismatch",
            format!("the issuer's metadata must not be used: {}", bad.message),
            outcome.metadata_url,
        ));
    }
    let Some(jwks_uri) = outcome.jwks_uri else {
        return Err(unreachable(
            "no-jwks-uri",
            format!(
                "{issuer}: the metadata advertises no jwks_uri, so tokens cannot be verified locally; pass --jwks URL|FILE"
            ),
            outcome.metadata_url,
        ));
    };
    let Some(value) = outcome.jwks else {
        let why = outcome
            .jwks_checks
            .iter()
            .find(|c| c.id == AS_JWKS_VALID.id)
            .map_or_else(|| "could not be fetched".to_owned(), |c| c.message.to_string());
        return Err(unreachable("jwks", format!("{jwks_uri}: {why}"), Some(jwks_uri)));
    };
    let set = KeySet::from_json(&value)
        .map_err(|why| unreachable("not-jwks", format!("{jwks_uri}: {why}"), Some(jwks_uri.clone())))?;
    Ok((set, Some(jwks_uri)))
}

/// `--jwks`: a URL (fetched) or a file (offline).
async fn jwks_source(client: &HttpClient, jwks: &str) -> Result<(KeySet, Option<String>), Error> {
    if jwks.starts_with("http://") || jwks.starts_with("https://") {
        let url = Url::parse(jwks)
            .map_err(|e| Error::Usage(format!("--jwks \"{}\" is not a URL ({e})", sanitize::line(jwks))))?;
        let value = fetch_jwks(client, &url).await?;
        let set = KeySet::from_json(&value)
            .map_err(|why| unreachable("not-jwks", format!("{url}: {why}"), Some(url.to_string())))?;
        return Ok((set, Some(url.to_string())));
    }
    let text = std::fs::read_to_string(jwks).map_err(|source| Error::Io {
        path: format!("--jwks {jwks}"),
        source,
    })?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| Error::Usage(format!("--jwks {jwks}: not JSON ({e})")))?;
    let set = KeySet::from_json(&value).map_err(|why| Error::Usage(format!("--jwks {jwks}: {why}")))?;
    Ok((set, None))
}

async fn fetch_jwks(client: &HttpClient, url: &Url) -> Result<Value, Error> {
    let resp = client.get(url).await.map_err(|e| Error::Unavailable(e.to_info()))?;
    if resp.status != 200 {
        return Err(Error::Unavailable(ErrorInfo {
            kind: "http-status",
            message: format!("{url}: HTTP {} where a JWK Set was required", resp.status),
            url: Some(url.to_string()),
        }));
    }
    resp.json().map_err(|why| {
        Error::Unavailable(ErrorInfo {
            kind: "not-json",
            message: sanitize::line(&format!("{url}: {why}")).into_owned(),
            url: Some(url.to_string()),
        })
    })
}

//! The one HTTP client: whole-request timeout, extra trust roots, capped bodies, manual same-origin
//! redirects (at most 3, each reported), a User-Agent naming the tool, and on request no connection to a
//! private address.

use crate::error::FetchError;
use crate::sanitize::redact_url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

/// Cap for metadata, JWKS and MCP responses.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;
/// Redirects followed per request.
pub const MAX_REDIRECTS: usize = 3;
pub const USER_AGENT: &str = concat!("mcp-auth/", env!("CARGO_PKG_VERSION"));

/// What `-v` shows for each request.
#[derive(Clone, Debug)]
pub struct RequestLog {
    pub method: String,
    /// The URL with credential query values redacted ([`redact_url`]).
    pub url: String,
    pub status: Option<u16>,
    pub elapsed: Duration,
    pub error: Option<String>,
}

pub type LogHook = Arc<dyn Fn(&RequestLog) + Send + Sync>;

/// Client settings, from the global options.
#[derive(Clone)]
pub struct HttpConfig {
    pub timeout: Duration,
    /// PEM bundle of extra trust roots (`--cacert`).
    pub extra_roots_pem: Option<Vec<u8>>,
    pub max_body: usize,
    pub log: Option<LogHook>,
    /// Never connect to a private address (see [`is_private_ip`]): names resolve through a resolver that
    /// drops them, and private IP literals are refused before sending. Since the connection goes only to
    /// addresses this resolver returned, a name cannot answer public to a check and private to the fetch
    /// (DNS rebinding), and redirects are covered as they go through the same client.
    pub refuse_private: bool,
    /// At most this many requests in flight per origin, shared by every clone (`scan`).
    pub origin_limit: Option<Arc<crate::origin_limit::OriginLimit>>,
    /// With `refuse_private`: loopback addresses are still connected to (the MCP server the user typed is
    /// on loopback: local development, where every server runs on the same machine).
    pub allow_loopback: bool,
    /// `--allow-private-addresses`: [`HttpClient::guarded_for`] never refuses private addresses.
    pub allow_private: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            extra_roots_pem: None,
            max_body: DEFAULT_MAX_BODY,
            log: None,
            refuse_private: false,
            origin_limit: None,
            allow_loopback: false,
            allow_private: false,
        }
    }
}

/// One redirect hop that was followed (or refused).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Redirect {
    pub status: u16,
    pub from: String,
    pub to: String,
}

/// A request to send. GET with no headers is [`Request::get`].
#[derive(Clone, Debug)]
pub struct Request {
    pub method: reqwest::Method,
    pub url: Url,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<Vec<u8>>,
}

impl Request {
    pub fn get(url: Url) -> Self {
        Self {
            method: reqwest::Method::GET,
            url,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((HeaderName::from_static(name), v));
        }
        self
    }
}

/// A complete response with its body read (up to the cap).
#[derive(Clone, Debug)]
pub struct Response {
    /// The URL that answered (after redirects).
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub redirects: Vec<Redirect>,
    pub elapsed: Duration,
}

impl Response {
    /// The media type without parameters, lower-cased.
    pub fn media_type(&self) -> Option<String> {
        let ct = self.headers.get(reqwest::header::CONTENT_TYPE)?.to_str().ok()?;
        Some(ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
    }

    pub fn is_json_media_type(&self) -> bool {
        self.media_type().as_deref() == Some("application/json")
    }

    /// Parses the body as a JSON value. Errors name the cause in words.
    pub fn json(&self) -> Result<serde_json::Value, String> {
        if self.body.is_empty() {
            return Err("the body is empty".into());
        }
        let text = std::str::from_utf8(&self.body).map_err(|e| format!("the body is not UTF-8 ({e})"))?;
        if text.trim_start().starts_with('<') {
            return Err(format!(
                "the body is HTML or XML, not JSON (Content-Type: {})",
                self.media_type().unwrap_or_else(|| "none".into())
            ));
        }
        crate::json::parse(text).map_err(|e| format!("the body is not valid JSON ({e})"))
    }

    /// All values of a header, as text (invalid bytes replaced).
    pub fn header_values(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }
}

/// Shared, cheaply clonable HTTP client.
///
/// Two reqwest clients: one for http URLs with no trust roots at all, and one for https, built on first
/// use. Loading the platform's trust store costs milliseconds per run, and loopback http (local
/// development, the demo, the tests) never needs it.
#[derive(Clone)]
pub struct HttpClient {
    plain: reqwest::Client,
    tls: Arc<std::sync::OnceLock<Result<reqwest::Client, String>>>,
    extra_roots: Vec<reqwest::Certificate>,
    config: HttpConfig,
    /// With [`HttpConfig::refuse_private`]: the hosts of the proxy settings, whose presence means target
    /// names are checked here before the proxy resolves them ([`proxied_name_is_public`]).
    proxy_hosts: Arc<Vec<String>>,
    /// With [`HttpConfig::refuse_private`]: the one origin the user typed whose host is private, and the
    /// client that fetches it (private addresses allowed there, and only there).
    exempt: Option<Arc<(url::Origin, HttpClient)>>,
    /// Made by [`Self::guarded_for`]: the guard is decided, and later calls keep it.
    decided: bool,
}

/// Where a client may connect to private addresses ([`HttpClient::private_allowed`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrivateAccess {
    /// Nowhere: every address must be globally routable.
    Nowhere,
    /// Loopback addresses only (the typed URL is on loopback).
    Loopback,
    /// This origin only (the typed URL's host is private).
    Origin(String),
    /// Everywhere (`--allow-private-addresses`, or a client that applies no guard).
    Everywhere,
}

impl HttpClient {
    pub fn new(config: HttpConfig) -> Result<Self, crate::error::Error> {
        let mut extra_roots = Vec::new();
        if let Some(pem) = &config.extra_roots_pem {
            extra_roots = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| crate::error::Error::Usage(format!("--cacert: not a PEM certificate bundle ({e})")))?;
            if extra_roots.is_empty() {
                return Err(crate::error::Error::Usage(
                    "--cacert: the file holds no PEM certificate".into(),
                ));
            }
        }
        let plain = Self::builder(&config)
            .tls_certs_only(Vec::new())
            .build()
            .map_err(|e| crate::error::Error::Usage(format!("could not set up the HTTP client: {e}")))?;
        let proxy_hosts = if config.refuse_private {
            proxy_hosts(PROXY_VARS.iter().filter_map(|k| std::env::var(k).ok()))
        } else {
            Vec::new()
        };
        Ok(Self {
            plain,
            tls: Arc::default(),
            extra_roots,
            config,
            proxy_hosts: Arc::new(proxy_hosts),
            exempt: None,
            decided: false,
        })
    }

    /// The same client, except that it refuses private addresses ([`HttpConfig::refuse_private`]).
    pub fn refusing_private(&self) -> Result<Self, crate::error::Error> {
        Self::new(HttpConfig {
            refuse_private: true,
            ..self.config.clone()
        })
    }

    /// The client for every fetch on behalf of the server at `url` (and wherever it points), which the user
    /// typed. It refuses to connect to private addresses (at the resolver, so also for JWKS, discovery
    /// documents and redirects, and with no second lookup to rebind), except:
    /// - with `allow` or [`HttpConfig::allow_private`] (`--allow-private-addresses`): nowhere;
    /// - when `url` is on loopback (local development: the user's own machine, named without DNS): loopback
    ///   addresses stay allowed, every other private address is refused;
    /// - when `url`'s host is, or resolves to, a private address: that origin (scheme, host, port) only is
    ///   exempt. A DNS record the server's owner controls cannot open any other origin.
    ///
    /// A client this returned keeps its decision: calling it again (e.g. `provider::check` within a probe)
    /// returns the same client.
    pub async fn guarded_for(&self, url: &Url, allow: bool) -> Result<Self, crate::error::Error> {
        // A client that already refuses them (`scan` without --allow-private-addresses) is kept as it is:
        // no lookup, and no new connection pool per server.
        if self.decided || self.config.refuse_private {
            return Ok(self.clone());
        }
        if allow || self.config.allow_private {
            return Ok(Self {
                decided: true,
                ..self.clone()
            });
        }
        let loopback = is_loopback(url);
        let mut guarded = Self::new(HttpConfig {
            refuse_private: true,
            allow_loopback: loopback,
            ..self.config.clone()
        })?;
        if !loopback && is_private_host(url).await {
            guarded.exempt = Some(Arc::new((url.origin(), self.clone())));
        }
        guarded.decided = true;
        Ok(guarded)
    }

    /// Where this client may connect to private addresses.
    pub fn private_allowed(&self) -> PrivateAccess {
        match (&self.exempt, self.config.refuse_private) {
            (_, false) => PrivateAccess::Everywhere,
            (Some(e), true) => PrivateAccess::Origin(e.0.ascii_serialization()),
            (None, true) if self.config.allow_loopback => PrivateAccess::Loopback,
            (None, true) => PrivateAccess::Nowhere,
        }
    }

    fn builder(config: &HttpConfig) -> reqwest::ClientBuilder {
        let builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .connect_timeout(config.timeout)
            .timeout(config.timeout);
        if config.refuse_private {
            let proxies = proxy_hosts(PROXY_VARS.iter().filter_map(|k| std::env::var(k).ok()));
            builder.dns_resolver(PublicOnly {
                proxies,
                loopback: config.allow_loopback,
            })
        } else {
            builder
        }
    }

    /// The client for `url`: https gets the platform trust store plus `--cacert`.
    fn client_for(&self, url: &Url) -> Result<&reqwest::Client, FetchError> {
        if url.scheme() != "https" {
            return Ok(&self.plain);
        }
        self.tls
            .get_or_init(|| {
                Self::builder(&self.config)
                    .tls_certs_merge(self.extra_roots.iter().cloned())
                    .build()
                    .map_err(|e| error_chain(&e))
            })
            .as_ref()
            .map_err(|reason| FetchError::Tls {
                url: url.to_string(),
                reason: format!("could not set up TLS: {reason}"),
            })
    }

    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    pub async fn get(&self, url: &Url) -> Result<Response, FetchError> {
        self.send(Request::get(url.clone())).await
    }

    /// Sends `req`, following at most [`MAX_REDIRECTS`] same-origin redirects. `--timeout` is one deadline
    /// for the request and all its redirects, not one per hop.
    pub async fn send(&self, req: Request) -> Result<Response, FetchError> {
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + self.config.timeout;
        let mut redirects: Vec<Redirect> = Vec::new();
        let mut current = req;
        loop {
            let mut resp = self.send_once(&current, deadline).await?;
            let Some(location) = redirect_target(&resp) else {
                resp.redirects = redirects;
                resp.elapsed = started.elapsed();
                return Ok(resp);
            };
            // Errors and the redirect list carry URLs: never with a credential in the query.
            let from = redact_url(&current.url);
            let to = match location {
                Some(to) => to,
                None => return Err(FetchError::BadRedirect { url: from }),
            };
            let to_s = redact_url(&to);
            if to.origin() != current.url.origin() {
                return Err(FetchError::CrossOriginRedirect { url: from, to: to_s });
            }
            if to == current.url || redirects.iter().any(|r| r.from == to_s) {
                return Err(FetchError::RedirectLoop { url: from, to: to_s });
            }
            if redirects.len() == MAX_REDIRECTS {
                return Err(FetchError::TooManyRedirects {
                    url: from,
                    to: to_s,
                    max: MAX_REDIRECTS,
                });
            }
            redirects.push(Redirect {
                status: resp.status,
                from,
                to: to_s,
            });
            if resp.status == 303 || (matches!(resp.status, 301 | 302) && current.method == reqwest::Method::POST) {
                current.method = reqwest::Method::GET;
                current.body = None;
            }
            current.url = to;
        }
    }

    async fn send_once(&self, req: &Request, deadline: tokio::time::Instant) -> Result<Response, FetchError> {
        if let Some(exempt) = &self.exempt
            && req.url.origin() == exempt.0
        {
            return Box::pin(exempt.1.send_once(req, deadline)).await;
        }
        let url_s = redact_url(&req.url);
        if !matches!(req.url.scheme(), "http" | "https") {
            return Err(FetchError::UnsupportedScheme { url: url_s });
        }
        let _slot = match &self.config.origin_limit {
            Some(limit) => Some(limit.acquire(&req.url).await),
            None => None,
        };
        let started = Instant::now();
        let result = tokio::time::timeout_at(deadline, self.exchange(req)).await;
        let result = match result {
            Ok(r) => r,
            Err(_) => Err(FetchError::Timeout {
                url: url_s.clone(),
                secs: self.config.timeout.as_secs(),
            }),
        };
        if let Some(log) = &self.config.log {
            log(&RequestLog {
                method: req.method.to_string(),
                url: url_s,
                status: result.as_ref().ok().map(|r| r.status),
                elapsed: started.elapsed(),
                error: result.as_ref().err().map(|e| e.to_string()),
            });
        }
        result
    }

    async fn exchange(&self, req: &Request) -> Result<Response, FetchError> {
        let url_s = redact_url(&req.url);
        if self.config.refuse_private
            && let Some(refused) = private_literal(&req.url, self.config.allow_loopback)
        {
            return Err(FetchError::PrivateAddress {
                url: url_s,
                reason: refused.to_string(),
            });
        }
        if let Some(url::Host::Domain(host)) = req.url.host()
            && !self.proxy_hosts.is_empty()
            && !self.proxy_hosts.iter().any(|p| p.eq_ignore_ascii_case(host))
        {
            let port = req.url.port_or_known_default().unwrap_or(0);
            proxied_name_is_public(host, port, self.config.allow_loopback)
                .await
                .map_err(|reason| FetchError::PrivateAddress {
                    url: url_s.clone(),
                    reason,
                })?;
        }
        let mut builder = self.client_for(&req.url)?.request(req.method.clone(), req.url.clone());
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }
        let mut resp = builder.send().await.map_err(|e| classify(&url_s, &e, &self.config))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let limit = self.config.max_body;
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(FetchError::TooLarge { url: url_s, limit });
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| classify(&url_s, &e, &self.config))? {
            if body.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge { url: url_s, limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            url: req.url.clone(),
            status,
            headers,
            body,
            redirects: Vec::new(),
            elapsed: Default::default(),
        })
    }
}

/// `None`: not a redirect. `Some(None)`: a redirect with no usable Location.
fn redirect_target(resp: &Response) -> Option<Option<Url>> {
    if !matches!(resp.status, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let loc = resp
        .headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok());
    Some(loc.and_then(|l| resp.url.join(l).ok()))
}

fn classify(url: &str, e: &reqwest::Error, config: &HttpConfig) -> FetchError {
    let url = url.to_owned();
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(refused) = c.downcast_ref::<PrivateOnly>() {
            return FetchError::PrivateAddress {
                url,
                reason: refused.to_string(),
            };
        }
        cause = c.source();
    }
    if e.is_timeout() {
        return FetchError::Timeout {
            url,
            secs: config.timeout.as_secs(),
        };
    }
    let chain = error_chain(e);
    let lower = chain.to_ascii_lowercase();
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        return FetchError::Tls {
            url,
            reason: crate::error::tls_in_words(&chain, config.extra_roots_pem.is_some()),
        };
    }
    if e.is_connect() {
        return FetchError::Connect { url, reason: chain };
    }
    FetchError::Transport { url, reason: chain }
}

/// The innermost cause: reqwest's and hyper's outer layers repeat the URL and each other.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Not globally routable: private, loopback, link-local, unique-local, site-local, CGNAT, "this network",
/// multicast, reserved, benchmarking, documentation, discard-only, or a translation or tunnel form whose
/// embedded IPv4 address is one of those. Not for a public server to send clients to (the
/// 169.254.169.254 metadata-service SSRF). Classes from the IANA special-purpose address registries.
pub fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !is_global_v4(v4),
        IpAddr::V6(v6) => !is_global_v6(v6),
    }
}

fn is_global_v4(v4: std::net::Ipv4Addr) -> bool {
    let [a, b, c, _] = v4.octets();
    let special = a == 0 // "this network"
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // CGNAT
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // TEST-NET-1
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast (deprecated)
        || (a == 192 && b == 168)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // TEST-NET-2
        || (a == 203 && b == 0 && c == 113) // TEST-NET-3
        || a >= 224; // multicast, reserved 240.0.0.0/4, broadcast
    !special
}

/// Only 2000::/3 is global unicast; NAT64's well-known prefix counts when its IPv4 address is global.
/// Within 2000::/3: the IETF protocol block 2001::/23 (Teredo, benchmarking, ORCHID), documentation
/// (2001:db8::/32, 3fff::/20) and 6to4 (2002::/16) whose embedded IPv4 address is not global.
fn is_global_v6(v6: std::net::Ipv6Addr) -> bool {
    let s = v6.segments();
    let embedded = |hi: u16, lo: u16| std::net::Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        // NAT64 well-known prefix 64:ff9b::/96. The local-use 64:ff9b:1::/48 falls through: not global.
        return is_global_v4(embedded(s[6], s[7]));
    }
    if (s[0] & 0xe000) != 0x2000 {
        // ::/96 (unspecified, loopback, IPv4-compatible), ::ffff:0:0/96 (mapped), ::ffff:0:0:0/96 (SIIT),
        // 100::/64 (discard), fc00::/7, fe80::/10, fec0::/10, ff00::/8, and everything unassigned.
        // An IPv4-mapped address reaches its IPv4 address, so it is judged by it.
        return v6.to_ipv4_mapped().is_some_and(is_global_v4);
    }
    if s[0] == 0x2002 {
        return is_global_v4(embedded(s[1], s[2]));
    }
    let ietf = s[0] == 0x2001 && s[1] < 0x200;
    let documentation = (s[0] == 0x2001 && s[1] == 0xdb8) || (s[0] & 0xfff0) == 0x3ff0;
    !(ietf || documentation)
}

/// Why a host was refused: it is, or resolves only to, private addresses.
#[derive(Debug)]
struct PrivateOnly {
    host: String,
    addrs: Vec<IpAddr>,
}

impl std::fmt::Display for PrivateOnly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let addrs: Vec<String> = self.addrs.iter().map(IpAddr::to_string).collect();
        match addrs.as_slice() {
            [one] if *one == self.host.trim_matches(['[', ']']) => write!(f, "{one} is a private address"),
            _ => write!(
                f,
                "{} resolves only to private addresses ({})",
                crate::sanitize::line(&self.host),
                addrs.join(", ")
            ),
        }
    }
}

impl std::error::Error for PrivateOnly {}

/// The public addresses among `addrs`; an error naming the private ones when they were all private.
fn public_only(host: &str, addrs: Vec<SocketAddr>, loopback: bool) -> Result<Vec<SocketAddr>, PrivateOnly> {
    let (public, private): (Vec<SocketAddr>, Vec<SocketAddr>) =
        addrs.into_iter().partition(|a| !refused(a.ip(), loopback));
    if public.is_empty() && !private.is_empty() {
        return Err(PrivateOnly {
            host: host.to_owned(),
            addrs: private.iter().map(SocketAddr::ip).collect(),
        });
    }
    Ok(public)
}

/// Whether a refusing client refuses `ip`: a private address, unless `loopback` allows it.
fn refused(ip: IpAddr, loopback: bool) -> bool {
    let is_loopback = match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback(),
    };
    is_private_ip(ip) && !(loopback && is_loopback)
}

/// The refusal for a URL whose host is a private IP literal (a resolver never sees those).
fn private_literal(url: &Url, loopback: bool) -> Option<PrivateOnly> {
    let ip = match url.host()? {
        url::Host::Ipv4(ip) => IpAddr::V4(ip),
        url::Host::Ipv6(ip) => IpAddr::V6(ip),
        url::Host::Domain(_) => return None,
    };
    refused(ip, loopback).then(|| PrivateOnly {
        host: ip.to_string(),
        addrs: vec![ip],
    })
}

/// The proxy variables reqwest reads.
const PROXY_VARS: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// The host names of proxy settings (`http://proxy.corp:3128`, or without a scheme).
fn proxy_hosts(values: impl Iterator<Item = String>) -> Vec<String> {
    values
        .filter_map(|v| Url::parse(&v).ok().or_else(|| Url::parse(&format!("http://{v}")).ok()))
        .filter_map(|u| u.host_str().map(str::to_ascii_lowercase))
        .collect()
}

/// Behind a proxy the proxy resolves the target name, out of the resolver's sight: the name is resolved here
/// first, and refused when any of its addresses is private (the proxy may pick any of them) or when it does
/// not resolve here at all (it cannot be shown to be public). The proxy resolves again, so a name that
/// changes its answer between the two lookups is not covered (see docs/security.md).
async fn proxied_name_is_public(host: &str, port: u16, loopback: bool) -> Result<(), String> {
    let shown = crate::sanitize::line(host);
    let addrs: Vec<IpAddr> = match tokio::net::lookup_host((host, port)).await {
        Ok(addrs) => addrs.map(|a| a.ip()).collect(),
        Err(e) => {
            return Err(format!(
                "{shown} goes through a proxy and could not be resolved here to check that it is public ({e})"
            ));
        }
    };
    let private: Vec<String> = addrs
        .iter()
        .filter(|a| refused(**a, loopback))
        .map(IpAddr::to_string)
        .collect();
    if private.is_empty() && !addrs.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{shown} goes through a proxy and resolves to private addresses ({})",
        private.join(", ")
    ))
}

/// The system resolver minus private addresses ([`HttpConfig::refuse_private`]). Through a proxy, the
/// resolver sees only the proxy's name, which is exempt (the user chose it, and it is usually internal);
/// the proxy then resolves the target, so only IP literals are refused there.
struct PublicOnly {
    proxies: Vec<String>,
    /// Loopback addresses are allowed ([`HttpConfig::allow_loopback`]).
    loopback: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        let exempt = self.proxies.iter().any(|p| p.eq_ignore_ascii_case(&host));
        let loopback = self.loopback;
        Box::pin(async move {
            // Port 0: reqwest puts the URL's port in.
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public = if exempt {
                addrs
            } else {
                public_only(&host, addrs, loopback)?
            };
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether `url`'s host is, or resolves to, a private address (DNS only for names): then the server is
/// private and may send clients to private addresses.
async fn is_private_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => is_private_ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_private_ip(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) => {
            if is_loopback(url) {
                return true;
            }
            let port = url.port_or_known_default().unwrap_or(443);
            match tokio::net::lookup_host((d, port)).await {
                Ok(mut addrs) => addrs.any(|a| is_private_ip(a.ip())),
                Err(_) => false,
            }
        }
        None => false,
    }
}

/// `localhost`, 127.0.0.0/8 or `[::1]`: http is allowed there with a warning.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// How a URL fares against the https rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Https,
    /// http on a loopback host: allowed with a warning.
    LoopbackHttp,
    /// http (or another scheme) elsewhere: a failure.
    Insecure,
}

pub fn transport(url: &Url) -> Transport {
    match url.scheme() {
        "https" => Transport::Https,
        "http" if is_loopback(url) => Transport::LoopbackHttp,
        _ => Transport::Insecure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_public_server_gets_a_client_refusing_private_addresses() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = HttpClient::new(HttpConfig::default()).unwrap();
        let access = |mcp: &str, allow: bool| {
            let c = rt
                .block_on(client.guarded_for(&Url::parse(mcp).unwrap(), allow))
                .unwrap();
            c.private_allowed()
        };
        assert_eq!(access("https://93.184.216.34/mcp", false), PrivateAccess::Nowhere);
        assert_eq!(access("https://[2606:4700::1111]/mcp", false), PrivateAccess::Nowhere);
        assert_eq!(access("https://93.184.216.34/mcp", true), PrivateAccess::Everywhere);
        for local in ["http://127.0.0.1:1/mcp", "http://localhost:1/mcp", "http://[::1]:1/mcp"] {
            assert_eq!(access(local, false), PrivateAccess::Loopback, "{local}");
        }
        // A private server that is not loopback: refusing, with its own origin exempt (issue 13 item 4).
        assert_eq!(
            access("https://10.0.0.5/mcp", false),
            PrivateAccess::Origin("https://10.0.0.5".to_owned())
        );
        // The decision is kept: guarding a guarded client again changes nothing.
        let guarded = rt
            .block_on(client.guarded_for(&Url::parse("https://10.0.0.5/mcp").unwrap(), false))
            .unwrap();
        let again = rt
            .block_on(guarded.guarded_for(&Url::parse("https://93.184.216.34/").unwrap(), false))
            .unwrap();
        assert_eq!(
            again.private_allowed(),
            PrivateAccess::Origin("https://10.0.0.5".to_owned())
        );
        assert_eq!(client.private_allowed(), PrivateAccess::Everywhere);
    }

    /// Issue 13 item 4: a server whose host is private gets its own origin (scheme, host, port) exempt, and
    /// nothing else: another port or another name for the same address is refused without connecting.
    #[test]
    fn only_the_typed_origin_is_exempt() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let typed = crate::server::MockServer::start().unwrap();
        typed.fixed("/x", crate::server::Reply::json(&serde_json::json!({"ok": true})));
        let other = crate::server::MockServer::start().unwrap();
        other.fixed("/x", crate::server::Reply::json(&serde_json::json!({"ok": true})));
        let open = HttpClient::new(HttpConfig::default()).unwrap();
        let origin = Url::parse(&typed.base_url()).unwrap().origin();
        let mut client = open.refusing_private().unwrap();
        client.exempt = Some(Arc::new((origin, open.clone())));
        let ok = rt.block_on(client.get(&Url::parse(&typed.url("/x")).unwrap())).unwrap();
        assert_eq!(ok.status, 200);
        let by_name = format!("http://localhost:{}/x", typed.addr().port());
        for refused in [other.url("/x"), by_name] {
            let err = rt.block_on(client.get(&Url::parse(&refused).unwrap())).unwrap_err();
            assert!(matches!(err, FetchError::PrivateAddress { .. }), "{refused}: {err:?}");
        }
        assert_eq!(other.hits_on("/x"), 0);
        assert_eq!(typed.hits_on("/x"), 1);
        // A loopback server: loopback stays allowed, every other private address is refused unsent.
        let local = rt
            .block_on(open.guarded_for(&Url::parse(&typed.url("/mcp")).unwrap(), false))
            .unwrap();
        assert_eq!(
            rt.block_on(local.get(&Url::parse(&other.url("/x")).unwrap()))
                .unwrap()
                .status,
            200
        );
        let err = rt
            .block_on(local.get(&Url::parse("http://169.254.169.254/latest/meta-data/").unwrap()))
            .unwrap_err();
        assert!(matches!(err, FetchError::PrivateAddress { .. }), "{err:?}");
    }

    #[test]
    fn loopback_rules() {
        for u in [
            "http://localhost:8080/x",
            "http://127.0.0.1/",
            "http://127.5.5.5/",
            "http://[::1]:9/",
        ] {
            assert_eq!(transport(&Url::parse(u).unwrap()), Transport::LoopbackHttp, "{u}");
        }
        for u in ["http://example.com/", "http://10.0.0.1/", "ftp://localhost/"] {
            assert_eq!(transport(&Url::parse(u).unwrap()), Transport::Insecure, "{u}");
        }
        assert_eq!(transport(&Url::parse("https://example.com").unwrap()), Transport::Https);
    }

    #[test]
    fn https_uses_the_tls_client_and_http_the_plain_one() {
        let s = crate::server::MockServer::start().unwrap();
        s.fixed("/x", crate::server::Reply::json(&serde_json::json!({"ok": true})));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = HttpClient::new(Default::default()).unwrap();
        let ok = rt.block_on(client.get(&Url::parse(&s.url("/x")).unwrap())).unwrap();
        assert_eq!(ok.status, 200);
        assert!(client.tls.get().is_none(), "plain http must not load trust roots");
        // The embedded server speaks plain HTTP: a TLS handshake with it fails.
        let https = Url::parse(&format!("https://{}/x", s.addr())).unwrap();
        let err = rt.block_on(client.get(&https)).unwrap_err();
        assert!(client.tls.get().is_some_and(Result::is_ok));
        assert!(
            matches!(
                err,
                FetchError::Tls { .. } | FetchError::Connect { .. } | FetchError::Transport { .. }
            ),
            "{err:?}"
        );
    }

    /// Every special-purpose class is refused, and so is a translation or tunnel form that embeds a
    /// refused IPv4 address; the same forms around a public IPv4 address are not.
    #[test]
    fn only_globally_routable_addresses_are_public() {
        let refused = [
            ("169.254.169.254", "link-local (metadata service)"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("192.168.0.1", "private"),
            ("127.0.0.1", "loopback"),
            ("100.64.0.1", "CGNAT"),
            ("0.0.0.0", "this network"),
            ("0.1.2.3", "this network"),
            ("255.255.255.255", "broadcast"),
            ("192.0.0.8", "IETF protocol assignments"),
            ("192.0.2.1", "TEST-NET-1"),
            ("198.51.100.7", "TEST-NET-2"),
            ("203.0.113.9", "TEST-NET-3"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.254", "benchmarking"),
            ("192.88.99.1", "6to4 relay anycast"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("240.0.0.1", "reserved"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fe80::1", "link-local"),
            ("fd00::1", "unique-local"),
            ("fec0::1", "site-local"),
            ("ff02::1", "multicast"),
            ("ff0e::1", "global-scope multicast"),
            ("100::1", "discard-only"),
            ("::ffff:10.0.0.1", "IPv4-mapped private"),
            ("::ffff:169.254.169.254", "IPv4-mapped link-local"),
            ("::127.0.0.1", "IPv4-compatible loopback"),
            ("::8.8.8.8", "IPv4-compatible (deprecated, never routed)"),
            ("::ffff:0:127.0.0.1", "SIIT"),
            ("::ffff:0:8.8.8.8", "SIIT"),
            ("64:ff9b::a9fe:a9fe", "NAT64 of 169.254.169.254"),
            ("64:ff9b::10.0.0.1", "NAT64 of a private address"),
            ("64:ff9b::127.0.0.1", "NAT64 of loopback"),
            ("64:ff9b:1::808:808", "local-use NAT64"),
            ("2002:a9fe:a9fe::1", "6to4 of 169.254.169.254"),
            ("2002:7f00:1::", "6to4 of loopback"),
            ("2002:c0a8:101::1", "6to4 of a private address"),
            ("2001::1", "Teredo"),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
            ("2001:2::1", "benchmarking"),
            ("2001:10::1", "ORCHID"),
            ("2001:db8::1", "documentation"),
            ("3fff::1", "documentation"),
            ("4000::1", "unassigned"),
        ];
        for (ip, class) in refused {
            assert!(is_private_ip(ip.parse().unwrap()), "{ip} ({class}) must be refused");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "1.1.1.1",
            "100.128.0.1",
            "100.63.255.255",
            "172.32.0.1",
            "192.0.1.1",
            "198.20.0.1",
            "223.255.255.254",
            "2606:4700::1111",
            "2001:4860:4860::8888",
            "2a00:1450:4001::1",
            "::ffff:8.8.8.8",
            "64:ff9b::8.8.8.8",
            "2002:808:808::1",
        ] {
            assert!(!is_private_ip(ip.parse().unwrap()), "{ip} is globally routable");
        }
    }

    #[test]
    fn the_resolver_keeps_public_addresses_and_drops_private_ones() {
        let addrs = |v: &[&str]| -> Vec<SocketAddr> { v.iter().map(|a| a.parse().unwrap()).collect() };
        // Mixed answers: only the public address is ever connected to.
        let kept = public_only(
            "mixed.example",
            addrs(&["10.0.0.7:0", "93.184.216.34:0", "[::1]:0"]),
            false,
        )
        .unwrap();
        assert_eq!(kept, addrs(&["93.184.216.34:0"]));
        let public = addrs(&["93.184.216.34:0", "[2606:4700::1111]:0"]);
        assert_eq!(public_only("public.example", public.clone(), false).unwrap(), public);
        // Nothing at all is the resolver's own failure, not a refusal.
        assert!(public_only("empty.example", Vec::new(), false).unwrap().is_empty());
        let err = public_only("rebind.example", addrs(&["169.254.169.254:0", "[fd00::1]:0"]), false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "rebind.example resolves only to private addresses (169.254.169.254, fd00::1)"
        );
    }

    #[test]
    fn proxy_hosts_are_read_with_or_without_a_scheme() {
        let values = [
            "http://Proxy.Corp:3128",
            "10.0.0.1:8080",
            "socks5://user:pw@sock.corp:1080",
            "",
        ];
        assert_eq!(
            proxy_hosts(values.iter().map(|v| v.to_string())),
            ["proxy.corp", "10.0.0.1", "sock.corp"]
        );
    }

    #[test]
    fn private_ip_literals_are_refused_and_names_left_to_the_resolver() {
        for u in [
            "http://169.254.169.254/latest/meta-data/",
            "https://10.0.0.1/",
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0/",
        ] {
            let refused = private_literal(&Url::parse(u).unwrap(), false);
            assert!(
                refused.is_some_and(|r| r.to_string().ends_with("is a private address")),
                "{u}"
            );
        }
        for u in [
            "https://93.184.216.34/",
            "https://[2606:4700::1111]/",
            "http://localhost/",
            "https://a.example/",
        ] {
            assert!(private_literal(&Url::parse(u).unwrap(), false).is_none(), "{u}");
        }
    }

    /// A listener on loopback that would answer: with `refuse_private` no connection reaches it, by IP
    /// literal or by name (`localhost` resolves to loopback), and the error is typed and names the
    /// override. Without the option the same URL connects, so the listener would have seen one.
    #[test]
    fn a_refusing_client_never_connects_to_a_private_address() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let refusing = HttpClient::new(HttpConfig {
                refuse_private: true,
                ..HttpConfig::default()
            })
            .unwrap();
            let by_literal = Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
            for (url, reason) in [
                (by_literal.clone(), "127.0.0.1 is a private address".to_owned()),
                (
                    Url::parse(&format!("http://[::ffff:127.0.0.1]:{port}/")).unwrap(),
                    "::ffff:127.0.0.1 is a private address".to_owned(),
                ),
                (
                    Url::parse(&format!("http://localhost:{port}/.well-known/jwks.json")).unwrap(),
                    "localhost resolves only to private addresses".to_owned(),
                ),
            ] {
                let err = refusing.get(&url).await.unwrap_err();
                assert!(matches!(err, FetchError::PrivateAddress { .. }), "{url}: {err:?}");
                assert_eq!(err.kind(), crate::error::PRIVATE_ADDRESS);
                assert_eq!(err.url(), url.as_str());
                let msg = err.to_string();
                assert!(
                    msg.contains(&reason) && msg.contains("not fetched") && msg.contains("--allow-private-addresses"),
                    "{msg}"
                );
            }
            let nothing = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
            assert!(nothing.is_err(), "a refusing client connected: {nothing:?}");

            let plain = HttpClient::new(HttpConfig {
                timeout: Duration::from_millis(500),
                ..HttpConfig::default()
            })
            .unwrap();
            let (_, accepted) = tokio::join!(plain.get(&by_literal), listener.accept());
            assert!(accepted.is_ok(), "the control request did not connect");
        });
    }

    /// Four hops of 400 ms each under a 1 s timeout: every hop is within the timeout, the request is not.
    /// Once the deadline passes, the request ends with `timeout` and the last hop is never asked for.
    #[test]
    fn the_timeout_is_one_deadline_across_redirects() {
        let s = crate::server::MockServer::start().unwrap();
        let slow = Duration::from_millis(400);
        for (from, to) in [("/a", "/b"), ("/b", "/c"), ("/c", "/d")] {
            s.fixed(from, crate::server::Reply::new(302).header("Location", to).delay(slow));
        }
        s.fixed(
            "/d",
            crate::server::Reply::json(&serde_json::json!({"ok": true})).delay(slow),
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = HttpClient::new(HttpConfig {
            timeout: Duration::from_secs(1),
            ..HttpConfig::default()
        })
        .unwrap();
        let err = rt.block_on(client.get(&Url::parse(&s.url("/a")).unwrap())).unwrap_err();
        assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
        assert_eq!(s.hits_on("/d"), 0, "a hop was sent after the deadline");
        assert_eq!(s.hits_on("/a"), 1);
        // The same chain with time to spare is followed to the end.
        let patient = HttpClient::new(HttpConfig {
            timeout: Duration::from_secs(5),
            ..HttpConfig::default()
        })
        .unwrap();
        let ok = rt.block_on(patient.get(&Url::parse(&s.url("/a")).unwrap())).unwrap();
        assert_eq!((ok.status, ok.redirects.len()), (200, 3));
    }

    /// Behind a proxy, reqwest hands the target name to the proxy unresolved, so the resolver never sees it:
    /// a name with a private address must be refused before the proxy is contacted. The test client sends
    /// everything to a loopback listener standing in for the proxy (an IP literal, so it needs no lookup).
    #[test]
    fn behind_a_proxy_private_names_are_refused_before_the_proxy_sees_them() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
            let mut client = HttpClient::new(HttpConfig {
                refuse_private: true,
                timeout: Duration::from_millis(500),
                ..HttpConfig::default()
            })
            .unwrap();
            client.plain = reqwest::Client::builder()
                .proxy(reqwest::Proxy::http(&proxy_url).unwrap())
                .dns_resolver(PublicOnly {
                    proxies: vec!["127.0.0.1".into()],
                    loopback: false,
                })
                .build()
                .unwrap();
            client.proxy_hosts = Arc::new(vec!["127.0.0.1".into()]);
            for (url, reason) in [
                (
                    "http://localhost:9/metadata",
                    "localhost goes through a proxy and resolves to private addresses",
                ),
                ("http://no-such-host.invalid/", "could not be resolved here"),
            ] {
                let err = client.get(&Url::parse(url).unwrap()).await.unwrap_err();
                assert!(matches!(err, FetchError::PrivateAddress { .. }), "{url}: {err:?}");
                assert!(err.to_string().contains(reason), "{url}: {err}");
            }
            let nothing = tokio::time::timeout(Duration::from_millis(200), proxy.accept()).await;
            assert!(nothing.is_err(), "the proxy was asked for a private name: {nothing:?}");
        });
        assert!(rt.block_on(proxied_name_is_public("localhost", 80, false)).is_err());
    }

    /// Issue 13 item 1: every fetch error is built from the redacted URL, so the `-v` log and the report
    /// never show a query token, raw or percent-encoded.
    #[test]
    fn fetch_errors_never_quote_a_query_token() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = HttpClient::new(HttpConfig::default()).unwrap();
        let token = "Zm9v+YmFy/cXV4+c2VjcmV0/dG9rZW4=";
        for base in ["http://127.0.0.1:9/mcp", "ftp://127.0.0.1/mcp"] {
            let mut url = Url::parse(base).unwrap();
            url.query_pairs_mut()
                .append_pair("a", "1")
                .append_pair("access_token", token);
            let err = rt.block_on(client.get(&url)).unwrap_err();
            let shown = format!("{err} {}", err.url());
            assert!(
                crate::sanitize::scrub(&shown, token).is_none() && shown.contains("a=1") && shown.contains("REDACTED"),
                "{shown}"
            );
        }
    }
}

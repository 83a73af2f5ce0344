//! The one HTTP client: whole-request timeout, extra trust roots, capped bodies, manual same-origin
//! redirects (at most 3, each reported), a User-Agent naming the tool.

use crate::error::FetchError;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
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
    /// The URL with any `access_token` query value redacted.
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
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            extra_roots_pem: None,
            max_body: DEFAULT_MAX_BODY,
            log: None,
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
        Ok(Self {
            plain,
            tls: Arc::default(),
            extra_roots,
            config,
        })
    }

    fn builder(config: &HttpConfig) -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .connect_timeout(config.timeout)
            .timeout(config.timeout)
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

    /// Sends `req`, following at most [`MAX_REDIRECTS`] same-origin redirects.
    pub async fn send(&self, req: Request) -> Result<Response, FetchError> {
        let started = Instant::now();
        let mut redirects: Vec<Redirect> = Vec::new();
        let mut current = req;
        loop {
            let mut resp = self.send_once(&current).await?;
            let Some(location) = redirect_target(&resp) else {
                resp.redirects = redirects;
                resp.elapsed = started.elapsed();
                return Ok(resp);
            };
            let from = current.url.to_string();
            let to = match location {
                Some(to) => to,
                None => return Err(FetchError::BadRedirect { url: from }),
            };
            let to_s = to.to_string();
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

    async fn send_once(&self, req: &Request) -> Result<Response, FetchError> {
        let url_s = req.url.to_string();
        if !matches!(req.url.scheme(), "http" | "https") {
            return Err(FetchError::UnsupportedScheme { url: url_s });
        }
        let started = Instant::now();
        let result = tokio::time::timeout(self.config.timeout, self.exchange(req)).await;
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
                url: redact_url(&req.url),
                status: result.as_ref().ok().map(|r| r.status),
                elapsed: started.elapsed(),
                error: result.as_ref().err().map(|e| e.to_string()),
            });
        }
        result
    }

    async fn exchange(&self, req: &Request) -> Result<Response, FetchError> {
        let url_s = req.url.to_string();
        let mut builder = self.client_for(&req.url)?.request(req.method.clone(), req.url.clone());
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }
        let mut resp = builder
            .send()
            .await
            .map_err(|e| classify(&url_s, &e, self.config.timeout))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let limit = self.config.max_body;
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(FetchError::TooLarge { url: url_s, limit });
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| classify(&url_s, &e, self.config.timeout))?
        {
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

fn classify(url: &str, e: &reqwest::Error, timeout: Duration) -> FetchError {
    let url = url.to_owned();
    if e.is_timeout() {
        return FetchError::Timeout {
            url,
            secs: timeout.as_secs(),
        };
    }
    let chain = error_chain(e);
    let lower = chain.to_ascii_lowercase();
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        return FetchError::Tls { url, reason: chain };
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

/// Hides the value of an `access_token` query parameter.
pub fn redact_url(url: &Url) -> String {
    if !url.query_pairs().any(|(k, _)| k == "access_token") {
        return url.to_string();
    }
    let mut u = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "access_token" {
                "REDACTED".to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    u.query_pairs_mut().clear().extend_pairs(pairs);
    u.to_string()
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

    #[test]
    fn redacts_query_tokens() {
        let u = Url::parse("https://x/mcp?a=1&access_token=secret").unwrap();
        let r = redact_url(&u);
        assert!(!r.contains("secret"), "{r}");
        assert!(r.contains("a=1"));
    }
}

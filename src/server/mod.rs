//! Embedded HTTP servers on 127.0.0.1, configurable good or broken. `mcp-auth demo` and the test suite use
//! the same code: a route table ([`MockServer`]) and, on top of it, the authorization server and MCP
//! resource server builders.
//!
//! Servers bind an ephemeral loopback port, run on their own thread, stop when dropped, and stop by
//! themselves after [`MAX_LIFETIME`] whatever happens.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub mod auth;
mod grants;
pub mod mcp;

/// A server stops by itself after this long.
pub const MAX_LIFETIME: Duration = Duration::from_secs(600);

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// When the request arrived (benchmarks draw timelines from it).
    pub received: std::time::Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The bearer token of the Authorization header, if any.
    pub fn bearer(&self) -> Option<&str> {
        let v = self.header("authorization")?;
        let (scheme, token) = v.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    }

    /// A query parameter's value.
    pub fn query_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_deref()?.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// A form (application/x-www-form-urlencoded) body parameter's value.
    pub fn form_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(&self.body)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// What a route answers.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Send the body one byte at a time with this pause between bytes.
    pub drip: Option<Duration>,
    /// Send this many body bytes, then reset the connection.
    pub abort_after: Option<usize>,
}

impl Reply {
    pub fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            drip: None,
            abort_after: None,
        }
    }

    /// 200 with a JSON body.
    pub fn json(value: &serde_json::Value) -> Self {
        Self::new(200)
            .header("content-type", "application/json")
            .body(value.to_string())
    }

    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn drip(mut self, every: Duration) -> Self {
        self.drip = Some(every);
        self
    }

    pub fn abort_after(mut self, bytes: usize) -> Self {
        self.abort_after = Some(bytes);
        self
    }
}

/// A route handler: sees the request, returns the reply.
pub type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

#[derive(Default)]
struct Shared {
    routes: Mutex<HashMap<String, Handler>>,
    hits: Mutex<Vec<Recorded>>,
    /// Added to every reply (e.g. simulated network latency).
    latency: Mutex<Duration>,
    /// Requests being answered now, and the most at once so far.
    in_flight: Mutex<(usize, usize)>,
}

/// A route-table HTTP/1.1 server on 127.0.0.1 (or `[::1]`).
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MockServer {
    /// Starts an empty server on 127.0.0.1 with an ephemeral port. Unknown paths answer 404.
    pub fn start() -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0".parse().expect("static address"))
    }

    /// Starts on IPv6 loopback.
    pub fn start_v6() -> std::io::Result<Self> {
        Self::start_on("[::1]:0".parse().expect("static address"))
    }

    fn start_on(bind: SocketAddr) -> std::io::Result<Self> {
        assert!(bind.ip().is_loopback(), "embedded servers bind loopback only");
        let listener = std::net::TcpListener::bind(bind)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let state = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("mcp-auth-server-{}", addr.port()))
            .spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                    return;
                };
                rt.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    let app = axum::Router::new().fallback(dispatch).with_state(state);
                    let stop = async move {
                        tokio::select! {
                            _ = rx => {}
                            _ = tokio::time::sleep(MAX_LIFETIME) => {}
                        }
                    };
                    let _ = axum::serve(listener, app).with_graceful_shutdown(stop).await;
                });
                rt.shutdown_timeout(Duration::from_millis(50));
            })?;
        Ok(Self {
            addr,
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }

    /// Serves `path` (exact, without query) with `handler`. A later call for the same path replaces it.
    pub fn route(&self, path: &str, handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> &Self {
        self.shared
            .routes
            .lock()
            .expect("routes lock")
            .insert(path.to_owned(), Arc::new(handler));
        self
    }

    /// Serves `path` with a fixed reply.
    pub fn fixed(&self, path: &str, reply: Reply) -> &Self {
        self.route(path, move |_| reply.clone())
    }

    /// Adds `latency` before every reply.
    pub fn set_latency(&self, latency: Duration) {
        *self.shared.latency.lock().expect("latency lock") = latency;
    }

    /// Every request received so far.
    pub fn hits(&self) -> Vec<Recorded> {
        self.shared.hits.lock().expect("hits lock").clone()
    }

    /// The most requests this server was answering at once.
    pub fn max_in_flight(&self) -> usize {
        self.shared.in_flight.lock().expect("in-flight lock").1
    }

    /// Requests received for `path`.
    pub fn hits_on(&self, path: &str) -> usize {
        self.shared
            .hits
            .lock()
            .expect("hits lock")
            .iter()
            .filter(|r| r.path == path)
            .count()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn dispatch(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req = Recorded {
        method,
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers,
        body,
        received: std::time::Instant::now(),
    };
    shared.hits.lock().expect("hits lock").push(req.clone());
    let _answering = InFlight::enter(&shared);
    let handler = shared.routes.lock().expect("routes lock").get(&req.path).cloned();
    let latency = *shared.latency.lock().expect("latency lock");
    let reply = match handler {
        Some(h) => h(&req),
        None => Reply::new(404).header("content-type", "text/plain").body("not found"),
    };
    let wait = latency + reply.delay;
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    into_response(reply)
}

/// Counts a request as in flight until its reply is built (after the latency and delay).
struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(shared: &'a Shared) -> Self {
        let mut n = shared.in_flight.lock().expect("in-flight lock");
        n.0 += 1;
        n.1 = n.1.max(n.0);
        Self(shared)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.lock().expect("in-flight lock").0 -= 1;
    }
}

fn into_response(reply: Reply) -> Response {
    let body = match (reply.drip, reply.abort_after) {
        (None, None) => Body::from(reply.body),
        (drip, abort) => {
            let limit = abort.unwrap_or(reply.body.len()).min(reply.body.len());
            let bytes = reply.body;
            let fail = abort.is_some();
            let stream = futures::stream::unfold(0usize, move |i| {
                let bytes = bytes.clone();
                async move {
                    if i >= limit {
                        return if fail && i == limit {
                            Some((Err(std::io::Error::other("connection reset by the test server")), i + 1))
                        } else {
                            None
                        };
                    }
                    let step = if drip.is_some() { 1 } else { limit - i };
                    if let Some(d) = drip {
                        tokio::time::sleep(d).await;
                    }
                    Some((Ok(Bytes::copy_from_slice(&bytes[i..i + step])), i + step))
                }
            });
            Body::from_stream(stream)
        }
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in reply.headers {
        if let (Ok(k), Ok(v)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(&v)) {
            resp.headers_mut().append(k, v);
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_routes_and_records_hits() {
        let s = MockServer::start().unwrap();
        s.fixed("/a", Reply::json(&serde_json::json!({"x": 1})));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = crate::http::HttpClient::new(Default::default()).unwrap();
        let r = rt
            .block_on(client.get(&url::Url::parse(&s.url("/a?q=1")).unwrap()))
            .unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.json().unwrap()["x"], 1);
        let r = rt
            .block_on(client.get(&url::Url::parse(&s.url("/missing")).unwrap()))
            .unwrap();
        assert_eq!(r.status, 404);
        assert_eq!(s.hits_on("/a"), 1);
        assert_eq!(s.hits()[0].query.as_deref(), Some("q=1"));
    }
}

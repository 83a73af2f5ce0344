//! `scan` as a library operation: probe a fleet of MCP servers at once.
//!
//! Each URL is probed with [`crate::probe::probe`] (no token) on its own task, at most
//! [`ScanOptions::jobs`] at a time, and each server within [`ScanOptions::deadline`], so one slow server
//! cannot stall the scan. Every request of the scan goes through one client carrying an
//! [`OriginLimit`]: at most [`ScanOptions::per_origin`] requests in flight per origin, however many of
//! its servers are being probed. Servers are started round-robin over their origins so that a list sorted
//! by host does not queue every job behind one origin's limit.
//!
//! [`run`] yields results as they finish (completion order). The caller writes each one out, folds it
//! into a [`Summary`] (which keeps only counts and, for the HTML report, one small [`Row`] per server), and
//! drops it: memory does not grow with the probe documents.
//!
//! Unless private addresses are allowed, the scan's client refuses them everywhere: a private address in
//! the list itself, and any URL a server names (metadata, authorization servers, key sets, redirects).

pub mod html;
pub mod input;
mod summary;

pub use summary::{Row, ServerFacts, Summary, Verdict};

use crate::error::Error;
use crate::http::{HttpClient, HttpConfig};
use crate::issuer_cache::IssuerCache;
use crate::origin_limit::OriginLimit;
use crate::probe::{self, ProbeOptions, ProbeOutcome};
use crate::report::{ErrorInfo, is_failure};
use crate::spec::SpecRevision;
use futures::{Stream, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Servers probed at once unless `-j` says otherwise.
pub const DEFAULT_JOBS: usize = 16;
/// Requests in flight per origin.
pub const PER_ORIGIN: usize = 2;
/// How long one server may take, all its round trips together.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);

/// What the user asked for.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub jobs: usize,
    pub per_origin: usize,
    pub deadline: Duration,
    pub spec: SpecRevision,
    /// Passed to every probe; `allow_private_addresses` also lets the list itself name private addresses.
    pub probe: ProbeOptions,
    /// Authorization servers checked once and shared by every server that lists them.
    pub issuer_cache: Arc<IssuerCache>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            jobs: DEFAULT_JOBS,
            per_origin: PER_ORIGIN,
            deadline: DEFAULT_DEADLINE,
            spec: SpecRevision::LATEST,
            probe: ProbeOptions::default(),
            issuer_cache: IssuerCache::new(),
        }
    }
}

/// What became of one server.
#[derive(Debug)]
pub enum ServerOutcome {
    Probed(Box<ProbeOutcome>),
    /// The probe did not finish within [`ScanOptions::deadline`].
    DeadlineExceeded(Duration),
    /// The probe's task failed (a bug): reported, not lost.
    Crashed(String),
}

/// One server's result.
#[derive(Debug)]
pub struct ServerResult {
    /// Position in the input (0-based).
    pub index: usize,
    pub url: Url,
    pub outcome: ServerOutcome,
}

impl ServerResult {
    /// The error of a server that could not be evaluated.
    pub fn error(&self) -> Option<ErrorInfo> {
        match &self.outcome {
            ServerOutcome::Probed(o) => o.error.clone(),
            ServerOutcome::Crashed(why) => Some(ErrorInfo {
                kind: "internal",
                message: format!("{}: the probe stopped unexpectedly ({why})", self.url),
                url: Some(self.url.to_string()),
            }),
            ServerOutcome::DeadlineExceeded(after) => Some(ErrorInfo {
                kind: "deadline",
                message: format!(
                    "{}: the probe did not finish within {} s (the scan's per-server deadline, --deadline)",
                    self.url,
                    after.as_secs()
                ),
                url: Some(self.url.to_string()),
            }),
        }
    }

    /// What the summary keeps of this server.
    pub fn facts(&self, strict: bool) -> ServerFacts {
        let url = self.url.to_string();
        let ServerOutcome::Probed(o) = &self.outcome else {
            let message = self.error().map(|e| e.message).unwrap_or_default();
            return ServerFacts::incomplete(url, message);
        };
        let mut failing: Vec<&'static str> = o
            .chain
            .iter()
            .flat_map(|l| &l.checks)
            .filter(|c| is_failure(c, strict))
            .map(|c| c.id)
            .collect();
        failing.sort_unstable();
        failing.dedup();
        let issuers = o
            .chain
            .iter()
            .filter(|l| l.link == "authorization-server")
            .map(|l| l.subject.clone())
            .collect();
        let verdict = if o.error.is_some() {
            Verdict::CouldNotComplete
        } else if failing.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        let first_broken = o
            .chain
            .iter()
            .find(|l| !l.ok)
            .map(|l| format!("{}: {}", l.link, l.subject));
        ServerFacts {
            row: Row {
                url,
                verdict,
                first_broken,
                headline: o.headline.clone(),
                failing: failing.len(),
            },
            failing_checks: failing,
            issuers,
        }
    }
}

/// The scan's one client: the per-origin limit, and private addresses refused unless allowed.
pub fn client(config: HttpConfig, opts: &ScanOptions) -> Result<HttpClient, Error> {
    HttpClient::new(HttpConfig {
        origin_limit: Some(OriginLimit::new(opts.per_origin)),
        refuse_private: config.refuse_private || !opts.probe.allow_private_addresses,
        ..config
    })
}

/// Probes every URL of `urls`; results arrive as they finish. Dropping the stream cancels the probes
/// in flight.
pub fn run(client: HttpClient, urls: Vec<Url>, mut opts: ScanOptions) -> impl Stream<Item = ServerResult> {
    opts.probe.issuer_cache = Some(Arc::clone(&opts.issuer_cache));
    let opts = Arc::new(opts);
    let jobs = opts.jobs.max(1);
    let state = (Origins::new(urls), futures::stream::FuturesUnordered::new());
    futures::stream::unfold(state, move |(mut origins, mut running)| {
        let (client, opts) = (client.clone(), Arc::clone(&opts));
        async move {
            while running.len() < jobs {
                let Some((origin, index, url)) = origins.next() else {
                    break;
                };
                running.push(start(&client, &opts, origin, index, url));
            }
            let (origin, result) = running.next().await?;
            origins.done(origin);
            Some((result, (origins, running)))
        }
    })
}

/// Probes one server on its own task; yields its origin's number with the result.
fn start(
    client: &HttpClient,
    opts: &Arc<ScanOptions>,
    origin: usize,
    index: usize,
    url: Url,
) -> impl std::future::Future<Output = (usize, ServerResult)> + use<> {
    let (client, opts, at) = (client.clone(), Arc::clone(opts), url.clone());
    let task = AbortOnDrop(tokio::spawn(async move { one(&client, index, url, &opts).await }));
    async move {
        let result = task.await.unwrap_or_else(|e| ServerResult {
            index,
            url: at,
            outcome: ServerOutcome::Crashed(e.to_string()),
        });
        (origin, result)
    }
}

async fn one(client: &HttpClient, index: usize, url: Url, opts: &ScanOptions) -> ServerResult {
    let outcome = match tokio::time::timeout(opts.deadline, probe::probe(client, &url, &opts.probe, opts.spec)).await {
        Ok(o) => ServerOutcome::Probed(Box::new(o)),
        Err(_) => ServerOutcome::DeadlineExceeded(opts.deadline),
    };
    ServerResult { index, url, outcome }
}

/// The servers waiting to be probed, by origin (in order of first appearance), and how many of each
/// origin's are being probed. The next server comes from the origin with the fewest in progress, taking
/// turns among equals: with the per-origin limit, filling the job slots in list order would put several
/// servers of one origin to wait on each other while other origins sit idle.
struct Origins {
    queues: Vec<std::collections::VecDeque<(usize, Url)>>,
    active: Vec<usize>,
    /// Where the search for the next origin starts (one past the last chosen).
    turn: usize,
}

impl Origins {
    fn new(urls: Vec<Url>) -> Self {
        let mut queues: Vec<std::collections::VecDeque<(usize, Url)>> = Vec::new();
        let mut slot: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (i, url) in urls.into_iter().enumerate() {
            let at = *slot.entry(url.origin().ascii_serialization()).or_insert_with(|| {
                queues.push(Default::default());
                queues.len() - 1
            });
            queues[at].push_back((i, url));
        }
        let active = vec![0; queues.len()];
        Self {
            queues,
            active,
            turn: 0,
        }
    }

    /// The next server to start, with its origin's number.
    fn next(&mut self) -> Option<(usize, usize, Url)> {
        let n = self.queues.len();
        let mut best: Option<usize> = None;
        for o in (0..n).map(|k| (self.turn + k) % n) {
            if self.queues[o].is_empty() || best.is_some_and(|b| self.active[b] <= self.active[o]) {
                continue;
            }
            best = Some(o);
            if self.active[o] == 0 {
                break;
            }
        }
        let o = best?;
        let (index, url) = self.queues[o].pop_front()?;
        self.active[o] += 1;
        self.turn = (o + 1) % n;
        Some((o, index, url))
    }

    fn done(&mut self, origin: usize) {
        self.active[origin] -= 1;
    }
}

/// A spawned probe that is cancelled when the scan stops waiting for it (the stream was dropped).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> std::future::Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_server_comes_from_the_least_busy_origin() {
        let urls: Vec<Url> = [
            "http://a/1",
            "http://a/2",
            "http://a/3",
            "http://b/1",
            "http://c/1",
            "http://b/2",
        ]
        .iter()
        .map(|u| Url::parse(u).unwrap())
        .collect();
        let mut o = Origins::new(urls);
        let mut pick = || o.next().map(|(origin, index, _)| (origin, index));
        // One from each origin, then turns among the equally busy.
        assert_eq!(pick(), Some((0, 0)));
        assert_eq!(pick(), Some((1, 3)));
        assert_eq!(pick(), Some((2, 4)));
        assert_eq!(pick(), Some((0, 1)));
        // b finishes one: it is now the least busy origin with a server waiting.
        o.done(1);
        assert_eq!(o.next().map(|(origin, index, _)| (origin, index)), Some((1, 5)));
        assert_eq!(o.next().map(|(origin, index, _)| (origin, index)), Some((0, 2)));
        assert!(o.next().is_none());
    }
}

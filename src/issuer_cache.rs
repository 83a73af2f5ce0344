//! Authorization servers checked once per run: [`IssuerCache`] keeps each [`provider::check`] outcome by
//! issuer, and a server asked for while its check is in flight waits for that check instead of starting
//! another. `scan` shares one cache among every MCP server it probes, so an authorization server that
//! serves a thousand MCP servers has its metadata and key set fetched once.
//!
//! The key also holds how the server is discovered and whether the client refuses private addresses, so
//! an outcome fetched under one policy is never reused under another. If the task running a check is
//! cancelled (a per-server deadline), the next waiter runs it again.

use crate::http::HttpClient;
use crate::provider::{self, ProviderOutcome, Source};
use crate::spec::SpecRevision;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::OnceCell;

type Key = (String, String, bool, SpecRevision);

/// Shared outcomes of [`provider::check`], keyed by issuer.
#[derive(Debug, Default)]
pub struct IssuerCache {
    entries: Mutex<HashMap<Key, Arc<OnceCell<ProviderOutcome>>>>,
}

impl IssuerCache {
    pub fn new() -> Arc<Self> {
        Arc::default()
    }

    /// [`provider::check`], run at most once per issuer, source, spec revision and address policy.
    pub async fn check(
        &self,
        client: &HttpClient,
        issuer: &str,
        source: &Source,
        spec: SpecRevision,
    ) -> ProviderOutcome {
        let key = (
            issuer.to_owned(),
            format!("{source:?}"),
            client.config().refuse_private,
            spec,
        );
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(entries.entry(key).or_default())
        };
        cell.get_or_init(|| provider::check(client, issuer, source, spec))
            .await
            .clone()
    }

    /// Issuers checked (or being checked) so far.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::ProviderType;
    use crate::server::auth::AuthServer;

    #[test]
    fn concurrent_askers_share_one_check() {
        let a = AuthServer::builder().start().unwrap();
        a.server.set_latency(std::time::Duration::from_millis(50));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let client = HttpClient::new(Default::default()).unwrap();
        let cache = IssuerCache::new();
        let source = Source::Discover(ProviderType::Auto);
        let outcomes = rt.block_on(futures::future::join_all(
            (0..8).map(|_| cache.check(&client, a.issuer(), &source, SpecRevision::LATEST)),
        ));
        assert!(outcomes.iter().all(|o| o.metadata.is_some() && o.jwks.is_some()));
        assert_eq!(cache.len(), 1);
        // One request per discovery candidate and one for the key set, not eight of each.
        let hits = a.server.hits();
        let distinct: std::collections::HashSet<&str> = hits.iter().map(|h| h.path.as_str()).collect();
        assert!(hits.len() >= 2);
        assert_eq!(distinct.len(), hits.len(), "a path was requested twice: {distinct:?}");
    }
}

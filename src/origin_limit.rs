//! At most N requests in flight per origin, shared by every clone of an [`HttpClient`](crate::http::HttpClient)
//! that carries the limit (see [`HttpConfig::origin_limit`](crate::http::HttpConfig::origin_limit)): a scan
//! of many endpoints on one host never hits it with more than N requests at once, however many servers
//! are probed concurrently.
//!
//! Memory stays proportional to the origins with a request in flight: an origin's semaphore is dropped
//! when its last permit is returned.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

/// The per-origin limit.
#[derive(Debug)]
pub struct OriginLimit {
    per_origin: usize,
    origins: Mutex<HashMap<String, Arc<Semaphore>>>,
}

/// A request's slot on its origin; returned on drop.
pub struct OriginPermit {
    permit: Option<OwnedSemaphorePermit>,
    limit: Arc<OriginLimit>,
    origin: String,
}

impl OriginLimit {
    /// `per_origin` is at least 1.
    pub fn new(per_origin: usize) -> Arc<Self> {
        Arc::new(Self {
            per_origin: per_origin.max(1),
            origins: Mutex::default(),
        })
    }

    pub fn per_origin(&self) -> usize {
        self.per_origin
    }

    /// Waits for a slot on `url`'s origin.
    pub async fn acquire(self: &Arc<Self>, url: &Url) -> OriginPermit {
        let origin = url.origin().ascii_serialization();
        let semaphore = {
            let mut origins = self.origins.lock().unwrap_or_else(PoisonError::into_inner);
            origins
                .entry(origin.clone())
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_origin)))
                .clone()
        };
        // Never closed: acquiring cannot fail.
        let permit = semaphore.acquire_owned().await.ok();
        OriginPermit {
            permit,
            limit: Arc::clone(self),
            origin,
        }
    }

    /// Origins currently tracked (with a request in flight or waiting).
    pub fn tracked(&self) -> usize {
        self.origins.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

impl Drop for OriginPermit {
    fn drop(&mut self) {
        drop(self.permit.take());
        let mut origins = self.limit.origins.lock().unwrap_or_else(PoisonError::into_inner);
        // Only the map holds it (clones are made under this lock): nobody is waiting or in flight.
        if origins.get(&self.origin).is_some_and(|s| Arc::strong_count(s) == 1) {
            origins.remove(&self.origin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_n_per_origin_and_forgotten_when_idle() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let limit = OriginLimit::new(2);
            let a = Url::parse("http://a.example/x").unwrap();
            let b = Url::parse("http://b.example/y").unwrap();
            let p1 = limit.acquire(&a).await;
            let p2 = limit.acquire(&Url::parse("http://a.example/other").unwrap()).await;
            // A third on the same origin waits; another origin does not.
            let third = tokio::time::timeout(std::time::Duration::from_millis(20), limit.acquire(&a)).await;
            assert!(third.is_err());
            let other = limit.acquire(&b).await;
            assert_eq!(limit.tracked(), 2);
            drop(p1);
            let p3 = limit.acquire(&a).await;
            drop((p2, p3, other));
            assert_eq!(limit.tracked(), 0);
        });
    }
}

//! State shared by the simulator handle, its router and its timer.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use time::OffsetDateTime;

use super::clock::SimClock;
use super::config::CloudxConfig;
use super::error::ApiError;
use super::rate_limit::{TokenBucket, retry_after_secs};
use super::store::Store;

/// Locks are std locks held for one store operation, never across an await.
/// A poisoned lock is taken over: a panicking handler must not take the
/// whole simulator down with it.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: CloudxConfig,
    store: RwLock<Store>,
    clock: Mutex<SimClock>,
    limiter: Option<Mutex<TokenBucket>>,
    created: AtomicU64,
    requests: AtomicU64,
    pub(crate) timer_started: AtomicBool,
}

impl Shared {
    pub(crate) fn new(config: CloudxConfig) -> Self {
        let limiter = config
            .rate_limit_per_second
            .map(|per_second| Mutex::new(TokenBucket::new(per_second)));
        Self {
            config,
            store: RwLock::default(),
            clock: Mutex::new(SimClock::new()),
            limiter,
            created: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            timer_started: AtomicBool::new(false),
        }
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn clock(&self) -> MutexGuard<'_, SimClock> {
        self.clock.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn now(&self) -> OffsetDateTime {
        self.clock().now()
    }

    /// Takes one request from the rate limit, or answers 429.
    pub(crate) fn check_rate(&self) -> Result<(), ApiError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        let now = self.now();
        let result = limiter
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .try_acquire(now);
        result.map_err(|wait| ApiError::rate_limited(retry_after_secs(wait)))
    }

    pub(crate) fn count_create(&self) {
        self.created.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn create_count(&self) -> u64 {
        self.created.load(Ordering::Relaxed)
    }

    /// A fresh `X-Request-Id` value.
    pub(crate) fn next_request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        format!("cx-req-{n:08}")
    }

    /// One step of the warehouse model; returns how many tickets moved.
    pub(crate) fn work_warehouse(&self) -> usize {
        let now = self.now();
        self.write()
            .work_warehouse(&self.config.warehouse_model, now)
    }
}

//! Taking turns for a pooled connection.
//!
//! One permit per pooled connection: requests and the webhook worker queue for a permit,
//! asynchronously and first come first served, before they take a connection. r2d2's own wait
//! wakes an arbitrary waiter, which under load left a few requests waiting many times their turn.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{AcquireError, OwnedSemaphorePermit, Semaphore};

use super::{DbConnection, Pool, PooledConnection};

/// The pool with its permits. Cheap to clone; every clone shares both.
#[derive(Clone)]
pub struct Database {
    pool: Pool,
    permits: Arc<Semaphore>,
    /// How many wait for a permit now (for `/metrics`).
    waiting: Arc<AtomicUsize>,
}

/// The use of the pool at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    pub max: u32,
    pub open: u32,
    pub idle: u32,
    pub waiting: usize,
}

/// Counts a waiter for as long as it waits, also when its request is dropped meanwhile.
struct Waiting(Arc<AtomicUsize>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Database {
    pub fn new(pool: Pool) -> Self {
        let permits = usize::try_from(pool.max_size()).unwrap_or(1).max(1);
        Self {
            pool,
            permits: Arc::new(Semaphore::new(permits)),
            waiting: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Connections open and idle, and how many wait in line for one.
    pub fn usage(&self) -> PoolUse {
        let state = self.pool.state();
        PoolUse {
            max: self.pool.max_size(),
            open: state.connections,
            idle: state.idle_connections,
            waiting: self.waiting.load(Ordering::Relaxed),
        }
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Waits, in turn, for the right to take a pooled connection.
    pub async fn permit(&self) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let _waiting = Waiting(self.waiting.clone());
        self.permits.clone().acquire_owned().await
    }

    /// Takes a connection under `permit`. Blocking: call on the blocking pool.
    pub fn take(&self, permit: OwnedSemaphorePermit) -> Result<Lease, r2d2::Error> {
        Ok(Lease {
            conn: self.pool.get()?,
            _permit: permit,
        })
    }
}

/// A pooled connection with the permit it was taken under. Fields drop in order: the
/// connection goes back to the pool before the permit is released, so whoever is next in line
/// finds a connection free.
pub struct Lease {
    conn: PooledConnection,
    _permit: OwnedSemaphorePermit,
}

impl std::ops::Deref for Lease {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Lease {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

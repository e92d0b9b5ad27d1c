//! One budget of decompressed archive bytes for the whole process.
//!
//! Each archive tree is bounded on its own ([`super::Limits::max_archive_uncompressed`]),
//! but the scan reads files on every worker thread: eight threads each inside a large
//! nested JAR would hold eight budgets at once. Before an archive walk starts it reserves
//! its whole per-archive budget from [`ARCHIVE_BYTES`] and gives it back when done; a walk
//! that does not fit waits for others to finish. A walk holds one reservation and never
//! asks for a second, so waiting cannot deadlock, and what a walk reads does not depend on
//! the other threads (the results stay deterministic).

use std::sync::{Condvar, Mutex};

/// Decompressed archive bytes all threads together may hold.
pub const MAX_ARCHIVE_BYTES_IN_FLIGHT: u64 = 1 << 30;

/// The process-wide pool archive walks reserve from.
pub static ARCHIVE_BYTES: BytePool = BytePool::new(MAX_ARCHIVE_BYTES_IN_FLIGHT);

/// A pool of bytes that reservations take from and give back to.
#[derive(Debug)]
pub struct BytePool {
    capacity: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// A reservation; the bytes return to the pool when it is dropped.
#[derive(Debug)]
pub struct Reservation<'p> {
    pool: &'p BytePool,
    bytes: u64,
}

impl BytePool {
    pub const fn new(capacity: u64) -> BytePool {
        BytePool {
            capacity,
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Waits until `bytes` (at most the whole pool) are free and takes them.
    pub fn reserve(&self, bytes: u64) -> Reservation<'_> {
        let bytes = bytes.min(self.capacity);
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used + bytes > self.capacity {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += bytes;
        Reservation { pool: self, bytes }
    }

    /// Bytes reserved right now.
    pub fn in_use(&self) -> u64 {
        *self.used.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut used = self.pool.used.lock().unwrap_or_else(|e| e.into_inner());
        *used -= self.bytes;
        self.pool.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn reservations_never_exceed_the_pool_across_threads() {
        static POOL: BytePool = BytePool::new(1000);
        static PEAK: AtomicU64 = AtomicU64::new(0);
        std::thread::scope(|s| {
            for i in 0..8u64 {
                s.spawn(move || {
                    for _ in 0..20 {
                        let _r = POOL.reserve(300 + i * 50);
                        PEAK.fetch_max(POOL.in_use(), Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(1));
                    }
                });
            }
        });
        assert!(PEAK.load(Ordering::SeqCst) <= 1000);
        assert!(PEAK.load(Ordering::SeqCst) >= 300);
        assert_eq!(POOL.in_use(), 0);
    }

    #[test]
    fn a_reservation_larger_than_the_pool_takes_the_whole_pool() {
        let pool = BytePool::new(100);
        let r = pool.reserve(1_000_000);
        assert_eq!(pool.in_use(), 100);
        drop(r);
        assert_eq!(pool.in_use(), 0);
    }
}

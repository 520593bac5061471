//! Counting global allocator: exact current and peak heap bytes, so memory verdicts are bytes, not guesses.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Wraps the system allocator and counts live bytes and their high-water mark.
#[derive(Debug)]
pub struct CountingAlloc;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

fn record_alloc(size: usize) {
    let now = CURRENT.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every method forwards to `System` with the caller's layout unchanged; the counters are plain atomics.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the same layout contract.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            record_alloc(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the same layout contract.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            record_alloc(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator with this layout.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the same contract.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
            record_alloc(new_size);
        }
        new
    }
}

/// Measures the heap growth of a region of code: peak bytes above the live bytes at its start.
#[derive(Debug, Clone, Copy)]
pub struct MemoryWindow {
    baseline: usize,
}

impl MemoryWindow {
    /// Starts a window: the peak is reset to what is live now.
    pub fn start() -> Self {
        let baseline = CURRENT.load(Ordering::Relaxed);
        PEAK.store(baseline, Ordering::Relaxed);
        MemoryWindow { baseline }
    }

    /// Peak bytes allocated above the baseline since [`MemoryWindow::start`].
    pub fn peak_bytes(&self) -> u64 {
        PEAK.load(Ordering::Relaxed).saturating_sub(self.baseline) as u64
    }
}

/// Unit tests that allocate much or measure memory run one at a time: the counters see every thread.
#[cfg(test)]
pub(crate) fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_sees_the_peak_of_a_freed_allocation() {
        let _serial = serial();
        // Other tests' threads allocate and free meanwhile (the counters are process-wide), so the figures are
        // checked with a margin far above what any of them holds.
        let window = MemoryWindow::start();
        let big = vec![0u8; 16 << 20];
        drop(std::hint::black_box(big));
        assert!(window.peak_bytes() >= 15 << 20, "{}", window.peak_bytes());
        let after = MemoryWindow::start();
        assert!(after.peak_bytes() < 8 << 20, "{}", after.peak_bytes());
    }
}

//! The measured call: the one function callgrind counts instructions in, and CPU time around it.

use crate::alloc::MemoryWindow;

/// Calls `f`. The harness runs a runner under `valgrind --tool=callgrind --toggle-collect=harness_measured_call`,
/// so exactly the instructions executed inside this call are counted. Never inlined, never renamed.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "Rust" fn harness_measured_call(f: &mut dyn FnMut()) {
    f();
}

/// What one measured call cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cost {
    pub cpu_nanos: u64,
    pub peak_bytes: u64,
}

/// Runs `call` through [`harness_measured_call`], timing it with the thread's CPU clock and counting its peak heap
/// bytes. What `call` returns is dropped after the measurement, outside the counted region.
pub(crate) fn measure<O>(call: impl FnOnce() -> O) -> (O, Cost) {
    let mut call = Some(call);
    let mut output = None;
    let window = MemoryWindow::start();
    let started = thread_cpu_nanos();
    harness_measured_call(&mut || {
        if let Some(call) = call.take() {
            output = Some(call());
        }
    });
    let cpu_nanos = thread_cpu_nanos().saturating_sub(started);
    let peak_bytes = window.peak_bytes();
    let output = output.expect("the measured call ran its closure");
    (output, Cost { cpu_nanos, peak_bytes })
}

/// CPU time this thread has used, in nanoseconds (not wall time, which a loaded machine inflates). Not the process
/// clock: with `RLIMIT_CPU` set (the sandbox sets it) Linux advances the process clock only at scheduler ticks, so a
/// call shorter than a tick measured 0 ns.
fn thread_cpu_nanos() -> u64 {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID is supported on Linux.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &raw mut now) } == 0;
    if !ok {
        return 0;
    }
    u64::try_from(now.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(now.tv_nsec).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use harness_protocol::MEASURED_SYMBOL;

    #[test]
    fn the_measured_function_has_the_protocol_name() {
        // `no_mangle` keeps the Rust name as the symbol; the harness passes the protocol constant to callgrind.
        assert_eq!(MEASURED_SYMBOL, "harness_measured_call");
        let f: extern "Rust" fn(&mut dyn FnMut()) = harness_measured_call;
        let mut ran = false;
        f(&mut || ran = true);
        assert!(ran);
    }

    #[test]
    fn a_measurement_returns_the_output_and_counts_cpu_time() {
        let _serial = crate::alloc::serial();
        let (sum, cost) = measure(|| (0..2_000_000u64).map(std::hint::black_box).sum::<u64>());
        assert_eq!(sum, 1_999_999_000_000);
        assert!(cost.cpu_nanos > 0);
    }
}

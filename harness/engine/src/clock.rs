//! The one owner of time: the [`Clock`] session and practice timers read, the system clock, a fake clock for tests,
//! the [`Stopwatch`] a grade's phases are timed with, and how a moment is written down (UTC date, `mm:ss`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Where timers get the time from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Monotonic time since the clock was made.
    fn elapsed(&self) -> Duration;
    /// Seconds since the Unix epoch (dates in reports and the practice history).
    fn unix_secs(&self) -> u64;
}

/// The machine's clocks: `Instant` for durations, `SystemTime` for dates.
#[derive(Debug)]
pub struct SystemClock {
    started: Instant,
}

impl SystemClock {
    pub fn new() -> SystemClock {
        SystemClock { started: Instant::now() }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
    fn unix_secs(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
    }
}

/// Wall-clock time of one phase of work (a build, the runs): started, then read in seconds.
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch(Instant);

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch(Instant::now())
    }

    /// Seconds since the stopwatch started.
    pub fn secs(&self) -> f64 {
        self.0.elapsed().as_secs_f64()
    }
}

/// A clock that moves only when told to (tests).
#[derive(Debug)]
pub struct FakeClock {
    epoch: u64,
    millis: AtomicU64,
}

impl FakeClock {
    /// A clock standing at `unix_secs`, with nothing elapsed.
    pub fn at(unix_secs: u64) -> FakeClock {
        FakeClock { epoch: unix_secs, millis: AtomicU64::new(0) }
    }

    pub fn advance(&self, by: Duration) {
        self.millis.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn elapsed(&self) -> Duration {
        Duration::from_millis(self.millis.load(Ordering::SeqCst))
    }
    fn unix_secs(&self) -> u64 {
        self.epoch + self.millis.load(Ordering::SeqCst) / 1000
    }
}

/// `unix_secs` as a UTC date and time, `YYYY-MM-DD HH:MM`.
pub fn date(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let secs = unix_secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// A duration as `mm:ss` (minutes grow past 59: `75:00`).
pub fn minutes(secs: f64) -> String {
    let secs = secs.max(0.0).round() as u64;
    format!("{:02}:{:02}", secs / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fake_clock_moves_only_when_advanced() {
        let clock = FakeClock::at(1_000);
        assert_eq!(clock.elapsed(), Duration::ZERO);
        clock.advance(Duration::from_secs(90));
        assert_eq!(clock.elapsed(), Duration::from_secs(90));
        assert_eq!(clock.unix_secs(), 1_090);
    }

    #[test]
    fn dates_are_written_in_utc_with_minutes() {
        assert_eq!(date(0), "1970-01-01 00:00");
        assert_eq!(date(1_709_210_096), "2024-02-29 12:34");
    }

    #[test]
    fn durations_are_written_as_minutes_and_seconds() {
        assert_eq!(minutes(0.0), "00:00");
        assert_eq!(minutes(61.4), "01:01");
        assert_eq!(minutes(4500.0), "75:00");
    }
}

//! Seeded random inputs for differential cases: a small, non-generic API over `rand` that grows with the trial.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// A seeded source of random inputs; `size` grows across the trials of a differential case.
#[derive(Debug)]
pub struct Gen {
    rng: StdRng,
    size: usize,
}

impl Gen {
    /// A generator for one trial.
    pub fn new(seed: u64, size: usize) -> Self {
        Gen { rng: StdRng::seed_from_u64(seed), size: size.max(1) }
    }

    /// The size hint of this trial: collections should have about this many items.
    pub fn size(&self) -> usize {
        self.size
    }

    /// A length in `0..=size`.
    #[allow(clippy::len_without_is_empty)] // draws a random length; the generator itself has no length
    pub fn len(&mut self) -> usize {
        self.rng.random_range(0..=self.size)
    }

    /// A `usize` in `lo..=hi`.
    pub fn usize(&mut self, lo: usize, hi: usize) -> usize {
        self.rng.random_range(lo..=hi)
    }

    /// An `i64` in `lo..=hi`.
    pub fn i64(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.random_range(lo..=hi)
    }

    /// An `f64` in `lo..hi`.
    pub fn f64(&mut self, lo: f64, hi: f64) -> f64 {
        if lo >= hi { lo } else { self.rng.random_range(lo..hi) }
    }

    /// `true` with probability `p`.
    pub fn bool(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    /// An index in `0..n` (`n` must be positive).
    pub fn index(&mut self, n: usize) -> usize {
        self.rng.random_range(0..n)
    }

    /// One of `items` (which must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// An amount of money with cents, in `0.0..max` — equal amounts recur often enough to make ties.
    pub fn amount(&mut self, max: f64) -> f64 {
        let cents = self.rng.random_range(0..(max * 100.0).max(1.0) as i64);
        // Quantise so that ties happen in small trials.
        cents as f64 / 100.0
    }

    /// An identifier `prefix` + a number below `pool` (small pools make duplicates and ties).
    pub fn id(&mut self, prefix: &str, pool: usize) -> String {
        format!("{prefix}{}", self.index(pool.max(1)))
    }

    /// A vector of `len` items made by `item`.
    pub fn vec<T>(&mut self, len: usize, mut item: impl FnMut(&mut Gen) -> T) -> Vec<T> {
        (0..len).map(|_| item(self)).collect()
    }

    /// A vector of random length in `0..=size`, items made by `item`.
    pub fn list<T>(&mut self, item: impl FnMut(&mut Gen) -> T) -> Vec<T> {
        let len = self.len();
        self.vec(len, item)
    }

    /// A raw 64-bit value (for seeding anything else deterministically).
    pub fn u64(&mut self) -> u64 {
        self.rng.random()
    }
}

/// A well-mixed seed for trial `trial` of case `name` from the run's base seed (FNV-1a, then splitmix64).
pub(crate) fn trial_seed(base: u64, name: &str, trial: u64) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let mut z = hash ^ base.rotate_left(17) ^ trial.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_values() {
        let a: Vec<i64> = Gen::new(7, 10).vec(20, |g| g.i64(-5, 5));
        let b: Vec<i64> = Gen::new(7, 10).vec(20, |g| g.i64(-5, 5));
        assert_eq!(a, b);
        let c: Vec<i64> = Gen::new(8, 10).vec(20, |g| g.i64(-5, 5));
        assert_ne!(a, c);
    }

    #[test]
    fn trial_seeds_differ_by_case_and_trial() {
        assert_ne!(trial_seed(1, "a", 0), trial_seed(1, "b", 0));
        assert_ne!(trial_seed(1, "a", 0), trial_seed(1, "a", 1));
        assert_ne!(trial_seed(1, "a", 0), trial_seed(2, "a", 0));
        assert_eq!(trial_seed(1, "a", 3), trial_seed(1, "a", 3));
    }

    #[test]
    fn lengths_stay_within_the_size() {
        let mut g = Gen::new(3, 5);
        assert!((0..100).all(|_| g.len() <= 5));
    }
}

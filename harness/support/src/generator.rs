//! Seeded random inputs for differential cases: a small, non-generic API over `rand` that grows with the trial.

use harness_protocol::Kind;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Classes of boundary values, as proptest and Hypothesis mix them into random inputs. A differential case declares
/// the classes its domain allows ([`CaseBuilder::edges`](crate::CaseBuilder::edges)); its generator then draws them
/// now and then, and a failure is charged to the edge kind its shrunk input shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Edges(u16);

impl Edges {
    /// No boundary values: ordinary draws only.
    pub const NONE: Edges = Edges(0);
    /// `f64::NAN` from [`Gen::f64`] and [`Gen::amount`].
    pub const NAN: Edges = Edges(1);
    /// `±f64::INFINITY` from [`Gen::f64`] and [`Gen::amount`].
    pub const INFINITE: Edges = Edges(1 << 1);
    /// `-0.0` from [`Gen::f64`] and [`Gen::amount`].
    pub const NEG_ZERO: Edges = Edges(1 << 2);
    /// `None` from [`Gen::maybe`].
    pub const NULL: Edges = Edges(1 << 3);
    /// Zero from [`Gen::len`] (so empty lists from [`Gen::list`]) and `""` from [`Gen::text`].
    pub const EMPTY: Edges = Edges(1 << 4);
    /// Whitespace-only strings from [`Gen::text`], Unicode whitespace among them.
    pub const BLANK: Edges = Edges(1 << 5);
    /// `i64::MIN` / `i64::MAX` from [`Gen::i64`] when its range reaches them, else the range's ends.
    pub const EXTREMES: Edges = Edges(1 << 6);

    /// Whether no class is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every class of `other` is set here.
    pub fn contains(self, other: Edges) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether some class is set in both.
    pub fn intersects(self, other: Edges) -> bool {
        self.0 & other.0 != 0
    }

    /// The classes set here but not in `other`.
    #[must_use]
    pub fn without(self, other: Edges) -> Edges {
        Edges(self.0 & !other.0)
    }

    /// The case kind a failure that needs these values is charged to: NaN, infinities and `-0.0` are `edge:nan`,
    /// `None` is `edge:null`, empty and blank are `edge:empty`, integer extremes are `correctness`.
    pub fn kind(self) -> Kind {
        if self.intersects(Edges::NAN | Edges::INFINITE | Edges::NEG_ZERO) {
            Kind::EdgeNan
        } else if self.intersects(Edges::NULL) {
            Kind::EdgeNull
        } else if self.intersects(Edges::EMPTY | Edges::BLANK) {
            Kind::EdgeEmpty
        } else {
            Kind::Correctness
        }
    }

    /// A short name for case names and reports (`nan`, `null`, `empty`, `extremes`).
    pub fn name(self) -> &'static str {
        match self.kind() {
            Kind::EdgeNan => "nan",
            Kind::EdgeNull => "null",
            Kind::EdgeEmpty => "empty",
            _ => "extremes",
        }
    }
}

impl std::ops::BitOr for Edges {
    type Output = Edges;
    fn bitor(self, other: Edges) -> Edges {
        Edges(self.0 | other.0)
    }
}

impl std::ops::BitOrAssign for Edges {
    fn bitor_assign(&mut self, other: Edges) {
        self.0 |= other.0;
    }
}

/// How often a draw is a boundary value when its class is on.
const EDGE_CHANCE: f64 = 0.12;

/// Whitespace a blank string is made of: what `str::trim` removes, ASCII and Unicode alike.
const WHITESPACE: [char; 8] = [' ', '\t', '\r', '\u{a0}', '\u{2003}', '\u{3000}', '\u{85}', '\u{2028}'];

/// A seeded source of random inputs; `size` grows across the trials of a differential case.
#[derive(Debug)]
pub struct Gen {
    rng: StdRng,
    size: usize,
    edges: Edges,
}

impl Gen {
    /// A generator for one trial, drawing ordinary values only.
    pub fn new(seed: u64, size: usize) -> Self {
        Gen { rng: StdRng::seed_from_u64(seed), size: size.max(1), edges: Edges::NONE }
    }

    /// The same generator, mixing in the boundary values of `edges`.
    #[must_use]
    pub fn with_edges(mut self, edges: Edges) -> Self {
        self.edges = edges;
        self
    }

    /// The boundary classes this generator mixes in.
    pub fn edges(&self) -> Edges {
        self.edges
    }

    /// What `draw` makes with no boundary values mixed in: for the parts of an input whose edges another rule (and
    /// case) owns, so that one bug is charged once.
    pub fn ordinary<T>(&mut self, draw: impl FnOnce(&mut Gen) -> T) -> T {
        let edges = std::mem::replace(&mut self.edges, Edges::NONE);
        let value = draw(self);
        self.edges = edges;
        value
    }

    /// Whether this draw should be a boundary value of `class` (never when the class is off).
    fn edge(&mut self, class: Edges) -> bool {
        self.edges.intersects(class) && self.rng.random_bool(EDGE_CHANCE)
    }

    /// A boundary float of the classes that are on, or `None` for an ordinary draw.
    fn float_edge(&mut self) -> Option<f64> {
        if self.edge(Edges::NAN) {
            return Some(f64::NAN);
        }
        if self.edge(Edges::INFINITE) {
            return Some(if self.rng.random_bool(0.5) { f64::INFINITY } else { f64::NEG_INFINITY });
        }
        self.edge(Edges::NEG_ZERO).then_some(-0.0)
    }

    /// The size hint of this trial: collections should have about this many items.
    pub fn size(&self) -> usize {
        self.size
    }

    /// A length in `0..=size` (zero more often with [`Edges::EMPTY`]).
    #[allow(clippy::len_without_is_empty)] // draws a random length; the generator itself has no length
    pub fn len(&mut self) -> usize {
        if self.edge(Edges::EMPTY) {
            return 0;
        }
        self.rng.random_range(0..=self.size)
    }

    /// A `usize` in `lo..=hi`.
    pub fn usize(&mut self, lo: usize, hi: usize) -> usize {
        self.rng.random_range(lo..=hi)
    }

    /// An `i64` in `lo..=hi` (with [`Edges::EXTREMES`], now and then one of its ends).
    pub fn i64(&mut self, lo: i64, hi: i64) -> i64 {
        if self.edge(Edges::EXTREMES) {
            return if self.rng.random_bool(0.5) { lo } else { hi };
        }
        self.rng.random_range(lo..=hi)
    }

    /// An `f64` in `lo..hi` (with [`Edges::NAN`], [`Edges::INFINITE`] or [`Edges::NEG_ZERO`], now and then that).
    pub fn f64(&mut self, lo: f64, hi: f64) -> f64 {
        if let Some(edge) = self.float_edge() {
            return edge;
        }
        if lo >= hi { lo } else { self.rng.random_range(lo..hi) }
    }

    /// `Some(item)`, or with [`Edges::NULL`] now and then `None`.
    pub fn maybe<T>(&mut self, item: impl FnOnce(&mut Gen) -> T) -> Option<T> {
        if self.edge(Edges::NULL) { None } else { Some(item(self)) }
    }

    /// `word`, or with [`Edges::EMPTY`] now and then `""`, with [`Edges::BLANK`] now and then a few whitespace
    /// characters (Unicode ones among them: whether they count as blank is the spec's to say).
    pub fn text(&mut self, word: impl FnOnce(&mut Gen) -> String) -> String {
        if self.edge(Edges::EMPTY) {
            return String::new();
        }
        if self.edge(Edges::BLANK) {
            let n = self.rng.random_range(1..=3);
            return (0..n).map(|_| WHITESPACE[self.index(WHITESPACE.len())]).collect();
        }
        word(self)
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

    /// An amount of money with cents, in `0.0..max` — equal amounts recur often enough to make ties (and the float
    /// edges that are on, now and then).
    pub fn amount(&mut self, max: f64) -> f64 {
        if let Some(edge) = self.float_edge() {
            return edge;
        }
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
    fn boundary_values_appear_only_for_the_classes_that_are_on() {
        let draw = |edges| {
            let mut g = Gen::new(5, 10).with_edges(edges);
            (0..400).map(|_| g.f64(1.0, 2.0)).collect::<Vec<f64>>()
        };
        assert!(draw(Edges::NONE).iter().all(|x| (1.0..2.0).contains(x)));
        let nan = draw(Edges::NAN);
        assert!(nan.iter().any(|x| x.is_nan()) && nan.iter().all(|x| x.is_nan() || (1.0..2.0).contains(x)));
        assert!(draw(Edges::INFINITE | Edges::NEG_ZERO).iter().any(|x| x.is_infinite()));
        let mut g = Gen::new(5, 10).with_edges(Edges::NULL | Edges::BLANK);
        assert!((0..200).any(|_| g.maybe(Gen::u64).is_none()));
        let text: Vec<String> = (0..200).map(|_| g.text(|_| "word".to_owned())).collect();
        assert!(text.iter().any(|t| !t.is_empty() && t.trim().is_empty()));
        assert!(text.iter().all(|t| t == "word" || t.trim().is_empty()));
        let mut g = Gen::new(5, 10).with_edges(Edges::NAN);
        assert!((0..400).all(|_| !g.ordinary(|g| g.f64(1.0, 2.0)).is_nan()));
        assert_eq!(g.edges(), Edges::NAN);
    }

    #[test]
    fn an_edge_class_is_charged_to_its_edge_kind() {
        assert_eq!((Edges::NAN | Edges::NULL).kind(), Kind::EdgeNan);
        assert_eq!(Edges::NULL.kind(), Kind::EdgeNull);
        assert_eq!(Edges::BLANK.kind(), Kind::EdgeEmpty);
        assert_eq!(Edges::EXTREMES.kind(), Kind::Correctness);
        assert!((Edges::NAN | Edges::EMPTY).contains(Edges::EMPTY));
        assert_eq!((Edges::NAN | Edges::EMPTY).without(Edges::NAN), Edges::EMPTY);
    }

    #[test]
    fn lengths_stay_within_the_size() {
        let mut g = Gen::new(3, 5);
        assert!((0..100).all(|_| g.len() <= 5));
    }
}

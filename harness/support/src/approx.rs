//! Equality for expected/actual comparison: exact for discrete values, tolerant for floats, NaN equal to NaN.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

/// Relative tolerance used for floats (scaled by `max(1, |a|, |b|)`).
pub const FLOAT_TOLERANCE: f64 = 1e-9;

/// Equality used to compare a candidate's output with the expected one.
pub trait Approx {
    /// Whether `self` and `other` count as the same answer.
    fn approx_eq(&self, other: &Self) -> bool;
}

impl Approx for f64 {
    fn approx_eq(&self, other: &Self) -> bool {
        if self.is_nan() || other.is_nan() {
            return self.is_nan() && other.is_nan();
        }
        if self == other {
            return true;
        }
        if self.is_infinite() || other.is_infinite() {
            return false;
        }
        let scale = 1f64.max(self.abs()).max(other.abs());
        (self - other).abs() <= FLOAT_TOLERANCE * scale
    }
}

impl Approx for f32 {
    fn approx_eq(&self, other: &Self) -> bool {
        if self.is_nan() || other.is_nan() {
            return self.is_nan() && other.is_nan();
        }
        if self.is_infinite() || other.is_infinite() {
            return self == other;
        }
        let scale = 1f32.max(self.abs()).max(other.abs());
        self == other || (self - other).abs() <= 1e-5 * scale
    }
}

macro_rules! exact {
    ($($t:ty),*) => {$(
        impl Approx for $t {
            fn approx_eq(&self, other: &Self) -> bool { self == other }
        }
    )*};
}
exact!(bool, char, u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, (), String, str);

impl<T: Approx + ?Sized> Approx for &T {
    fn approx_eq(&self, other: &Self) -> bool {
        (**self).approx_eq(*other)
    }
}

impl<T: Approx> Approx for Option<T> {
    fn approx_eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Some(a), Some(b)) => a.approx_eq(b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl<T: Approx, E: Approx> Approx for Result<T, E> {
    fn approx_eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Ok(a), Ok(b)) => a.approx_eq(b),
            (Err(a), Err(b)) => a.approx_eq(b),
            _ => false,
        }
    }
}

impl<T: Approx> Approx for [T] {
    fn approx_eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a.approx_eq(b))
    }
}

impl<T: Approx> Approx for Vec<T> {
    fn approx_eq(&self, other: &Self) -> bool {
        self.as_slice().approx_eq(other.as_slice())
    }
}

impl<T: Approx, const N: usize> Approx for [T; N] {
    fn approx_eq(&self, other: &Self) -> bool {
        self.as_slice().approx_eq(other.as_slice())
    }
}

impl<K: Ord, V: Approx> Approx for BTreeMap<K, V> {
    fn approx_eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|((ka, va), (kb, vb))| ka == kb && va.approx_eq(vb))
    }
}

impl<K: Eq + Hash, V: Approx, S: BuildHasher> Approx for HashMap<K, V, S> {
    fn approx_eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k).is_some_and(|w| v.approx_eq(w)))
    }
}

macro_rules! tuple {
    ($($name:ident $idx:tt),+) => {
        impl<$($name: Approx),+> Approx for ($($name,)+) {
            fn approx_eq(&self, other: &Self) -> bool { $(self.$idx.approx_eq(&other.$idx))&&+ }
        }
    };
}
tuple!(A 0);
tuple!(A 0, B 1);
tuple!(A 0, B 1, C 2);
tuple!(A 0, B 1, C 2, D 3);
tuple!(A 0, B 1, C 2, D 3, E 4);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_equals_nan_but_not_a_number() {
        assert!(f64::NAN.approx_eq(&f64::NAN));
        assert!(!f64::NAN.approx_eq(&0.0));
        assert!(!0.0.approx_eq(&f64::NAN));
    }

    #[test]
    fn floats_within_relative_tolerance_are_equal() {
        assert!(1e12f64.approx_eq(&(1e12 + 1e-1)));
        assert!(!1.0f64.approx_eq(&1.000_001));
        assert!(f64::INFINITY.approx_eq(&f64::INFINITY));
        assert!(!f64::INFINITY.approx_eq(&f64::NEG_INFINITY));
    }

    #[test]
    fn vectors_of_different_length_differ() {
        assert!(!vec![1.0, 2.0].approx_eq(&vec![1.0]));
        assert!(vec![(1u32, Some(2.0))].approx_eq(&vec![(1u32, Some(2.0 + 1e-12))]));
    }
}

//! Shrinking: smaller variants of a failing input, tried in order until none still fails; and the boundary values an
//! input holds, so a failure can be charged to the edge kind it shows.

use crate::generator::Edges;

/// Produces smaller variants of a value, most aggressive first, and says which boundary values it holds. The
/// defaults are "cannot shrink" and "holds none".
pub trait Shrink: Clone {
    /// Candidates strictly smaller than `self`.
    fn shrink(&self) -> Vec<Self> {
        Vec::new()
    }

    /// The classes of boundary values in `self` (NaN, `None`, empty, …), for charging a failure to its edge kind.
    fn edges(&self) -> Edges {
        Edges::NONE
    }
}

macro_rules! atomic {
    ($($t:ty),*) => {$( impl Shrink for $t {} )*};
}
atomic!(bool, char, i8, i16, i32, u8, u16, u32);

/// The boundary classes of a float: NaN, an infinity, negative zero.
fn float_edges(x: f64) -> Edges {
    if x.is_nan() {
        Edges::NAN
    } else if x.is_infinite() {
        Edges::INFINITE
    } else if x == 0.0 && x.is_sign_negative() {
        Edges::NEG_ZERO
    } else {
        Edges::NONE
    }
}

impl Shrink for f64 {
    fn edges(&self) -> Edges {
        float_edges(*self)
    }
}

impl Shrink for f32 {
    fn edges(&self) -> Edges {
        float_edges(f64::from(*self))
    }
}

impl Shrink for String {
    fn edges(&self) -> Edges {
        if self.is_empty() {
            Edges::EMPTY
        } else if self.trim().is_empty() {
            Edges::BLANK
        } else {
            Edges::NONE
        }
    }
}

impl Shrink for usize {
    fn shrink(&self) -> Vec<Self> {
        let n = *self;
        let mut out = Vec::new();
        if n > 0 {
            out.push(0);
        }
        if n > 2 {
            out.push(n / 2);
        }
        if n > 0 && n - 1 != 0 {
            out.push(n - 1);
        }
        out
    }
}

impl Shrink for i64 {
    fn shrink(&self) -> Vec<Self> {
        let n = *self;
        let mut out = Vec::new();
        if n != 0 {
            out.push(0);
        }
        if n.unsigned_abs() > 2 {
            out.push(n / 2);
        }
        out
    }

    fn edges(&self) -> Edges {
        if *self == i64::MIN || *self == i64::MAX { Edges::EXTREMES } else { Edges::NONE }
    }
}

impl Shrink for u64 {
    fn shrink(&self) -> Vec<Self> {
        (*self as usize).shrink().into_iter().map(|n| n as u64).collect()
    }
}

impl<T: Shrink> Shrink for Option<T> {
    fn shrink(&self) -> Vec<Self> {
        if self.is_some() { vec![None] } else { Vec::new() }
    }

    fn edges(&self) -> Edges {
        self.as_ref().map_or(Edges::NULL, Shrink::edges)
    }
}

/// Removes halves, then quarters, … then single items; items themselves are not shrunk.
impl<T: Shrink> Shrink for Vec<T> {
    fn edges(&self) -> Edges {
        let mut edges = if self.is_empty() { Edges::EMPTY } else { Edges::NONE };
        for item in self {
            edges |= item.edges();
        }
        edges
    }

    fn shrink(&self) -> Vec<Self> {
        let n = self.len();
        let mut out = Vec::new();
        let mut chunk = n / 2;
        while chunk >= 1 {
            let mut start = 0;
            while start < n {
                let end = (start + chunk).min(n);
                let mut smaller = Vec::with_capacity(n - (end - start));
                smaller.extend_from_slice(&self[..start]);
                smaller.extend_from_slice(&self[end..]);
                out.push(smaller);
                start = end;
            }
            chunk /= 2;
        }
        if n == 1 {
            out.push(Vec::new());
        }
        out
    }
}

macro_rules! tuple {
    ($($name:ident $idx:tt),+) => {
        impl<$($name: Shrink),+> Shrink for ($($name,)+) {
            fn shrink(&self) -> Vec<Self> {
                let mut out = Vec::new();
                $(
                    for smaller in self.$idx.shrink() {
                        let mut next = self.clone();
                        next.$idx = smaller;
                        out.push(next);
                    }
                )+
                out
            }

            fn edges(&self) -> Edges {
                let mut edges = Edges::NONE;
                $( edges |= self.$idx.edges(); )+
                edges
            }
        }
    };
}
tuple!(A 0);
tuple!(A 0, B 1);
tuple!(A 0, B 1, C 2);
tuple!(A 0, B 1, C 2, D 3);

/// Shrinks `input` while `still_fails` returns a failure; returns the smallest failing input, its failure and the
/// number of steps taken. Bounded by `max_steps` so a slow candidate cannot stall the trial.
pub(crate) fn minimise<I: Shrink, F>(
    mut input: I,
    mut failure: F,
    max_steps: u32,
    mut still_fails: impl FnMut(&I) -> Option<F>,
) -> (I, F, u32) {
    let mut steps = 0;
    'outer: while steps < max_steps {
        for smaller in input.shrink() {
            if let Some(f) = still_fails(&smaller) {
                input = smaller;
                failure = f;
                steps += 1;
                continue 'outer;
            }
        }
        break;
    }
    (input, failure, steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vector_shrinks_to_the_one_item_that_fails() {
        let _serial = crate::alloc::serial();
        let input: Vec<i64> = (0..100).collect();
        let (small, (), steps) = minimise(input, (), 1000, |v| v.contains(&42).then_some(()));
        assert_eq!(small, vec![42]);
        assert!(steps > 0);
    }

    #[test]
    fn tuples_shrink_each_component() {
        let _serial = crate::alloc::serial();
        let (small, (), _) =
            minimise((vec![1, 2, 3, 4], 9usize), (), 1000, |(v, k)| (*k >= 1 && !v.is_empty()).then_some(()));
        assert_eq!(small.1, 1);
        assert_eq!(small.0.len(), 1);
    }

    #[test]
    fn an_input_says_which_boundary_values_it_holds() {
        let _serial = crate::alloc::serial();
        assert_eq!(vec![1.0, f64::NAN].edges(), Edges::NAN);
        assert_eq!((Some(String::new()), vec![None::<i64>]).edges(), Edges::EMPTY | Edges::NULL);
        assert_eq!(Vec::<f64>::new().edges(), Edges::EMPTY);
        assert_eq!(
            (" \u{a0}".to_owned(), -0.0_f64, i64::MAX).edges(),
            Edges::BLANK | Edges::NEG_ZERO | Edges::EXTREMES
        );
        assert!(vec![(String::from("a"), 1.5)].edges().is_empty());
    }

    #[test]
    fn shrinking_stops_at_the_step_limit() {
        let _serial = crate::alloc::serial();
        let input: Vec<u8> = vec![0; 1000];
        let (_, (), steps) = minimise(input, (), 3, |_| Some(()));
        assert_eq!(steps, 3);
    }
}

//! [`sides!`](crate::sides): a suite's adapters written once for both implementations, so that a fix to how the
//! suite calls the candidate cannot miss the reference, or the other way round.

/// Writes the items inside once and compiles them twice: in a module `cand` where `api` is the candidate's crate,
/// and in a module `refr` where `api` is the reference's. Both modules see the suite's own items (`use super::*`),
/// and re-export their crate as `api` (`cand::api::Scorer` for a one-off call).
///
/// ```ignore
/// harness_support::sides! {
///     pub fn join((left, right): &Input) -> Out {
///         out(api::join(&rows(left), &rows(right)))
///     }
///     fn rows(keys: &[String]) -> Vec<api::Row> {
///         keys.iter().map(|k| api::Row { key: k.clone() }).collect()
///     }
/// }
/// // cand::join(&input) calls the candidate, refr::join(&input) the reference.
/// ```
///
/// The crates default to `candidate` and `reference` (the names the runner gives them); the long form names the
/// modules and crates: `sides!(cand = candidate, refr = reference; …)`.
#[macro_export]
macro_rules! sides {
    ($cand:ident = $cand_crate:path, $refr:ident = $refr_crate:path; $($item:item)*) => {
        /// The suite's adapters over the candidate's crate.
        #[allow(dead_code, unused_imports)]
        mod $cand {
            use super::*;
            pub use $cand_crate as api;
            $($item)*
        }
        /// The same adapters over the reference's crate.
        #[allow(dead_code, unused_imports)]
        mod $refr {
            use super::*;
            pub use $refr_crate as api;
            $($item)*
        }
    };
    ($($item:item)*) => {
        $crate::sides!(cand = candidate, refr = reference; $($item)*);
    };
}

#[cfg(test)]
mod tests {
    /// Two implementations of one API that differ in one answer.
    pub mod first {
        pub struct Row(pub i64);
        pub fn total(rows: &[Row]) -> i64 {
            rows.iter().map(|r| r.0).sum()
        }
    }
    pub mod second {
        pub struct Row(pub i64);
        pub fn total(rows: &[Row]) -> i64 {
            rows.iter().map(|r| r.0).sum::<i64>() + 1
        }
    }

    /// A suite-level item both sides use.
    type Input = Vec<i64>;

    crate::sides!(a = super::first, b = super::second;
        pub fn total(input: &Input) -> i64 {
            api::total(&rows(input))
        }
        fn rows(values: &[i64]) -> Vec<api::Row> {
            values.iter().map(|v| api::Row(*v)).collect()
        }
    );

    #[test]
    fn one_adapter_is_compiled_against_each_side() {
        let input: Input = vec![1, 2, 3];
        assert_eq!(a::total(&input), 6);
        assert_eq!(b::total(&input), 7);
    }
}

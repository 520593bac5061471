//! Hidden suite: per-feature standardisation (z-scores) with population std, NaN-aware.

use harness_support::prelude::*;

type Matrix = Vec<Vec<f64>>;
type Out = Result<Matrix, String>;
/// A fitted scaler as plain data: (means, stds).
type Stats = (Vec<f64>, Vec<f64>);

// The adapters, written once for both sides: `cand::standardise` calls the candidate, `refr::standardise` the
// reference.
sides! {
    pub fn err(e: api::ShapeError) -> String {
        match e {
            api::ShapeError::Ragged { row, expected, got } => {
                format!("Ragged {{ row: {row}, expected: {expected}, got: {got} }}")
            }
        }
    }

    pub fn standardise(m: &Matrix) -> Out {
        api::standardise(m).map_err(err)
    }

    /// The statistics `Scaler::fit` returns.
    pub fn fit(m: &Matrix) -> Result<Stats, String> {
        api::Scaler::fit(m).map(|s| (s.means, s.stds)).map_err(err)
    }

    /// Fitted on the first matrix, applied to the second.
    pub fn fit_transform((train, test): &(Matrix, Matrix)) -> Out {
        api::Scaler::fit(train).and_then(|s| s.transform(test)).map_err(err)
    }

    /// `transform` with statistics given as they are (no fit), so a transform case depends on transform alone.
    pub fn transform((means, stds): &Stats, rows: &Matrix) -> Out {
        api::Scaler { means: means.clone(), stds: stds.clone() }.transform(rows).map_err(err)
    }
}

/// A random matrix of at least two rows: its first two rows are ordinary values, so every column keeps two
/// distinct non-NaN values (constant and all-NaN columns are rules 4 and 5's own cases); the other rows may hold
/// NaN cells when that edge class is on.
fn random_matrix(g: &mut Gen, width: usize) -> Matrix {
    let mut m = g.ordinary(|g| g.vec(2, |g| g.vec(width, |g| g.f64(-50.0, 50.0))));
    let more = g.len();
    m.extend(g.vec(more, |g| g.vec(width, |g| g.f64(-50.0, 50.0))));
    m
}

/// Every column of `m` holds two different non-NaN values (so none is constant or empty), and there are two rows.
fn columns_vary(m: &Matrix) -> bool {
    let width = m.first().map_or(0, Vec::len);
    m.len() >= 2
        && (0..width).all(|c| {
            let mut present = m.iter().map(|r| r[c]).filter(|x| !x.is_nan());
            present.next().is_some_and(|first| present.any(|x| x != first))
        })
}

/// `n` rows whose width grows with them (1 column at 1,024 rows, 17 at 32,768, 25 at 50,000): O(n·d) work must
/// grow like both. Values in [-1000, 1000) from a splitmix64 stream seeded by `g`, cheap enough to build millions of
/// cells under the instruction counter.
fn wide_matrix(g: &mut Gen, n: usize) -> Matrix {
    let width = n / 2048 + 1;
    let mut state = g.u64();
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) >> 11
    };
    let unit = 1.0 / (1u64 << 53) as f64;
    (0..n).map(|_| (0..width).map(|_| next() as f64 * unit * 2000.0 - 1000.0).collect()).collect()
}

/// A large output in brief: its row count and, per column, the sum of the z-scores and of their squares. A scaling
/// case compares this rather than millions of cells, so a wrong answer there reports a short diff (the cells
/// themselves are the small cases' to check).
type Digest = Result<(usize, Vec<(f64, f64)>), String>;

fn digest(out: Out) -> Digest {
    out.map(|m| {
        let width = m.first().map_or(0, Vec::len);
        let mut sums = vec![(0.0, 0.0); width];
        for row in &m {
            for (s, z) in sums.iter_mut().zip(row) {
                s.0 += z;
                s.1 += z * z;
            }
        }
        (m.len(), sums)
    })
}

fn ragged(row: usize, expected: usize, got: usize) -> String {
    format!("Ragged {{ row: {row}, expected: {expected}, got: {got} }}")
}

const NAN: f64 = f64::NAN;

pub fn cases() -> Vec<Case> {
    vec![
        case("standardises_a_small_matrix", Kind::Correctness, "each column gets mean 0 and population std 1")
            .rules(&["R2", "R3"])
            .weight(2)
            .check(|| {
                let m = vec![vec![1.0, 100.0, -3.0], vec![2.0, 300.0, 5.0], vec![6.0, 200.0, 1.0]];
                expect_eq(&cand::standardise(&m), &refr::standardise(&m))
            }),
        case(
            "matches_the_reference_on_random_matrices",
            Kind::Correctness,
            "any rectangular matrix is standardised column by column",
        )
        .rules(&["R2", "R3"])
        .edges(Edges::NAN, &["R2", "R3"])
        .weight(3)
        .differential_within(
            |g| {
                let width = g.usize(1, 5);
                random_matrix(g, width)
            },
            columns_vary,
            cand::standardise,
            refr::standardise,
        ),
        case("uses_the_population_std", Kind::Correctness, "numpy's default is ddof 0: divide by n, not n - 1")
            .rules(&["R2"])
            .check(|| {
                expect_eq(&cand::standardise(&vec![vec![1.0], vec![3.0]]), &Ok(vec![vec![-1.0], vec![1.0]]))
            }),
        case(
            "keeps_its_precision_far_from_zero",
            Kind::Correctness,
            "timestamps near 1.7e9 spread over thousands: E[x²] − E[x]² cancels to noise, two passes (or Welford) do not",
        )
        .rules(&["R7"])
        .check(|| {
            let m = vec![vec![1_700_000_000.0], vec![1_700_001_000.0], vec![1_700_007_000.0]];
            expect_eq(&cand::standardise(&m), &refr::standardise(&m))
        }),
        case(
            "ragged_rows_are_an_error",
            Kind::Correctness,
            "a row of the wrong width is a data bug to report, not to pad or truncate",
        )
        .rules(&["R1"])
        .check(|| {
            let m = vec![vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0], vec![7.0, 8.0]];
            expect_eq(&cand::standardise(&m), &Err(ragged(2, 3, 2)))
        }),
        case(
            "the_first_row_of_another_length_is_reported",
            Kind::Correctness,
            "a longer row is as ragged as a shorter one, the first one is reported, and the first row sets the width",
        )
        .rules(&["R1"])
        .check(|| {
            let longer_first = vec![vec![1.0, 2.0], vec![3.0, 4.0, 5.0], vec![6.0]];
            expect_eq(&cand::standardise(&longer_first), &Err(ragged(1, 2, 3))).context("a longer row, then a shorter")?;
            let zero_width_first = vec![vec![], vec![1.0]];
            expect_eq(&cand::standardise(&zero_width_first), &Err(ragged(1, 0, 1))).context("a first row of width 0")
        }),
        case("an_empty_matrix_is_empty", Kind::EdgeEmpty, "no rows is a valid batch; zero-width rows too")
            .rules(&["R6"])
            .weight(2)
            .check(|| {
                expect_eq(&cand::standardise(&Vec::new()), &Ok(Vec::new())).context("0 rows")?;
                expect_eq(&cand::standardise(&vec![vec![], vec![]]), &Ok(vec![vec![], vec![]])).context("0 columns")
            }),
        case("a_single_row_becomes_zeros", Kind::EdgeSingle, "one row has zero variance in every column: 0.0, not NaN")
            .rules(&["R4", "R5"])
            .check(|| {
                expect_eq(&cand::standardise(&vec![vec![3.0, -2.0, NAN]]), &Ok(vec![vec![0.0, 0.0, NAN]]))
            }),
        case(
            "a_constant_column_becomes_zeros_not_nan",
            Kind::EdgeTies,
            "a feature whose values all tie carries no signal: 0.0, never NaN or inf",
        )
        .rules(&["R4"])
        .weight(2)
        .check(|| {
            // Only constant columns: a varying one would charge other rules' bugs to this production signal.
            let m = vec![vec![5.0, 0.1, -2.5], vec![5.0, 0.1, -2.5], vec![5.0, 0.1, -2.5]];
            expect_eq(&cand::standardise(&m), &Ok(vec![vec![0.0, 0.0, 0.0]; 3]))
        }),
        case(
            "a_nan_cell_of_a_constant_column_stays_nan",
            Kind::EdgeNan,
            "a constant column's values become 0.0 but its missing cells stay missing, one value alone included",
        )
        .rules(&["R3", "R4"])
        .check(|| {
            let m = vec![vec![5.0], vec![NAN], vec![5.0]];
            expect_eq(&cand::standardise(&m), &Ok(vec![vec![0.0], vec![NAN], vec![0.0]]))
                .context("a constant column with a NaN cell")?;
            let m = vec![vec![NAN], vec![2.0]];
            expect_eq(&cand::standardise(&m), &Ok(vec![vec![NAN], vec![0.0]])).context("a single non-NaN value")
        }),
        case(
            "a_column_is_constant_only_when_its_values_are_equal",
            Kind::EdgeTies,
            "values 1e-10 or 1e-17 apart still vary: the test is \"all equal\", not a small computed std",
        )
        .rules(&["R4"])
        .check(|| {
            let m = vec![vec![1e-10, 1e-17], vec![2e-10, 3e-17], vec![4e-10, 2e-17]];
            expect_eq(&cand::standardise(&m), &refr::standardise(&m))
        }),
        case(
            "a_nan_cell_does_not_poison_its_column",
            Kind::EdgeNan,
            "one missing value must not turn the other cells of its column into NaN",
        )
        .rules(&["R2"])
        .weight(2)
        .check(|| {
            let m = vec![vec![1.0, 2.0], vec![NAN, 5.0], vec![3.0, NAN], vec![2.0, 4.0]];
            let out = cand::standardise(&m).map_err(|e| Failure::new(format!("standardise returned Err({e})")))?;
            expect(out.len() == m.len(), format!("{} rows in, {} rows out", m.len(), out.len()))?;
            for (i, (row, got)) in m.iter().zip(&out).enumerate() {
                for (c, (x, z)) in row.iter().zip(got).enumerate() {
                    expect(
                        x.is_nan() || z.is_finite(),
                        format!("row {i}, column {c}: the value {x} became {z} beside a NaN cell of its column"),
                    )?;
                }
            }
            Ok(())
        }),
        case(
            "nan_cells_are_skipped_and_kept",
            Kind::EdgeNan,
            "missing values do not count in the mean or std, and stay missing in the output",
        )
        .rules(&["R2", "R3"])
        .check(|| {
            let m = vec![vec![1.0, 2.0], vec![NAN, 5.0], vec![3.0, NAN], vec![2.0, 4.0]];
            expect_eq(&cand::standardise(&m), &refr::standardise(&m))
        }),
        case("an_all_nan_column_stays_nan", Kind::EdgeNan, "a feature never observed stays missing, without a crash")
            .rules(&["R5"])
            .check(|| {
                let m = vec![vec![NAN, 1.0], vec![NAN, 3.0]];
                expect_eq(&cand::standardise(&m), &Ok(vec![vec![NAN, -1.0], vec![NAN, 1.0]]))?;
                expect_eq(&cand::standardise(&vec![vec![NAN], vec![NAN]]), &Ok(vec![vec![NAN], vec![NAN]]))
                    .context("a single all-NaN column")
            }),
        case(
            "standardises_50k_rows",
            Kind::Scaling,
            "O(n·d): each column's statistics are computed once, not per cell (the width grows with the rows)",
        )
        .rules(&["R8"])
        .size(50_000)
        .scaling(
            |g| wide_matrix(g, g.size()),
            |m: &Matrix| digest(cand::standardise(m)),
            |m: &Matrix| digest(refr::standardise(m)),
        ),
        // Follow-up stage `fit-transform`.
        case(
            "transform_applies_the_training_statistics",
            Kind::Correctness,
            "serving must use the statistics fitted on training data, not the batch's own",
        )
        .rules(&["fit-transform.R4"])
        .stage("fit-transform")
        .weight(2)
        .check(|| {
            let input = (vec![vec![0.0, 10.0], vec![4.0, 30.0]], vec![vec![6.0, 20.0], vec![2.0, 50.0]]);
            expect_eq(&cand::fit_transform(&input), &Ok(vec![vec![2.0, 0.0], vec![0.0, 3.0]]))
        }),
        case(
            "fit_transform_matches_the_reference",
            Kind::Correctness,
            "fitted on one matrix, applied to another of the same width",
        )
        .rules(&["fit-transform.R1", "fit-transform.R4"])
        .edges(Edges::NAN, &["fit-transform.R1", "fit-transform.R4"])
        .edges(Edges::EMPTY, &["fit-transform.R3"])
        .stage("fit-transform")
        .weight(2)
        .differential_within(
            |g| {
                let width = g.usize(1, 4);
                let train = random_matrix(g, width);
                // An empty serving batch only when that edge class is on.
                let n = g.len();
                let n = if g.edges().contains(Edges::EMPTY) { n } else { n.max(1) };
                (train, g.vec(n, |g| g.vec(width, |g| g.f64(-80.0, 80.0))))
            },
            |(train, _): &(Matrix, Matrix)| columns_vary(train),
            cand::fit_transform,
            refr::fit_transform,
        ),
        case(
            "fit_returns_each_columns_mean_and_population_std",
            Kind::Correctness,
            "the fitted statistics are the column means and population stds, and the shape is checked",
        )
        .rules(&["fit-transform.R1"])
        .stage("fit-transform")
        .check(|| {
            let m = vec![vec![1.0, 10.0], vec![3.0, 30.0], vec![5.0, 20.0]];
            let stats = (vec![3.0, 20.0], vec![(8.0f64 / 3.0).sqrt(), (200.0f64 / 3.0).sqrt()]);
            expect_eq(&cand::fit(&m), &Ok(stats))?;
            expect_eq(&cand::fit(&vec![vec![1.0, 2.0], vec![3.0]]), &Err(ragged(1, 2, 1))).context("ragged rows")
        }),
        case(
            "a_constant_training_column_has_std_zero",
            Kind::EdgeTies,
            "a feature constant in training is fitted with std exactly 0.0, not a rounding residue",
        )
        .rules(&["fit-transform.R2"])
        .stage("fit-transform")
        .check(|| {
            let m = vec![vec![0.1, 5.0], vec![0.1, 5.0], vec![0.1, 5.0]];
            let (means, stds) =
                cand::fit(&m).map_err(|e| Failure::new(format!("fit returned Err({e}) on a constant matrix")))?;
            expect_eq(&means, &vec![0.1, 5.0])?;
            expect(stds.iter().all(|s| *s == 0.0), format!("the stds of two constant columns are {stds:?}, not 0.0"))
        }),
        case(
            "fit_gives_a_column_without_values_nan_statistics",
            Kind::EdgeNan,
            "a feature never observed in training has no mean and no std: NaN, not a made-up 0.0",
        )
        .rules(&["fit-transform.R2"])
        .stage("fit-transform")
        .check(|| {
            let m = vec![vec![NAN, 1.0], vec![NAN, 3.0]];
            expect_eq(&cand::fit(&m), &Ok((vec![NAN, 2.0], vec![NAN, 1.0])))
        }),
        case(
            "a_zero_std_column_transforms_to_zero",
            Kind::EdgeTies,
            "a feature constant in training carries no signal at serving: 0.0 whatever the value, NaN still NaN",
        )
        .rules(&["fit-transform.R4"])
        .stage("fit-transform")
        .check(|| {
            let stats = (vec![5.0], vec![0.0]);
            let rows = vec![vec![7.0], vec![NAN], vec![7.0]];
            expect_eq(&cand::transform(&stats, &rows), &Ok(vec![vec![0.0], vec![NAN], vec![0.0]]))
        }),
        case(
            "a_nan_statistic_transforms_to_nan",
            Kind::Correctness,
            "a column fitted without any value has nothing to apply: every serving cell is NaN",
        )
        .rules(&["fit-transform.R4"])
        .stage("fit-transform")
        .check(|| {
            let stats = (vec![NAN, 2.0], vec![NAN, 1.0]);
            let rows = vec![vec![4.0, 3.0], vec![NAN, 1.0]];
            expect_eq(&cand::transform(&stats, &rows), &Ok(vec![vec![NAN, 1.0], vec![NAN, -1.0]]))
        }),
        case(
            "transform_rejects_a_different_width",
            Kind::Correctness,
            "a model fitted on 2 features cannot score rows of 3",
        )
        .rules(&["fit-transform.R3"])
        .stage("fit-transform")
        .check(|| {
            let input = (vec![vec![0.0, 1.0], vec![2.0, 3.0]], vec![vec![1.0, 1.0], vec![1.0, 2.0, 3.0]]);
            expect_eq(&cand::fit_transform(&input), &Err(ragged(1, 2, 3)))
        }),
        case(
            "transform_checks_rows_against_the_fitted_width",
            Kind::Correctness,
            "the width is the scaler's, not the batch's first row: a batch all of the wrong width is an error at row 0",
        )
        .rules(&["fit-transform.R3"])
        .stage("fit-transform")
        .check(|| {
            let stats = (vec![0.0, 0.0], vec![1.0, 1.0]);
            let wider = vec![vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0]];
            expect_eq(&cand::transform(&stats, &wider), &Err(ragged(0, 2, 3))).context("rows of 3 for 2 features")?;
            expect_eq(&cand::transform(&stats, &vec![vec![1.0]]), &Err(ragged(0, 2, 1))).context("a row of 1")?;
            let no_features = (Vec::new(), Vec::new());
            expect_eq(&cand::transform(&no_features, &vec![vec![1.0]]), &Err(ragged(0, 0, 1)))
                .context("a row of 1 for a scaler of width 0")
        }),
        case(
            "fitting_and_transforming_no_rows",
            Kind::EdgeEmpty,
            "no training rows fit a scaler of width 0; no serving rows give no output",
        )
        .rules(&["fit-transform.R1", "fit-transform.R3"])
        .stage("fit-transform")
        .check(|| {
            expect_eq(&cand::fit(&Vec::new()), &Ok((Vec::new(), Vec::new()))).context("fit on 0 rows")?;
            let stats = (vec![1.0, 2.0], vec![0.5, 1.0]);
            expect_eq(&cand::transform(&stats, &Vec::new()), &Ok(Vec::new())).context("transform of 0 rows")?;
            expect_eq(&cand::fit_transform(&(Vec::new(), vec![vec![], vec![]])), &Ok(vec![vec![], vec![]]))
                .context("rows of width 0 through a scaler of width 0")
        }),
        case(
            "fits_and_transforms_50k_rows",
            Kind::Scaling,
            "fit and transform are each O(n·d): statistics computed once per column and applied once per cell",
        )
        .rules(&["fit-transform.R5"])
        .stage("fit-transform")
        .size(50_000)
        .scaling(
            |g| {
                let n = g.size();
                (wide_matrix(g, n), wide_matrix(g, n))
            },
            |input: &(Matrix, Matrix)| digest(cand::fit_transform(input)),
            |input: &(Matrix, Matrix)| digest(refr::fit_transform(input)),
        ),
        case(
            "fitting_holds_only_the_statistics",
            Kind::Memory,
            "fit keeps O(d) statistics: a copy of the 200,000-row training matrix, or of one column, is over budget",
        )
        .rules(&["fit-transform.R6"])
        .stage("fit-transform")
        .size(200_000)
        .memory(
            |n| Gen::new(17, n).vec(n, |g| g.vec(4, |g| g.f64(-1000.0, 1000.0))),
            |m: Matrix| cand::fit(&m),
            |m: Matrix| refr::fit(&m),
        ),
    ]
}

//! Hidden suite: per-feature standardisation (z-scores) with population std, NaN-aware.

use harness_support::prelude::*;

use candidate as cand;
use reference as refr;

type Matrix = Vec<Vec<f64>>;
type Out = Result<Matrix, String>;

fn cand_err(e: cand::ShapeError) -> String {
    match e {
        cand::ShapeError::Ragged { row, expected, got } => {
            format!("Ragged {{ row: {row}, expected: {expected}, got: {got} }}")
        }
    }
}

fn refr_err(e: refr::ShapeError) -> String {
    match e {
        refr::ShapeError::Ragged { row, expected, got } => {
            format!("Ragged {{ row: {row}, expected: {expected}, got: {got} }}")
        }
    }
}

fn cand_std(m: &Matrix) -> Out {
    cand::standardise(m).map_err(cand_err)
}

fn refr_std(m: &Matrix) -> Out {
    refr::standardise(m).map_err(refr_err)
}

fn cand_fit_transform((train, test): &(Matrix, Matrix)) -> Out {
    cand::Scaler::fit(train).and_then(|s| s.transform(test)).map_err(cand_err)
}

fn refr_fit_transform((train, test): &(Matrix, Matrix)) -> Out {
    refr::Scaler::fit(train).and_then(|s| s.transform(test)).map_err(refr_err)
}

/// A random matrix of at least two rows with continuous values, so no column is constant (ties and single rows
/// belong to the edge cases) and no cell is NaN.
fn random_matrix(g: &mut Gen, width: usize) -> Matrix {
    let n = 2 + g.len();
    g.vec(n, |g| g.vec(width, |g| g.f64(-50.0, 50.0)))
}

fn at_least_two_rows(m: &Matrix) -> bool {
    m.len() >= 2
}

const NAN: f64 = f64::NAN;

pub fn cases() -> Vec<Case> {
    vec![
        case("standardises_a_small_matrix", Kind::Correctness, "each column gets mean 0 and population std 1")
            .weight(2)
            .check(|| {
                let m = vec![vec![1.0, 100.0, -3.0], vec![2.0, 300.0, 5.0], vec![6.0, 200.0, 1.0]];
                expect_eq(&cand_std(&m), &refr_std(&m))
            }),
        case(
            "matches_the_reference_on_random_matrices",
            Kind::Correctness,
            "any rectangular matrix is standardised column by column",
        )
        .weight(3)
        .differential_within(
            |g| {
                let width = g.usize(1, 5);
                random_matrix(g, width)
            },
            at_least_two_rows,
            cand_std,
            refr_std,
        ),
        case("uses_the_population_std", Kind::Correctness, "numpy's default is ddof 0: divide by n, not n - 1")
            .check(|| expect_eq(&cand_std(&vec![vec![1.0], vec![3.0]]), &Ok(vec![vec![-1.0], vec![1.0]]))),
        case(
            "keeps_its_precision_far_from_zero",
            Kind::Correctness,
            "timestamps near 1.7e9 spread over thousands: E[x²] − E[x]² cancels to noise, two passes (or Welford) do not",
        )
        .check(|| {
            let m = vec![vec![1_700_000_000.0], vec![1_700_001_000.0], vec![1_700_007_000.0]];
            expect_eq(&cand_std(&m), &refr_std(&m))
        }),
        case(
            "ragged_rows_are_an_error",
            Kind::Correctness,
            "a row of the wrong width is a data bug to report, not to pad or truncate",
        )
        .check(|| {
            let m = vec![vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0], vec![7.0, 8.0]];
            expect_eq(&cand_std(&m), &Err("Ragged { row: 2, expected: 3, got: 2 }".to_owned()))
        }),
        case(
            "transform_applies_the_training_statistics",
            Kind::Correctness,
            "serving must use the statistics fitted on training data, not the batch's own",
        )
        .stage("fit-transform")
        .weight(2)
        .check(|| {
            let input = (vec![vec![0.0, 10.0], vec![4.0, 30.0]], vec![vec![6.0, 20.0], vec![2.0, 50.0]]);
            expect_eq(&cand_fit_transform(&input), &Ok(vec![vec![2.0, 0.0], vec![0.0, 3.0]]))
        }),
        case(
            "fit_transform_matches_the_reference",
            Kind::Correctness,
            "fitted on one matrix, applied to another of the same width",
        )
        .stage("fit-transform")
        .weight(2)
        .differential_within(
            |g| {
                let width = g.usize(1, 4);
                (random_matrix(g, width), random_matrix(g, width))
            },
            |(train, test): &(Matrix, Matrix)| train.len() >= 2 && !test.is_empty(),
            cand_fit_transform,
            refr_fit_transform,
        ),
        case(
            "transform_rejects_a_different_width",
            Kind::Correctness,
            "a model fitted on 2 features cannot score rows of 3",
        )
        .stage("fit-transform")
        .check(|| {
            let input = (vec![vec![0.0, 1.0], vec![2.0, 3.0]], vec![vec![1.0, 1.0], vec![1.0, 2.0, 3.0]]);
            expect_eq(&cand_fit_transform(&input), &Err("Ragged { row: 1, expected: 2, got: 3 }".to_owned()))
        }),
        case("an_empty_matrix_is_empty", Kind::EdgeEmpty, "no rows is a valid batch; zero-width rows too")
            .weight(2)
            .check(|| {
                expect_eq(&cand_std(&Vec::new()), &Ok(Vec::new())).context("0 rows")?;
                expect_eq(&cand_std(&vec![vec![], vec![]]), &Ok(vec![vec![], vec![]])).context("0 columns")
            }),
        case("a_single_row_becomes_zeros", Kind::EdgeSingle, "one row has zero variance in every column: 0.0, not NaN")
            .check(|| expect_eq(&cand_std(&vec![vec![3.0, -2.0, NAN]]), &Ok(vec![vec![0.0, 0.0, NAN]]))),
        case(
            "a_constant_column_becomes_zeros_not_nan",
            Kind::EdgeTies,
            "a feature whose values all tie carries no signal: 0.0, never NaN or inf",
        )
        .weight(2)
        .check(|| {
            let m = vec![vec![5.0, 1.0, 0.1], vec![5.0, 2.0, 0.1], vec![5.0, 3.0, 0.1]];
            let expected = refr_std(&m);
            expect_eq(&cand_std(&m), &expected)
        }),
        case(
            "nan_cells_are_skipped_and_kept",
            Kind::EdgeNan,
            "missing values must not poison their column, and must stay missing",
        )
        .weight(2)
        .check(|| {
            let m = vec![vec![1.0, 2.0, NAN], vec![NAN, NAN, NAN], vec![3.0, 6.0, NAN], vec![2.0, 4.0, NAN]];
            let expected = refr_std(&m);
            expect_eq(&cand_std(&m), &expected)
        }),
        case(
            "standardises_100k_rows",
            Kind::Scaling,
            "O(n·d): each column's statistics are computed once, not per cell",
        )
        .size(100_000)
        .scaling(
            |g| {
                let n = g.size();
                g.vec(n, |g| g.vec(4, |g| g.f64(-1000.0, 1000.0)))
            },
            |m: &Matrix| cand_std(m).map(|o| o.len()),
            |m: &Matrix| refr_std(m).map(|o| o.len()),
        ),
    ]
}

//! Integration tests: they run the real `harness` binary on the bundled problems, solutions and fixtures.

// Scores are rounded to one decimal by the rubric, so comparing them exactly is what the tests mean.
#![allow(clippy::float_cmp)]

mod cli;
mod grade;
mod quality;
mod report;
mod scaling;
mod session;
mod support;
mod verify;

//! Integration tests: they run the real `harness` binary on the bundled problems, solutions and fixtures.

// Scores are rounded to one decimal by the rubric, so comparing them exactly is what the tests mean.
#![allow(clippy::float_cmp)]

mod batch;
mod cli;
mod confine;
mod environment;
mod grade;
mod hostile;
mod quality;
mod report;
mod scaling;
mod session;
mod support;
mod verify;
mod xsd;

//! Nothing to link: this crate exists for its benchmark, `benches/references.rs` (`cargo bench -p harness-calibration`).

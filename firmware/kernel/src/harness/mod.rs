//! The on-target benchmark harness: counters, calibrated sampling, and the RUN loop.
//!
//! `counter` defines what a board's counter must provide and measures one region with it;
//! `runner` runs the selected benchmarks and reports RESULT and DONE frames.

pub mod counter;
pub mod runner;

pub use counter::{Counter, Sampler};
pub use runner::{Benchmark, Overhead, run};

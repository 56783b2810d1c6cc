//! The RUN loop: selected benchmarks, one warm-up, N samples, RESULT frames, DONE.
//!
//! Benchmarks are plain function pointers over a fixture `F` the board owns (processes,
//! buffers), so the harness knows nothing about what is measured. Samples are net counts:
//! the calibrated overhead is subtracted, saturating at zero, and sent along in each RESULT.
//! A body may find no sample to take (a host that never answers a TRIGGER): the benchmark
//! then stops, reports the samples it has, and says so in a LOG.

use core::fmt::Write as _;

use super::counter::{Counter, Sampler};
use crate::protocol::decoder::Selection;
use crate::protocol::frame::ByteSink;
use crate::protocol::messages;

/// Whether a benchmark's samples have the counter overhead subtracted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overhead {
    /// Net samples (the normal case); RESULT reports the overhead subtracted.
    Subtract,
    /// Raw samples, overhead field 0 (the calibration itself, `counter/overhead`).
    Keep,
}

/// One benchmark: a name, a parameter, and a body that measures one sample.
pub struct Benchmark<C: Counter, F> {
    /// `family/case`, as the host reports it.
    pub name: &'static str,
    /// Payload size in bytes, 0 if none.
    pub parameter: u32,
    /// Whether to subtract the counter overhead.
    pub overhead: Overhead,
    /// Runs the operation once between two counter reads; returns the raw count, or `None`
    /// when no sample could be taken (the benchmark stops there).
    pub body: fn(&Sampler<C>, &mut F) -> Option<u32>,
}

/// Runs every benchmark `selection` selects (by row index) with `repetitions` samples each (capped at
/// `samples.len()`), sends its RESULT frame(s), then DONE; returns the RESULT count.
///
/// A first run of each body is discarded: it warms whatever is cold (QEMU's translation cache,
/// a process's first entry) so that every reported repetition measures the same path. When a
/// benchmark's samples do not fit one 512-byte frame they are split over several RESULTs with
/// the same name and parameter.
pub fn run<C: Counter, F>(
    benchmarks: &[Benchmark<C, F>],
    repetitions: u16,
    selection: &Selection,
    sampler: &Sampler<C>,
    fixture: &mut F,
    samples: &mut [u32],
    sink: &mut impl ByteSink,
) -> u16 {
    let count = usize::from(repetitions).min(samples.len());
    let mut frames: u16 = 0;
    for (_, benchmark) in benchmarks.iter().enumerate().filter(|(i, _)| selection.includes(*i)) {
        let overhead = match benchmark.overhead {
            Overhead::Subtract => sampler.overhead(),
            Overhead::Keep => 0,
        };
        let _warm_up = (benchmark.body)(sampler, fixture);
        let mut taken = 0;
        for sample in samples[..count].iter_mut() {
            let Some(raw) = (benchmark.body)(sampler, fixture) else { break };
            *sample = raw.saturating_sub(overhead);
            taken += 1;
        }
        if taken < count {
            let mut text: crate::protocol::frame::TextBuffer = crate::protocol::frame::TextBuffer::new();
            let _ = write!(text, "{}: {taken} of {count} samples taken", benchmark.name);
            messages::log(sink, text.as_str());
        }
        let mut sent = 0;
        while sent < taken {
            sent += messages::result(sink, benchmark.name, benchmark.parameter, overhead, &samples[sent..taken]);
            frames = frames.wrapping_add(1);
        }
    }
    messages::done(sink, frames, 0);
    frames
}

#[cfg(test)]
mod tests {
    use super::{Benchmark, Overhead, run};
    use crate::harness::counter::{Counter, Sampler};
    use crate::protocol::decoder::Selection;
    use crate::protocol::messages::Unit;

    /// A counter frozen at one value.
    struct StepCounter(core::cell::Cell<u32>);
    impl Counter for StepCounter {
        const UNIT: Unit = Unit::Instructions;
        fn now(&self) -> u32 {
            self.0.get()
        }
        fn elapsed(&self, start: u32, end: u32) -> u32 {
            end - start
        }
    }

    fn ten(s: &Sampler<StepCounter>, _: &mut ()) -> Option<u32> {
        Some(s.measure(|| ()).0 + 10)
    }

    /// Gives up after `*left` samples.
    fn limited(s: &Sampler<StepCounter>, left: &mut u32) -> Option<u32> {
        *left = left.checked_sub(1)?;
        Some(s.measure(|| ()).0 + 1)
    }

    fn benches() -> [Benchmark<StepCounter, ()>; 2] {
        [
            Benchmark { name: "counter/overhead", parameter: 0, overhead: Overhead::Keep, body: ten },
            Benchmark { name: "cell/copy", parameter: 64, overhead: Overhead::Subtract, body: ten },
        ]
    }

    /// A counter that never moves: zero overhead, so every sample is the body's 10.
    fn sampler() -> Sampler<StepCounter> {
        Sampler::calibrate(StepCounter(core::cell::Cell::new(0)))
    }

    #[test]
    fn the_selection_picks_rows_and_done_counts_results() {
        let mut out = Vec::new();
        let mut samples = [0u32; 8];
        let n = run(&benches(), 3, &Selection::new(&[0b10]).unwrap(), &sampler(), &mut (), &mut samples, &mut out);
        assert_eq!(n, 1);
        // RESULT: header 5, name 10, param 4, overhead 4, n 2, 3 samples 12, crc 2 = 39 bytes.
        assert_eq!(out[2], 0x02);
        assert_eq!(&out[5 + 10 + 8..5 + 10 + 10], &[3, 0]);
        assert_eq!(&out[25..29], &10u32.to_le_bytes());
        assert_eq!(&out[39..42], &[0xA5, 0x5A, 0x03]);
        assert_eq!(&out[44..46], &[1, 0]);
    }

    #[test]
    fn long_runs_are_split_over_several_results() {
        let mut out = Vec::new();
        let mut samples = [0u32; 1000];
        let n = run(&benches(), 1000, &Selection::ALL, &sampler(), &mut (), &mut samples, &mut out);
        // counter/overhead: 512 - 17 - 10 = 485 / 4 = 121 per frame -> 9 frames;
        // cell/copy: 123 per frame -> 9 frames.
        assert_eq!(n, 18);
    }

    #[test]
    fn a_body_that_gives_up_reports_what_it_took_and_logs_it() {
        let mut out = Vec::new();
        let mut samples = [0u32; 8];
        let benches = [Benchmark { name: "irq/host", parameter: 0, overhead: Overhead::Subtract, body: limited }];
        // Warm-up takes one, then two samples, then none.
        let n = run(&benches, 5, &Selection::ALL, &sampler(), &mut 3, &mut samples, &mut out);
        assert_eq!(n, 1);
        assert_eq!(out[2], 0x05);
        let text = "irq/host: 2 of 5 samples taken";
        assert_eq!(&out[6..6 + text.len()], text.as_bytes());
        let result = 5 + 1 + text.len() + 2;
        assert_eq!(out[result + 2], 0x02);
        // None at all: a LOG, no RESULT.
        out.clear();
        let n = run(&benches, 5, &Selection::ALL, &sampler(), &mut 0, &mut samples, &mut out);
        assert_eq!((n, out[2]), (0, 0x05));
    }
}

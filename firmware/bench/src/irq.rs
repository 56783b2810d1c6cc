//! `irq/*`, `irq_c/*`: from raising an interrupt to its top half, and to its bottom half.
//!
//! - `irq/sw_to_handler`: the kernel pends `Platform::SOFTWARE_IRQ` through STIR (a call to a
//!   non-inlined function, as the C twin is a call); the region ends at the top half's counter
//!   read, the third instruction of `cortexm`'s `irq_handler` (two loads find the counter).
//! - `irq_c/sw_to_handler`: the same in C, to `rig_c_irq_handler`'s counter read (also its
//!   third instruction).
//! - `irq/sw_to_bottom_half`: pend, top half, return, then the kernel loop's
//!   `service_pending` runs the bottom half, whose first act reads the counter.
//! - `irq/host_to_bottom_half`: per sample the firmware sends TRIGGER naming the board's line
//!   and source (`Platform::arm_host_trigger`) and the host raises the interrupt from outside:
//!   on QEMU a byte on UART0, whose RX interrupt fires; on the nRF52 and SAM4L boards the host
//!   sets the line's NVIC pending bit over SWD while the core runs (an unused line, so the
//!   bottom half has no device work). The sample is the bottom half's counter read minus the
//!   top half's. A host that does not answer within `HOST_WAIT_ROUNDS` ends the benchmark with
//!   the samples taken so far. The real-board path is untested on hardware here (no board is
//!   attached to the machine this was written on).

use core::sync::atomic::{Ordering, compiler_fence};

use kernel::harness::{Counter, Sampler};
use kernel::interrupts::{InterruptController, service_pending};
use kernel::process::UserspaceKernelBoundary;
use kernel::protocol::messages;

use crate::{Fixture, Platform};

/// Kernel-loop rounds to wait for a software interrupt (it is taken at once on every core).
const SOFTWARE_WAIT_ROUNDS: u32 = 1000;
/// Kernel-loop rounds to wait for the host's answer to a TRIGGER: about ten seconds on an idle
/// QEMU. The answer's latency is the host's scheduling, not the target's: on a loaded CI machine
/// a one-second bound (the first choice) lost samples now and then, and a short sample count
/// breaks run-to-run determinism. A host that never answers costs this wait once per RUN.
const HOST_WAIT_ROUNDS: u32 = 40_000_000;

/// Pends `line` from software: the Rust twin of the C baseline's call.
#[inline(never)]
fn pend<I: InterruptController>(interrupts: &I, line: u32) {
    interrupts.trigger(line);
}

/// Runs the kernel loop's bottom-half step until `line`'s bottom half ran, at most `rounds`
/// times; returns (top-half timestamp, bottom-half timestamp).
#[inline(always)]
fn wait_for_bottom_half<C: Counter, I: InterruptController>(
    counter: &C,
    interrupts: &I,
    line: u32,
    rounds: u32,
    mut device: impl FnMut(),
) -> Option<(u32, u32)> {
    let mut seen = None;
    for _ in 0..rounds {
        service_pending(interrupts, |interrupt| {
            let now = counter.now();
            if interrupt.line == line {
                device();
                seen = Some((interrupt.timestamp, now));
            }
        });
        if seen.is_some() {
            break;
        }
    }
    seen
}

/// `irq/sw_to_handler`.
pub fn sw_to_handler<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    _: &mut Fixture<B, P>,
) -> Option<u32> {
    let (counter, interrupts) = (sampler.counter(), P::interrupts());
    let start = counter.now();
    compiler_fence(Ordering::SeqCst);
    pend(&interrupts, P::SOFTWARE_IRQ);
    compiler_fence(Ordering::SeqCst);
    let (top_half, _) = wait_for_bottom_half(counter, &interrupts, P::SOFTWARE_IRQ, SOFTWARE_WAIT_ROUNDS, || ())?;
    Some(counter.elapsed(start, top_half))
}

/// `irq/sw_to_bottom_half`.
pub fn sw_to_bottom_half<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    _: &mut Fixture<B, P>,
) -> Option<u32> {
    let (counter, interrupts) = (sampler.counter(), P::interrupts());
    let start = counter.now();
    compiler_fence(Ordering::SeqCst);
    pend(&interrupts, P::SOFTWARE_IRQ);
    let (_, bottom_half) = wait_for_bottom_half(counter, &interrupts, P::SOFTWARE_IRQ, SOFTWARE_WAIT_ROUNDS, || ())?;
    Some(counter.elapsed(start, bottom_half))
}

/// `irq_c/sw_to_handler`.
pub fn c_sw_to_handler<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    _: &mut Fixture<B, P>,
) -> Option<u32> {
    let counter = sampler.counter();
    let start = counter.now();
    compiler_fence(Ordering::SeqCst);
    baseline_c::c_baseline::sw_to_handler(P::C_IRQ);
    compiler_fence(Ordering::SeqCst);
    Some(counter.elapsed(start, baseline_c::c_baseline::timestamp()))
}

/// `irq/host_to_bottom_half`.
pub fn host_to_bottom_half<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    fixture: &mut Fixture<B, P>,
) -> Option<u32> {
    if fixture.host_silent {
        return None;
    }
    let trigger = P::arm_host_trigger()?;
    let line = trigger.line;
    // Lines are below 496 on every Cortex-M; one that does not fit the frame is not asked for.
    let Ok(irq) = u16::try_from(line) else {
        P::disarm_host_trigger();
        return None;
    };
    let interrupts = P::interrupts();
    interrupts.enable(line);
    messages::trigger(&mut fixture.console, trigger.source, irq, fixture.triggers);
    fixture.triggers = fixture.triggers.wrapping_add(1);
    let seen =
        wait_for_bottom_half(sampler.counter(), &interrupts, line, HOST_WAIT_ROUNDS, P::acknowledge_host_trigger);
    interrupts.disable(line);
    P::disarm_host_trigger();
    let Some((top_half, bottom_half)) = seen else {
        fixture.host_silent = true;
        return None;
    };
    Some(sampler.counter().elapsed(top_half, bottom_half))
}

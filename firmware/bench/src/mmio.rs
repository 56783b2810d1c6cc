//! `mmio/*`, `mmio_c/*`: a device register's field changed raw, typed, and in C.
//!
//! The same register for all (the board's `Platform::mmio_register`), the same field value,
//! each through one non-inlined function taking the register and the field's mask and value as
//! arguments, so the three regions differ only in how the body is written: raw volatile loads
//! and stores with a hand-made mask, `ReadWrite::modify(FieldValue)`, or C's
//! `*reg = (*reg & ~mask) | value`.

use core::hint::black_box;

use kernel::harness::{Counter, Sampler};
use kernel::process::UserspaceKernelBoundary;
use kernel::registers::{FieldValue, RawRegister, ReadWrite, ReadWriteable, RegisterLongName};

use crate::{Fixture, Platform};

#[inline(never)]
fn raw_write_read_body(register: RawRegister, word: u32) -> u32 {
    register.write(word);
    register.read()
}

#[inline(never)]
fn raw_modify_body(register: RawRegister, mask: u32, value: u32) {
    register.write((register.read() & !mask) | value);
}

#[inline(never)]
fn typed_modify_body<R: RegisterLongName>(register: &ReadWrite<R>, value: FieldValue<R>) {
    register.modify(value);
}

/// `mmio/raw_write_read`: one volatile store of the whole word, one load back.
pub fn raw_write_read<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    _: &mut Fixture<B, P>,
) -> Option<u32> {
    let register = black_box(RawRegister::of(P::mmio_register()));
    Some(sampler.measure(|| raw_write_read_body(register, P::MMIO_FIELD.value)).0)
}

/// `mmio/raw_modify`: volatile load, mask, or, volatile store.
pub fn raw_modify<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    _: &mut Fixture<B, P>,
) -> Option<u32> {
    let register = black_box(RawRegister::of(P::mmio_register()));
    let field = P::MMIO_FIELD;
    Some(sampler.measure(|| raw_modify_body(register, field.mask, field.value)).0)
}

/// `mmio/typed_modify`: `register.modify(FIELD)`.
pub fn typed_modify<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    _: &mut Fixture<B, P>,
) -> Option<u32> {
    let register = black_box(P::mmio_register());
    Some(sampler.measure(|| typed_modify_body(register, P::MMIO_FIELD)).0)
}

/// `mmio_c/raw_modify`: the C driver's read-modify-write.
pub fn c_raw_modify<C: Counter, B: UserspaceKernelBoundary, P: Platform>(
    sampler: &Sampler<C>,
    _: &mut Fixture<B, P>,
) -> Option<u32> {
    let register = black_box(RawRegister::of(P::mmio_register()));
    let field = P::MMIO_FIELD;
    Some(sampler.measure(|| baseline_c::c_baseline::raw_modify(register, field.mask, field.value)).0)
}

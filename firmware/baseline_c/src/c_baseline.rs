//! Safe wrappers over the C functions; the only trusted code of the C baseline.
//!
//! Each wrapper is `#[inline(always)]`, so a benchmark's region holds exactly the C function's
//! call and body: the `bl`, the argument moves before it, and the C code up to its return.

#![allow(unsafe_code)]

/// A payload of `N` bytes as the C side declares it (`struct rig_payload_N`).
#[repr(C)]
pub struct Payload<const N: usize> {
    /// The bytes.
    pub bytes: [u8; N],
}

// SAFETY: these declarations match baseline.h's prototypes (`repr(C)` payloads, u32s).
unsafe extern "C" {
    fn cell_c_struct_copy_4(cell: *mut Payload<4>);
    fn cell_c_struct_copy_16(cell: *mut Payload<16>);
    fn cell_c_struct_copy_64(cell: *mut Payload<64>);
    fn cell_c_struct_copy_256(cell: *mut Payload<256>);
    fn cell_c_struct_copy_1024(cell: *mut Payload<1024>);
    fn cell_c_pointer_4(cell: *mut Payload<4>);
    fn cell_c_pointer_16(cell: *mut Payload<16>);
    fn cell_c_pointer_64(cell: *mut Payload<64>);
    fn cell_c_pointer_256(cell: *mut Payload<256>);
    fn cell_c_pointer_1024(cell: *mut Payload<1024>);
    fn mmio_c_raw_modify(register: *mut u32, mask: u32, value: u32);
    fn irq_c_set_counter(address: u32);
    fn irq_c_sw_to_handler(line: u32);
    fn irq_c_timestamp() -> u32;
}

/// The C cell bodies for one payload size.
pub trait CellBaseline {
    /// Copies the payload out, changes byte 0, copies it back (C struct assignment).
    fn struct_copy(&mut self);
    /// Changes byte 0 through the pointer.
    fn pointer(&mut self);
}

macro_rules! cell_baseline {
    ($($n:literal => $copy:ident, $pointer:ident;)*) => {$(
        impl CellBaseline for Payload<$n> {
            #[inline(always)]
            fn struct_copy(&mut self) {
                // SAFETY: `self` is a live, exclusive `struct rig_payload_N` (same size, align
                // 1, `repr(C)`); the C function touches only those N bytes and keeps no pointer.
                unsafe { $copy(self) }
            }
            #[inline(always)]
            fn pointer(&mut self) {
                // SAFETY: as for `struct_copy`.
                unsafe { $pointer(self) }
            }
        }
    )*};
}

cell_baseline! {
    4 => cell_c_struct_copy_4, cell_c_pointer_4;
    16 => cell_c_struct_copy_16, cell_c_pointer_16;
    64 => cell_c_struct_copy_64, cell_c_pointer_64;
    256 => cell_c_struct_copy_256, cell_c_pointer_256;
    1024 => cell_c_struct_copy_1024, cell_c_pointer_1024;
}

/// `*register = (*register & ~mask) | value`, in C, on a register the kernel's typed layer
/// vouches for (`RawRegister` gives its address).
#[inline(always)]
pub fn raw_modify(register: kernel::registers::RawRegister, mask: u32, value: u32) {
    // SAFETY: the address comes from a `ReadWrite` register cell, so it is a live, aligned,
    // read/write device register; the C function makes one volatile load and one store.
    unsafe { mmio_c_raw_modify(register.address() as *mut u32, mask, value) }
}

/// Tells the C handler which counter register to read (`InterruptController::timestamp_address`).
pub fn set_counter(address: usize) {
    // SAFETY: the C side only stores the address; it is read when the C handler runs, and the
    // caller passes the counter register the kernel's own top half reads.
    unsafe { irq_c_set_counter(address as u32) }
}

/// Pends `line` through STIR and waits until the C handler has run. The line's vector must be
/// `rig_c_irq_handler` and the line enabled, or this never returns.
#[inline(always)]
pub fn sw_to_handler(line: u32) {
    // SAFETY: writes STIR (privileged: the kernel runs privileged) and spins on a flag the C
    // handler sets; touches no Rust memory.
    unsafe { irq_c_sw_to_handler(line) }
}

/// The counter as the C handler last read it.
pub fn timestamp() -> u32 {
    // SAFETY: reads a C `static volatile uint32_t`.
    unsafe { irq_c_timestamp() }
}

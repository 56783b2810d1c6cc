#pragma once
// The paper rows that make the Rust-vs-C baselines fair (issue 14): the cell copy with both sides
// calling the same memcpy, and the frame pointer that the thumbv7em-none-eabi target forces on
// every Rust function, measured both ways (the default image against the same source built for
// firmware/targets/thumbv7em-none-eabi-nofp.json, run as the board <board>_nofp).

#include "host/report/paper.hpp"
#include "host/report/paper_figures.hpp"

#include <cstdint>

namespace rig::report {

// gcc -Os copies a struct inline up to 64 bytes and calls memcpy from 256; LLVM at opt-level "s"
// calls from 16. Both calls reach compiler_builtins' memcpy (firmware/bench/src/cell.rs, "The
// copies"); the test firmware.copy_routines checks all three facts in the image.
inline constexpr std::uint32_t c_calls_memcpy_from = 256;
inline constexpr std::uint32_t rust_calls_memcpy_from = 16;

// cell/copy/N against cell_c/struct_copy/N where both call the same memcpy.
ClaimRow same_copy_routine_row(const Figures& f);

// The kernel paths and cell rows with the frame pointer (`with`) and without it (`without`, the
// run of <board>_nofp at the same commit; null when there is none).
ClaimRow frame_pointer_cost_row(const Figures& with, const Figures* without);

// The Rust-vs-C pairs again, in the image without frame pointers.
ClaimRow rust_vs_c_without_frame_pointer_row(const Figures& with, const Figures* without);

}  // namespace rig::report
